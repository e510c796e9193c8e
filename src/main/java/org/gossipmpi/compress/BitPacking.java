package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * Fixed-width bit fields packed little-endian (the first code in the lowest bits of the first byte),
 * written and read through a 64-bit accumulator so that no code straddling bytes needs special cases.
 */
final class BitPacking {
    private BitPacking() {
    }

    /** Bytes that {@code count} codes of {@code width} bits take. */
    static int bytes(long count, int width) {
        return (int) ((count * width + 7) >>> 3);
    }

    /**
     * Writes {@code codes[0, count)}, each holding {@code width} (1..32) significant bits, at {@code offset}.
     *
     * @return the offset after the last byte written
     */
    static int pack(int[] codes, int count, int width, ByteBuffer dst, int offset) {
        long acc = 0;
        int bits = 0;
        int p = offset;
        final long mask = width == 32 ? 0xFFFFFFFFL : (1L << width) - 1;
        for (int i = 0; i < count; i++) {
            acc |= (codes[i] & mask) << bits;
            bits += width;
            if (bits >= 32) {
                dst.putInt(p, (int) acc);
                p += 4;
                acc >>>= 32;
                bits -= 32;
            }
        }
        while (bits > 0) {
            dst.put(p++, (byte) acc);
            acc >>>= 8;
            bits -= 8;
        }
        return p;
    }

    /**
     * Reads {@code count} codes of {@code width} bits from {@code offset} into {@code out[0, count)}: one tight
     * loop with the bit accumulator in locals, refilled 32 bits at a time.
     */
    static void unpack(ByteBuffer src, int offset, int end, int count, int width, int[] out) {
        if (32 % width == 0 && width < 32) {
            unpackWords(src, offset, end, count, width, out);
            return;
        }
        final long mask = width == 32 ? 0xFFFFFFFFL : (1L << width) - 1;
        long acc = 0;
        int bits = 0;
        int p = offset;
        for (int i = 0; i < count; i++) {
            if (bits < width) {
                if (p + 4 <= end) {
                    acc |= (src.getInt(p) & 0xFFFFFFFFL) << bits;
                    p += 4;
                    bits += 32;
                } else {
                    while (bits < width && p < end) {
                        acc |= (src.get(p++) & 0xFFL) << bits;
                        bits += 8;
                    }
                }
            }
            out[i] = (int) (acc & mask);
            acc >>>= width;
            bits -= width;
        }
    }

    /** For widths that divide 32: whole 32-bit words, codes extracted by independent shifts. */
    private static void unpackWords(ByteBuffer src, int offset, int end, int count, int width, int[] out) {
        final int perWord = 32 / width;
        final int mask = (1 << width) - 1;
        int i = 0;
        int p = offset;
        for (; i + perWord <= count && p + 4 <= end; p += 4) {
            final int word = src.getInt(p);
            for (int j = 0; j < perWord; j++) {
                out[i + j] = (word >>> (j * width)) & mask;
            }
            i += perWord;
        }
        int shift = 32;
        int word = 0;
        for (; i < count; i++) {
            if (shift >= 32) {
                word = 0;
                for (int b = 0; b < 4 && p + b < end; b++) {
                    word |= (src.get(p + b) & 0xFF) << (8 * b);
                }
                p += 4;
                shift = 0;
            }
            out[i] = (word >>> shift) & mask;
            shift += width;
        }
    }
}

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

    /** A sequential reader of packed codes; one per compressor, reused for every payload. */
    static final class Reader {
        private ByteBuffer src;
        private int p;
        private int end;
        private long acc;
        private int bits;
        private int width;
        private long mask;

        Reader start(ByteBuffer src, int offset, int end, int width) {
            this.src = src;
            this.p = offset;
            this.end = end;
            this.acc = 0;
            this.bits = 0;
            this.width = width;
            this.mask = width == 32 ? 0xFFFFFFFFL : (1L << width) - 1;
            return this;
        }

        int next() {
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
            final int code = (int) (acc & mask);
            acc >>>= width;
            bits -= width;
            return code;
        }
    }
}

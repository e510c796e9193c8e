package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * Sorted indices of a sparse payload, as int32 or as delta varints (LEB128 of the gap to the previous
 * index), whichever is smaller for the message at hand; {@link #FLAG_VARINT} in the header says which.
 */
final class IndexCodec {
    /** Header flag: indices are delta varints. */
    static final int FLAG_VARINT = 1;

    private IndexCodec() {
    }

    /** Bytes of the varint form of sorted {@code idx[0, k)}. */
    static long varintBytes(int[] idx, int k) {
        long bytes = 0;
        int prev = -1;
        for (int i = 0; i < k; i++) {
            bytes += varintLength(idx[i] - prev - 1);
            prev = idx[i];
        }
        return bytes;
    }

    static int varintLength(int v) {
        return v < (1 << 7) ? 1 : v < (1 << 14) ? 2 : v < (1 << 21) ? 3 : v < (1 << 28) ? 4 : 5;
    }

    /** The most bytes {@link #write} can take for k indices. */
    static long maxBytes(int k) {
        return 4L * k;
    }

    /**
     * Writes sorted {@code idx[0, k)} at {@code offset} in the smaller form; returns {flags, end offset}
     * packed as {@code (long) flags << 32 | end}.
     */
    static long write(int[] idx, int k, ByteBuffer dst, int offset) {
        if (varintBytes(idx, k) < 4L * k) {
            int p = offset;
            int prev = -1;
            for (int i = 0; i < k; i++) {
                int gap = idx[i] - prev - 1;
                prev = idx[i];
                while (gap >= 0x80) {
                    dst.put(p++, (byte) (gap | 0x80));
                    gap >>>= 7;
                }
                dst.put(p++, (byte) gap);
            }
            return (long) FLAG_VARINT << 32 | p;
        }
        int p = offset;
        for (int i = 0; i < k; i++, p += 4) {
            dst.putInt(p, idx[i]);
        }
        return p;
    }

    /** A sequential reader of the indices written by {@link #write}. */
    static final class Reader {
        private ByteBuffer src;
        private int p;
        private boolean varint;
        private int prev;

        Reader start(ByteBuffer src, int offset, int flags) {
            this.src = src;
            this.p = offset;
            this.varint = (flags & FLAG_VARINT) != 0;
            this.prev = -1;
            return this;
        }

        int next() {
            if (!varint) {
                final int v = src.getInt(p);
                p += 4;
                return v;
            }
            int gap = 0;
            int shift = 0;
            byte b;
            do {
                b = src.get(p++);
                gap |= (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            prev += gap + 1;
            return prev;
        }

        /** The offset after the last index read. */
        int position() {
            return p;
        }
    }
}

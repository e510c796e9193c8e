package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * The header every compressed payload starts with (little endian), version {@value #VERSION}:
 *
 * <pre>
 *   0               1               2               3
 *   0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *  +-------------------------------+---------------+---------------+
 *  |         magic 0x4750 "PG"     |    version    | compressor id |   0
 *  +---------------+---------------+---------------+---------------+
 *  |     flags     |                  reserved (0)                 |   4
 *  +---------------+-----------------------------------------------+
 *  |                     dimension d (int32)                       |   8
 *  +---------------------------------------------------------------+
 *  |              element count in the body (int32)                |  12
 *  +---------------------------------------------------------------+
 *  |                     scale (float32)                           |  16
 *  +---------------------------------------------------------------+
 *  |                     body: compressor-specific ...             |  20
 * </pre>
 *
 * {@code flags} are the compressor's (for example which index encoding a sparse body uses). A receiver
 * checks magic, version, compressor id and dimension against what it expects before decoding anything.
 */
public final class PayloadDescriptor {
    public static final short MAGIC = 0x4750;
    public static final byte VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 2;
    public static final int COMPRESSOR_OFFSET = 3;
    public static final int FLAGS_OFFSET = 4;
    public static final int DIMENSION_OFFSET = 8;
    public static final int COUNT_OFFSET = 12;
    public static final int SCALE_OFFSET = 16;
    public static final int HEADER_LENGTH = 20;

    private PayloadDescriptor() {
    }

    /** Writes the header at offset 0 of {@code buf} (little endian). */
    public static void write(ByteBuffer buf, int compressorId, int flags, int dimension, int count, float scale) {
        buf.putShort(MAGIC_OFFSET, MAGIC);
        buf.put(VERSION_OFFSET, VERSION);
        buf.put(COMPRESSOR_OFFSET, (byte) compressorId);
        buf.putInt(FLAGS_OFFSET, flags & 0xFF);
        buf.putInt(DIMENSION_OFFSET, dimension);
        buf.putInt(COUNT_OFFSET, count);
        buf.putFloat(SCALE_OFFSET, scale);
    }

    public static int compressorId(ByteBuffer buf) {
        return buf.get(COMPRESSOR_OFFSET) & 0xFF;
    }

    public static int flags(ByteBuffer buf) {
        return buf.get(FLAGS_OFFSET) & 0xFF;
    }

    public static int dimension(ByteBuffer buf) {
        return buf.getInt(DIMENSION_OFFSET);
    }

    public static int count(ByteBuffer buf) {
        return buf.getInt(COUNT_OFFSET);
    }

    public static float scale(ByteBuffer buf) {
        return buf.getFloat(SCALE_OFFSET);
    }

    /**
     * Returns null when the payload of {@code length} bytes in {@code buf} carries a header this receiver
     * can decode (magic, version, compressor id and dimension as expected), else what differs.
     */
    public static String mismatch(ByteBuffer buf, int length, int expectedCompressorId, int expectedDimension) {
        if (length < HEADER_LENGTH) {
            return "a payload of " + length + " bytes, shorter than the " + HEADER_LENGTH + "-byte header";
        }
        if (buf.getShort(MAGIC_OFFSET) != MAGIC) {
            return String.format("magic 0x%04x instead of 0x%04x (not a gossip-mpi payload)",
                buf.getShort(MAGIC_OFFSET), MAGIC);
        }
        final int version = buf.get(VERSION_OFFSET);
        final int id = compressorId(buf);
        final int dim = dimension(buf);
        if (version != VERSION || id != expectedCompressorId || dim != expectedDimension) {
            return "compressor " + Compressors.nameOfId(id) + " (id " + id + "), dimension " + dim
                + ", format version " + version;
        }
        return null;
    }
}

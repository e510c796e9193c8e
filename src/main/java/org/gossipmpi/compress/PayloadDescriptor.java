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
 *  |     flags     |  reserved (0) |  parameter (uint16: levels s, |   4
 *  |               |               |  bit 15 = biased variant)     |
 *  +---------------+---------------+-------------------------------+
 *  |                     dimension d (int32)                       |   8
 *  +---------------------------------------------------------------+
 *  |              element count in the body (int32)                |  12
 *  +---------------------------------------------------------------+
 *  |                     scale (float32)                           |  16
 *  +---------------------------------------------------------------+
 *  |                     reserved (0)                              |  20
 *  +---------------------------------------------------------------+
 *  |                     body: compressor-specific ...             |  24
 * </pre>
 *
 * The body starts 8-byte aligned, so that the bit-packed bodies of {@link WordPacking} are whole 64-bit
 * words. Version 1 (gossip-mpi 0.1) had a 20-byte header and byte-packed codes; it is refused.
 *
 * {@code flags} describe this message's encoding (for example whether a sparse body's indices are delta
 * varints); {@code parameter} is the compressor's setting that decoding depends on. A receiver checks
 * magic, version, compressor id, parameter and dimension against what it expects before decoding anything.
 */
public final class PayloadDescriptor {
    public static final short MAGIC = 0x4750;
    public static final byte VERSION = 2;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 2;
    public static final int COMPRESSOR_OFFSET = 3;
    public static final int FLAGS_OFFSET = 4;
    public static final int PARAMETER_OFFSET = 6;
    public static final int DIMENSION_OFFSET = 8;
    public static final int COUNT_OFFSET = 12;
    public static final int SCALE_OFFSET = 16;
    public static final int RESERVED_OFFSET = 20;
    public static final int HEADER_LENGTH = 24;

    /**
     * A payload's size in bytes, {@code bytes} worked out in long arithmetic, checked to fit one message (an MPI
     * count of bytes and a Java buffer are both limited to 2^31 - 1).
     *
     * @throws IllegalArgumentException naming the dimension and the size, when it does not fit
     */
    public static int capacity(long bytes, long d, String spec) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a " + spec + " payload of " + d + " floats takes " + bytes + " bytes,"
                + " more than one message holds (2^31 - 1 bytes): the model is too large for this compressor (a"
                + " smaller model, or one that sends less, such as topk:F or sign)");
        }
        return (int) bytes;
    }

    private PayloadDescriptor() {
    }

    /** Writes the header at offset 0 of {@code buf} (little endian). */
    public static void write(ByteBuffer buf, int compressorId, int parameter, int flags, int dimension, int count,
                             float scale) {
        buf.putShort(MAGIC_OFFSET, MAGIC);
        buf.put(VERSION_OFFSET, VERSION);
        buf.put(COMPRESSOR_OFFSET, (byte) compressorId);
        buf.putShort(FLAGS_OFFSET, (short) (flags & 0xFF));
        buf.putShort(PARAMETER_OFFSET, (short) parameter);
        buf.putInt(DIMENSION_OFFSET, dimension);
        buf.putInt(COUNT_OFFSET, count);
        buf.putFloat(SCALE_OFFSET, scale);
        buf.putInt(RESERVED_OFFSET, 0);
    }

    public static int compressorId(ByteBuffer buf) {
        return buf.get(COMPRESSOR_OFFSET) & 0xFF;
    }

    public static int flags(ByteBuffer buf) {
        return buf.get(FLAGS_OFFSET) & 0xFF;
    }

    public static int parameter(ByteBuffer buf) {
        return buf.getShort(PARAMETER_OFFSET) & 0xFFFF;
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
    public static String mismatch(ByteBuffer buf, int length, Compressor expected, int expectedDimension) {
        if (length < HEADER_LENGTH) {
            return "a payload of " + length + " bytes, shorter than the " + HEADER_LENGTH + "-byte header";
        }
        if (buf.getShort(MAGIC_OFFSET) != MAGIC) {
            return String.format("magic 0x%04x instead of 0x%04x (not a gossip-mpi payload)",
                buf.getShort(MAGIC_OFFSET), MAGIC);
        }
        final int version = buf.get(VERSION_OFFSET);
        if (version != VERSION) {
            return "payload format version " + version + ", but this rank reads only version " + VERSION
                + (version < VERSION ? " (the sender runs an older gossip-mpi)" : " (the sender runs a newer gossip-mpi)")
                + "; run the same gossip-mpi build on every rank";
        }
        final int id = compressorId(buf);
        final int dim = dimension(buf);
        final int parameter = parameter(buf);
        if (id != expected.id() || parameter != expected.headerParameter()
                || dim != expectedDimension) {
            return describe(Compressors.nameOfId(id), id, parameter, dim, version);
        }
        if (count(buf) < 0 || count(buf) > dim) {
            return "an element count of " + count(buf) + " for dimension " + dim + " (a corrupt payload)";
        }
        return null;
    }

    /** How a payload's or a receiver's settings are named in messages. */
    public static String describe(String name, int id, int parameter, int dimension, int version) {
        return "compressor " + name + " (id " + id + (parameter != 0 ? ", parameter " + parameter : "")
            + "), dimension " + dimension + ", format version " + version;
    }
}

package org.gossipmpi.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * gossip-mpi's binary data file, version 1 ({@code .gmd}, written by {@code gossip-mpi data convert}): labelled rows,
 * dense or sparse (CSR), laid out so that a rank reads only its rows, at their offsets. Little-endian throughout.
 * <pre>
 * header, 64 bytes
 *    0  magic "GMPIDATA"
 *    8  u32 format version (1)
 *   12  u32 layout: 0 dense, 1 sparse (CSR)
 *   16  u64 rows
 *   24  u32 features per row
 *   28  u32 classes of the targets (0: real values)
 *   32  u32 value type: 1 = float32
 *   36  u32 0
 *   40  u64 stored values (dense: rows x features; sparse: non-zeros)
 *   48  u32 CRC32C of the row checksums (the payload's checksum)
 *   52  u32 CRC32C of header bytes [0, 52)
 *   56  8 bytes 0
 * sections, each starting at a multiple of 8 bytes, in this order
 *   targets        f32[rows]
 *   row checksums  u32[rows]: CRC32C of the row's target, then its features (dense: the values; sparse: the column
 *                  indices, then the values), as stored
 *   dense:  values f32[rows x features]
 *   sparse: row starts u64[rows + 1] into the next two; column indices u32[non-zeros] (0-based, ascending in a
 *           row); values f32[non-zeros]
 * </pre>
 * Every rank reads the targets and the row checksums whole (8 bytes a row) and the rows it keeps, each checked
 * against its checksum.
 */
final class BinaryFormat {
    static final byte[] MAGIC = "GMPIDATA".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_BYTES = 64;
    static final int DENSE = 0;
    static final int SPARSE = 1;
    static final int FLOAT32 = 1;

    private BinaryFormat() {
    }

    /** The header's fields. */
    record Header(boolean dense, long rows, int cols, int classes, long stored, int payloadChecksum) {
        long targetsAt() {
            return HEADER_BYTES;
        }

        long checksumsAt() {
            return align(targetsAt() + 4 * rows);
        }

        /** Dense values, or sparse row starts. */
        long dataAt() {
            return align(checksumsAt() + 4 * rows);
        }

        long indicesAt() {
            return align(dataAt() + 8 * (rows + 1));
        }

        long valuesAt() {
            return dense ? dataAt() : align(indicesAt() + 4 * stored);
        }

        long fileBytes() {
            return valuesAt() + 4 * stored;
        }

        ByteBuffer encode() {
            final ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.put(MAGIC).putInt(VERSION).putInt(dense ? DENSE : SPARSE).putLong(rows).putInt(cols).putInt(classes)
                .putInt(FLOAT32).putInt(0).putLong(stored).putInt(payloadChecksum);
            final CRC32C crc = new CRC32C();
            crc.update(b.array(), 0, 52);
            b.putInt((int) crc.getValue()).putLong(0);
            return b.flip();
        }
    }

    static long align(long offset) {
        return (offset + 7) & ~7L;
    }
}

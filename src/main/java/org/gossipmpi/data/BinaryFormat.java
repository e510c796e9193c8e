package org.gossipmpi.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * gossip-mpi's binary data file, version 2 ({@code .gmd}, written by {@code gossip-mpi data convert}): labelled rows,
 * dense or sparse (CSR), laid out so that a rank reads only its rows, at their offsets, and so that a conversion
 * writes every byte once (the rows go straight to their place, the per-row tables after them). Little-endian
 * throughout.
 * <pre>
 * header, 64 bytes
 *    0  magic "GMPIDATA"
 *    8  u32 format version (2)
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
 *   rows           dense: f32[rows x features]; sparse: (u32 column index, f32 value)[non-zeros], a row's entries
 *                  together, its indices 0-based and ascending
 *   targets        f32[rows]
 *   row checksums  u32[rows]: CRC32C of the row's target, then its bytes in the rows section
 *   sparse only: row starts u64[rows + 1], in entries of the rows section
 * </pre>
 * Every rank reads the targets and the row checksums whole (8 bytes a row) and the rows it keeps, each checked
 * against its checksum. Version 1 (a conversion wrote each section to a file of its own, then joined them) put the
 * per-row tables first and the indices apart from the values.
 */
final class BinaryFormat {
    static final byte[] MAGIC = "GMPIDATA".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    static final int HEADER_BYTES = 64;
    static final int DENSE = 0;
    static final int SPARSE = 1;
    static final int FLOAT32 = 1;

    private BinaryFormat() {
    }

    /** The header's fields. */
    record Header(boolean dense, long rows, int cols, int classes, long stored, int payloadChecksum) {
        /** The rows section: dense values, or sparse (index, value) entries. */
        long rowsAt() {
            return HEADER_BYTES;
        }

        /** The bytes of one stored value in the rows section: 4 dense, 8 sparse (its index too). */
        int entryBytes() {
            return dense ? 4 : 8;
        }

        long targetsAt() {
            return align(rowsAt() + entryBytes() * stored);
        }

        long checksumsAt() {
            return align(targetsAt() + 4 * rows);
        }

        /** Sparse row starts (entries before each row, and the total). */
        long startsAt() {
            return align(checksumsAt() + 4 * rows);
        }

        long fileBytes() {
            return dense ? checksumsAt() + 4 * rows : startsAt() + 8 * (rows + 1);
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

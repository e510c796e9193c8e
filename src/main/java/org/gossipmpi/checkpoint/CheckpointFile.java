package org.gossipmpi.checkpoint;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

import org.gossipmpi.io.AtomicFiles;

/**
 * One rank's checkpoint file, format version {@value #VERSION} (big endian):
 * <pre>
 *   "GMPICKPT"  version:int  rank:int  ranks:int  step:long  fingerprint:(length:int, UTF-8 bytes)
 *   entries:    name:(length:short, UTF-8)  type:byte  count:int  values (count of them)
 *   end:        an empty name
 *   crc32 of everything before it:long
 * </pre>
 * The fingerprint lists the settings that shape the trajectory ({@code name=value} lines), so a resume with
 * other settings is refused by name. Written to a temporary file unique to the writer, forced to disk and
 * renamed into place: a reader sees a whole file or none. A truncated or altered file fails its checksum.
 */
public final class CheckpointFile {
    public static final int VERSION = 2;
    private static final byte[] MAGIC = "GMPICKPT".getBytes(StandardCharsets.US_ASCII);
    private static final byte FLOATS = 1;
    private static final byte INTS = 2;
    private static final byte DOUBLES = 3;
    private static final byte LONG = 4;
    private static final byte DOUBLE = 5;
    /**
     * Fault injection for the tests: "STEP" or "STEP:RANK" makes the writer of that step's checkpoint (on that
     * rank, or every rank) halt the JVM half-way through the file, as a kill -9 would.
     */
    public static final String CRASH_HOOK = "GOSSIP_MPI_TEST_CRASH_IN_CHECKPOINT";

    /** What a file's header says. */
    public record Header(int rank, int ranks, long step, String fingerprint) {
    }

    private CheckpointFile() {
    }

    /** Writes {@code header} and the state {@code body} visits to {@code file}, atomically, forced to disk. */
    public static void write(Path file, Header header, Stateful body) throws IOException {
        AtomicFiles.write(file, true, raw -> {
            final CRC32 crc = new CRC32();
            final DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                new BufferedOutputStream(raw, 1 << 16), crc));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(header.rank());
            out.writeInt(header.ranks());
            out.writeLong(header.step());
            final byte[] fp = header.fingerprint().getBytes(StandardCharsets.UTF_8);
            out.writeInt(fp.length);
            out.write(fp);
            body.state(new Writer(out, crashHere(header)));
            out.writeShort(0);
            out.flush();
            new DataOutputStream(raw).writeLong(crc.getValue());
        });
    }

    private static boolean crashHere(Header h) {
        final String hook = System.getenv(CRASH_HOOK);
        if (hook == null || hook.isEmpty()) {
            return false;
        }
        final String[] p = hook.split(":");
        return Long.parseLong(p[0]) == h.step() && (p.length < 2 || Integer.parseInt(p[1]) == h.rank());
    }

    /** A file read whole and its checksum verified; {@link #state()} restores its entries in order. */
    public static final class Loaded {
        private final Path file;
        private final Header header;
        private final Reader reader;

        private Loaded(Path file, Header header, Reader reader) {
            this.file = file;
            this.header = header;
            this.reader = reader;
        }

        public Header header() {
            return header;
        }

        /** The entries, restored by visiting them in the order they were saved. */
        public State state() {
            return reader;
        }

        /** Checks that every entry was restored. */
        public void finish() {
            reader.end();
        }

        public Path file() {
            return file;
        }
    }

    /**
     * Reads and verifies {@code file}.
     *
     * @throws CheckpointException naming the file when it is truncated, altered or of another format
     */
    public static Loaded read(Path file) {
        final byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + file + " cannot be read: " + e.getMessage(), e);
        }
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < MAGIC.length + 4 || !ByteBuffer.wrap(bytes, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw new CheckpointException("checkpoint " + file + " is not a gossip-mpi checkpoint (no GMPICKPT header)");
        }
        final int version = b.getInt(MAGIC.length);
        if (version != VERSION) {
            throw new CheckpointException("checkpoint " + file + " has format version " + version + "; this gossip-mpi"
                + " reads version " + VERSION + ": resume it with the version that wrote it, or start afresh");
        }
        final CRC32 crc = new CRC32();
        crc.update(bytes, 0, Math.max(0, bytes.length - 8));
        if (bytes.length < 40 || b.getLong(bytes.length - 8) != crc.getValue()) {
            throw new CheckpointException("checkpoint " + file + " is truncated or corrupted (" + bytes.length
                + " bytes, checksum mismatch): remove its step directory to resume from the one before");
        }
        b.position(MAGIC.length + 4);
        try {
            final int rank = b.getInt();
            final int ranks = b.getInt();
            final long step = b.getLong();
            final byte[] fp = new byte[b.getInt()];
            b.get(fp);
            b.limit(bytes.length - 8);
            return new Loaded(file, new Header(rank, ranks, step, new String(fp, StandardCharsets.UTF_8)),
                new Reader(file, b));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + file + " has a damaged header", e);
        }
    }

    /** Saves entries in the order visited. */
    private static final class Writer implements State {
        private final DataOutputStream out;
        private final boolean crash;
        private final ByteBuffer chunk = ByteBuffer.allocate(1 << 16);

        Writer(DataOutputStream out, boolean crash) {
            this.out = out;
            this.crash = crash;
        }

        private void entry(String name, byte type, int count) {
            try {
                final byte[] n = name.getBytes(StandardCharsets.UTF_8);
                out.writeShort(n.length);
                out.write(n);
                out.writeByte(type);
                out.writeInt(count);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private void flushChunk() {
            try {
                out.write(chunk.array(), 0, chunk.position());
                chunk.clear();
                if (crash) {
                    out.flush();
                    Runtime.getRuntime().halt(137); // the fault injection of CRASH_HOOK: as if killed mid-write
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void floats(String name, float[] values) {
            entry(name, FLOATS, values.length);
            for (float v : values) {
                if (chunk.remaining() < 8) {
                    flushChunk();
                }
                chunk.putFloat(v);
            }
            flushChunk();
        }

        @Override
        public void ints(String name, int[] values) {
            entry(name, INTS, values.length);
            for (int v : values) {
                if (chunk.remaining() < 8) {
                    flushChunk();
                }
                chunk.putInt(v);
            }
            flushChunk();
        }

        @Override
        public void doubles(String name, double[] values) {
            entry(name, DOUBLES, values.length);
            for (double v : values) {
                if (chunk.remaining() < 8) {
                    flushChunk();
                }
                chunk.putDouble(v);
            }
            flushChunk();
        }

        @Override
        public long longValue(String name, long value) {
            entry(name, LONG, 1);
            chunk.putLong(value);
            flushChunk();
            return value;
        }

        @Override
        public double doubleValue(String name, double value) {
            entry(name, DOUBLE, 1);
            chunk.putDouble(value);
            flushChunk();
            return value;
        }

        @Override
        public boolean restoring() {
            return false;
        }
    }

    /** Restores entries in the order visited, each checked against the name, type and length expected. */
    private static final class Reader implements State {
        private final Path file;
        private final ByteBuffer in;

        Reader(Path file, ByteBuffer in) {
            this.file = file;
            this.in = in;
        }

        private void expect(String name, byte type, int count) {
            try {
                final byte[] n = new byte[in.getShort() & 0xFFFF];
                in.get(n);
                final String found = new String(n, StandardCharsets.UTF_8);
                final byte t = in.get();
                final int c = in.getInt();
                if (!found.equals(name) || t != type || c != count) {
                    throw new CheckpointException("checkpoint " + file + " holds " + (found.isEmpty() ? "no more state"
                        : "'" + found + "' (" + c + " values)") + " where this run restores '" + name + "' (" + count
                        + " values): it was written by another version or for another model or algorithm");
                }
            } catch (BufferUnderflowException e) {
                throw new CheckpointException("checkpoint " + file + " ends before '" + name + "'", e);
            }
        }

        @Override
        public void floats(String name, float[] values) {
            expect(name, FLOATS, values.length);
            in.asFloatBuffer().get(values);
            in.position(in.position() + 4 * values.length);
        }

        @Override
        public void ints(String name, int[] values) {
            expect(name, INTS, values.length);
            in.asIntBuffer().get(values);
            in.position(in.position() + 4 * values.length);
        }

        @Override
        public void doubles(String name, double[] values) {
            expect(name, DOUBLES, values.length);
            in.asDoubleBuffer().get(values);
            in.position(in.position() + 8 * values.length);
        }

        @Override
        public long longValue(String name, long value) {
            expect(name, LONG, 1);
            return in.getLong();
        }

        @Override
        public double doubleValue(String name, double value) {
            expect(name, DOUBLE, 1);
            return in.getDouble();
        }

        @Override
        public boolean restoring() {
            return true;
        }

        void end() {
            if (in.remaining() < 2 || in.getShort() != 0) {
                throw new CheckpointException("checkpoint " + file + " holds more state than this run restores: it was"
                    + " written by another version or for another algorithm");
            }
        }
    }
}

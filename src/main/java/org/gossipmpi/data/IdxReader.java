package org.gossipmpi.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * MNIST's IDX format (raw or gzip): an image file (magic 0x00000803: unsigned bytes, n x rows x cols) and a
 * label file (magic 0x00000801: n unsigned bytes). Pixels are scaled to [0, 1].
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Reads images and labels; the labels become class indices, {@code classes} the largest label + 1. */
    public static Dataset read(Path images, Path labels) {
        final byte[] pixels;
        final int n;
        final int width;
        try (DataInputStream in = open(images)) {
            final int[] dims = header(in, images, IMAGES_MAGIC, 3, "an IDX image file");
            n = dims[0];
            final long pixelCount = (long) n * dims[1] * dims[2];
            if (pixelCount > Integer.MAX_VALUE - 8) {
                throw new DataException(images + ": the header (byte offsets 4-15) announces " + n + " images of "
                    + dims[1] + " x " + dims[2] + " pixels, " + pixelCount + " in all: more than one array holds"
                    + " (" + (Integer.MAX_VALUE - 8) + "); a damaged file, or split it");
            }
            width = dims[1] * dims[2];
            pixels = new byte[(int) pixelCount];
            readFully(in, pixels, images, 16);
        } catch (IOException e) {
            throw failure(images, e);
        }
        final byte[] lab;
        try (DataInputStream in = open(labels)) {
            final int[] dims = header(in, labels, LABELS_MAGIC, 1, "an IDX label file");
            if (dims[0] != n) {
                throw new DataException(labels + ": " + dims[0] + " labels for " + n + " images in " + images);
            }
            lab = new byte[n];
            readFully(in, lab, labels, 8);
        } catch (IOException e) {
            throw failure(labels, e);
        }
        final float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (pixels[i] & 0xFF) / 255f;
        }
        final float[] y = new float[n];
        int classes = 0;
        for (int i = 0; i < n; i++) {
            y[i] = lab[i] & 0xFF;
            classes = Math.max(classes, (lab[i] & 0xFF) + 1);
        }
        return Dataset.dense(images.toString(), n, width, classes, y, x);
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (Files.size(file) == 0) {
            throw new DataException(file + ": empty file");
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        final int b0 = in.read();
        final int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return new DataInputStream(in);
    }

    private static int[] header(DataInputStream in, Path file, int magic, int dims, String what) throws IOException {
        final int found;
        try {
            found = in.readInt();
        } catch (EOFException e) {
            throw new DataException(file + ": truncated at byte offset 0: no 4-byte magic number");
        }
        if (found != magic) {
            throw new DataException(String.format("%s: wrong magic 0x%08x at byte offset 0 (expected 0x%08x, %s)",
                file, found, magic, what));
        }
        final int[] d = new int[dims];
        for (int i = 0; i < dims; i++) {
            try {
                d[i] = in.readInt();
            } catch (EOFException e) {
                throw new DataException(file + ": truncated at byte offset " + (4 + 4 * i) + " in the header");
            }
            if (d[i] <= 0) {
                throw new DataException(file + ": dimension " + i + " is " + d[i] + " at byte offset " + (4 + 4 * i));
            }
        }
        return d;
    }

    /**
     * Reads at most this much a call, less than the buffered stream's buffer, so that the inflater always writes into
     * that small buffer: a request at least as large passes the buffered stream and reaches the inflater with the
     * caller's whole array, which its native code takes as a critical array, and under the JVM's JNI checks
     * (-Xcheck:jni) that copies the whole array in and out on every call (64 KB of output a call): Fashion-MNIST's
     * 47 MB of pixels took 90 s to read instead of 1.
     */
    private static final int READ_CHUNK = 1 << 15;

    private static void readFully(DataInputStream in, byte[] buf, Path file, int headerBytes) throws IOException {
        int done = 0;
        while (done < buf.length) {
            final int r = in.read(buf, done, Math.min(READ_CHUNK, buf.length - done));
            if (r < 0) {
                throw new DataException(file + ": truncated at byte offset " + (headerBytes + done) + " (the header"
                    + " announces " + (headerBytes + (long) buf.length) + " bytes)");
            }
            done += r;
        }
    }

    private static DataException failure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataException(file + ": no such file");
        }
        return new DataException(file + ": cannot read: " + e.getMessage());
    }
}

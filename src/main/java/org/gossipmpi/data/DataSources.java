package org.gossipmpi.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The registry of data: {@code --data} names a bundled set or a file.
 * <ul>
 *   <li>{@code fashion-mnist}: Fashion-MNIST from Debian's {@code dataset-fashion-mnist} (60,000 training and
 *       10,000 test images, 28 x 28, 10 classes), pixels scaled to [0, 1];</li>
 *   <li>{@code fashion-mnist:binary}: its T-shirt/top (label 0, target -1) and Shirt (label 6, target +1)
 *       images only: 12,000 training and 2,000 test rows, the hardest pair to tell apart;</li>
 *   <li>a path: {@code *.gmd} is gossip-mpi's binary format ({@link BinaryData}, written by
 *       {@code gossip-mpi data convert}), {@code *.csv} is CSV (label first), a name with {@code idx} is an IDX
 *       image file (its labels file named with {@code labels-idx1} for {@code images-idx3}), anything else
 *       LIBSVM.</li>
 * </ul>
 */
public final class DataSources {
    /** Where Debian's dataset-fashion-mnist installs the files. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private DataSources() {
    }

    /** Training data and, where the source has one, its test data (else null). */
    public record Loaded(Dataset train, Dataset test) {
    }

    /**
     * Training rows and test rows (else null) to read parts of: for a binary file ({@value BinaryData#SUFFIX}), the
     * opened file, of which a rank reads only the rows it keeps; for any other source, the rows in memory.
     */
    public record Opened(Rows train, Rows test) {
    }

    /**
     * Opens the training data for ranks that each keep a part ({@link Rows#read}): a binary file is opened, its
     * rows left on disk (once per process, shared by in-process ranks); other data is loaded as by {@link #load}.
     */
    public static Opened open(String spec, String testSpec, int features) {
        final String s = spec.trim();
        if (!BinaryData.named(s)) {
            final Loaded loaded = load(spec, testSpec, features);
            return new Opened(loaded.train(), loaded.test());
        }
        final BinaryData train;
        synchronized (CACHE) {
            final java.lang.ref.SoftReference<BinaryData> cached = OPENED.get(s);
            final BinaryData hit = cached == null ? null : cached.get();
            train = hit != null ? hit : BinaryData.open(Path.of(s));
            OPENED.put(s, new java.lang.ref.SoftReference<>(train));
        }
        if (testSpec == null) {
            return new Opened(train, null);
        }
        return new Opened(train, BinaryData.named(testSpec.trim()) ? BinaryData.open(Path.of(testSpec.trim()))
            : load(testSpec, null, features > 0 ? features : train.isDense() ? 0 : train.cols()).train());
    }

    private static final java.util.Map<String, java.lang.ref.SoftReference<BinaryData>> OPENED =
        new java.util.HashMap<>();

    /**
     * Loads the data, once per process: in-process ranks all ask for the same data at the same time, and
     * share what the first one read (datasets are immutable) instead of each holding a copy; the cache holds
     * it softly, so memory pressure can drop it.
     *
     * @param features for LIBSVM files, the number of features (0: the largest index in the file)
     */
    public static Loaded load(String spec, String testSpec, int features) {
        final String key = spec + "\u0000" + testSpec + "\u0000" + features;
        synchronized (CACHE) {
            final java.lang.ref.SoftReference<Loaded> cached = CACHE.get(key);
            final Loaded hit = cached == null ? null : cached.get();
            if (hit != null) {
                return hit;
            }
            final Loaded loaded = read(spec, testSpec, features);
            CACHE.put(key, new java.lang.ref.SoftReference<>(loaded));
            return loaded;
        }
    }

    private static final java.util.Map<String, java.lang.ref.SoftReference<Loaded>> CACHE = new java.util.HashMap<>();

    private static Loaded read(String spec, String testSpec, int features) {
        final Loaded named = named(spec.trim());
        if (named != null) {
            return testSpec == null ? named : new Loaded(named.train, file(Path.of(testSpec), features));
        }
        final Dataset train = file(Path.of(spec), features);
        // A test file of LIBSVM data must have the training file's width.
        final int width = train.isDense() ? 0 : train.cols();
        return new Loaded(train, testSpec == null ? null : file(Path.of(testSpec), features > 0 ? features : width));
    }

    private static Loaded named(String spec) {
        if (!spec.equals("fashion-mnist") && !spec.equals("fashion-mnist:binary")) {
            return null;
        }
        final Path dir = FASHION_MNIST;
        if (!Files.isDirectory(dir)) {
            throw new DataException(spec + ": " + dir + " not found: install Debian's dataset-fashion-mnist"
                + " (bin/setup does), or give the IDX files' path with --data");
        }
        final Dataset train = IdxReader.read(dir.resolve("train-images-idx3-ubyte.gz"),
            dir.resolve("train-labels-idx1-ubyte.gz"));
        final Dataset test = IdxReader.read(dir.resolve("t10k-images-idx3-ubyte.gz"),
            dir.resolve("t10k-labels-idx1-ubyte.gz"));
        if (spec.equals("fashion-mnist")) {
            return new Loaded(train.named("fashion-mnist (train)"), test.named("fashion-mnist (test)"));
        }
        return new Loaded(binaryPair(train, "fashion-mnist:binary (train)"),
            binaryPair(test, "fashion-mnist:binary (test)"));
    }

    /** T-shirt/top (0) and Shirt (6) rows only, labels kept (Labels.binary maps 0 to -1 and 6 to +1). */
    private static Dataset binaryPair(Dataset d, String name) {
        int n = 0;
        for (int i = 0; i < d.rows(); i++) {
            if (d.target(i) == 0 || d.target(i) == 6) {
                n++;
            }
        }
        final int[] keep = new int[n];
        n = 0;
        for (int i = 0; i < d.rows(); i++) {
            if (d.target(i) == 0 || d.target(i) == 6) {
                keep[n++] = i;
            }
        }
        return d.subset(keep, name);
    }

    /**
     * About how many bytes of heap the data of {@code spec} and {@code testSpec} take once read: exact for the
     * named sets (their images as floats), and twice the file size for files (text becomes floats and indices,
     * IDX bytes become floats: at most four bytes per byte, most files far less). For messages only.
     */
    public static long heapBytesEstimate(String spec, String testSpec) {
        final String s = spec.trim();
        long bytes;
        if (s.equals("fashion-mnist") || s.equals("fashion-mnist:binary")) {
            bytes = 70_000L * 784 * 4 + (s.endsWith(":binary") ? 14_000L * 784 * 4 : 0);
        } else {
            bytes = fileBytes(s) * (s.contains("idx3") ? 4 : 2);
        }
        return bytes + (testSpec == null ? 0 : fileBytes(testSpec) * 2);
    }

    private static long fileBytes(String path) {
        try {
            return Files.size(Path.of(path));
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            return 0;
        }
    }

    /** Whether {@code --features} means anything for this data: LIBSVM files only. */
    public static boolean takesFeatures(String spec) {
        final Path path = Path.of(spec);
        final String name = path.getFileName() == null ? spec : path.getFileName().toString();
        final String s = spec.trim();
        return !s.equals("fashion-mnist") && !s.equals("fashion-mnist:binary") && !name.endsWith(".csv")
            && !name.contains("images-idx3") && !BinaryData.named(name);
    }

    private static Dataset file(Path path, int features) {
        final String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        if (BinaryData.named(name)) {
            final BinaryData b = BinaryData.open(path);
            final int[] all = new int[b.rows()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return b.read(all, path.toString());
        }
        if (name.endsWith(".csv")) {
            return TextReaders.csv(path);
        }
        if (name.contains("images-idx3")) {
            final Path labels = path.resolveSibling(name.replace("images-idx3", "labels-idx1"));
            return IdxReader.read(path, labels);
        }
        return TextReaders.libsvm(path, features);
    }
}

package org.gossipmpi.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.locks.ReentrantLock;
import org.gossipmpi.io.AtomicFiles;
import org.gossipmpi.model.Batch;
import org.gossipmpi.model.Model;

/**
 * A DJL network (PyTorch engine) as a gossip-mpi {@link Model}: the algorithms of gossip-mpi step and mix the
 * vector of its trainable parameters ({@link ParameterVector}, {@link ParameterVector.Buffers#LOCAL}), and each
 * gradient is DJL's forward and backward pass on the rank's batch.
 *
 * <p>A step writes the vector into the network's tensors, runs forward (training mode) and backward, and copies
 * the gradients out: both copies go through views over the tensors' own storage and allocate nothing on the
 * Java side (DJL allocates its tensors per pass, freed at the end of it). The loss is the batch mean of the
 * softmax cross-entropy, plus (lambda / 2) ||w||^2 over the convolution and dense weights (not biases nor
 * BatchNorm's scale and shift).
 *
 * <p>BatchNorm's running mean and variance have no gradient: each rank keeps its own, updated from its batches
 * ({@link #bufferLength}); training averages them over the ranks for every evaluation of the averaged model and
 * checkpoints them with the rest. In-process ranks share one PyTorch engine, which collects gradients for one
 * thread at a time: their passes take turns (under {@code mpirun}, one rank per process, they run in parallel).
 */
final class DjlModel implements Model {
    /**
     * Rows a forward pass of {@link #evaluate} takes at a time, about a training batch. DJL keeps every tensor a
     * pass computes until the pass's manager closes, so one pass over an evaluation batch (1,024 rows) held all its
     * layers' activations for all of its rows at once: hundreds of MB for the wide CNN, far beyond the caches, and
     * fresh memory for libtorch's allocator at every pass.
     */
    static final int EVALUATION_ROWS = 32;

    /** One gradient collector per process at a time (DJL's PyTorch engine): in-process ranks take turns. */
    private static final ReentrantLock ENGINE = new ReentrantLock();

    private final String name;
    private final double l2;
    private final NDManager manager;
    private final Block block;
    private final ParameterStore store;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();
    private final ParameterVector parameters;
    private final ParameterVector buffers;
    /** Per parameter of {@link #parameters}: whether the L2 term covers it (the weights). */
    private final boolean[] regularized;
    private ParameterVector gradients;
    /** Input images and labels of up to {@link #capacity} rows, with views over their storage. */
    private NDArray images;
    private NDArray labels;
    private FloatBuffer imageView;
    private FloatBuffer labelView;
    private int capacity;
    /** Time spent copying the vector into the tensors and the gradients out (the adapter's own cost). */
    private long adapterNanos;
    private long passes;

    DjlModel(String name, Block block, double l2) {
        this.name = name;
        this.l2 = l2;
        this.block = block;
        ENGINE.lock();
        try {
            this.manager = NDManager.newBaseManager();
            block.initialize(manager, DataType.FLOAT32, Networks.input(1));
        } finally {
            ENGINE.unlock();
        }
        this.store = new ParameterStore(manager, false);
        this.parameters = ParameterVector.of(block, ParameterVector.Buffers.LOCAL);
        this.buffers = ParameterVector.withoutGradients(block);
        this.regularized = new boolean[parameters.parameters()];
        for (int i = 0; i < regularized.length; i++) {
            regularized[i] = parameters.name(i).endsWith("weight");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return parameters.dimension();
    }

    /**
     * DJL's own initialisation of the network (its layers' initializers) drawn from PyTorch's generator seeded
     * with {@code seed}, so every rank starts from the same parameters; the running statistics start afresh.
     */
    @Override
    public void initialize(float[] w, long seed) {
        ENGINE.lock();
        try (NDManager scratch = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
            final Block fresh = Networks.of(name, outputs());
            fresh.initialize(scratch, DataType.FLOAT32, Networks.input(1));
            ParameterVector.of(fresh, ParameterVector.Buffers.LOCAL).gather(w);
            final ParameterVector freshBuffers = ParameterVector.withoutGradients(fresh);
            final float[] b = new float[freshBuffers.dimension()];
            freshBuffers.gather(b);
            buffers.scatter(b);
        } finally {
            ENGINE.unlock();
        }
    }

    private int outputs() {
        final Pair<String, Parameter> last = block.getParameters().get(block.getParameters().size() - 1);
        return (int) last.getValue().getArray().getShape().get(0);
    }

    @Override
    public double lossAndGradient(float[] w, Batch batch, float[] grad, Runnable between) {
        ENGINE.lock();
        try {
            final long t0 = System.nanoTime();
            parameters.scatter(w);
            final long t1 = System.nanoTime();
            final double value;
            try (NDManager pass = manager.newSubManager()) {
                final NDList input = fill(batch, pass);
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    final NDList prediction = block.forward(store, new NDList(input.get(0)), true);
                    final NDArray l = loss.evaluate(new NDList(input.get(1)), prediction);
                    collector.backward(l);
                    value = l.getFloat();
                }
            }
            final long t2 = System.nanoTime();
            if (gradients == null) {
                gradients = parameters.gradients();
            }
            gradients.gather(grad);
            gradients.zero();
            adapterNanos += t1 - t0 + System.nanoTime() - t2;
            passes++;
            return value + addRegularization(w, grad);
        } finally {
            ENGINE.unlock();
        }
    }

    @Override
    public void evaluate(float[] w, Batch batch, double[] sums) {
        ENGINE.lock();
        try {
            parameters.scatter(w);
            try (NDManager pass = manager.newSubManager()) {
                final NDList input = fill(batch, pass);
                final int n = batch.size();
                for (int from = 0; from < n; from += EVALUATION_ROWS) {
                    final int rows = Math.min(EVALUATION_ROWS, n - from);
                    try (NDManager part = pass.newSubManager()) {
                        final NDIndex these = new NDIndex(from + ":" + (from + rows));
                        final NDArray images = input.get(0).get(these);
                        final NDArray labels = input.get(1).get(these);
                        images.attach(part); // what the forward pass computes from them goes with this part
                        labels.attach(part);
                        final NDList prediction = block.forward(store, new NDList(images), false);
                        sums[0] += loss.evaluate(new NDList(labels), prediction).getFloat() * (double) rows;
                        sums[1] += prediction.singletonOrThrow().argMax(1).toType(DataType.FLOAT32, false)
                            .eq(labels).countNonzero().getLong();
                    }
                }
            }
        } finally {
            ENGINE.unlock();
        }
    }

    @Override
    public boolean classifies() {
        return true;
    }

    @Override
    public double regularization(float[] w) {
        if (l2 == 0) {
            return 0;
        }
        double s = 0;
        for (int i = 0; i < regularized.length; i++) {
            if (regularized[i]) {
                for (int j = parameters.offset(i); j < parameters.offset(i + 1); j++) {
                    s += (double) w[j] * w[j];
                }
            }
        }
        return 0.5 * l2 * s;
    }

    /** Adds lambda w to the weights' gradient; returns (lambda / 2) ||weights||^2. */
    private double addRegularization(float[] w, float[] grad) {
        if (l2 == 0) {
            return 0;
        }
        final float lambda = (float) l2;
        for (int i = 0; i < regularized.length; i++) {
            if (regularized[i]) {
                for (int j = parameters.offset(i); j < parameters.offset(i + 1); j++) {
                    grad[j] += lambda * w[j];
                }
            }
        }
        return regularization(w);
    }

    /**
     * DJL's own format, {@code dir/rank-R-NAME-0000.params} ({@code ai.djl.Model.save}): the network with the
     * parameters {@code w} and this rank's running statistics; load it into {@link Networks#of} with
     * {@code Model.load(dir, "rank-R-NAME")}. A file saved before is replaced.
     *
     * <p>DJL writes into a directory of this rank's own inside {@code dir}, and the file is then renamed into
     * place: DJL's save lists the directory it writes to (for its epoch number) and failed when another rank's
     * temporary file there vanished under it, and a rank that died mid-write left half a file.
     */
    @Override
    public void saveNative(Path dir, int rank, float[] w) {
        final String file = "rank-" + rank + "-" + name;
        ENGINE.lock();
        try (ai.djl.Model holder = ai.djl.Model.newInstance(name)) {
            parameters.scatter(w);
            holder.setBlock(block);
            Files.createDirectories(dir);
            final Path own = Files.createTempDirectory(dir, "." + file + ".");
            try {
                holder.save(own, file);
                try (DirectoryStream<Path> written = Files.newDirectoryStream(own)) {
                    for (Path p : written) {
                        Files.move(p, dir.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                AtomicFiles.forceDirectory(dir);
            } finally {
                try (DirectoryStream<Path> left = Files.newDirectoryStream(own)) {
                    for (Path p : left) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(own);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rank " + rank + " cannot save its " + name + " network under " + dir
                + ": " + AtomicFiles.reason(e), e);
        } finally {
            ENGINE.unlock();
        }
    }

    @Override
    public int bufferLength() {
        return buffers.dimension();
    }

    @Override
    public void readBuffers(float[] to) {
        buffers.gather(to);
    }

    @Override
    public void writeBuffers(float[] from) {
        buffers.scatter(from);
    }

    /** Nanoseconds spent in the adapter's copies (the vector into the tensors, the gradients out) so far. */
    long adapterNanos() {
        return adapterNanos;
    }

    /** The number of gradient passes so far. */
    long passes() {
        return passes;
    }

    /**
     * The batch's images and labels as tensors: the rows are copied into preallocated tensors through their
     * views (regrown for a larger batch), and a smaller batch takes a slice of them, in {@code pass}.
     */
    private NDList fill(Batch batch, NDManager pass) {
        final int n = batch.size();
        final int pixels = Networks.IMAGE * Networks.IMAGE;
        if (n > capacity) {
            if (images != null) {
                images.close();
                labels.close();
            }
            images = manager.zeros(Networks.input(n));
            labels = manager.zeros(new ai.djl.ndarray.types.Shape(n));
            imageView = ParameterVector.aliasingView(images);
            labelView = ParameterVector.aliasingView(labels);
            if (imageView == null || labelView == null) {
                throw new IllegalStateException("DJL's engine does not expose its CPU tensors' storage here");
            }
            capacity = n;
        }
        if (batch.cols() != pixels) {
            throw new IllegalArgumentException("a batch of " + batch.cols() + " features where " + name + " takes "
                + pixels);
        }
        final float[] rows;
        try {
            rows = batch.denseRows();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(name + " takes dense rows (IDX or CSV data); LIBSVM files are read"
                + " as sparse rows", e);
        }
        imageView.put(0, rows, 0, n * pixels);
        for (int i = 0; i < n; i++) {
            labelView.put(i, batch.target(i));
        }
        images.tempAttach(pass);
        labels.tempAttach(pass);
        if (n == capacity) {
            return new NDList(images, labels);
        }
        final NDIndex head = new NDIndex("0:" + n);
        return new NDList(images.get(head), labels.get(head));
    }

    @Override
    public void close() {
        ENGINE.lock();
        try {
            manager.close();
        } finally {
            ENGINE.unlock();
        }
    }
}

package org.gossipmpi.model;

/**
 * A model with its parameters in one flat {@code float[]} (the layout is each implementation's Javadoc), its
 * loss, accuracy and minibatch gradient. The loss is the batch mean of the per-sample loss plus
 * (lambda / 2) ||weights||^2 (biases are not regularized). Implementations keep scratch buffers sized by the
 * largest batch seen, so a steady-state step allocates nothing; one instance per rank thread.
 */
public interface Model extends AutoCloseable {

    /** {@code logistic}, {@code softmax}, {@code leastsquares}, {@code mlp}, or a {@link ModelProvider}'s name. */
    String name();

    /** The number of parameters. */
    int dimension();

    /** Writes the initial parameters into {@code w} (zero for the linear models, seeded for the MLP). */
    void initialize(float[] w, long seed);

    /** A {@code between} that does nothing. */
    Runnable NOTHING_BETWEEN = () -> { };

    /**
     * The loss on {@code batch} at {@code w}, and its gradient into {@code grad} (overwritten).
     *
     * @param w not modified
     */
    default double lossAndGradient(float[] w, Batch batch, float[] grad) {
        return lossAndGradient(w, batch, grad, NOTHING_BETWEEN);
    }

    /**
     * As {@link #lossAndGradient(float[], Batch, float[])}, calling {@code between} between the large pieces
     * of the computation (its matrix products): where a rank that overlaps communication with the gradient
     * moves its messages along. The result does not depend on {@code between}.
     */
    double lossAndGradient(float[] w, Batch batch, float[] grad, Runnable between);

    /**
     * Adds the batch's summed per-sample loss to {@code sums[0]} and its number of correct predictions to
     * {@code sums[1]} (regression: 0).
     */
    void evaluate(float[] w, Batch batch, double[] sums);

    /** Whether {@link #evaluate} counts correct predictions (false for regression). */
    boolean classifies();

    /** (lambda / 2) ||weights||^2, the part of the loss that {@link #evaluate} leaves out. */
    double regularization(float[] w);

    /**
     * The length of the state the model keeps besides its parameters, updated by {@link #lossAndGradient} from
     * this rank's batches and used by {@link #evaluate} (BatchNorm's running statistics); 0 (the default) for
     * none. Training averages it over the ranks for each evaluation of the averaged model (each rank's own
     * state is put back afterwards) and saves it in checkpoints.
     */
    default int bufferLength() {
        return 0;
    }

    /** Copies the state of {@link #bufferLength} into {@code to[0, bufferLength)}. */
    default void readBuffers(float[] to) {
    }

    /** Replaces the state of {@link #bufferLength} with {@code from[0, bufferLength)}. */
    default void writeBuffers(float[] from) {
    }

    /**
     * Writes the model at {@code w}, with this rank's buffers, in a format of its own into {@code dir} (where
     * {@code --save-model} writes {@code rank-R.txt}), for the engine it comes from to load; nothing by default.
     *
     * @throws java.io.UncheckedIOException naming the file when it cannot be written
     */
    default void saveNative(java.nio.file.Path dir, int rank, float[] w) {
    }

    /** Releases what the model holds outside the Java heap (an engine's tensors); nothing by default. */
    @Override
    default void close() {
    }
}

package org.gossipmpi.compress;

/**
 * What every compressor states about itself (its spec, header id and parameter, whether it is unbiased), the
 * threads its passes split over, and the slow path of the finite check that its first pass folds in.
 */
abstract class AbstractCompressor implements Compressor {
    private final String spec;
    private final int id;
    private final int parameter;
    private final boolean unbiased;
    protected final CodecThreads threads;

    AbstractCompressor(String spec, int id, int parameter, boolean unbiased, CodecThreads threads) {
        this.spec = spec;
        this.id = id;
        this.parameter = parameter;
        this.unbiased = unbiased;
        this.threads = threads;
    }

    @Override
    public final String spec() {
        return spec;
    }

    @Override
    public final int id() {
        return id;
    }

    @Override
    public final int headerParameter() {
        return parameter;
    }

    @Override
    public final boolean unbiased() {
        return unbiased;
    }

    /**
     * The slow path of the folded finite check, taken only when a pass saw a NaN, an infinity or a sum
     * that overflowed: names the first bad element, or says that the vector's norm overflows float.
     */
    protected final IllegalArgumentException nonFinite(float[] src, int off, int len, long step) {
        return nonFinite(src, null, off, len, step);
    }

    /** {@link #nonFinite(float[], int, int, long)} of the difference {@code src - sub} (sub null: of src). */
    protected final IllegalArgumentException nonFinite(float[] src, float[] sub, int off, int len, long step) {
        for (int i = 0; i < len; i++) {
            final float v = sub == null ? src[off + i] : src[off + i] - sub[off + i];
            if (!Float.isFinite(v)) {
                return new IllegalArgumentException("compressor " + spec + ": element " + i + " of the vector is "
                    + v + " at step " + step + "; the run diverged (lower the learning rate or gamma)");
            }
        }
        return new IllegalArgumentException("compressor " + spec + ": the norm of the vector overflows float at step "
            + step + " (elements near 1e19 or larger); the run diverged (lower the learning rate or gamma)");
    }
}

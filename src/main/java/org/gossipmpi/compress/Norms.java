package org.gossipmpi.compress;

/**
 * The norm pass of a codec, split over its threads by whole chunks: per-chunk sums from the
 * {@link Quantizer}, added up in double in chunk order, so the result does not depend on the thread count.
 */
final class Norms implements CodecThreads.Task {
    private final Quantizer quantizer;
    private float[] squares = new float[1];
    private float[] absolutes = new float[1];
    private float[] x;
    private int off;
    private int len;
    private int chunks;
    /** After {@link #compute}: sum x_i^2 and sum |x_i| (non-finite when a pass saw NaN or infinity). */
    double squareSum;
    double absSum;

    Norms(Quantizer quantizer) {
        this.quantizer = quantizer;
    }

    /** Computes both sums of {@code x[off, off + len)}; returns whether both are finite. */
    boolean compute(float[] x, int off, int len, CodecThreads threads) {
        prepare(x, off, len);
        threads.run(this);
        return sum();
    }

    void prepare(float[] x, int off, int len) {
        this.chunks = Quantizer.chunks(len);
        if (squares.length < chunks) {
            squares = new float[chunks];
            absolutes = new float[chunks];
        }
        this.x = x;
        this.off = off;
        this.len = len;
    }

    /** The per-chunk sums of |x_i|, for passes that fill them themselves (sign). */
    float[] absolutes() {
        return absolutes;
    }

    int chunks() {
        return chunks;
    }

    /** Adds the chunks' sums in order; returns whether both totals are finite. */
    boolean sum() {
        double sq = 0;
        double abs = 0;
        for (int c = 0; c < chunks; c++) {
            sq += squares[c];
            abs += absolutes[c];
        }
        squareSum = sq;
        absSum = abs;
        x = null;
        return Double.isFinite(sq) && Double.isFinite(abs);
    }

    @Override
    public void run(int part, int parts) {
        quantizer.chunkNorms(x, off, len, CodecThreads.split(chunks, part, parts),
            CodecThreads.split(chunks, part + 1, parts), squares, absolutes);
    }
}

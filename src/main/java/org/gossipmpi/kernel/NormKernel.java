package org.gossipmpi.kernel;

import com.aparapi.Kernel;

/** One work item per chunk of {@link QuantizerReference#NORM_CHUNK} elements: its sum of squares and of |x|. */
final class NormKernel extends Kernel {
    float[] x;
    float[] squares;
    float[] absolutes;
    int off;
    int len;
    int chunk;
    int chunks;

    @Override
    public void run() {
        final int c = getGlobalId();
        if (c >= chunks) {
            return;
        }
        final int start = c * chunk;
        int end = start + chunk;
        if (end > len) {
            end = len;
        }
        float sq = 0f;
        float ab = 0f;
        for (int i = start; i < end; i++) {
            final float v = x[off + i];
            sq += v * v;
            ab += abs(v);
        }
        squares[c] = sq;
        absolutes[c] = ab;
    }
}

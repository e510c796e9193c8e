package org.gossipmpi.kernel;

import com.aparapi.Kernel;

/**
 * One work item per chunk of {@code compress.Quantizer.NORM_CHUNK} elements: its sum of squares and of |x|
 * as eight interleaved float partial sums combined as ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)), as the Java
 * paths do. Each product is a statement of its own so that the OpenCL compiler cannot contract it with the
 * sum into a fused multiply-add.
 */
final class NormKernel extends Kernel {
    float[] x;
    float[] squares;
    float[] absolutes;
    int off;
    int len;
    int chunk;
    int firstChunk;
    int chunks;

    @Override
    public void run() {
        final int c = getGlobalId();
        if (c < chunks) {
            final int start = (firstChunk + c) * chunk;
            int end = start + chunk;
            if (end > len) {
                end = len;
            }
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
            for (int i = start; i < end; i++) {
                final float v = x[off + i];
                final float p = v * v;
                final float m = abs(v);
                final int lane = (i - start) & 7;
                if (lane == 0) { s0 += p; a0 += m; }
                if (lane == 1) { s1 += p; a1 += m; }
                if (lane == 2) { s2 += p; a2 += m; }
                if (lane == 3) { s3 += p; a3 += m; }
                if (lane == 4) { s4 += p; a4 += m; }
                if (lane == 5) { s5 += p; a5 += m; }
                if (lane == 6) { s6 += p; a6 += m; }
                if (lane == 7) { s7 += p; a7 += m; }
            }
            squares[c] = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
            absolutes[c] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
        }
    }
}

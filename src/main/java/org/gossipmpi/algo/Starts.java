package org.gossipmpi.algo;

/** How the algorithms that track their neighbours start. */
final class Starts {
    private Starts() {
    }

    /**
     * m = sum_{j != i} w_ij x_j^0 = (1 - w_ii) x^0, the weighted sum of the neighbours' initial models when every
     * rank starts from the same x^0 (which the caller ensures, by seed or broadcast).
     */
    static void neighbours(float[] x0, double selfWeight, float[] m) {
        final float others = (float) (1 - selfWeight);
        for (int i = 0; i < m.length; i++) {
            m[i] = others * x0[i];
        }
    }
}

package org.gossipmpi.topology;

import java.util.ArrayDeque;
import java.util.Arrays;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The numbers the convergence theory of gossip algorithms depends on: the spectral gap
 * rho = 1 - |lambda_2(W)|, beta = ||I - W||_2, the diameter and the degrees.
 *
 * <p>Static (symmetric) topologies with n &lt;= {@link #DENSE_LIMIT}: all eigenvalues of W by Commons
 * Math's {@link EigenDecomposition}; |lambda_2| is the second largest absolute eigenvalue and
 * beta = max |1 - lambda_i|. Above that, power iteration on sparse rows: |lambda_2| as the spectral radius
 * of W restricted to the complement of the all-ones vector (W is doubly stochastic, so that subspace is
 * invariant), and beta as the largest eigenvalue of I - W (whose eigenvalues lie in [0, 2]); iterated to a
 * relative change below 1e-12 or {@link #MAX_ITERATIONS}, which is slow only for tiny gaps.
 *
 * <p>Time-varying topologies: rho is the per-step rate over a period, 1 - sigma_2(W_{p-1} ... W_0)^(1/p)
 * with sigma_2 the second singular value of the product, and beta = max_t ||I - W_t||_2 (singular values by
 * {@link SingularValueDecomposition}; dense only).
 */
public final class Spectrum {
    public static final int DENSE_LIMIT = 2048;
    static final int MAX_ITERATIONS = 200_000;

    public final double rho;
    public final double beta;
    public final int diameter;
    public final int minDegree;
    public final int maxDegree;
    /** How rho and beta were computed: "eigen", "power-iteration" or "svd". */
    public final String method;

    private Spectrum(double rho, double beta, int diameter, int minDegree, int maxDegree, String method) {
        this.rho = rho;
        this.beta = beta;
        this.diameter = diameter;
        this.minDegree = minDegree;
        this.maxDegree = maxDegree;
        this.method = method;
    }

    public static Spectrum of(Topology topo) {
        final int n = topo.size();
        int minDeg = Integer.MAX_VALUE;
        int maxDeg = 0;
        for (int i = 0; i < n; i++) {
            final int d = topo.step(0).recvFrom(i).length;
            minDeg = Math.min(minDeg, d);
            maxDeg = Math.max(maxDeg, d);
        }
        if (n == 1) {
            return new Spectrum(1, 0, 0, 0, 0, "trivial");
        }
        if (!topo.isStatic()) {
            if (n > DENSE_LIMIT) {
                throw new IllegalArgumentException("spectrum of the time-varying " + topo.name() + " is computed"
                    + " densely, for at most " + DENSE_LIMIT + " ranks");
            }
            return timeVarying(topo, diameter(topo), minDeg, maxDeg);
        }
        final int[] shape = translationShape(topo);
        if (shape != null && n > DENSE_LIMIT) {
            // Vertex-transitive: one BFS gives the diameter, and the characters of Z_R x Z_C diagonalise W.
            final double[] eig = translationInvariantEigenvalues(topo.step(0), shape[0], shape[1]);
            return new Spectrum(1 - secondLargestAbs(eig), maxAbsOneMinus(eig), eccentricity(topo, 0), minDeg, maxDeg,
                "characters of the " + shape[0] + " x " + shape[1] + " translations");
        }
        final int diameter = shape != null ? eccentricity(topo, 0) : diameter(topo);
        if (n <= DENSE_LIMIT) {
            final double[] eig = new EigenDecomposition(new Array2DRowRealMatrix(topo.step(0).dense(), false))
                .getRealEigenvalues();
            return new Spectrum(1 - secondLargestAbs(eig), maxAbsOneMinus(eig), diameter, minDeg, maxDeg, "eigen");
        }
        final double lambda2 = lambda2ByPowerIteration(topo.step(0));
        return new Spectrum(1 - lambda2, betaByPowerIteration(topo.step(0)), diameter, minDeg, maxDeg,
            Double.isNaN(lambda2) ? "power iteration, which did not converge in " + MAX_ITERATIONS + " iterations:"
                + " rho is too small to resolve" : "power-iteration");
    }

    /**
     * {R, C} when W commutes with the translations of Z_R x Z_C, rank i being (i / C, i mod C): every row is rank
     * 0's row shifted (ring, exponential and complete graphs with R = 1; {@code torus:RxC}). Null otherwise.
     */
    static int[] translationShape(Topology topo) {
        final int n = topo.size();
        final String name = topo.name();
        if (name.startsWith("torus:")) {
            final String[] rc = name.substring("torus:".length()).split("x");
            final int r = Integer.parseInt(rc[0]);
            final int c = Integer.parseInt(rc[1]);
            return invariant(topo.step(0), r, c) ? new int[] {r, c} : null;
        }
        return invariant(topo.step(0), 1, n) ? new int[] {1, n} : null;
    }

    /** Whether every row of W is rank 0's row translated to it in Z_R x Z_C (same offsets, same weights). */
    private static boolean invariant(MixingStep w, int rows, int cols) {
        final int n = w.size();
        final int[] from0 = w.recvFrom(0);
        final double[] w0 = w.recvWeights(0);
        for (int i = 1; i < n; i++) {
            final int[] from = w.recvFrom(i);
            if (from.length != from0.length || Math.abs(w.selfWeight(i) - w.selfWeight(0)) > 1e-12) {
                return false;
            }
            final int ri = i / cols;
            final int ci = i % cols;
            for (int k = 0; k < from0.length; k++) {
                // rank 0's neighbour at offset (dr, dc) must be rank i's neighbour at (ri + dr, ci + dc)
                final int j = Math.floorMod(ri + from0[k] / cols, rows) * cols + Math.floorMod(ci + from0[k] % cols, cols);
                final int at = Arrays.binarySearch(from, j);
                if (at < 0 || Math.abs(w.recvWeights(i)[at] - w0[k]) > 1e-12) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The eigenvalues of a symmetric W invariant under the translations of Z_R x Z_C: for every character (a, b),
     * lambda = w_00 + sum over rank 0's neighbours (dr, dc) of w cos(2 pi (a dr / R + b dc / C)). O(n deg).
     */
    static double[] translationInvariantEigenvalues(MixingStep w, int rows, int cols) {
        final int[] from = w.recvFrom(0);
        final double[] wt = w.recvWeights(0);
        final double[] eig = new double[rows * cols];
        for (int a = 0; a < rows; a++) {
            for (int b = 0; b < cols; b++) {
                double l = w.selfWeight(0);
                for (int k = 0; k < from.length; k++) {
                    final double phase = (double) a * (from[k] / cols) / rows + (double) b * (from[k] % cols) / cols;
                    l += wt[k] * Math.cos(2 * Math.PI * (phase - Math.floor(phase)));
                }
                eig[a * cols + b] = l;
            }
        }
        return eig;
    }

    /** The second largest absolute value (the largest is |lambda_1| = 1). */
    static double secondLargestAbs(double[] eigenvalues) {
        final double[] abs = new double[eigenvalues.length];
        for (int i = 0; i < abs.length; i++) {
            abs[i] = Math.abs(eigenvalues[i]);
        }
        Arrays.sort(abs);
        return abs[abs.length - 2];
    }

    static double maxAbsOneMinus(double[] eigenvalues) {
        double max = 0;
        for (double l : eigenvalues) {
            max = Math.max(max, Math.abs(1 - l));
        }
        return max;
    }

    /** |lambda_2(W)| for a symmetric doubly stochastic W, by power iteration orthogonal to the ones vector. */
    static double lambda2ByPowerIteration(MixingStep w) {
        final int n = w.size();
        final double[] v = startVector(n);
        final double[] y = new double[n];
        return powerIteration(v, y, (x, out) -> {
            w.multiply(x, out);
            final double mean = Arrays.stream(out).sum() / n;
            for (int i = 0; i < n; i++) {
                out[i] -= mean;
            }
        });
    }

    /** ||I - W||_2 for a symmetric W, as the largest eigenvalue of I - W. */
    static double betaByPowerIteration(MixingStep w) {
        final int n = w.size();
        return powerIteration(startVector(n), new double[n], (x, out) -> {
            w.multiply(x, out);
            for (int i = 0; i < n; i++) {
                out[i] = x[i] - out[i];
            }
        });
    }

    private interface LinearMap {
        void apply(double[] x, double[] out);
    }

    /** Deterministic start with components in every direction (no seed needed). */
    private static double[] startVector(int n) {
        final double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.sin(1.0 + 0.7 * i) + 0.1 * Math.cos(3.1 * i);
        }
        final double mean = Arrays.stream(v).sum() / n;
        for (int i = 0; i < n; i++) {
            v[i] -= mean;
        }
        return v;
    }

    /** The spectral radius of a symmetric map by power iteration on x -> A x; NaN when it did not converge. */
    private static double powerIteration(double[] v, double[] y, LinearMap a) {
        double estimate = 0;
        normalise(v);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            a.apply(v, y);
            final double norm = norm(y);
            if (norm < 1e-12) {
                return 0; // the map is (numerically) zero on this subspace: a complete graph's W - 11^T / n
            }
            for (int i = 0; i < v.length; i++) {
                v[i] = y[i] / norm;
            }
            if (Math.abs(norm - estimate) <= 1e-12 * norm) {
                return norm;
            }
            estimate = norm;
        }
        return Double.NaN;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static void normalise(double[] v) {
        final double n = norm(v);
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
    }

    private static Spectrum timeVarying(Topology topo, int diameter, int minDeg, int maxDeg) {
        final int n = topo.size();
        RealMatrix product = null;
        double beta = 0;
        for (int t = 0; t < topo.period(); t++) {
            final RealMatrix w = new Array2DRowRealMatrix(topo.step(t).dense(), false);
            product = product == null ? w : w.multiply(product);
            final RealMatrix iMinusW = org.apache.commons.math3.linear.MatrixUtils.createRealIdentityMatrix(n)
                .subtract(w);
            beta = Math.max(beta, new SingularValueDecomposition(iMinusW).getNorm());
        }
        final double[] sv = new SingularValueDecomposition(product).getSingularValues(); // descending
        final double sigma2 = sv.length > 1 ? sv[1] : 0;
        return new Spectrum(1 - Math.pow(sigma2, 1.0 / topo.period()), beta, diameter, minDeg, maxDeg, "svd");
    }

    /** The longest shortest path from {@code src} along send edges (the diameter of a vertex-transitive graph). */
    static int eccentricity(Topology topo, int src) {
        final int n = topo.size();
        final int[] dist = new int[n];
        final int[] queue = new int[n];
        Arrays.fill(dist, -1);
        dist[src] = 0;
        int head = 0;
        int tail = 0;
        queue[tail++] = src;
        int far = 0;
        while (head < tail) {
            final int i = queue[head++];
            for (int t = 0; t < topo.period(); t++) {
                for (int j : topo.step(t).sendTo(i)) {
                    if (dist[j] < 0) {
                        dist[j] = dist[i] + 1;
                        far = Math.max(far, dist[j]);
                        queue[tail++] = j;
                    }
                }
            }
        }
        return far;
    }

    /** The longest shortest path along send edges of the union graph over a period. */
    static int diameter(Topology topo) {
        final int n = topo.size();
        final int[] dist = new int[n];
        final ArrayDeque<Integer> queue = new ArrayDeque<>();
        int diameter = 0;
        for (int src = 0; src < n; src++) {
            Arrays.fill(dist, -1);
            dist[src] = 0;
            queue.add(src);
            while (!queue.isEmpty()) {
                final int i = queue.poll();
                for (int t = 0; t < topo.period(); t++) {
                    for (int j : topo.step(t).sendTo(i)) {
                        if (dist[j] < 0) {
                            dist[j] = dist[i] + 1;
                            diameter = Math.max(diameter, dist[j]);
                            queue.add(j);
                        }
                    }
                }
            }
        }
        return diameter;
    }

    /** CHOCO's theoretical consensus step gamma for compression quality omega (README.md, Choosing an algorithm, a compressor and gamma). */
    public double chocoGamma(double omega) {
        final double r = rho;
        final double b2 = beta * beta;
        return r * r * omega / (16 * r + r * r + 4 * b2 + 2 * r * b2 - 8 * r * omega);
    }
}

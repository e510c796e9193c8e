package org.gossipmpi.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of topologies: builds one from its spec and checks its mixing matrices.
 *
 * <table>
 *   <caption>Specs</caption>
 *   <tr><td>{@code ring}</td><td>i linked to i +- 1</td></tr>
 *   <tr><td>{@code torus:RxC}, {@code torus}</td><td>2-D torus, R rows by C columns (plain {@code torus}:
 *       the most square factorisation of n)</td></tr>
 *   <tr><td>{@code exponential}</td><td>i linked to i +- 2^k for every 2^k &lt; n</td></tr>
 *   <tr><td>{@code onepeer-exp}</td><td>time-varying: at step t rank i sends to i + 2^(t mod ceil(log2 n))
 *       and receives from i - 2^(t mod ceil(log2 n)); W_t = (I + P_t) / 2</td></tr>
 *   <tr><td>{@code complete}</td><td>every pair linked</td></tr>
 *   <tr><td>{@code file:PATH}</td><td>an edge list, one {@code i j [w]} per line (ranks from 0, {@code #}
 *       comments); with weights, {@code i i w} sets w_ii, otherwise w_ii = 1 - sum of the row</td></tr>
 * </table>
 * Without given weights, Metropolis-Hastings weights w_ij = 1 / (1 + max(deg i, deg j)) are used, which on
 * a regular graph are the uniform 1 / (deg + 1).
 */
public final class Topologies {
    /** Tolerance of the row and column sums and of symmetry. */
    public static final double TOLERANCE = 1e-9;

    public static final String VALID_SPECS =
        "ring, torus, torus:RxC, exponential, onepeer-exp, complete, file:PATH";

    private Topologies() {
    }

    /**
     * Builds and checks the topology {@code spec} on {@code n} ranks.
     *
     * @throws IllegalArgumentException naming the spec, the offending row, edge or file line
     */
    public static Topology parse(String spec, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a topology needs at least 1 rank, got " + n);
        }
        final String s = spec.trim();
        checkFits(s, n);
        final Topology t;
        if (s.equals("ring")) {
            t = undirected(s, n, ringEdges(n), null);
        } else if (s.equals("torus")) {
            final int rows = squarestRows(n);
            t = undirected("torus:" + rows + "x" + n / rows, n, torusEdges(rows, n / rows), null);
        } else if (s.startsWith("torus:")) {
            final int[] rc = torusShape(s, n);
            t = undirected(s, n, torusEdges(rc[0], rc[1]), null);
        } else if (s.equals("exponential")) {
            t = undirected(s, n, exponentialEdges(n), null);
        } else if (s.equals("onepeer-exp")) {
            t = onePeerExponential(n);
        } else if (s.equals("complete")) {
            t = undirected(s, n, completeEdges(n), null);
        } else if (s.startsWith("file:")) {
            t = edgeListFile(s, Path.of(s.substring("file:".length())), n);
        } else {
            throw new IllegalArgumentException("unknown topology '" + spec + "'; valid: " + VALID_SPECS);
        }
        check(t);
        return t;
    }

    /** Heap bytes per directed link while a topology is built and checked (a tree entry, its boxes, its rows). */
    private static final long BYTES_PER_LINK = 96;
    /** Heap bytes per rank besides its links. */
    private static final long BYTES_PER_RANK = 160;

    /**
     * Refuses, before building it, a topology that cannot fit this JVM's heap, with the memory it would need:
     * a complete graph of 200,000 ranks has 4e10 links, a ring of 1e8 ranks 2e8. Edge-list files are bounded
     * by their own lines and are not estimated.
     */
    private static void checkFits(String spec, int n) {
        final long links;
        if (spec.equals("ring")) {
            links = 2L * n;
        } else if (spec.startsWith("torus")) {
            links = 4L * n;
        } else if (spec.equals("exponential") || spec.equals("onepeer-exp")) {
            links = 2L * n * Math.max(1, 64 - Long.numberOfLeadingZeros(n - 1L));
        } else if (spec.equals("complete")) {
            links = (long) n * (n - 1);
        } else {
            return;
        }
        final long bytes = links * BYTES_PER_LINK + n * BYTES_PER_RANK;
        final Runtime rt = Runtime.getRuntime();
        final long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > free) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "topology '%s' on %d ranks has %d"
                + " links: building and checking it needs about %.1f GB of memory, and this JVM has %.1f GB free:"
                + " give it more with GOSSIP_MPI_JAVA_OPTS=-Xmx<size>, or use fewer ranks or a sparser graph", spec, n,
                links, bytes / 1e9, free / 1e9));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Graphs
    // ---------------------------------------------------------------------------------------------

    /** Rows of an undirected graph: rows[i] maps each neighbour j != i to w_ij (NaN: Metropolis-Hastings). */
    private static TreeMap<Integer, Double>[] emptyRows(int n) {
        @SuppressWarnings("unchecked")
        final TreeMap<Integer, Double>[] rows = (TreeMap<Integer, Double>[]) new TreeMap<?, ?>[n];
        for (int i = 0; i < n; i++) {
            rows[i] = new TreeMap<>();
        }
        return rows;
    }

    private static void link(TreeMap<Integer, Double>[] rows, int i, int j) {
        if (i != j) {
            rows[i].put(j, Double.NaN);
            rows[j].put(i, Double.NaN);
        }
    }

    private static TreeMap<Integer, Double>[] ringEdges(int n) {
        final TreeMap<Integer, Double>[] rows = emptyRows(n);
        for (int i = 0; i < n; i++) {
            link(rows, i, (i + 1) % n);
        }
        return rows;
    }

    private static TreeMap<Integer, Double>[] torusEdges(int r, int c) {
        final TreeMap<Integer, Double>[] rows = emptyRows(r * c);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                final int me = i * c + j;
                link(rows, me, ((i + 1) % r) * c + j);
                link(rows, me, i * c + (j + 1) % c);
            }
        }
        return rows;
    }

    private static TreeMap<Integer, Double>[] exponentialEdges(int n) {
        final TreeMap<Integer, Double>[] rows = emptyRows(n);
        for (int i = 0; i < n; i++) {
            for (long hop = 1; hop < n; hop <<= 1) {
                link(rows, i, (int) ((i + hop) % n));
            }
        }
        return rows;
    }

    private static TreeMap<Integer, Double>[] completeEdges(int n) {
        final TreeMap<Integer, Double>[] rows = emptyRows(n);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                link(rows, i, j);
            }
        }
        return rows;
    }

    /** The row count of the most square R x C = n (R <= C). */
    static int squarestRows(int n) {
        int r = (int) Math.sqrt(n);
        while (n % r != 0) {
            r--;
        }
        return r;
    }

    private static int[] torusShape(String spec, int n) {
        final String shape = spec.substring("torus:".length());
        final String[] parts = shape.split("x", -1);
        try {
            if (parts.length == 2) {
                final int r = Integer.parseInt(parts[0]);
                final int c = Integer.parseInt(parts[1]);
                if (r >= 1 && c >= 1 && (long) r * c == n) {
                    return new int[] {r, c};
                }
                throw new IllegalArgumentException("topology '" + spec + "': a " + r + "x" + c + " torus has "
                    + (long) r * c + " ranks, but there are " + n + " (use torus:RxC with R*C = " + n
                    + ", or plain 'torus')");
            }
        } catch (NumberFormatException e) {
            // fall through to the format message
        }
        throw new IllegalArgumentException("topology '" + spec + "': expected torus:RxC with positive integers,"
            + " for example torus:4x4");
    }

    // ---------------------------------------------------------------------------------------------
    // Weights
    // ---------------------------------------------------------------------------------------------

    /**
     * A static undirected topology. Rows hold j -> w_ij (NaN where Metropolis-Hastings weights are wanted);
     * {@code self}, if given, holds explicit w_ii.
     */
    private static Topology undirected(String name, int n, TreeMap<Integer, Double>[] rows, double[] self) {
        final int[][] from = new int[n][];
        final double[][] weights = new double[n][];
        final double[] selfWeight = new double[n];
        for (int i = 0; i < n; i++) {
            from[i] = new int[rows[i].size()];
            weights[i] = new double[rows[i].size()];
            double sum = 0;
            int k = 0;
            for (Map.Entry<Integer, Double> e : rows[i].entrySet()) {
                final int j = e.getKey();
                final double w = Double.isNaN(e.getValue())
                    ? 1.0 / (1 + Math.max(rows[i].size(), rows[j].size())) : e.getValue();
                from[i][k] = j;
                weights[i][k] = w;
                sum += w;
                k++;
            }
            selfWeight[i] = self != null && !Double.isNaN(self[i]) ? self[i] : 1.0 - sum;
        }
        return new Topology(name, new MixingStep[] {new MixingStep(from, weights, from, selfWeight)}, true);
    }

    private static Topology onePeerExponential(int n) {
        final int period = Math.max(1, 32 - Integer.numberOfLeadingZeros(n - 1)); // ceil(log2 n), at least 1
        final MixingStep[] steps = new MixingStep[period];
        for (int t = 0; t < period; t++) {
            final int hop = (1 << t) % n;
            final int[][] from = new int[n][];
            final int[][] to = new int[n][];
            final double[][] w = new double[n][];
            final double[] self = new double[n];
            for (int i = 0; i < n; i++) {
                if (hop == 0) { // n = 1
                    from[i] = new int[0];
                    to[i] = new int[0];
                    w[i] = new double[0];
                    self[i] = 1.0;
                } else {
                    from[i] = new int[] {(i - hop + n) % n};
                    to[i] = new int[] {(i + hop) % n};
                    w[i] = new double[] {0.5};
                    self[i] = 0.5;
                }
            }
            steps[t] = new MixingStep(from, w, to, self);
        }
        // For n = 2 the single step is i <-> i+1, which is symmetric; in general it is not.
        return new Topology("onepeer-exp", steps, n <= 2);
    }

    private static Topology edgeListFile(String spec, Path path, int n) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("topology '" + spec + "': " + path + ": no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException("topology '" + spec + "': " + path + " is not text (an edge list has"
                + " one 'i j [w]' per line)");
        } catch (IOException e) {
            throw new IllegalArgumentException("topology '" + spec + "': cannot read " + path + ": " + e.getMessage());
        }
        final TreeMap<Integer, Double>[] rows = emptyRows(n);
        final double[] self = new double[n];
        java.util.Arrays.fill(self, Double.NaN);
        Boolean weighted = null;
        int edges = 0;
        for (int ln = 1; ln <= lines.size(); ln++) {
            String line = lines.get(ln - 1);
            final int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            final String where = path + ":" + ln + ": ";
            final String[] tok = line.split("\\s+");
            if (tok.length != 2 && tok.length != 3) {
                throw new IllegalArgumentException(where + "expected 'i j' or 'i j w', got '" + line + "'");
            }
            if (weighted == null) {
                weighted = tok.length == 3;
            } else if (weighted != (tok.length == 3)) {
                throw new IllegalArgumentException(where + "either every line has a weight or none does");
            }
            final int i = rank(tok[0], n, where);
            final int j = rank(tok[1], n, where);
            double w = Double.NaN;
            if (weighted) {
                try {
                    w = Double.parseDouble(tok[2]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + "weight '" + tok[2] + "' is not a number");
                }
            }
            if (addEdge(rows, self, i, j, w, weighted, where)) {
                edges++;
            }
        }
        if (edges == 0 && n > 1) {
            throw new IllegalArgumentException("topology '" + spec + "': " + path + " lists no edges");
        }
        return undirected(spec, n, rows, self);
    }

    /**
     * A topology from the caller's own undirected edges {i, j} (ranks from 0) and their weights w_ij = w_ji
     * ({@code weights} null: Metropolis-Hastings weights); an edge {i, i} with a weight sets w_ii. Checked like
     * every topology.
     *
     * @param name what messages and the run's records call it
     * @throws IllegalArgumentException naming the edge at fault
     */
    public static Topology fromEdges(String name, int n, int[][] edges, double[] weights) {
        if (n < 1) {
            throw new IllegalArgumentException("a topology needs at least 1 rank, got " + n);
        }
        final TreeMap<Integer, Double>[] rows = emptyRows(n);
        final double[] self = new double[n];
        java.util.Arrays.fill(self, Double.NaN);
        int links = 0;
        for (int k = 0; k < edges.length; k++) {
            final String where = "topology " + name + ": edge " + k + ": ";
            if (edges[k] == null || edges[k].length != 2) {
                throw new IllegalArgumentException(where + "an edge is a pair {i, j}");
            }
            if (edges[k][0] < 0 || edges[k][0] >= n || edges[k][1] < 0 || edges[k][1] >= n) {
                throw new IllegalArgumentException(where + "rank outside [0, " + n + "): {" + edges[k][0] + ", "
                    + edges[k][1] + "}");
            }
            if (addEdge(rows, self, edges[k][0], edges[k][1], weights == null ? Double.NaN : weights[k],
                    weights != null, where)) {
                links++;
            }
        }
        if (links == 0 && n > 1) {
            throw new IllegalArgumentException("topology " + name + ": no edges between ranks");
        }
        final Topology t = undirected(name, n, rows, self);
        check(t);
        return t;
    }

    /**
     * Adds edge i-j of weight w (NaN: Metropolis-Hastings) to the rows, or w_ii for i = j; returns whether it
     * linked two ranks. {@code where} starts every message ("FILE:LINE: ", "edge K: ").
     */
    private static boolean addEdge(TreeMap<Integer, Double>[] rows, double[] self, int i, int j, double w,
                                   boolean weighted, String where) {
        if (weighted && (!(w >= 0) || Double.isInfinite(w))) {
            throw new IllegalArgumentException(where + "weight of edge " + i + "-" + j + " is " + w + "; weights must"
                + " be finite and >= 0");
        }
        if (i == j) {
            if (!weighted) {
                throw new IllegalArgumentException(where + "self-loop " + i + "-" + i
                    + " without a weight (w_ii is 1 minus the row sum unless given)");
            }
            self[i] = w;
            return false;
        }
        if (rows[i].containsKey(j)) {
            throw new IllegalArgumentException(where + "edge " + i + "-" + j + " listed twice");
        }
        // An undirected edge: the same weight both ways.
        rows[i].put(j, w);
        rows[j].put(i, w);
        return true;
    }

    private static int rank(String token, int n, String where) {
        final int r;
        try {
            r = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + "rank '" + token + "' is not an integer");
        }
        if (r < 0 || r >= n) {
            throw new IllegalArgumentException(where + "rank " + r + " outside [0, " + n + ")");
        }
        return r;
    }

    // ---------------------------------------------------------------------------------------------
    // Checks
    // ---------------------------------------------------------------------------------------------

    /**
     * Checks every W_t: non-negative, rows and columns summing to 1 within {@link #TOLERANCE}, symmetric
     * where the topology says so; and the graph (union over a period) strongly connected.
     *
     * @throws IllegalArgumentException naming the topology and the offending row, column or edge
     */
    public static void check(Topology topo) {
        final int n = topo.size();
        for (int t = 0; t < topo.period(); t++) {
            final MixingStep s = topo.step(t);
            final String at = "topology " + topo.name() + (topo.isStatic() ? "" : " at step " + t) + ": ";
            final double[] colSum = new double[n];
            for (int i = 0; i < n; i++) {
                double rowSum = s.selfWeight(i);
                if (!(s.selfWeight(i) >= -TOLERANCE)) {
                    throw new IllegalArgumentException(at + "row " + i + ": w_" + i + i + " = " + s.selfWeight(i)
                        + " is negative (the row's other weights sum to more than 1)");
                }
                colSum[i] += s.selfWeight(i);
                final int[] from = s.recvFrom(i);
                final double[] w = s.recvWeights(i);
                for (int k = 0; k < from.length; k++) {
                    if (!(w[k] >= 0)) {
                        throw new IllegalArgumentException(at + "edge " + i + "-" + from[k] + ": weight " + w[k]
                            + " is negative");
                    }
                    rowSum += w[k];
                    colSum[from[k]] += w[k];
                }
                if (Math.abs(rowSum - 1) > TOLERANCE) {
                    throw new IllegalArgumentException(at + "row " + i + " sums to " + rowSum + ", not 1");
                }
            }
            for (int j = 0; j < n; j++) {
                if (Math.abs(colSum[j] - 1) > TOLERANCE) {
                    throw new IllegalArgumentException(at + "column " + j + " sums to " + colSum[j]
                        + ", not 1 (W must be doubly stochastic)");
                }
            }
            if (topo.isSymmetric()) {
                checkSymmetric(s, at);
            }
        }
        checkConnected(topo);
    }

    private static void checkSymmetric(MixingStep s, String at) {
        for (int i = 0; i < s.size(); i++) {
            final int[] from = s.recvFrom(i);
            for (int k = 0; k < from.length; k++) {
                final int j = from[k];
                final double wji = weight(s, j, i);
                if (Math.abs(s.recvWeights(i)[k] - wji) > TOLERANCE) {
                    throw new IllegalArgumentException(at + "edge " + i + "-" + j + ": w_ij = " + s.recvWeights(i)[k]
                        + " but w_ji = " + wji + " (W must be symmetric)");
                }
            }
        }
    }

    private static double weight(MixingStep s, int i, int j) {
        final int[] from = s.recvFrom(i);
        for (int k = 0; k < from.length; k++) {
            if (from[k] == j) {
                return s.recvWeights(i)[k];
            }
        }
        return 0;
    }

    private static void checkConnected(Topology topo) {
        final int n = topo.size();
        for (boolean forward : new boolean[] {true, false}) {
            final boolean[] seen = new boolean[n];
            final ArrayDeque<Integer> queue = new ArrayDeque<>();
            seen[0] = true;
            queue.add(0);
            int reached = 1;
            while (!queue.isEmpty()) {
                final int i = queue.poll();
                for (int t = 0; t < topo.period(); t++) {
                    final MixingStep s = topo.step(t);
                    final int[] next = forward ? s.sendTo(i) : s.recvFrom(i);
                    final double[] w = forward ? null : s.recvWeights(i);
                    for (int k = 0; k < next.length; k++) {
                        if ((w == null || w[k] > 0) && !seen[next[k]]) {
                            seen[next[k]] = true;
                            reached++;
                            queue.add(next[k]);
                        }
                    }
                }
            }
            if (reached < n) {
                int missing = 0;
                while (seen[missing]) {
                    missing++;
                }
                throw new IllegalArgumentException("topology " + topo.name() + ": not connected: rank " + missing
                    + " cannot be reached from rank 0 (" + reached + " of " + n + " ranks reachable)");
            }
        }
    }
}

package org.gossipmpi.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.compress.Compressor;
import org.gossipmpi.compress.Compressors;
import org.gossipmpi.data.DataSources;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.data.Labels;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.kernel.GemmReference;
import org.gossipmpi.model.Batch;
import org.gossipmpi.model.LinearModel;
import org.gossipmpi.testing.World;
import org.gossipmpi.testing.Worlds;
import org.gossipmpi.topology.Topologies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every algorithm's trajectory equals a direct single-process implementation of its equations (README.md,
 * Training) with all ranks' vectors in one matrix, on a small full-batch logistic regression with
 * deterministic compressors, to 1e-5 relative: in-process with 4 ranks, and under mpirun -np 4 (ctest).
 */
class AlgorithmTrajectoryTest {
    static final int D = 12;
    static final int ROWS = 48;
    static final int T = 25;
    static final double LR = 0.5;
    static final double L2 = 0.01;
    static final double GAMMA = 0.5;
    static final long SEED = 3;

    static List<Arguments> cases() {
        final String[][] combos = {{"dpsgd", "none"}, {"allreduce", "none"}, {"allreduce:ring", "none"}, {"choco", "none"}, {"choco", "topk:0.25"},
            {"choco", "sign"}, {"choco-gossip", "topk:0.25"}, {"dcd", "none"}, {"ecd", "none"},
            {"deepsqueeze", "topk:0.25"}, {"deepsqueeze", "sign"}};
        final List<Arguments> args = new ArrayList<>();
        for (World w : Worlds.of(4)) {
            for (String[] c : combos) {
                args.add(Arguments.of(w, c[0], c[1]));
            }
        }
        return args;
    }

    /** The same small dataset on every rank: 48 rows of 12 features, labels from a fixed linear rule. */
    static Path dataFile() throws IOException {
        final StringBuilder sb = new StringBuilder();
        final SplittableRandom r = new SplittableRandom(17);
        for (int i = 0; i < ROWS; i++) {
            final double[] a = new double[D];
            double score = 0;
            for (int j = 0; j < D; j++) {
                a[j] = r.nextGaussian();
                score += a[j] * (j % 3 - 1);
            }
            sb.append(score + 0.3 * r.nextGaussian() > 0 ? 1 : 0);
            for (double v : a) {
                sb.append(',').append((float) v);
            }
            sb.append('\n');
        }
        // One path for every rank (the ranks check they run the same configuration, the data path included);
        // each writes its own temporary copy and moves it there atomically, all with the same content.
        final Path p = Path.of(System.getProperty("java.io.tmpdir"), "gossip-trajectory-" + ROWS + "x" + D + ".csv");
        final Path tmp = Files.createTempFile("trajectory-", ".csv");
        Files.writeString(tmp, sb.toString());
        Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return p;
    }

    static TrainConfig config(String algorithm, String compressor, Path data) {
        return TrainConfig.builder().algorithm(algorithm).model("logistic").hidden(0).data(data.toString())
            .batch(0).lr(new LearningRate(LearningRate.Kind.CONST, LR, 1, 1, 1)).l2(L2).steps(T)
            .shard(Sharding.contiguous).seed(SEED).evalEvery(T).device(Devices.Kind.java)
            .topology("ring").compressor(compressor).gamma(GAMMA).evalRows(0).build();
    }

    @ParameterizedTest(name = "{0}, {1}, {2}")
    @MethodSource("cases")
    void trajectoryEqualsTheEquations(World world, String algorithm, String compressor) throws Exception {
        // "allreduce:ring": the allreduce algorithm summing with gossip-mpi's ring instead of the MPI library's
        final String name = algorithm.split(":")[0];
        final AllreduceAverage.Kind kind = algorithm.endsWith(":ring") ? AllreduceAverage.Kind.RING
            : AllreduceAverage.Kind.MPI;
        world.run(c -> {
            final Path data = dataFile();
            final float[] x = new Training(config(name, compressor, data).toBuilder().allreduce(kind).build(), c,
                new PrintWriter(new StringWriter())).run().model();
            final double[][] ref = reference(name, compressor, data, c.size());
            double err = 0;
            double norm = 0;
            for (int i = 0; i < D; i++) {
                err += (x[i] - ref[c.rank()][i]) * (x[i] - ref[c.rank()][i]);
                norm += ref[c.rank()][i] * ref[c.rank()][i];
            }
            assertTrue(Math.sqrt(err) <= 1e-5 * Math.sqrt(norm) + 1e-7, algorithm + " " + compressor + " rank "
                + c.rank() + ": relative error " + Math.sqrt(err / norm));
        });
    }

    /** All ranks' models after T steps, straight from the equations. */
    static double[][] reference(String algorithm, String compressorSpec, Path data, int n) {
        final Dataset all = DataSources.load(data.toString(), null, 0).train();
        final Dataset train = Labels.binary(all).apply(all);
        final LinearModel model = LinearModel.logistic(D, L2, new GemmReference());
        final Batch[] shards = new Batch[n];
        for (int r = 0; r < n; r++) {
            final Dataset s = train.subset(Sharding.contiguous.rows(train, r, n, SEED), "shard");
            shards[r] = new Batch(s).fill(s, null, 0, s.rows());
        }
        final double[][] w = Topologies.parse("ring", n).step(0).dense();
        final Compressor[] q = new Compressor[n];
        for (int r = 0; r < n; r++) {
            q[r] = Compressors.parse(compressorSpec, SEED, r);
        }
        double[][] x = new double[n][D];
        if (algorithm.equals("choco-gossip")) {
            for (int r = 0; r < n; r++) {
                final SplittableRandom rnd = new SplittableRandom(SEED * 7919 + r);
                for (int i = 0; i < D; i++) {
                    x[r][i] = (float) rnd.nextGaussian();
                }
            }
        }
        double[][] xhat = new double[n][D];
        double[][] s = new double[n][D];
        double[][] y = copy(x);
        final double[][] delta = new double[n][D];
        for (int t = 0; t < T; t++) {
            final double[][] g = new double[n][];
            for (int r = 0; r < n; r++) {
                g[r] = gradient(model, x[r], shards[r]);
            }
            switch (algorithm) {
                case "allreduce": {
                    final double[] mean = new double[D];
                    for (int r = 0; r < n; r++) {
                        for (int i = 0; i < D; i++) {
                            mean[i] += g[r][i] / n;
                        }
                    }
                    for (int r = 0; r < n; r++) {
                        for (int i = 0; i < D; i++) {
                            x[r][i] -= LR * mean[i];
                        }
                    }
                    break;
                }
                case "dpsgd":
                    x = sub(mix(w, x), scale(g, LR));
                    break;
                case "choco":
                case "choco-gossip": {
                    final double[][] half = algorithm.equals("choco") ? sub(x, scale(g, LR)) : x;
                    final double[][] qq = new double[n][];
                    for (int r = 0; r < n; r++) {
                        qq[r] = apply(q[r], sub(half[r], xhat[r]), t);
                    }
                    xhat = add(xhat, qq);
                    s = add(s, mix(w, qq));
                    x = add(half, scale(sub(s, xhat), GAMMA));
                    break;
                }
                case "dcd": {
                    final double[][] z = sub(sub(mix(w, x), scale(g, LR)), x);
                    final double[][] cz = new double[n][];
                    for (int r = 0; r < n; r++) {
                        cz[r] = apply(q[r], z[r], t);
                    }
                    x = add(x, cz);
                    break;
                }
                case "ecd": {
                    final double[][] next = sub(mix(w, y), scale(g, LR));
                    final double h = (t + 1) / 2.0;
                    final double[][] z = add(scale(x, 1 - h), scale(next, h));
                    final double b = 2.0 / (t + 1);
                    final double[][] cz = new double[n][];
                    for (int r = 0; r < n; r++) {
                        cz[r] = apply(q[r], z[r], t);
                    }
                    y = add(scale(y, 1 - b), scale(cz, b));
                    x = next;
                    break;
                }
                case "deepsqueeze": {
                    final double[][] v = sub(x, scale(g, LR));
                    final double[][] c = new double[n][];
                    for (int r = 0; r < n; r++) {
                        final double[] e = new double[D];
                        for (int i = 0; i < D; i++) {
                            e[i] = v[r][i] + delta[r][i];
                        }
                        c[r] = apply(q[r], e, t);
                        for (int i = 0; i < D; i++) {
                            delta[r][i] = e[i] - c[r][i];
                        }
                    }
                    x = add(v, scale(sub(mix(w, c), c), GAMMA));
                    break;
                }
                default:
                    throw new IllegalArgumentException(algorithm);
            }
        }
        return x;
    }

    private static double[] gradient(LinearModel m, double[] x, Batch b) {
        final float[] xf = new float[D];
        for (int i = 0; i < D; i++) {
            xf[i] = (float) x[i];
        }
        final float[] g = new float[D];
        m.lossAndGradient(xf, b, g);
        final double[] out = new double[D];
        for (int i = 0; i < D; i++) {
            out[i] = g[i];
        }
        return out;
    }

    /** Q(v) through the compressor's wire format. */
    private static double[] apply(Compressor q, double[] v, long step) {
        final float[] vf = new float[D];
        for (int i = 0; i < D; i++) {
            vf[i] = (float) v[i];
        }
        final ByteBuffer buf = q.newPayloadBuffer(D);
        final int n = q.encode(vf, 0, D, buf, step);
        final float[] out = new float[D];
        q.decodeAdd(buf, n, 1f, out);
        final double[] r = new double[D];
        for (int i = 0; i < D; i++) {
            r[i] = out[i];
        }
        return r;
    }

    private static double[][] mix(double[][] w, double[][] x) {
        final int n = x.length;
        final double[][] out = new double[n][D];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < D; i++) {
                    out[r][i] += w[r][j] * x[j][i];
                }
            }
        }
        return out;
    }

    private static double[][] add(double[][] a, double[][] b) {
        final double[][] o = new double[a.length][D];
        for (int r = 0; r < a.length; r++) {
            for (int i = 0; i < D; i++) {
                o[r][i] = a[r][i] + b[r][i];
            }
        }
        return o;
    }

    private static double[][] sub(double[][] a, double[][] b) {
        return add(a, scale(b, -1));
    }

    private static double[] sub(double[] a, double[] b) {
        final double[] o = new double[D];
        for (int i = 0; i < D; i++) {
            o[i] = a[i] - b[i];
        }
        return o;
    }

    private static double[][] scale(double[][] a, double f) {
        final double[][] o = new double[a.length][D];
        for (int r = 0; r < a.length; r++) {
            for (int i = 0; i < D; i++) {
                o[r][i] = f * a[r][i];
            }
        }
        return o;
    }

    private static double[][] copy(double[][] a) {
        return scale(a, 1);
    }
}

package org.gossipmpi.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Locale;

import org.gossipmpi.api.Decentralized;
import org.gossipmpi.api.GossipWorld;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.data.DataSources;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.data.Labels;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.model.Mlp;
import org.gossipmpi.train.LearningRate;
import org.gossipmpi.train.MinibatchSampler;
import org.gossipmpi.train.TrainConfig;
import org.gossipmpi.train.Training;

/**
 * The cost of a step through the public API against {@code train}'s own step, in one process: for each algorithm,
 * rounds (after one that warms up) of (1) {@code train} on an MLP for a number of steps (its train seconds per step) and (2) a user's loop
 * of the same model, data, minibatches and settings that computes the gradient itself and calls
 * {@code Decentralized.step(t, x, g, lr)} (the slowest rank's time per step). Prints CSV on rank 0.
 */
public final class ApiBenchmark {
    public static final String HEADER = "backend,ranks,algorithm,compressor,round,form,steps,us_per_step";

    private final Communicator comm;
    private final PrintWriter out;
    private final String data;
    private final int hidden;
    private final int batch;
    private final int steps;
    private final FloatBuffer slowest = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).asFloatBuffer();

    public ApiBenchmark(Communicator comm, PrintWriter out, String data, int hidden, int batch, int steps) {
        if (steps < 10) {
            throw new org.gossipmpi.config.SettingException("steps", "{steps} must be >= 10, got " + steps);
        }
        this.comm = comm;
        this.out = out;
        this.data = data;
        this.hidden = hidden;
        this.batch = batch;
        this.steps = steps;
    }

    /**
     * Every run ({algorithm, compressor, gamma or ""}) for {@code rounds} rounds, train and API interleaved, after
     * a round that warms the JIT up and is not reported.
     */
    public void run(String[][] runs, int rounds) {
        for (int round = 0; round <= rounds; round++) {
            for (String[] r : runs) {
                final double train = viaTrain(r);
                final double api = viaApi(r);
                if (round > 0) {
                    report(r, round, "train", train);
                    report(r, round, "api", api);
                }
            }
        }
    }

    private TrainConfig config(String[] r) {
        final TrainConfig.Builder b = TrainConfig.builder().algorithm(r[0]).compressor(r[1]).model("mlp")
            .hidden(hidden).data(data).batch(batch).lr(new LearningRate(LearningRate.Kind.INVERSE, 0.1, 1000, 0.1, 1))
            .steps(steps).evalEvery(steps).evalRows(1000).device(Devices.Kind.java).seed(1);
        if (!r[2].isEmpty()) {
            b.gamma(Double.parseDouble(r[2]));
        }
        return b.build();
    }

    /** train's time per step: its train seconds (the steps alone) over the steps. */
    private double viaTrain(String[] r) {
        final Training.Outcome o = new Training(config(r), comm, new PrintWriter(new StringWriter())).run();
        return o.trainSeconds() / o.steps() * 1e6;
    }

    /** The API's time per step, the slowest rank's, in a user's loop on the same model, data and settings. */
    private double viaApi(String[] r) {
        final TrainConfig c = config(r);
        final Dataset all = DataSources.load(data, null, 0).train();
        final Dataset train = Labels.classes(all).apply(all);
        final Dataset shard = train.subset(c.shard().rows(train, comm.rank(), comm.size(), c.seed()), "shard");
        final Mlp model = new Mlp(train.cols(), hidden, train.classes(), 0, Devices.gemm(Devices.choose(
            Devices.Kind.java)));
        final MinibatchSampler sampler = new MinibatchSampler(shard, batch, c.seed(), comm.rank());
        final Decentralized.Builder b = Decentralized.builder(GossipWorld.of(comm)).algorithm(r[0]).compressor(r[1])
            .seed(c.seed()).device("java");
        if (!r[2].isEmpty()) {
            b.gamma(Double.parseDouble(r[2]));
        }
        try (Decentralized opt = b.build(model.dimension())) {
            final float[] x = new float[model.dimension()];
            final float[] g = new float[x.length];
            model.initialize(x, c.seed());
            comm.barrier();
            final long start = System.nanoTime();
            for (long t = 0; t < steps; t++) {
                model.lossAndGradient(x, sampler.next(), g);
                opt.step(t, x, g, c.lr().at(t));
            }
            final double mine = (System.nanoTime() - start) / 1e3 / steps;
            slowest.put(0, (float) mine);
            // the slowest rank's time: ranks wait for each other every step, so the times are close
            comm.allreduceSum(slowest, 1);
            return slowest.get(0) / comm.size();
        }
    }

    private void report(String[] r, int round, String form, double usPerStep) {
        if (comm.rank() == 0) {
            out.printf(Locale.ROOT, "%s,%d,%s,%s,%d,%s,%d,%.1f%n", comm.backend().split(" ")[0], comm.size(), r[0],
                r[1], round, form, steps, usPerStep);
            out.flush();
        }
    }
}

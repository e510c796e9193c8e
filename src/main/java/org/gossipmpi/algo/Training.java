package org.gossipmpi.algo;

import java.io.PrintWriter;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.data.DataSources;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.data.Labels;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.kernel.Gemm;
import org.gossipmpi.model.Batch;
import org.gossipmpi.model.LinearModel;
import org.gossipmpi.model.Mlp;
import org.gossipmpi.model.Model;
import org.gossipmpi.model.SoftmaxRegression;

/**
 * A training run on one rank (SPMD): load and shard the data, build the model on the chosen device, run the
 * algorithm's steps, and evaluate every {@code evalEvery} steps; rank 0 prints progress and the result.
 */
public final class Training {
    private final TrainConfig config;
    private final Communicator comm;
    private final PrintWriter out;

    /** What a run ends with. */
    public record Outcome(long steps, double trainLoss, double testAccuracy, long bytesSent, double seconds,
                          float[] model) {
    }

    public Training(TrainConfig config, Communicator comm, PrintWriter out) {
        this.config = config;
        this.comm = comm;
        this.out = out;
    }

    public Outcome run() {
        final DataSources.Loaded loaded = DataSources.load(config.data(), config.testData(), config.features());
        final boolean binary = config.model().equals("logistic");
        final boolean regression = config.model().equals("leastsquares");
        final Labels labels = regression ? null : binary ? Labels.binary(loaded.train()) : Labels.classes(loaded.train());
        final Dataset train = labels == null ? loaded.train() : labels.apply(loaded.train());
        final Dataset test = loaded.test() == null ? null : labels == null ? loaded.test() : labels.apply(loaded.test());
        if (test != null && test.cols() != train.cols()) {
            throw new IllegalArgumentException(test.source() + " has " + test.cols() + " features, the training data "
                + train.cols() + ": use --features");
        }
        final int[] mine = config.shard().rows(train, comm.rank(), comm.size(), config.seed());
        final Dataset shard = train.subset(mine, train.source() + " shard " + comm.rank());

        final Gemm gemm = Devices.gemm(config.device());
        final Model model = model(train, labels, gemm);
        final MinibatchSampler sampler = new MinibatchSampler(shard, config.batch(), config.seed(), comm.rank());
        final long steps = config.steps() > 0 ? config.steps()
            : (long) Math.ceil(config.epochs() * train.rows() / ((double) comm.size() * sampler.batchSize()));
        final Algorithm algorithm = new AllreduceSgd(comm, model, sampler, config.lr(),
            new LocalStep(config.momentumKind(), config.momentum(), model.dimension()), config.seed());
        if (comm.rank() == 0) {
            out.printf("train: %s, %s model (%d parameters) on %s, %d ranks (%s shards of ~%d rows), batch %d,"
                    + " lr %s, %d steps, kernels on %s%n", algorithm.name(), model.name(), model.dimension(),
                train, comm.size(), config.shard(), shard.rows(), sampler.batchSize(), config.lr(), steps,
                gemm.describe());
            out.flush();
        }
        final Evaluation eval = new Evaluation(comm, model);
        final Batch shardBatch = new Batch(shard);
        final Batch testBatch = test == null ? null : new Batch(test);
        final long start = System.nanoTime();
        Evaluation.Result trainResult = null;
        double testAccuracy = Double.NaN;
        for (long t = 0; t < steps; t++) {
            final double loss = algorithm.step(t);
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("rank " + comm.rank() + ": the loss is " + loss + " at step " + t
                    + ": the run diverged (lower --lr)");
            }
            if ((t + 1) % config.evalEvery() == 0 || t + 1 == steps) {
                trainResult = eval.evaluate(algorithm.model(), shard, shardBatch, false);
                testAccuracy = test == null ? Double.NaN
                    : eval.evaluate(algorithm.model(), test, testBatch, true).accuracy();
                if (comm.rank() == 0) {
                    final double seconds = (System.nanoTime() - start) / 1e9;
                    out.printf("step %d/%d  train loss %.5f  train acc %.4f  test acc %.4f  MB sent %.2f"
                            + "  steps/s %.0f  ETA %.0f s%n", t + 1, steps, trainResult.loss(), trainResult.accuracy(),
                        testAccuracy, algorithm.bytesSent() / 1e6, (t + 1) / seconds,
                        (steps - t - 1) * seconds / (t + 1));
                    out.flush();
                }
            }
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        if (comm.rank() == 0) {
            out.printf("final: train loss %.5f, test accuracy %.4f after %d steps (%.2f epochs) in %.1f s%n",
                trainResult.loss(), testAccuracy, steps,
                steps * (double) comm.size() * sampler.batchSize() / train.rows(), seconds);
            out.flush();
        }
        return new Outcome(steps, trainResult.loss(), testAccuracy, algorithm.bytesSent(), seconds, algorithm.model());
    }

    private Model model(Dataset train, Labels labels, Gemm gemm) {
        final int d = train.cols();
        switch (config.model()) {
            case "logistic":
                return LinearModel.logistic(d, config.l2(), gemm);
            case "leastsquares":
                return LinearModel.leastSquares(d, config.l2(), gemm);
            case "softmax":
                return new SoftmaxRegression(d, labels.classes(), config.l2(), gemm);
            default:
                return new Mlp(d, config.hidden(), labels.classes(), config.l2(), gemm);
        }
    }
}

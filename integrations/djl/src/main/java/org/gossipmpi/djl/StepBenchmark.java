package org.gossipmpi.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Locale;
import java.util.SplittableRandom;
import org.gossipmpi.api.Decentralized;
import org.gossipmpi.api.GossipWorld;
import org.gossipmpi.api.Gradient;
import org.gossipmpi.data.DataSources;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.model.Batch;

/**
 * One rank's training step of a DJL network, in plain DJL and through gossip-mpi, on the same minibatches of
 * Fashion-MNIST:
 * <ul>
 * <li>{@code djl}: what a DJL user writes: the batch into a new tensor, forward, backward, and the trainer's SGD
 *     step ({@code Trainer.step});</li>
 * <li>{@code gossip}: {@code Decentralized.step} of all-reduce SGD on one rank (its all-reduce of one rank moves
 *     no data) with the gradient of {@link DjlModel}: the vector written into the network, forward, backward,
 *     the gradients copied out, the SGD step on the vector.</li>
 * </ul>
 * Rounds alternate the two after a warm-up round of 10 steps each, which also sets the steps per round: as many
 * as take about {@code --round-seconds} in plain DJL (at least 10). Every line of the CSV on standard output is
 * one round: {@code network,round,kind,steps,ms_per_step,adapter_ms_per_step}, the adapter being
 * {@link DjlModel}'s two copies (the vector into the tensors, the gradients out).
 *
 * <pre>
 * bin/gossip-mpi-java -cp "integrations/djl/target/gossip-mpi-djl.jar:integrations/djl/target/lib/*" \
 *     org.gossipmpi.djl.StepBenchmark [--nets lenet5,resnet20,wide-cnn] [--round-seconds 3] [--rounds 7] [--batch 32]
 * </pre>
 */
public final class StepBenchmark {
    private static final float LR = 0.01f;

    private StepBenchmark() {
    }

    /** The command line above. */
    public static void main(String[] args) {
        String nets = String.join(",", Networks.NAMES);
        double roundSeconds = 3;
        int rounds = 7;
        int batch = 32;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--nets" -> nets = args[i + 1];
                case "--round-seconds" -> roundSeconds = Double.parseDouble(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                    + " (options: --nets, --round-seconds, --rounds, --batch)");
            }
        }
        DjlModels.useThreads();
        final Dataset train = DataSources.load("fashion-mnist", null, 0).train();
        System.out.println("network,round,kind,steps,ms_per_step,adapter_ms_per_step");
        for (String net : nets.split(",")) {
            measure(net.trim(), train, roundSeconds, rounds, batch);
        }
    }

    private static void measure(String net, Dataset train, double roundSeconds, int rounds, int batch) {
        try (GossipWorld world = GossipWorld.init("--ranks", "1");
             DjlModel model = (DjlModel) new DjlModels().create(net, train.cols(), 10, 0);
             ai.djl.Model djl = ai.djl.Model.newInstance(net)) {
            djl.setBlock(Networks.of(net, 10));
            final Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(LR)).build();
            try (Trainer trainer = djl.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                     .optOptimizer(sgd));
                 Decentralized opt = Decentralized.builder(world).algorithm("allreduce").seed(1)
                     .build(model.dimension())) {
                trainer.initialize(Networks.input(batch));
                final float[] x = new float[model.dimension()];
                model.initialize(x, 1);
                final Batches djlBatches = new Batches(train, batch, 7);
                final Batches gossipBatches = new Batches(train, batch, 7);
                final Gradient gradient = (w, g, progress) -> model.lossAndGradient(w, gossipBatches.next(), g);
                final float[] images = new float[batch * train.cols()];
                final float[] labels = new float[batch];
                long t = 0;
                int steps = 10;
                for (int round = 0; round <= rounds; round++) {
                    final long d0 = System.nanoTime();
                    for (int s = 0; s < steps; s++) {
                        final Batch b = djlBatches.next();
                        System.arraycopy(b.denseRows(), 0, images, 0, images.length);
                        for (int i = 0; i < batch; i++) {
                            labels[i] = b.target(i);
                        }
                        try (NDManager step = trainer.getManager().newSubManager();
                             GradientCollector collector = trainer.newGradientCollector()) {
                            final NDList input = new NDList(step.create(images, Networks.input(batch)));
                            final NDList target = new NDList(step.create(labels, new Shape(batch)));
                            collector.backward(trainer.getLoss().evaluate(target, trainer.forward(input, target)));
                        }
                        trainer.step();
                    }
                    final long d1 = System.nanoTime();
                    final long adapterBefore = model.adapterNanos();
                    for (int s = 0; s < steps; s++) {
                        opt.step(t++, x, gradient, LR);
                    }
                    final long d2 = System.nanoTime();
                    final double adapter = (model.adapterNanos() - adapterBefore) / 1e9 / steps;
                    if (round > 0) {
                        System.out.printf(Locale.ROOT, "%s,%d,djl,%d,%.3f,%n", net, round, steps,
                            (d1 - d0) / 1e6 / steps);
                        System.out.printf(Locale.ROOT, "%s,%d,gossip,%d,%.3f,%.4f%n", net, round, steps,
                            (d2 - d1) / 1e6 / steps, adapter * 1e3);
                    } else { // the warm-up round sets the steps per round
                        steps = Math.max(10, (int) Math.round(roundSeconds * 1e9 * steps / (d1 - d0)));
                    }
                }
            }
        }
    }

    /** Seeded minibatches drawn with replacement from all rows. */
    private static final class Batches {
        private final Dataset data;
        private final int[] rows;
        private final SplittableRandom random;
        private final Batch batch;

        Batches(Dataset data, int size, long seed) {
            this.data = data;
            this.rows = new int[size];
            this.random = new SplittableRandom(seed);
            this.batch = new Batch(data);
        }

        Batch next() {
            for (int i = 0; i < rows.length; i++) {
                rows[i] = random.nextInt(data.rows());
            }
            return batch.fill(data, rows, 0, rows.length);
        }
    }
}

package org.gossipmpi.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.SplittableRandom;
import org.gossipmpi.api.Decentralized;
import org.gossipmpi.api.GossipWorld;
import org.gossipmpi.data.DataSources;
import org.gossipmpi.data.Dataset;

/**
 * LeNet-5 (DJL layers, PyTorch engine) on Fashion-MNIST, decentralized: every rank takes DJL SGD steps with
 * momentum on its own shard, and after each step the library mixes the parameters with its neighbours'
 * (CHOCO-Gossip with the chosen compressor on a ring, by default). Prints the loss of the average model on
 * 1,000 test images before and after, and fails when the steps did not lower it by a fifth.
 *
 * <pre>
 * mpirun -np 4 bin/gossip-mpi-java -cp "integrations/djl/target/gossip-mpi-djl.jar:integrations/djl/target/lib/*" \
 *     org.gossipmpi.djl.FashionLeNet [--steps 60] [--batch 32] [--lr 0.05] [--compressor topk:0.1] [--gamma 0.5]
 * </pre>
 * Ranks are processes: DJL's PyTorch engine lets one gradient collector run per process at a time, so
 * in-process ranks ({@code --ranks N} above 1) are refused. One PyTorch thread per rank unless
 * {@code --threads N}.
 */
public final class FashionLeNet {

    private static final int IMAGE = 28;
    private static final int EVAL_ROWS = 1000;

    private FashionLeNet() {
    }

    /** The command line above. */
    public static void main(String[] args) {
        String threads = "1";
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--threads")) {
                threads = args[i + 1];
            }
        }
        // Read by DJL's PyTorch engine when it starts: intra-op and inter-op threads of each rank.
        System.setProperty("ai.djl.pytorch.num_threads", threads);
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        GossipWorld.run(args, FashionLeNet::run);
    }

    private static void run(GossipWorld world) {
        int steps = 60;
        int batch = 32;
        float lr = 0.05f;
        String compressor = "topk:0.1";
        double gamma = 0.5;
        long seed = 1;
        final String[] args = world.arguments();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            final String value = args[i + 1];
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--lr" -> lr = Float.parseFloat(value);
                case "--compressor" -> compressor = value;
                case "--gamma" -> gamma = Double.parseDouble(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--threads" -> { }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                    + " (options: --steps, --batch, --lr, --compressor, --gamma, --seed, --threads)");
            }
        }
        if (world.backend().equals("local") && world.size() > 1) {
            throw new IllegalArgumentException("DJL's PyTorch engine collects gradients for one thread of a process"
                + " at a time: run the ranks as processes under mpirun (mpirun -np " + world.size()
                + " bin/gossip-mpi-java ...), not as --ranks " + world.size() + " in one process");
        }
        final DataSources.Loaded data = DataSources.load("fashion-mnist", null, 0);
        final Dataset train = data.train();
        final Dataset test = data.test();
        final Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(lr)).optMomentum(0.9f).build();
        try (Model model = Model.newInstance("lenet5")) {
            model.setBlock(Networks.lenet5(10));
            try (Trainer trainer = model.newTrainer(
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd));
                 NDManager manager = NDManager.newBaseManager()) {
                trainer.initialize(new Shape(batch, 1, IMAGE, IMAGE));
                final ParameterVector parameters = ParameterVector.of(model.getBlock(), ParameterVector.Buffers.MIX);
                parameters.checkSameOnAllRanks(world);
                final float[] x = new float[parameters.dimension()];
                parameters.gather(x);
                world.broadcast(x, 0);
                parameters.scatter(x);
                try (Decentralized gossip = Decentralized.builder(world).algorithm("choco").compressor(compressor)
                        .topology("ring").gamma(gamma).seed(seed).build(x.length)) {
                    final double before = averageModelLoss(world, trainer, parameters, x, test);
                    final SplittableRandom random = new SplittableRandom(seed * 1_000_003L + world.rank());
                    final float[] images = new float[batch * IMAGE * IMAGE];
                    final float[] labels = new float[batch];
                    // this rank's shard: rows rank, rank + size, ...
                    final int shardRows = (train.rows() - world.rank() + world.size() - 1) / world.size();
                    final float[] pixels = train.denseValues();
                    for (int t = 0; t < steps; t++) {
                        for (int b = 0; b < batch; b++) {
                            final int row = world.rank() + world.size() * random.nextInt(shardRows);
                            System.arraycopy(pixels, row * IMAGE * IMAGE, images, b * IMAGE * IMAGE,
                                IMAGE * IMAGE);
                            labels[b] = train.target(row);
                        }
                        try (NDManager step = manager.newSubManager();
                             GradientCollector collector = trainer.newGradientCollector()) {
                            final NDList input = new NDList(step.create(images, new Shape(batch, 1, IMAGE, IMAGE)));
                            final NDList target = new NDList(step.create(labels));
                            final NDArray loss = trainer.getLoss().evaluate(target, trainer.forward(input, target));
                            collector.backward(loss);
                        }
                        trainer.step();
                        parameters.gather(x);
                        gossip.mix(t, x);
                        parameters.scatter(x);
                    }
                    final double after = averageModelLoss(world, trainer, parameters, x, test);
                    if (world.rank() == 0) {
                        System.out.printf("LeNet-5, %d ranks, %d steps, CHOCO-Gossip %s gamma %s: loss of the average"
                            + " model %.4f -> %.4f%n", world.size(), steps, compressor, gamma, before, after);
                    }
                    if (!(after < 0.8 * before)) {
                        throw new IllegalStateException(String.format("the average model's loss went from %.4f to"
                            + " %.4f, not below 0.8 of the start", before, after));
                    }
                }
            }
        }
    }

    /** The loss on the first test images of the average over ranks of the models; x is this rank's model. */
    private static double averageModelLoss(GossipWorld world, Trainer trainer, ParameterVector parameters,
                                           float[] x, Dataset test) {
        parameters.gather(x);
        final float[] average = world.average(x);
        parameters.scatter(average);
        final int rows = Math.min(EVAL_ROWS, test.rows());
        final float[] images = new float[rows * IMAGE * IMAGE];
        System.arraycopy(test.denseValues(), 0, images, 0, images.length);
        final float[] labels = new float[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = test.target(r);
        }
        final double loss;
        try (NDManager eval = trainer.getManager().newSubManager()) {
            final NDList input = new NDList(eval.create(images, new Shape(rows, 1, IMAGE, IMAGE)));
            final NDList target = new NDList(eval.create(labels));
            loss = trainer.getLoss().evaluate(target, trainer.evaluate(input)).getFloat();
        }
        parameters.scatter(x);
        return loss;
    }
}

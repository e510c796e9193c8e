package org.gossipmpi.examples;

import java.util.Locale;
import java.util.Random;

import org.gossipmpi.api.Decentralized;
import org.gossipmpi.api.GossipWorld;

/** What the examples share: their arguments, progress lines, and the check that mixing reached the target. */
final class Examples {
    /** The loss of the averaged model on every row that counts as learned: below it, every class is told apart. */
    static final double TARGET = 0.5;

    private Examples() {
    }

    /** The number after {@code name} in {@code args}, or {@code otherwise}; an unknown argument is refused. */
    static double argument(String[] args, String name, double otherwise) {
        double value = otherwise;
        for (int i = 0; i < args.length; i++) {
            if (!args[i].equals("--steps") && !args[i].equals("--gamma") || i + 1 == args.length) {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "': the examples take --steps T"
                    + " and --gamma G (and gossip-mpi's --ranks, --backend, --timeout)");
            }
            if (args[i].equals(name)) {
                value = Double.parseDouble(args[i + 1]);
            }
            i++;
        }
        return value;
    }

    /** Rank 0 prints the averaged model's loss on every row, and the bytes this rank has sent. */
    static void report(GossipWorld world, TwoLayerNetwork net, BlobData data, float[] x, long step, Decentralized opt) {
        final float[] average = world.average(x);
        if (world.rank() == 0) {
            System.out.printf(Locale.ROOT, "step %d: loss of the averaged model %.4f, %.1f kB sent by rank 0, step %.0f"
                + " us (p50, exchange %.0f us)%n", step, net.loss(average, data, data.all(), data.rows(), null),
                opt.bytesSent() / 1e3, opt.phaseMicros(Decentralized.Phase.COMPRESS, 50)
                    + opt.phaseMicros(Decentralized.Phase.EXCHANGE, 50) + opt.phaseMicros(Decentralized.Phase.MIX, 50),
                opt.phaseMicros(Decentralized.Phase.EXCHANGE, 50));
        }
    }

    /**
     * The averaged model's loss on every row must be below {@link #TARGET}, and a rank trained on its own rows alone
     * (the same steps, no exchange) must stay above it: only mixing reaches the target. Throws otherwise, which
     * fails the job.
     *
     * @param sgdRate the learning rate of the lone rank's plain SGD, or -1 for Adam
     */
    static void check(GossipWorld world, TwoLayerNetwork net, BlobData data, float[] x, long steps, double sgdRate) {
        final float[] average = world.average(x);
        final double loss = net.loss(average, data, data.all(), data.rows(), null);
        if (world.rank() != 0) {
            return;
        }
        final double alone = alone(net, data, world.size(), steps, sgdRate);
        System.out.printf(Locale.ROOT, "averaged model after %d steps: loss %.4f on all %d rows (target %.2f); rank 0 on"
            + " its own rows alone: loss %.4f%n", steps, loss, data.rows(), TARGET, alone);
        if (!(loss < TARGET)) {
            throw new IllegalStateException("the averaged model's loss " + loss + " is not below the target " + TARGET);
        }
        if (world.size() > 1 && !(alone > TARGET)) {
            throw new IllegalStateException("rank 0 alone reached " + alone + ": the target does not need mixing");
        }
        System.out.println("target reached: only mixing gets there");
    }

    /** Rank 0's model trained on its own rows for {@code steps} steps without any exchange, evaluated on every row. */
    private static double alone(TwoLayerNetwork net, BlobData data, int ranks, long steps, double sgdRate) {
        final float[] x = new float[net.size()];
        final float[] g = new float[net.size()];
        net.initialize(x, 7);
        final int[] shard = data.shard(0, ranks);
        final Random random = new Random(1000);
        final int[] batch = new int[32];
        final AdamThenMix.Adam adam = new AdamThenMix.Adam(net.size(), 1e-3);
        for (long t = 0; t < steps; t++) {
            BlobData.sample(shard, random, batch);
            net.loss(x, data, batch, batch.length, g);
            if (sgdRate > 0) {
                for (int i = 0; i < x.length; i++) {
                    x[i] -= (float) sgdRate * g[i];
                }
            } else {
                adam.step(x, g);
            }
        }
        return net.loss(x, data, data.all(), data.rows(), null);
    }
}

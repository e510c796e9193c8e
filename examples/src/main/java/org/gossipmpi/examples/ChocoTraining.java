package org.gossipmpi.examples;

import java.util.Random;

import org.gossipmpi.api.Decentralized;
import org.gossipmpi.api.GossipWorld;

/**
 * A model of the user's own trained with CHOCO-SGD and top-1% compression: every rank computes its gradient on its
 * own rows, and {@code step} does the rest (the local SGD step, the compressed messages to the two ring neighbours,
 * the consensus step). The loop is the user's; the library touches nothing but the parameter vector.
 * <pre>
 *   java -cp ... org.gossipmpi.examples.ChocoTraining --ranks 4          # 4 in-process ranks
 *   mpirun -np 4 java -cp ... org.gossipmpi.examples.ChocoTraining       # 4 MPI ranks
 * </pre>
 * Ends by checking that the averaged model reached a loss that no rank reaches alone (see {@link BlobData}).
 */
public final class ChocoTraining {
    private ChocoTraining() {
    }

    public static void main(String[] args) {
        GossipWorld.run(args, world -> {
            final int steps = (int) Examples.argument(world.arguments(), "--steps", 3000);
            final double gamma = Examples.argument(world.arguments(), "--gamma", 0.05);
            final BlobData data = new BlobData(42);
            final TwoLayerNetwork net = new TwoLayerNetwork(BlobData.FEATURES, 32, BlobData.CLASSES);
            final float[] x = new float[net.size()];
            final float[] g = new float[net.size()];
            net.initialize(x, 7);
            world.broadcast(x, 0); // every rank starts from rank 0's model
            final int[] shard = data.shard(world.rank(), world.size());
            final Random random = new Random(1000 + world.rank());
            final int[] batch = new int[32];
            try (Decentralized opt = Decentralized.builder(world).algorithm("choco").compressor("topk:0.01")
                    .topology("ring").gamma(gamma).build(net.size())) {
                for (long t = 0; t < steps; t++) {
                    BlobData.sample(shard, random, batch);
                    net.loss(x, data, batch, batch.length, g);
                    opt.step(t, x, g, 0.05);
                    if ((t + 1) % 500 == 0) {
                        Examples.report(world, net, data, x, t + 1, opt);
                    }
                }
            }
            Examples.check(world, net, data, x, steps, 0.05);
        });
    }
}

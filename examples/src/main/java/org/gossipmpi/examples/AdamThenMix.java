package org.gossipmpi.examples;

import java.util.Random;

import org.gossipmpi.api.Decentralized;
import org.gossipmpi.api.GossipWorld;

/**
 * The user keeps their own optimizer: every rank takes an Adam step on its own gradient, then {@code mix} combines
 * the ranks' models with compressed gossip (CHOCO-Gossip, top-1%), the adapt-then-combine way Bluefog offers in
 * PyTorch. The Adam state is the user's; the library only mixes the parameters.
 * <pre>
 *   java -cp ... org.gossipmpi.examples.AdamThenMix --ranks 4
 *   mpirun -np 4 java -cp ... org.gossipmpi.examples.AdamThenMix
 * </pre>
 */
public final class AdamThenMix {
    private AdamThenMix() {
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
            world.broadcast(x, 0);
            final int[] shard = data.shard(world.rank(), world.size());
            final Random random = new Random(1000 + world.rank());
            final int[] batch = new int[32];
            final Adam adam = new Adam(net.size(), 1e-3);
            try (Decentralized opt = Decentralized.builder(world).algorithm("choco").compressor("topk:0.01")
                    .topology("ring").gamma(gamma).build(net.size())) {
                for (long t = 0; t < steps; t++) {
                    BlobData.sample(shard, random, batch);
                    net.loss(x, data, batch, batch.length, g);
                    adam.step(x, g);   // the user's optimizer (adapt)
                    opt.mix(t, x);     // the library's compressed gossip (combine)
                    if ((t + 1) % 500 == 0) {
                        Examples.report(world, net, data, x, t + 1, opt);
                    }
                }
            }
            Examples.check(world, net, data, x, steps, -1);
        });
    }

    /** Adam (Kingma and Ba), the user's own: its moments stay on this rank. */
    static final class Adam {
        private final float[] m;
        private final float[] v;
        private final double lr;
        private long t;

        Adam(int d, double lr) {
            this.m = new float[d];
            this.v = new float[d];
            this.lr = lr;
        }

        void step(float[] x, float[] g) {
            t++;
            final double c1 = 1 - Math.pow(0.9, t);
            final double c2 = 1 - Math.pow(0.999, t);
            for (int i = 0; i < x.length; i++) {
                m[i] = 0.9f * m[i] + 0.1f * g[i];
                v[i] = 0.999f * v[i] + 0.001f * g[i] * g[i];
                x[i] -= (float) (lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8));
            }
        }
    }
}

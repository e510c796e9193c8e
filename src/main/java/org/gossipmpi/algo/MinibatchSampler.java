package org.gossipmpi.algo;

import java.util.SplittableRandom;

import org.gossipmpi.data.Dataset;
import org.gossipmpi.model.Batch;

/**
 * Draws a rank's minibatches from its shard: epochs of a seeded permutation (reshuffled every epoch) cut
 * into batches of B rows; B = 0 means the whole shard (full-batch). Reproducible from (seed, rank).
 */
public final class MinibatchSampler {
    private final Dataset shard;
    private final int batchSize;
    private final int[] order;
    private final SplittableRandom random;
    private final Batch batch;
    private int next;

    public MinibatchSampler(Dataset shard, int batchSize, long seed, int rank) {
        if (batchSize < 0) {
            throw new IllegalArgumentException("--batch must be >= 0 (0: the whole shard), got " + batchSize);
        }
        this.shard = shard;
        if (batchSize > shard.rows()) {
            throw new IllegalArgumentException("--batch " + batchSize + " is more than the " + shard.rows()
                + " rows of rank " + rank + "'s shard: give at most " + shard.rows() + ", or 0 for the whole shard");
        }
        this.batchSize = batchSize == 0 ? shard.rows() : batchSize;
        this.order = new int[shard.rows()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        this.random = new SplittableRandom(seed * 1_000_003L + rank);
        this.batch = new Batch(shard);
        this.next = order.length; // shuffle before the first batch
    }

    /** The next minibatch (a view owned by the sampler, valid until the next call). */
    public Batch next() {
        if (batchSize == shard.rows()) {
            return batch.fill(shard, null, 0, batchSize);
        }
        if (next + batchSize > order.length) {
            for (int i = order.length - 1; i > 0; i--) {
                final int j = random.nextInt(i + 1);
                final int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            next = 0;
        }
        batch.fill(shard, order, next, batchSize);
        next += batchSize;
        return batch;
    }

    public int batchSize() {
        return batchSize;
    }
}

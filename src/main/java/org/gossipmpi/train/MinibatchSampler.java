package org.gossipmpi.train;

import java.util.SplittableRandom;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.checkpoint.Stateful;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.model.Batch;

/**
 * Draws a rank's minibatches from its shard: epochs of a seeded permutation (reshuffled every epoch) cut
 * into batches of B rows; B = 0 means the whole shard (full-batch). Reproducible from (seed, rank); its
 * checkpointed state is the number of shuffles and the position in the current one.
 */
public final class MinibatchSampler implements Stateful {
    private final Dataset shard;
    private final int batchSize;
    private final int[] order;
    private final long streamSeed;
    private SplittableRandom random;
    private long shuffles;
    private final Batch batch;
    private int next;

    public MinibatchSampler(Dataset shard, int batchSize, long seed, int rank) {
        if (batchSize < 0) {
            throw new org.gossipmpi.config.SettingException("batch", "{batch} must be >= 0 (0: the whole shard), got "
                + batchSize);
        }
        this.shard = shard;
        if (batchSize > shard.rows()) {
            throw new org.gossipmpi.config.SettingException("batch", "{batch} " + batchSize + " is more than the "
                + shard.rows() + " rows of rank " + rank + "'s shard: give at most " + shard.rows() + ", or 0 for the"
                + " whole shard");
        }
        this.batchSize = batchSize == 0 ? shard.rows() : batchSize;
        this.order = new int[shard.rows()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        this.streamSeed = seed * 1_000_003L + rank;
        this.random = new SplittableRandom(streamSeed);
        this.batch = new Batch(shard);
        this.next = order.length; // shuffle before the first batch
    }

    /** The next minibatch (a view owned by the sampler, valid until the next call). */
    public Batch next() {
        if (batchSize == shard.rows()) {
            return batch.fill(shard, null, 0, batchSize);
        }
        if (next + batchSize > order.length) {
            shuffle();
            next = 0;
        }
        batch.fill(shard, order, next, batchSize);
        next += batchSize;
        return batch;
    }

    private void shuffle() {
        for (int i = order.length - 1; i > 0; i--) {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        shuffles++;
    }

    /** Restoring replays the shuffles from the seed, so the order and the random stream are where they were. */
    @Override
    public void state(State s) {
        final long done = s.longValue("sampler_shuffles", shuffles);
        final int at = (int) s.longValue("sampler_next", next);
        if (s.restoring()) {
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            random = new SplittableRandom(streamSeed);
            shuffles = 0;
            while (shuffles < done) {
                shuffle();
            }
            next = at;
        }
    }

    public int batchSize() {
        return batchSize;
    }
}

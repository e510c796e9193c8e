package org.gossipmpi.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.checkpoint.Stateful;
import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.CommTimeoutException;
import org.gossipmpi.comm.Communicator;

/**
 * When the ranks of an asynchronous run stop together: each rank steps at its own pace, and at a pause (a
 * consistent cut, {@code Decentralized.pause}) they agree on how far the run has come, evaluate, checkpoint, and plan
 * the next pause. The run's step is the ranks' mean number of steps (their total over n: what a synchronous run's
 * step counts), so {@code --steps}, {@code --eval-every} and checkpoints mean the same as in a synchronous run, and
 * the pauses fall on them exactly.
 *
 * <p>No rank can see the others' steps between pauses, so each interval is planned at the pause before it, the same
 * on every rank: the steps that bring the ranks' total to the next evaluation (or the end) are shared out as
 * quotas in proportion to each rank's step rate over the last interval (largest remainders, ties to the lower rank),
 * so that the ranks reach their quotas at about the same time and their total is exactly the target. Every rank has
 * at least one step of an interval that has as many steps as ranks: a rank far slower than the others still steps, so
 * its rate is measured again and, in AD-PSGD, an active rank still averages (without that floor a rank whose share
 * rounded to nothing kept its old rate, and with it no step, for the rest of the run). A rank pauses when it has made
 * its quota (in an interval of fewer steps than ranks, one whose share rounds to nothing waits). The first interval is
 * one step each, whose rates (compiling, warming up) are far below the steady ones; so an interval plans at most four
 * times the mean steps of the one before. A rank that slows down is not waited for without end: after twice the
 * interval's planned time it pauses with the steps it has made (at least one), and the next interval, planned from
 * the new rates, makes up the difference before the evaluation.
 */
final class PauseSchedule implements Stateful {
    /** Steps as two floats each (the all-reduce is of floats, exact below 2^24). */
    private static final int SPLIT = 1 << 12;
    /** A rank pauses short of its quota after this many times the interval's planned duration. */
    private static final double PATIENCE = 2;

    private final Communicator comm;
    private final long steps;
    private final long evalEvery;
    /** The ranks' steps (two floats) and each rank's step rate (one float a rank), summed over the ranks. */
    private final FloatBuffer sums;
    /** Each rank's steps per second in the last interval: the same on every rank. */
    private final float[] rates;
    private final double[] shares;
    private final long[] quotas;
    /** The ranks' total steps at the last pause. */
    private long total;
    /** The mean steps of the last interval. */
    private double lastIntervalMean;
    /** The evaluation multiples (of evalEvery) reached at the last evaluation. */
    private long evaluatedMultiple;
    /** This rank: its steps at the last pause, when the interval began and when its last step in it ended. */
    private long ownAtPause;
    private long intervalStart = System.nanoTime();
    private long steppedUntil;
    /** The interval's planned duration: infinite until rates are known. */
    private double intervalNanos = Double.POSITIVE_INFINITY;
    /** This rank's steps in the interval: one each in the first. */
    private long quota = 1;

    PauseSchedule(Communicator comm, long steps, long evalEvery) {
        this.comm = comm;
        this.steps = steps;
        this.evalEvery = evalEvery;
        final int n = comm.size();
        this.sums = ByteBuffer.allocateDirect(4 * (2 + n)).order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.rates = new float[n];
        this.shares = new double[n];
        this.quotas = new long[n];
    }

    /**
     * Whether this rank, with {@code own} steps made, should pause now: it has made its quota, or it has made a step
     * and the interval has run past its patience.
     */
    boolean due(long own) {
        final long made = own - ownAtPause;
        final long now = System.nanoTime();
        if (made >= quota || (made > 0 && now - intervalStart >= PATIENCE * intervalNanos)) {
            steppedUntil = made > 0 ? now : intervalStart;
            return true;
        }
        return false;
    }

    /**
     * After this rank paused with {@code own} steps made: the collective agreement on the run's progress (every rank
     * calls it at the same pause), and the plan of the next interval, which {@link #restart()} starts.
     */
    void agree(long own) {
        final int n = comm.size();
        final double seconds = (steppedUntil - intervalStart) / 1e9;
        final long made = own - ownAtPause;
        for (int r = 0; r < n; r++) {
            sums.put(2 + r, 0f);
        }
        sums.put(0, own / SPLIT);
        sums.put(1, own % SPLIT);
        // a rank that made no step keeps the rate it had (adding one rate to zeros is exact: the same on every rank)
        sums.put(2 + comm.rank(), made > 0 ? (float) (made / Math.max(seconds, 1e-9)) : rates[comm.rank()]);
        try {
            comm.allreduceSum(sums, 2 + n);
        } catch (CommTimeoutException e) {
            throw new CommException(e.within("the pause of an asynchronous run after " + own + " of its own steps"));
        }
        final long before = total;
        total = (long) sums.get(0) * SPLIT + (long) sums.get(1);
        for (int r = 0; r < n; r++) {
            rates[r] = sums.get(2 + r);
        }
        lastIntervalMean = (total - before) / (double) n;
        ownAtPause = own;
        plan();
    }

    private void plan() {
        final int n = comm.size();
        final long next = Math.min(steps, (total / n / evalEvery + 1) * evalEvery);
        final long target = Math.min(next, total / n + (long) Math.ceil(4 * Math.max(1, lastIntervalMean)));
        final long remaining = Math.max(0, target * n - total);
        share(remaining, rates, quotas, shares);
        quota = quotas[comm.rank()];
        double longest = 0; // the interval lasts until the rank slowest to its quota has made it
        for (int r = 0; r < n; r++) {
            longest = Math.max(longest, rates[r] > 0 ? quotas[r] / (double) rates[r] : quotas[r] > 0
                ? Double.POSITIVE_INFINITY : 0);
        }
        intervalNanos = longest > 0 ? longest * 1e9 : Double.POSITIVE_INFINITY;
    }

    /**
     * Shares {@code remaining} steps out into {@code quotas}: one each first where there are at least as many steps as
     * ranks, the rest in proportion to {@code rates} (equally where no rate is above zero): each its share rounded
     * down, then one each to the largest remainders, ties to the lower index, so the quotas add up to {@code
     * remaining} exactly and every rank computes the same ones.
     *
     * @param scratch as long as rates, overwritten
     */
    static void share(long remaining, float[] rates, long[] quotas, double[] scratch) {
        final int n = rates.length;
        final long floor = remaining >= n ? 1 : 0;
        final long proportional = remaining - floor * n;
        double sum = 0;
        for (int r = 0; r < n; r++) {
            sum += Math.max(0, rates[r]);
        }
        long assigned = 0;
        for (int r = 0; r < n; r++) {
            final double exact = sum > 0 ? proportional * (Math.max(0, rates[r]) / sum) : proportional / (double) n;
            final long whole = Math.min(proportional, (long) Math.floor(exact));
            scratch[r] = exact - whole;
            quotas[r] = floor + whole;
            assigned += quotas[r];
        }
        for (long left = remaining - assigned; left > 0; left--) {
            int best = 0;
            for (int r = 1; r < n; r++) {
                if (scratch[r] > scratch[best]) {
                    best = r;
                }
            }
            quotas[best]++;
            scratch[best] = -1;
        }
    }

    /** Starts the planned interval (after the pause's evaluation and checkpoint). */
    void restart() {
        intervalStart = System.nanoTime();
    }

    /** The run's step at the last pause: the ranks' mean steps, rounded down. */
    long step() {
        return total / comm.size();
    }

    /** Whether the ranks have made {@code steps} steps on average. */
    boolean finished() {
        return total >= steps * comm.size();
    }

    /** Whether the last pause passed a multiple of evalEvery not yet evaluated (or ended the run); marks it. */
    boolean evaluationDue() {
        final long multiple = step() / evalEvery;
        if (multiple > evaluatedMultiple || finished()) {
            evaluatedMultiple = multiple;
            return true;
        }
        return false;
    }

    /** The agreed progress and rates (the same on every rank) and this rank's steps at the pause; the next plan. */
    @Override
    public void state(State s) {
        total = s.longValue("pause_total_steps", total);
        lastIntervalMean = s.doubleValue("pause_last_interval_mean", lastIntervalMean);
        s.floats("pause_rates", rates);
        evaluatedMultiple = s.longValue("pause_evaluated_multiple", evaluatedMultiple);
        ownAtPause = s.longValue("pause_own_steps", ownAtPause);
        if (s.restoring() && total > 0) {
            plan();
        }
    }
}

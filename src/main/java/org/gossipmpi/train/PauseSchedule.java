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
 * step counts), so {@code --steps}, {@code --eval-every} and checkpoints mean the same as in a synchronous run.
 *
 * <p>No rank can see the others' steps between pauses, so the next pause is planned in time, the same on every rank:
 * from the ranks' summed step rate over the last interval R, the interval that brings the total to the next evaluation
 * (or the end) is (target n - total) / R seconds, and each rank pauses after its first step past it (a slow rank ends
 * the step it is in, which the others wait for). The first pause comes after every rank's first step, whose rate
 * (compiling, warming up) is far below the steady one; so an interval plans at most four times the mean steps of the
 * one before, and a rank also pauses when it has made twice the planned mean steps, and one: a rate that was too low
 * costs a few early pauses rather than an evaluation far past its step (a rank more than twice as fast as the mean
 * pauses early too, and waits). A pause short of its target (the ranks ran slower than planned) is followed by
 * another.
 */
final class PauseSchedule implements Stateful {
    /** Steps as two floats each (the all-reduce is of floats, exact below 2^24). */
    private static final int SPLIT = 1 << 12;

    private final Communicator comm;
    private final long steps;
    private final long evalEvery;
    private final FloatBuffer sums = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder()).asFloatBuffer();
    /** The ranks' total steps at the last pause. */
    private long total;
    /** The mean steps of the last interval, and the ranks' summed rate in it (steps per second). */
    private double lastIntervalMean;
    private double rate;
    /** The evaluation multiples (of evalEvery) reached at the last evaluation. */
    private long evaluatedMultiple;
    /** This rank: its steps at the last pause, and when the interval began. */
    private long ownAtPause;
    private long intervalStart = System.nanoTime();
    private double intervalNanos;
    /** The most steps this rank makes in the interval: twice the planned mean, and one. */
    private long stepLimit = 1;

    PauseSchedule(Communicator comm, long steps, long evalEvery) {
        this.comm = comm;
        this.steps = steps;
        this.evalEvery = evalEvery;
    }

    /** Whether this rank, with {@code own} steps made, should pause now. */
    boolean due(long own) {
        return own > ownAtPause && (own - ownAtPause >= stepLimit || System.nanoTime() - intervalStart >= intervalNanos);
    }

    /**
     * After this rank paused with {@code own} steps made: the collective agreement on the run's progress (every rank
     * calls it at the same pause), and the plan of the next interval, which {@link #restart()} starts.
     */
    void agree(long own) {
        final double seconds = (System.nanoTime() - intervalStart) / 1e9;
        final long made = own - ownAtPause;
        sums.put(0, own / SPLIT);
        sums.put(1, own % SPLIT);
        sums.put(2, (float) (made / Math.max(seconds, 1e-9)));
        try {
            comm.allreduceSum(sums, 3);
        } catch (CommTimeoutException e) {
            throw new CommException(e.within("the pause of an asynchronous run after " + own + " of its own steps"));
        }
        final long before = total;
        total = (long) sums.get(0) * SPLIT + (long) sums.get(1);
        rate = sums.get(2);
        lastIntervalMean = (total - before) / (double) comm.size();
        ownAtPause = own;
        plan();
    }

    private void plan() {
        final int n = comm.size();
        final long next = Math.min(steps, (total / n / evalEvery + 1) * evalEvery);
        final double target = Math.min(next, total / (double) n + 4 * Math.max(1, lastIntervalMean));
        intervalNanos = Math.max(0, (target * n - total) / rate * 1e9);
        stepLimit = 1 + (long) Math.ceil(2 * (target - total / (double) n));
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

    /** The agreed progress (the same on every rank) and this rank's steps at the pause; the next interval's plan. */
    @Override
    public void state(State s) {
        total = s.longValue("pause_total_steps", total);
        lastIntervalMean = s.doubleValue("pause_last_interval_mean", lastIntervalMean);
        rate = s.doubleValue("pause_rate", rate);
        evaluatedMultiple = s.longValue("pause_evaluated_multiple", evaluatedMultiple);
        ownAtPause = s.longValue("pause_own_steps", ownAtPause);
        if (s.restoring() && total > 0) {
            plan();
        }
    }
}

package org.gossipmpi.train;

import java.util.Locale;

/**
 * Stops a run whose averaged model diverges, at an evaluation, before it wastes the rest of its steps or saves a
 * useless model. It sees only values that every rank holds alike (all-reduced), so every rank stops at the same
 * evaluation with the same message. A run has diverged when, at an evaluation:
 * <ol>
 *   <li>the loss or the consensus distance is not finite;</li>
 *   <li>the averaged model's training loss is above {@value #LOSS_FACTOR} times the initial model's loss (at
 *       least 1): SGD that works never climbs that far above where it started (the learning rate is too large
 *       for the problem);</li>
 *   <li>the consensus distance (1/n) sum_i ||x_i - x_bar||^2 is above ||x_bar||^2, so the ranks' models are
 *       further from their average than the average is from zero, it grew at each of the last
 *       {@value #GROWING_EVALUATIONS} evaluations, and by at least {@value #GROWTH} times over them: the models
 *       drift apart exponentially (for the compressed algorithms, a consensus step gamma too large for the
 *       compressor's omega). Shards of different classes keep the models apart by more than their norm, and
 *       that distance may creep up for a while; it does not multiply. A distance above {@value #FAR_APART} times
 *       ||x_bar||^2 stops the run at once.</li>
 * </ol>
 * Gossip alone (choco-gossip) is held to rule 3 only: its average does not move, whatever its loss.
 */
final class DivergenceWatch {
    static final double LOSS_FACTOR = 100;
    static final int GROWING_EVALUATIONS = 3;
    static final double FAR_APART = 1e6;
    static final double GROWTH = 8;

    private final String algorithm;
    private final boolean compresses;
    private final double initialLoss;
    private final String lr;
    private final double gamma;
    private final double[] recent = new double[GROWING_EVALUATIONS + 1];
    private int seen;

    /**
     * @param initialLoss the initial model's training loss (NaN where it is not known or does not apply)
     * @param lr          the learning rate setting, for the message
     */
    DivergenceWatch(String algorithm, boolean compresses, double initialLoss, String lr, double gamma) {
        this.algorithm = algorithm;
        this.compresses = compresses;
        this.initialLoss = initialLoss;
        this.lr = lr;
        this.gamma = gamma;
    }

    /**
     * Returns why the run diverged at this evaluation, or null.
     *
     * @param averageNormSquared ||x_bar||^2 of the averaged model
     */
    String check(long step, double loss, double consensus, double averageNormSquared) {
        System.arraycopy(recent, 0, recent, 1, recent.length - 1);
        recent[0] = consensus;
        seen++;
        final String at = String.format(Locale.ROOT, "at step %d the averaged model's loss is %.5g and the consensus"
            + " distance %.5g", step, loss, consensus);
        if (!Double.isFinite(loss) || !Double.isFinite(consensus)) {
            return at + ": the run diverged; " + (!Double.isFinite(consensus) && compresses ? drift() : lowerLr());
        }
        if (!Double.isNaN(initialLoss) && loss > LOSS_FACTOR * Math.max(1, initialLoss)) {
            return at + String.format(Locale.ROOT, ", more than %.0f times the initial model's loss (%.5g): the run"
                + " diverged; %s", LOSS_FACTOR, initialLoss, lowerLr());
        }
        final boolean apart = consensus > averageNormSquared;
        if (apart && consensus > FAR_APART * averageNormSquared) {
            return at + String.format(Locale.ROOT, ", %.3g times ||x_bar||^2 (%.5g): the ranks' models drifted"
                + " apart; %s", consensus / averageNormSquared, averageNormSquared, drift());
        }
        if (apart && seen > GROWING_EVALUATIONS && growing() && recent[0] >= GROWTH * recent[GROWING_EVALUATIONS]) {
            final StringBuilder trend = new StringBuilder();
            for (int k = GROWING_EVALUATIONS; k >= 0; k--) {
                trend.append(String.format(Locale.ROOT, "%s%.3g", k == GROWING_EVALUATIONS ? "" : " -> ", recent[k]));
            }
            return at + String.format(Locale.ROOT, ", above ||x_bar||^2 (%.5g) and growing at each of the last %d"
                + " evaluations, %.0f-fold (%s): the ranks' models drift apart without bound; %s", averageNormSquared,
                GROWING_EVALUATIONS, recent[0] / recent[GROWING_EVALUATIONS], trend, drift());
        }
        return null;
    }

    private boolean growing() {
        for (int k = 0; k < GROWING_EVALUATIONS; k++) {
            if (!(recent[k] > recent[k + 1])) {
                return false;
            }
        }
        return true;
    }

    private String lowerLr() {
        return "lower {lr} (" + lr + " now)";
    }

    private String drift() {
        return compresses ? "the consensus step is too large for this compressor: lower {gamma} (" + gamma + " now),"
            + " or use a compressor with a larger omega" : algorithm + "'s models drift apart: lower {lr} (" + lr
            + " now)";
    }
}

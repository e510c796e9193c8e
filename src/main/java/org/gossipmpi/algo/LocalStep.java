package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.checkpoint.Stateful;
import org.gossipmpi.config.SettingException;

/**
 * The local gradient step x <- x - eta d, with d the gradient, heavy-ball momentum (v <- mu v + g, d = v) or
 * Nesterov momentum (v <- mu v + g, d = g + mu v). The velocity is preallocated state.
 */
public final class LocalStep implements Stateful {
    /** The kind of local step: plain, heavy-ball or Nesterov momentum. */
    public enum Kind { NONE, HEAVY_BALL, NESTEROV }

    private final Kind kind;
    private final float mu;
    private final float[] velocity;

    public LocalStep(Kind kind, double mu, int dimension) {
        check(kind, mu);
        this.kind = kind;
        this.mu = (float) mu;
        this.velocity = kind == Kind.NONE ? null : new float[dimension];
    }

    /**
     * The rule of the momentum settings: none with mu 0, else mu in (0, 1); Nesterov's needs a mu.
     *
     * @throws SettingException naming the setting at fault
     */
    public static void check(Kind kind, double mu) {
        if (kind == Kind.NONE ? mu != 0 : !(mu > 0 && mu < 1)) {
            throw kind == Kind.NESTEROV && mu == 0
                ? new SettingException("nesterov", "{nesterov} is a kind of momentum: give {momentum} MU (0 < MU < 1)"
                    + " too")
                : new SettingException("momentum", "{momentum} must be in (0, 1) (0 for none), got " + mu);
        }
    }

    /** The velocity, when there is momentum. */
    @Override
    public void state(State s) {
        if (velocity != null) {
            s.floats("velocity", velocity);
        }
    }

    /**
     * {@code x -= eta d(g)}.
     *
     * @param x modified
     * @param g not modified
     */
    public void apply(float[] x, float[] g, float eta) {
        apply(x, g, eta, null, null);
    }

    /**
     * {@code x -= eta d(g)}, and in the same pass {@code diff = x - sub} with the new x: one sweep over the
     * vectors where two would read x twice. The same numbers as {@link #apply} and then the difference.
     *
     * @param x    modified
     * @param g    not modified
     * @param sub  not modified; null for none (and then diff is null too)
     * @param diff where x - sub goes
     */
    public void apply(float[] x, float[] g, float eta, float[] sub, float[] diff) {
        final int n = g.length;
        final boolean both = diff != null;
        switch (kind) {
            case HEAVY_BALL:
                for (int i = 0; i < n; i++) {
                    velocity[i] = mu * velocity[i] + g[i];
                    x[i] -= eta * velocity[i];
                    if (both) {
                        diff[i] = x[i] - sub[i];
                    }
                }
                break;
            case NESTEROV:
                for (int i = 0; i < n; i++) {
                    velocity[i] = mu * velocity[i] + g[i];
                    x[i] -= eta * (g[i] + mu * velocity[i]);
                    if (both) {
                        diff[i] = x[i] - sub[i];
                    }
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    x[i] -= eta * g[i];
                    if (both) {
                        diff[i] = x[i] - sub[i];
                    }
                }
        }
    }
}

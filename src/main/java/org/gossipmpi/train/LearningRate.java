package org.gossipmpi.train;

import org.gossipmpi.config.SettingException;

/**
 * Step-size schedules eta_t.
 * <ul>
 *   <li>{@code const}: eta_t = a;</li>
 *   <li>{@code step}: eta_t = a * factor^floor(t / every) (step decay);</li>
 *   <li>{@code inverse}: eta_t = a * b / (t + b), the convex schedule a' / (lambda (t + b')) of the CHOCO
 *       paper written with its value at t = 0 (a = a' / (lambda b')).</li>
 * </ul>
 */
public final class LearningRate {
    /** The schedule's kind, as the {@code lrSchedule} setting names it. */
    public enum Kind { CONST, STEP, INVERSE }

    private final Kind kind;
    private final double a;
    private final double b;
    private final double factor;
    private final long every;

    public LearningRate(Kind kind, double a, double b, double factor, long every) {
        if (!(a > 0) || Double.isInfinite(a)) {
            throw new SettingException("lr", "{lr} must be a positive finite number, got " + a);
        }
        if (kind == Kind.INVERSE && !(b > 0 && b < Double.POSITIVE_INFINITY)) {
            throw new SettingException("lrB", "{lrB} must be a positive finite number for the inverse schedule, got "
                + b);
        }
        if (kind == Kind.STEP && (!(factor > 0 && factor <= 1) || every < 1)) {
            throw new SettingException("lrDecay", "step decay needs {lrDecay} in (0, 1] and {lrEvery} >= 1");
        }
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.factor = factor;
        this.every = every;
    }

    /** The schedule's kind. */
    public Kind kind() {
        return kind;
    }

    /** a, the rate at step 0. */
    public double a() {
        return a;
    }

    /** b of the inverse schedule. */
    public double b() {
        return b;
    }

    /** The factor of the step schedule. */
    public double factor() {
        return factor;
    }

    /** The steps between decays of the step schedule. */
    public long every() {
        return every;
    }

    /** eta_t. */
    public double at(long t) {
        switch (kind) {
            case STEP:
                return a * Math.pow(factor, t / every);
            case INVERSE:
                return a * b / (t + b);
            default:
                return a;
        }
    }

    @Override
    public String toString() {
        switch (kind) {
            case STEP:
                return a + " * " + factor + "^floor(t / " + every + ")";
            case INVERSE:
                return a + " * " + b + " / (t + " + b + ")";
            default:
                return Double.toString(a);
        }
    }
}

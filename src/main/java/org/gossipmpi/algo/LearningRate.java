package org.gossipmpi.algo;

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
    /** The schedule's kind, as {@code --lr-schedule} names it. */
    public enum Kind { CONST, STEP, INVERSE }

    private final Kind kind;
    private final double a;
    private final double b;
    private final double factor;
    private final long every;

    public LearningRate(Kind kind, double a, double b, double factor, long every) {
        if (!(a > 0) || Double.isInfinite(a)) {
            throw new IllegalArgumentException("--lr must be a positive finite number, got " + a);
        }
        if (kind == Kind.INVERSE && !(b > 0 && b < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("--lr-b must be a positive finite number for the inverse schedule, got "
                + b);
        }
        if (kind == Kind.STEP && (!(factor > 0 && factor <= 1) || every < 1)) {
            throw new IllegalArgumentException("step decay needs --lr-decay in (0, 1] and --lr-every >= 1");
        }
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.factor = factor;
        this.every = every;
    }

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

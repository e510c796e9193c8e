package org.gossipmpi.algo;

import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.compress.Compressor;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.model.Model;
import org.gossipmpi.topology.Topology;

/**
 * The registry of algorithms and what each needs: the command refuses a combination that breaks an
 * algorithm's assumption with a one-line reason.
 */
public final class Algorithms {
    public static final String NAMES = "dpsgd, choco, choco-gossip, dcd, ecd, deepsqueeze, allreduce";

    private Algorithms() {
    }

    /** Whether the algorithm sends compressed messages (and so runs once per compressor in a sweep). */
    public static boolean compresses(String name) {
        return !name.equals("dpsgd") && !name.equals("allreduce");
    }

    /**
     * The float vectors of dimension d that one rank of the algorithm holds: the model and its gradient, and the
     * algorithm's own (CHOCO's xhat, s and the difference it encodes; DCD's neighbour sum and z; ...).
     */
    public static int vectors(String name) {
        switch (name) {
            case "choco":
            case "choco-gossip":
            case "ecd":
                return 5;
            case "dcd":
                return 4;
            case "deepsqueeze":
                return 3;
            default:
                return 2;
        }
    }

    /** Whether it can overlap the next gradient with the exchange. */
    public static boolean overlaps(String name) {
        return name.equals("dpsgd") || name.equals("dcd") || name.equals("ecd");
    }

    /**
     * Checks the combination; returns null when it is fine, else the reason it is refused.
     */
    public static String refusal(String name, Topology topology, Compressor compressor, boolean overlap) {
        final String spec = compressor.spec();
        switch (name) {
            case "allreduce":
                return spec.equals("none") ? null
                    : "allreduce averages exact gradients with MPI_Allreduce; it takes no --compressor (got " + spec + ")";
            case "dpsgd":
                if (!spec.equals("none") && !spec.equals("fp16")) {
                    return "dpsgd exchanges models exactly (none or fp16); for " + spec + " use choco, deepsqueeze,"
                        + " dcd or ecd";
                }
                break;
            case "choco":
            case "choco-gossip":
                if (!topology.isStatic() || !topology.isSymmetric()) {
                    return name + " keeps s_i = sum_j w_ij xhat_j with fixed symmetric weights: it needs a static"
                        + " topology, not " + topology.name();
                }
                if (compressor.unbiased() && !spec.equals("none")) {
                    return notContractive(name, spec);
                }
                break;
            case "dcd":
            case "ecd":
                if (!topology.isStatic() || !topology.isSymmetric()) {
                    return name + " tracks its neighbours' models through fixed symmetric weights: it needs a"
                        + " static topology, not " + topology.name();
                }
                if (!compressor.unbiased()) {
                    return name + " needs an unbiased compressor (E C(x) = x); " + spec + " is biased: use"
                        + " randk:F:unbiased, qsgd:S, natural or natdither:S";
                }
                break;
            case "deepsqueeze":
                if (compressor.unbiased() && !spec.equals("none")) {
                    return notContractive(name, spec);
                }
                break;
            default:
                return "unknown --algorithm '" + name + "'; valid: " + NAMES;
        }
        if (overlap && !overlaps(name)) {
            return name + " cannot overlap: its next gradient depends on this step's exchange (--overlap works"
                + " with dpsgd, dcd and ecd)";
        }
        return null;
    }

    /**
     * CHOCO-SGD and DeepSqueeze converge for a contractive compressor, E||C(x) - x||^2 <= (1 - omega) ||x||^2
     * with omega > 0; an unbiased quantizer's variance can exceed ||x||^2 (such runs diverge), and the papers
     * scale it by 1 / zeta first, which the biased variants do.
     */
    private static String notContractive(String name, String spec) {
        final String[] p = spec.split(":");
        final String instead = p[0].equals("qsgd") ? spec + ":biased (the same codes, divided by zeta)"
            : p[0].equals("randk") && p.length == 3 ? p[0] + ":" + p[1] + " (the same coordinates, unscaled)"
            : "topk:F, sign or qsgd:S:biased";
        return name + " needs a contractive compressor (E||C(x) - x||^2 <= (1 - omega) ||x||^2), and " + spec
            + " is unbiased, with a variance that can exceed ||x||^2: use " + instead;
    }

    /**
     * Builds the algorithm (after {@link #refusal} said yes).
     *
     * @param initial choco-gossip's initial vector (null: the model's initialisation)
     */
    public static Algorithm create(String name, Communicator comm, Model model, MinibatchSampler sampler,
                                   LearningRate lr, LocalStep local, Topology topology, Compressor compressor,
                                   double gamma, boolean overlap, PhaseTimers timers, long seed, float[] initial) {
        if (name.equals("allreduce")) {
            return new AllreduceSgd(comm, model, sampler, lr, local, seed, timers);
        }
        final NeighborExchange exchange = new NeighborExchange(comm, topology, compressor, model.dimension());
        switch (name) {
            case "dpsgd":
                return new Dpsgd(model, sampler, lr, local, exchange, timers, seed, overlap);
            case "choco":
                return new ChocoSgd(model, sampler, lr, local, exchange, timers, seed, gamma, false, null);
            case "choco-gossip":
                return new ChocoSgd(model, sampler, lr, local, exchange, timers, seed, gamma, true, initial);
            case "dcd":
                return new Dcd(model, sampler, lr, local, exchange, timers, seed, overlap);
            case "ecd":
                return new Ecd(model, sampler, lr, local, exchange, timers, seed, overlap);
            case "deepsqueeze":
                return new DeepSqueeze(model, sampler, lr, local, exchange, timers, seed, gamma);
            default:
                throw new IllegalArgumentException("unknown --algorithm '" + name + "'; valid: " + NAMES);
        }
    }
}

package org.gossipmpi.algo;

import java.util.List;

import org.gossipmpi.compress.Compressor;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.topology.Bipartition;
import org.gossipmpi.topology.Topology;

/**
 * The registry of algorithms and the rules of their combinations, defined once for the library and the command
 * line: what each needs of its topology and compressor, whether it compresses and can overlap, and the
 * vectors it holds. A combination that breaks an algorithm's assumption is refused with one reason.
 */
public final class Algorithms {
    /** Every algorithm by name. */
    public static final List<String> NAMES = List.of("dpsgd", "choco", "choco-gossip", "dcd", "ecd", "deepsqueeze",
        "adpsgd", "allreduce");

    private Algorithms() {
    }

    /** Whether {@code name} is an algorithm. */
    public static boolean known(String name) {
        return NAMES.contains(name);
    }

    /** Refuses an unknown algorithm, listing the known ones. */
    public static void checkKnown(String name) {
        if (!known(name)) {
            throw new SettingException("algorithm", "unknown {algorithm} '" + name + "'; valid: "
                + String.join(", ", NAMES));
        }
    }

    /** Whether the algorithm sends compressed messages (and so runs once per compressor in a sweep). */
    public static boolean compresses(String name) {
        return !name.equals("dpsgd") && !name.equals("allreduce") && !name.equals("adpsgd");
    }

    /** Whether ranks step at their own pace (adpsgd): collectives wait until every rank has paused. */
    public static boolean asynchronous(String name) {
        return name.equals("adpsgd");
    }

    /**
     * Whether it can overlap a gradient with the exchange: D-PSGD, DCD and ECD with their neighbours' messages,
     * all-reduce SGD with its own gradient's buckets (on gossip-mpi's ring).
     */
    public static boolean overlaps(String name) {
        return name.equals("dpsgd") || name.equals("dcd") || name.equals("ecd") || name.equals("allreduce");
    }

    /** Whether it encodes messages at all (all-reduce sums exact vectors), and so uses codec threads. */
    public static boolean encodes(String name) {
        return !name.equals("allreduce");
    }

    /** Whether it takes a gradient step, with its learning rate, momentum and minibatches (choco-gossip only mixes). */
    public static boolean takesGradientStep(String name) {
        return !name.equals("choco-gossip");
    }

    /** Whether it has a consensus step gamma. */
    public static boolean takesGamma(String name) {
        return name.startsWith("choco") || name.equals("deepsqueeze");
    }

    /**
     * The float vectors of dimension d that one rank of the algorithm holds besides the model and the gradient:
     * CHOCO's xhat, s and the difference it encodes; DCD's neighbour sum and z; ECD's own and neighbour estimates
     * and z; DeepSqueeze's error; all-reduce's averaged gradient; AD-PSGD's copy of the model that a passive rank
     * computes its gradient on.
     */
    public static int vectors(String name) {
        switch (name) {
            case "choco":
            case "choco-gossip":
            case "ecd":
                return 3;
            case "dcd":
                return 2;
            case "deepsqueeze":
            case "allreduce":
            case "adpsgd":
                return 1;
            default:
                return 0;
        }
    }

    /**
     * Checks the combination.
     *
     * @throws SettingException naming the setting at fault and what to use instead
     */
    public static void check(String name, Topology topology, Compressor compressor, boolean overlap) {
        checkKnown(name);
        final String spec = compressor.spec();
        switch (name) {
            case "allreduce":
                if (!spec.equals("none")) {
                    throw new SettingException("compressor", "allreduce averages exact gradients with MPI_Allreduce;"
                        + " it takes no {compressor} (got " + spec + ")");
                }
                break;
            case "adpsgd":
                if (!spec.equals("none")) {
                    throw new SettingException("compressor", "adpsgd averages pairs of models exactly ({compressor}"
                        + " none), so that both hold the same average; for " + spec + " use choco");
                }
                if (overlap) {
                    throw new SettingException("overlap", "adpsgd always computes its gradient while its averaging"
                        + " travels: run it without {overlap}");
                }
                Bipartition.of(topology, name);
                break;
            case "dpsgd":
                if (!spec.equals("none") && !spec.equals("fp16")) {
                    throw new SettingException("compressor", "dpsgd exchanges models exactly ({compressor} none or"
                        + " fp16); for " + spec + " use choco, deepsqueeze, dcd or ecd");
                }
                break;
            case "choco":
            case "choco-gossip":
                if (!topology.isStatic() || !topology.isSymmetric()) {
                    throw new SettingException("topology", name + " keeps s_i = sum_j w_ij xhat_j with fixed"
                        + " symmetric weights: it needs a static topology, not " + topology.name());
                }
                if (compressor.unbiased() && !spec.equals("none")) {
                    throw notContractive(name, spec);
                }
                break;
            case "dcd":
            case "ecd":
                if (!topology.isStatic() || !topology.isSymmetric()) {
                    throw new SettingException("topology", name + " tracks its neighbours' models through fixed"
                        + " symmetric weights: it needs a static topology, not " + topology.name());
                }
                if (!compressor.unbiased()) {
                    throw new SettingException("compressor", name + " needs an unbiased compressor (E C(x) = x); "
                        + spec + " is biased: use randk:F:unbiased, qsgd:S, natural or natdither:S");
                }
                break;
            case "deepsqueeze":
                if (compressor.unbiased() && !spec.equals("none")) {
                    throw notContractive(name, spec);
                }
                break;
            default:
                break;
        }
        if (overlap && !overlaps(name)) {
            throw new SettingException("overlap", "{overlap}: " + name + " cannot overlap, its next gradient depends"
                + " on this step's exchange ({overlap} works with dpsgd, dcd, ecd and allreduce): run " + name + " without"
                + " {overlap}");
        }
    }

    /**
     * CHOCO-SGD and DeepSqueeze converge for a contractive compressor, E||C(x) - x||^2 <= (1 - omega) ||x||^2
     * with omega > 0; an unbiased quantizer's variance can exceed ||x||^2 (such runs diverge), and the papers
     * scale it by 1 / zeta first, which the biased variants do.
     */
    private static SettingException notContractive(String name, String spec) {
        final String[] p = spec.split(":");
        final String instead = p[0].equals("qsgd") ? spec + ":biased (the same codes, divided by zeta)"
            : p[0].equals("randk") && p.length == 3 ? p[0] + ":" + p[1] + " (the same coordinates, unscaled)"
            : "topk:F, sign or qsgd:S:biased";
        return new SettingException("compressor", name + " needs a contractive compressor (E||C(x) - x||^2 <="
            + " (1 - omega) ||x||^2), and " + spec + " is unbiased, with a variance that can exceed ||x||^2: use "
            + instead);
    }
}

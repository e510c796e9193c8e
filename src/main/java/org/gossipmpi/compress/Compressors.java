package org.gossipmpi.compress;

/** The registry of compressors: builds one from its CLI spec (docs/compressors.md). */
public final class Compressors {
    public static final String VALID_SPECS = "none, fp16, topk:F, randk:F, randk:F:unbiased, qsgd:S, qsgd:S:biased,"
        + " natural, natdither:S, sign, topk-natdither:F:S (F a fraction in (0, 1], S an integer number of levels"
        + " >= 1)";

    /** One spec of every compressor and variant, with typical settings: what tests and benchmarks cover. */
    public static final java.util.List<String> EXAMPLES = java.util.List.of("none", "fp16", "topk:0.01", "topk:0.1",
        "randk:0.01", "randk:0.1:unbiased", "qsgd:16", "qsgd:16:biased", "qsgd:2", "natural", "natdither:8",
        "natdither:3", "sign", "topk-natdither:0.01:8", "topk-natdither:0.1:8");

    private static final String[] NAMES = {"unknown", "none", "fp16", "topk", "randk", "qsgd", "natural", "natdither",
        "sign", "topk-natdither"};

    private Compressors() {
    }

    /** {@link #parse(String, long, int, Quantizer, CodecThreads)} with this JDK's Java codec path, one thread. */
    public static Compressor parse(String spec, long seed, int rank) {
        return parse(spec, seed, rank, Quantizers.java(), CodecThreads.SINGLE);
    }

    /** {@link #parse(String, long, int, Quantizer, CodecThreads)} on one thread. */
    public static Compressor parse(String spec, long seed, int rank, Quantizer quantizer) {
        return parse(spec, seed, rank, quantizer, CodecThreads.SINGLE);
    }

    /**
     * @param seed      with {@code rank} and the step, keys every random choice of a randomized compressor
     * @param quantizer where the elementwise passes run (scalar Java, the Vector API, or OpenCL kernels)
     * @param threads   the threads the passes split over; more than one needs a thread-safe quantizer
     * @throws IllegalArgumentException for an unknown spec or a bad parameter, listing the valid forms, and
     *                                  for several threads on a quantizer that runs on one device
     */
    public static Compressor parse(String spec, long seed, int rank, Quantizer quantizer, CodecThreads threads) {
        if (threads.threads() > 1 && !quantizer.threadSafe()) {
            throw new org.gossipmpi.config.SettingException("codecThreads", "{codecThreads} " + threads.threads()
                + " splits the Java codecs over threads, but the quantizer runs on " + quantizer.describe() + ": use"
                + " {codecThreads} 1 there, or {device} java");
        }
        final String s = spec.trim();
        final String[] p = s.split(":", -1);
        switch (p[0]) {
            case "none":
                arity(s, p, 1, 1);
                return new NoneCompressor(quantizer, threads);
            case "fp16":
                arity(s, p, 1, 1);
                return new Fp16Compressor(quantizer, threads);
            case "topk":
                arity(s, p, 2, 2);
                return new TopKCompressor(fraction(s, p[1]), s, seed, rank, quantizer, threads);
            case "randk":
                arity(s, p, 2, 3);
                return new RandKCompressor(fraction(s, p[1]), variant(s, p, "unbiased"), s, seed, rank, threads);
            case "qsgd":
                arity(s, p, 2, 3);
                return new QsgdCompressor(levels(s, p[1], 0x7FFF), variant(s, p, "biased"), s, seed, rank, quantizer,
                    threads);
            case "natural":
                arity(s, p, 1, 1);
                return new NaturalCompressor(seed, rank, quantizer, threads);
            case "natdither":
                arity(s, p, 2, 2);
                return new NatDitherCompressor(levels(s, p[1], 30), s, seed, rank, quantizer, threads);
            case "sign":
                arity(s, p, 1, 1);
                return new SignCompressor(quantizer, threads);
            case "topk-natdither":
                arity(s, p, 3, 3);
                return new TopKNatDitherCompressor(fraction(s, p[1]), levels(s, p[2], 30), s, seed, rank, quantizer,
                    threads);
            default:
                throw bad(s, "unknown compressor");
        }
    }

    /** The name of a compressor id found in a payload header, for messages. */
    public static String nameOfId(int id) {
        return id > 0 && id < NAMES.length ? NAMES[id] : "unknown";
    }

    private static void arity(String spec, String[] parts, int min, int max) {
        if (parts.length < min || parts.length > max) {
            throw bad(spec, "wrong number of parameters");
        }
    }

    private static boolean variant(String spec, String[] parts, String name) {
        if (parts.length < 3) {
            return false;
        }
        if (!parts[2].equals(name)) {
            throw bad(spec, "'" + parts[2] + "' is not a variant of " + parts[0] + " (only '" + name + "')");
        }
        return true;
    }

    private static double fraction(String spec, String text) {
        final double f;
        try {
            f = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw bad(spec, "fraction F = '" + text + "' is not a number");
        }
        if (!(f > 0 && f <= 1)) {
            throw bad(spec, "fraction F = " + text + " is outside (0, 1]");
        }
        return f;
    }

    private static int levels(String spec, String text, int max) {
        final int s;
        try {
            s = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw bad(spec, "levels S = '" + text + "' is not an integer");
        }
        if (s < 1 || s > max) {
            throw bad(spec, "levels S = " + s + " is outside [1, " + max + "]");
        }
        return s;
    }

    private static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("compressor '" + spec + "': " + why + "; valid: " + VALID_SPECS);
    }
}

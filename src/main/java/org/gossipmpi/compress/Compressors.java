package org.gossipmpi.compress;

/**
 * The registry of compressors: builds one from its CLI spec. So far {@code none} (fp32) and {@code fp16};
 * the sparse and quantizing compressors of DESIGN.md section 8 register here as they are added.
 */
public final class Compressors {
    public static final String VALID_SPECS = "none, fp16";

    private Compressors() {
    }

    /**
     * @param seed with {@code rank}, keys the random choices of randomized compressors
     * @throws IllegalArgumentException for an unknown spec or a bad parameter, listing the valid forms
     */
    public static Compressor parse(String spec, long seed, int rank) {
        switch (spec.trim()) {
            case "none":
                return new NoneCompressor();
            case "fp16":
                return new Fp16Compressor();
            default:
                throw new IllegalArgumentException("unknown compressor '" + spec + "'; valid: " + VALID_SPECS);
        }
    }

    /** The name of a compressor id found in a payload header, for messages. */
    public static String nameOfId(int id) {
        switch (id) {
            case NoneCompressor.ID:
                return "none";
            case Fp16Compressor.ID:
                return "fp16";
            default:
                return "unknown";
        }
    }
}

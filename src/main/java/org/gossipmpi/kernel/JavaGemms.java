package org.gossipmpi.kernel;

/**
 * The Java matrix product this JVM runs: the Vector API one ({@code kernel.simd.VectorGemm}) where the JDK
 * compiles the Vector API to SIMD instructions (21 and newer, with the module added, as bin/gossip-mpi
 * does), else {@link GemmReference}. Chosen once per JVM, as the codecs' path is; both are stateless.
 */
public final class JavaGemms {
    private static final String VECTOR_CLASS = "org.gossipmpi.kernel.simd.VectorGemm";
    private static final int VECTOR_MIN_FEATURE = 21;
    private static final Gemm VECTOR = loadVector();
    private static final Gemm BEST = VECTOR != null && Runtime.version().feature() >= VECTOR_MIN_FEATURE ? VECTOR
        : new GemmReference();

    private JavaGemms() {
    }

    /** The product this JVM runs. */
    public static Gemm best() {
        return BEST;
    }

    /** The Vector API product, or null where the module is not in this JVM (tests check it on any JDK). */
    public static Gemm vector() {
        return VECTOR;
    }

    private static Gemm loadVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (Gemm) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null; // a build without the SIMD part
        }
    }
}

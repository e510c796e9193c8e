package org.gossipmpi.compress;

/**
 * The registry of the Java codec paths, chosen once per JVM: the Vector API path ({@code compress.simd},
 * compiled apart because it uses the incubating {@code jdk.incubator.vector}) where the running JDK compiles
 * it to SIMD instructions (21 and newer, with the module added), else the fused scalar path. Both give the
 * same bytes. The system property {@code gossip.codec} = {@code scalar} or {@code vector} overrides the
 * choice (for tests and benchmarks).
 */
public final class Quantizers {
    /** The oldest JDK whose C2 compiles the Vector API's masks and conversions to SIMD. */
    public static final int VECTOR_MIN_FEATURE = 21;
    private static final String VECTOR_CLASS = "org.gossipmpi.compress.simd.VectorQuantizer";

    private static final Quantizer SCALAR = new ScalarQuantizer();
    /** Why the Vector API path did not load where its module is present; set once, by the class's initializer. */
    private static String vectorFailure;
    private static final Quantizer VECTOR = loadVector();
    private static final Quantizer JAVA = choose();

    private Quantizers() {
    }

    /** The Java path this JVM runs. */
    public static Quantizer java() {
        return JAVA;
    }

    /** The fused scalar path (the reference). */
    public static Quantizer scalar() {
        return SCALAR;
    }

    /** The Vector API path, or null when the module is not in this JVM. */
    public static Quantizer vector() {
        return VECTOR;
    }

    /** Why this JVM runs the path it runs, for {@code info} and the run's header. */
    public static String why() {
        final int feature = Runtime.version().feature();
        final String forced = System.getProperty("gossip.codec");
        if (forced != null && !forced.isEmpty() && !"auto".equals(forced)) {
            return "set by -Dgossip.codec=" + forced;
        }
        if (VECTOR == null) {
            return vectorFailure != null ? vectorFailure : "JDK " + feature + " without the jdk.incubator.vector module";
        }
        return feature >= VECTOR_MIN_FEATURE ? "JDK " + feature + " compiles the Vector API to SIMD"
            : "JDK " + feature + " does not compile the Vector API well (" + VECTOR_MIN_FEATURE + "+ does)";
    }

    private static Quantizer choose() {
        final String forced = System.getProperty("gossip.codec", "auto");
        switch (forced) {
            case "scalar":
                return SCALAR;
            case "vector":
                if (VECTOR == null) {
                    throw new IllegalStateException("-Dgossip.codec=vector, but this JVM lacks jdk.incubator.vector:"
                        + " start it with --add-modules jdk.incubator.vector");
                }
                return VECTOR;
            case "auto":
            case "":
                return VECTOR != null && Runtime.version().feature() >= VECTOR_MIN_FEATURE ? VECTOR : SCALAR;
            default:
                throw new IllegalStateException("-Dgossip.codec=" + forced + ": use scalar, vector or auto");
        }
    }

    private static Quantizer loadVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (Quantizer) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            return null; // a build without the SIMD part
        } catch (ReflectiveOperationException | LinkageError e) { // runs on the reference path, and why() says so
            final Throwable cause = e.getCause() != null ? e.getCause() : e;
            vectorFailure = "the Vector API path failed to load (" + cause + ")";
            return null;
        }
    }
}

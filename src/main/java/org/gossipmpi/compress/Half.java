package org.gossipmpi.compress;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * IEEE 754 binary16 conversions, round to nearest with ties to even. On JDK 20 and newer the JDK's own
 * {@code Float.floatToFloat16} / {@code Float.float16ToFloat} run (intrinsics on x86 with F16C); on 17 an
 * arithmetic fallback without branches, which gives the same results for every finite input.
 */
public final class Half {
    private static final MethodHandle TO_HALF = jdk("floatToFloat16", MethodType.methodType(short.class, float.class));
    private static final MethodHandle TO_FLOAT = jdk("float16ToFloat", MethodType.methodType(float.class, short.class));
    /** Whether the JDK's own conversions run. */
    public static final boolean JDK_CONVERSIONS = TO_HALF != null && TO_FLOAT != null;

    private Half() {
    }

    private static MethodHandle jdk(String name, MethodType type) {
        try {
            return MethodHandles.publicLookup().findStatic(Float.class, name, type);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // JDK 17-19
        }
    }

    /** The binary16 nearest to {@code f} (ties to even); an overflow gives an infinity. */
    public static short fromFloat(float f) {
        if (JDK_CONVERSIONS) {
            try {
                return (short) TO_HALF.invokeExact(f);
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        }
        return fromFloatArithmetic(f);
    }

    /** The float that {@code half} stands for (exactly). */
    public static float toFloat(short half) {
        if (JDK_CONVERSIONS) {
            try {
                return (float) TO_FLOAT.invokeExact(half);
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        }
        return toFloatArithmetic(half);
    }

    /** {@link #fromFloat} without the JDK: three candidates computed, one selected (no branch on the value). */
    static short fromFloatArithmetic(float f) {
        final int bits = Float.floatToRawIntBits(f);
        final int sign = (bits >>> 16) & 0x8000;
        final int abs = bits & 0x7FFFFFFF;
        // Normal halves: rebias the exponent, round the 13 dropped mantissa bits to nearest even (a carry
        // into the exponent is the right result, up to infinity).
        final int normal = (abs - (112 << 23) + 0xFFF + ((abs >>> 13) & 1)) >>> 13;
        // Subnormal halves (|f| < 2^-14): adding 0.5 lets the FPU round |f| at 2^-24 granularity.
        final int subnormal = Float.floatToRawIntBits(Float.intBitsToFloat(abs) + 0.5f) - 0x3F000000;
        final int special = abs > 0x7F800000 ? 0x7E00 : 0x7C00; // NaN or infinity / overflow
        int h = abs < 0x38800000 ? subnormal : normal;
        h = abs >= 0x477FF000 ? special : h;
        return (short) (sign | h);
    }

    /** {@link #toFloat} without the JDK. */
    static float toFloatArithmetic(short half) {
        final int h = half & 0xFFFF;
        final int sign = (h & 0x8000) << 16;
        final int magnitude = (h & 0x7FFF) << 13;
        final int exp = magnitude & 0x0F800000;
        // Normals: rebias; infinities and NaNs: exponent all ones; subnormals: rebias, then subtract the implicit one.
        final int normal = magnitude + (112 << 23);
        final int special = magnitude + (224 << 23);
        final float sub = Float.intBitsToFloat(magnitude + (113 << 23)) - 0x1p-14f;
        int out = exp == 0x0F800000 ? special : normal;
        out = exp == 0 ? Float.floatToRawIntBits(sub) : out;
        return Float.intBitsToFloat(sign | out);
    }
}

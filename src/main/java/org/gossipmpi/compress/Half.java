package org.gossipmpi.compress;

/**
 * IEEE 754 binary16 conversions (round to nearest, ties to even), for JDK 17, which lacks
 * {@code Float.floatToFloat16}. Decoding goes through a 64K-entry table.
 */
public final class Half {
    private static final float[] TO_FLOAT = new float[1 << 16];

    static {
        for (int h = 0; h < TO_FLOAT.length; h++) {
            TO_FLOAT[h] = compute((short) h);
        }
    }

    private Half() {
    }

    public static float toFloat(short half) {
        return TO_FLOAT[half & 0xFFFF];
    }

    private static float compute(short half) {
        final int h = half & 0xFFFF;
        final int sign = (h & 0x8000) << 16;
        final int exp = (h >>> 10) & 0x1F;
        final int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            final float v = mant * 0x1p-24f; // subnormal (or zero)
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** The binary16 nearest to {@code f} (ties to even); overflow gives an infinity. */
    public static short fromFloat(float f) {
        final int bits = Float.floatToRawIntBits(f);
        final int sign = (bits >>> 16) & 0x8000;
        final int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) { // inf or NaN
            return (short) (sign | 0x7C00 | (abs > 0x7F800000 ? 0x200 : 0));
        }
        if (abs >= 0x477FF000) { // rounds to >= 65520: overflow
            return (short) (sign | 0x7C00);
        }
        if (abs < 0x38800000) { // below the smallest normal half (2^-14): subnormal or zero
            if (abs < 0x33000000) { // below half of the smallest subnormal (2^-25)
                return (short) sign;
            }
            final int e = abs >>> 23;
            final int m = (abs & 0x7FFFFF) | 0x800000;
            final int shift = 126 - e; // so that the result is m * 2^(e-150) / 2^-24
            final int rounded = roundShift(m, shift);
            return (short) (sign | rounded);
        }
        final int rebiased = abs - (112 << 23);
        final int rounded = roundShift(rebiased, 13);
        return (short) (sign | rounded);
    }

    /** v >> shift rounded to nearest, ties to even. */
    private static int roundShift(int v, int shift) {
        final int half = 1 << (shift - 1);
        final int rest = v & ((1 << shift) - 1);
        int r = v >>> shift;
        if (rest > half || (rest == half && (r & 1) != 0)) {
            r++;
        }
        return r;
    }
}

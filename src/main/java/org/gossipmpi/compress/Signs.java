package org.gossipmpi.compress;

/** Branch-free sign handling for decoding: random signs would defeat the branch predictor. */
final class Signs {
    private Signs() {
    }

    /** {@code v} with its sign flipped when bit 0 of {@code code} is set. */
    static float apply(float v, int code) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(v) ^ (code << 31));
    }
}

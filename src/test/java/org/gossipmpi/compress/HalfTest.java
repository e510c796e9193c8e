package org.gossipmpi.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class HalfTest {

    @Test
    void everyHalfRoundTripsExactly() {
        for (int h = 0; h < 1 << 16; h++) {
            final float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals((short) h, Half.fromFloat(f), "half 0x" + Integer.toHexString(h) + " = " + f);
        }
    }

    @Test
    void floatsRoundToTheNearestHalfTiesToEven() {
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++) {
            final float f = Float.intBitsToFloat(random.nextInt()) ;
            if (!Float.isFinite(f) || Math.abs(f) >= 65504f) {
                continue;
            }
            final short h = Half.fromFloat(f);
            final double got = Half.toFloat(h);
            // No other half is nearer: check both neighbours of h.
            for (int delta = -1; delta <= 1; delta += 2) {
                final float other = Half.toFloat((short) (h + delta));
                if (Float.isFinite(other) && Math.signum(other) == Math.signum(got)) {
                    final double dGot = Math.abs(got - f);
                    final double dOther = Math.abs(other - (double) f);
                    final boolean ok = dGot < dOther || (dGot == dOther && (h & 1) == 0);
                    assertEquals(true, ok, f + " -> " + got + " but " + other + " is nearer");
                }
            }
        }
        assertEquals(65504f, Half.toFloat(Half.fromFloat(65519f)));
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(Half.fromFloat(65520f)));
        assertEquals(0x1p-24f, Half.toFloat(Half.fromFloat(0x1p-24f)));
        assertEquals(0f, Half.toFloat(Half.fromFloat(0x1p-26f)));
        assertEquals(1.0009765625f, Half.toFloat(Half.fromFloat(1.00048828125f + 1e-7f)));
    }
}

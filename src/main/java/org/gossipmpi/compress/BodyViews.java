package org.gossipmpi.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Little-endian float and short views of payload bodies (from {@link PayloadDescriptor#HEADER_LENGTH} on), so
 * that dense codecs move their bodies with the JDK's bulk copies instead of element by element. Views are
 * kept per payload buffer (identity, up to {@value #SLOTS} buffers, the oldest replaced): an exchange reuses
 * its buffers every step, so the steady state creates no view. One instance per compressor; not thread-safe
 * (a codec looks its view up once per call, before its pass splits over threads).
 */
final class BodyViews {
    static final int SLOTS = 32;

    private final ByteBuffer[] keys = new ByteBuffer[SLOTS];
    private final FloatBuffer[] floats = new FloatBuffer[SLOTS];
    private final ShortBuffer[] shorts = new ShortBuffer[SLOTS];
    private int next;

    /** The body of {@code payload} as little-endian floats (index 0 = the first body element). */
    FloatBuffer floats(ByteBuffer payload) {
        final int s = slot(payload);
        if (floats[s] == null) {
            floats[s] = body(payload).asFloatBuffer();
        }
        return floats[s];
    }

    /** The body of {@code payload} as little-endian shorts. */
    ShortBuffer shorts(ByteBuffer payload) {
        final int s = slot(payload);
        if (shorts[s] == null) {
            shorts[s] = body(payload).asShortBuffer();
        }
        return shorts[s];
    }

    private static ByteBuffer body(ByteBuffer payload) {
        return payload.duplicate().position(PayloadDescriptor.HEADER_LENGTH).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private int slot(ByteBuffer payload) {
        for (int s = 0; s < SLOTS; s++) {
            if (keys[s] == payload) {
                return s;
            }
        }
        final int s = next;
        next = (next + 1) % SLOTS;
        keys[s] = payload;
        floats[s] = null;
        shorts[s] = null;
        return s;
    }
}

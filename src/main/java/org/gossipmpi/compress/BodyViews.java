package org.gossipmpi.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Typed views of payload bodies (from {@link PayloadDescriptor#HEADER_LENGTH} on), cached per buffer, so
 * that bodies are written and read with bulk copies (a memory copy in native byte order) and no view is
 * allocated per step. A collective uses a handful of buffers (one send, one per neighbour), which all stay
 * in the cache; owned by one thread.
 */
final class BodyViews {
    private static final int SLOTS = 16;

    private final ByteBuffer[] keys = new ByteBuffer[SLOTS];
    private final FloatBuffer[] floats = new FloatBuffer[SLOTS];
    private final ShortBuffer[] shorts = new ShortBuffer[SLOTS];
    private int next;

    /** The body of {@code buf} as little-endian floats. */
    FloatBuffer floats(ByteBuffer buf) {
        final int slot = slot(buf);
        if (floats[slot] == null) {
            floats[slot] = body(buf).asFloatBuffer();
        }
        return floats[slot];
    }

    /** The body of {@code buf} as little-endian shorts. */
    ShortBuffer shorts(ByteBuffer buf) {
        final int slot = slot(buf);
        if (shorts[slot] == null) {
            shorts[slot] = body(buf).asShortBuffer();
        }
        return shorts[slot];
    }

    private static ByteBuffer body(ByteBuffer buf) {
        return buf.slice(PayloadDescriptor.HEADER_LENGTH, buf.capacity() - PayloadDescriptor.HEADER_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);
    }

    private int slot(ByteBuffer buf) {
        for (int i = 0; i < SLOTS; i++) {
            if (keys[i] == buf) {
                return i;
            }
        }
        // Not cached: take the next slot round-robin (only when more than SLOTS buffers are in use).
        final int slot = next;
        next = (next + 1) % SLOTS;
        keys[slot] = buf;
        floats[slot] = null;
        shorts[slot] = null;
        return slot;
    }
}

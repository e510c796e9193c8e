package org.gossipmpi.kernel;

import com.aparapi.Range;
import com.aparapi.device.Device;

/**
 * Launch ranges of one device, made once per size and reused (a training step launches the same sizes
 * every time). Global sizes are padded to a multiple of the work-group size {@value #GROUP}, which is given
 * explicitly because Aparapi's derived one can be invalid (global 1, local 2 on PoCL); kernels skip the
 * padding.
 */
final class Ranges {
    static final int GROUP = 64;
    private static final int SLOTS = 8;

    private final Device device;
    private final int[] items = new int[SLOTS];
    private final Range[] ranges = new Range[SLOTS];
    private int next;

    Ranges(Device device) {
        this.device = device;
    }

    Range of(int n) {
        for (int i = 0; i < SLOTS; i++) {
            if (ranges[i] != null && items[i] == n) {
                return ranges[i];
            }
        }
        final int slot = next;
        next = (next + 1) % SLOTS;
        items[slot] = n;
        ranges[slot] = device.createRange((n + GROUP - 1) / GROUP * GROUP, GROUP);
        return ranges[slot];
    }
}

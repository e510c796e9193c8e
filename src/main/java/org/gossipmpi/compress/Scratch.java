package org.gossipmpi.compress;

/** A compressor's scratch arrays, grown on demand (at the first call for a dimension, never per step). */
final class Scratch {
    private float[] floats = new float[0];
    private short[] shorts = new short[0];

    float[] floats(int n) {
        if (floats.length < n) {
            floats = new float[n];
        }
        return floats;
    }

    short[] shorts(int n) {
        if (shorts.length < n) {
            shorts = new short[n];
        }
        return shorts;
    }
}

package org.gossipmpi.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The baseline: a plain copy of a float array of d elements (4d bytes read, 4d written). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class CopyBenchmark {
    @Param({"1000000", "10000000"})
    public int d;

    private float[] x;
    private float[] copy;

    @Setup
    public void setUp() {
        x = new float[d];
        copy = new float[d];
        java.util.Arrays.fill(x, 1.5f);
    }

    @Benchmark
    public float[] copy() {
        System.arraycopy(x, 0, copy, 0, d);
        return copy;
    }
}

package org.gossipmpi.jmh;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.gossipmpi.compress.Compressor;
import org.gossipmpi.compress.Compressors;
import org.gossipmpi.kernel.Devices;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per compressor and quantizer device, one vector of d floats per operation: {@code encode}, {@code decodeAdd}
 * (of a payload encoded once at set-up) and the round trip of both; run beside {@link CopyBenchmark} in the
 * same JMH run, so that bench/compressors.sh can give GB/s of input and ratios to a plain copy of the same
 * array. "java" is the Java quantizer the running JDK selects (the Vector API one on 21+, else the scalar one).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class CompressorBenchmark {
    @Param({"1000000", "10000000"})
    public int d;

    @Param({"none", "fp16", "topk:0.01", "randk:0.01", "qsgd:16", "natural", "natdither:8", "sign",
        "topk-natdither:0.01:8"})
    public String compressor;

    @Param({"java", "opencl"})
    public String device;

    private float[] x;
    private float[] target;
    private ByteBuffer payload;
    private Compressor c;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        final SplittableRandom r = new SplittableRandom(1);
        x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) r.nextGaussian();
        }
        target = new float[d];
        c = Compressors.parse(compressor, 1, 0, Devices.quantizer(Devices.choose(Devices.Kind.valueOf(device))));
        payload = c.newPayloadBuffer(d);
        encoded = c.encode(x, 0, d, payload, 0);
    }

    private int encoded;

    @Benchmark
    public int encode() {
        return c.encode(x, 0, d, payload, step++);
    }

    @Benchmark
    public float[] decodeAdd() {
        c.decodeAdd(payload, encoded, 0.5f, target);
        return target;
    }

    @Benchmark
    public float[] roundTrip() {
        encoded = c.encode(x, 0, d, payload, step++);
        c.decodeAdd(payload, encoded, 0.5f, target);
        return target;
    }
}

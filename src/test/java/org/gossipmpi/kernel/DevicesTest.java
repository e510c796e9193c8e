package org.gossipmpi.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.gossipmpi.train.TrainConfig;
import org.gossipmpi.train.Training;
import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.compress.Compressor;
import org.gossipmpi.compress.Compressors;
import org.gossipmpi.compress.Quantizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.aparapi.device.Device;

/**
 * The choice of backend, and OpenCL kernels under in-process ranks: many threads launching on one device at
 * once get exactly what each gets alone, and many short in-process runs on the device all finish (before
 * signal chaining and serialized launches, such runs died with a bare "Segmentation fault" in 2 of 5); and
 * Aparapi's copy of its native library leaves the temporary directory once loaded.
 */
class DevicesTest {

    @Test
    void testJvmsPreloadSignalChainingWhereverOpenClExists() {
        org.gossipmpi.testing.TestData.requireOpenCl();
        assertTrue(Devices.signalChaining(), "the test JVM lacks libjsig.so: the OpenCL tests would not run");
    }

    @Test
    void aparapisCopyOfItsLibraryInTheTemporaryDirectoryIsRemovedOnceLoaded() throws IOException {
        org.gossipmpi.testing.TestData.requireOpenCl();
        Devices.openClDevice();
        final List<String> mapped = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("/libaparapi.so")) {
                mapped.add(line);
            }
        }
        assertFalse(mapped.isEmpty(), "Aparapi's library is not loaded");
        for (String line : mapped) {
            assertTrue(line.endsWith("/libaparapi.so (deleted)"), "still on disk: " + line);
            final Path dir = Path.of(line.substring(line.indexOf('/'), line.indexOf("/libaparapi.so")));
            assertFalse(Files.exists(dir), dir + " left behind");
        }
    }

    @Test
    void theChoiceFollowsTheDeviceAndSaysWhy() {
        final DeviceChoice java = Devices.choose(Devices.Kind.java);
        assertEquals(Devices.Kind.java, java.kind());
        assertEquals("Java (--device java)", java.describe(n -> "--" + n));
        final Device device = Devices.openClDevice();
        final DeviceChoice auto = Devices.choose(null);
        if (device == null) {
            assertEquals("no OpenCL device", auto.why(n -> "--" + n));
            final IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Devices.choose(Devices.Kind.opencl));
            assertTrue(e.getMessage().contains("no OpenCL device found") && e.getMessage().contains("--device java"));
            return;
        }
        if (device.getType() == Device.TYPE.CPU) {
            assertEquals(Devices.Kind.java, auto.kind());
            assertTrue(auto.why(n -> "--" + n).contains("is a CPU, where the Java kernels are faster; --device opencl"), auto.why(n -> "--" + n));
        } else {
            assertEquals(Devices.Kind.opencl, auto.kind(), auto.why(n -> "--" + n));
        }
        final DeviceChoice asked = Devices.choose(Devices.Kind.opencl);
        assertEquals(Devices.Kind.opencl, asked.kind());
        assertEquals(device, asked.device());
        assertTrue(asked.describe(n -> "--" + n).startsWith("OpenCL on "), asked.describe(n -> "--" + n));
    }

    /** Each thread: its own kernels and inputs; what it gets with all launching at once must be what it got alone. */
    @Test
    void threadsLaunchingOnOneDeviceAtOnceGetWhatEachGetsAlone() throws Exception {
        final DeviceChoice choice = openCl();
        final int threads = 6;
        final int d = 20_000;
        final float[][] vectors = new float[threads][];
        final byte[][] payloads = new byte[threads][];
        final float[][] products = new float[threads][];
        final Compressor javaCodec = Compressors.parse("qsgd:16", 5, 0, Quantizers.java());
        for (int t = 0; t < threads; t++) {
            final SplittableRandom r = new SplittableRandom(100 + t);
            vectors[t] = new float[d];
            for (int i = 0; i < d; i++) {
                vectors[t][i] = (float) r.nextGaussian();
            }
            final ByteBuffer buf = javaCodec.newPayloadBuffer(d);
            final int n = javaCodec.encode(vectors[t], 0, d, buf, 3);
            payloads[t] = new byte[n];
            buf.get(0, payloads[t]);
            products[t] = product(Devices.gemm(choice), vectors[t]);
        }
        final CyclicBarrier start = new CyclicBarrier(threads);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int me = t;
            final Thread thread = new Thread(() -> {
                try {
                    final Compressor codec = Compressors.parse("qsgd:16", 5, 0, Devices.quantizer(choice));
                    final Gemm gemm = Devices.gemm(choice);
                    final ByteBuffer buf = codec.newPayloadBuffer(d);
                    final byte[] got = new byte[payloads[me].length];
                    start.await();
                    for (int round = 0; round < 30; round++) {
                        assertEquals(got.length, codec.encode(vectors[me], 0, d, buf, 3), "payload size");
                        buf.get(0, got);
                        assertArrayEquals(payloads[me], got, "thread " + me + " round " + round + ": other bytes");
                        assertArrayEquals(products[me], product(gemm, vectors[me]),
                            "thread " + me + " round " + round + ": other product");
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "launcher-" + t);
            running.add(thread);
            thread.start();
        }
        for (Thread thread : running) {
            thread.join(TimeUnit.MINUTES.toMillis(2));
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    /** The first 100 x 200 of v times its last 200 x 10: a GEMM whose result depends on every launch's inputs. */
    private static float[] product(Gemm gemm, float[] v) {
        final float[] c = new float[100 * 10];
        gemm.gemm(false, false, 100, 10, 200, 1f, v, 0, 200, v, v.length - 2000, 10, 0f, c, 0, 10);
        return c;
    }

    /**
     * Safepoints are where an unchained JVM dies: an armed safepoint poll is a deliberate SIGSEGV, which LLVM's
     * handler turns into a crash. A thread forcing garbage collections makes them frequent, as in a long run.
     */
    @Test
    void manyShortInProcessRunsOnTheOpenClDeviceAllFinish(@TempDir Path dir) throws Exception {
        final DeviceChoice choice = openCl();
        assertNotNull(choice.device());
        final Path data = org.gossipmpi.testing.SyntheticData.binaryCsv(dir);
        final Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "collector");
        collector.setDaemon(true);
        collector.start();
        try {
            runOnOpenCl(data);
        } finally {
            collector.interrupt();
            collector.join();
        }
    }

    private static void runOnOpenCl(Path data) {
        for (int run = 0; run < 8; run++) {
            final TrainConfig c = TrainConfig.builder().model("mlp").hidden(16).data(data.toString()).batch(16)
                .steps(40).seed(run).evalEvery(20).device(Devices.Kind.opencl).compressor("qsgd:16:biased").gamma(0.3)
                .evalRows(0).build();
            final AtomicReference<Training.Outcome> outcome = new AtomicReference<>();
            LocalWorld.run(4, TimeUnit.MINUTES.toNanos(2), comm -> {
                final Training.Outcome o = new Training(c, comm, new PrintWriter(new StringWriter())).run();
                if (comm.rank() == 0) {
                    outcome.set(o);
                }
            });
            assertTrue(Double.isFinite(outcome.get().history().get(outcome.get().history().size() - 1).trainLoss()),
                "run " + run);
        }
    }

    private static DeviceChoice openCl() {
        org.gossipmpi.testing.TestData.requireOpenCl();
        return Devices.choose(Devices.Kind.opencl);
    }
}

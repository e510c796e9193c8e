package org.gossipmpi.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;

import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.compress.Quantizers;

/**
 * The registry of compute backends: {@code opencl} (Aparapi kernels on the best OpenCL device) and
 * {@code java} (the plain Java twins), the choice between them ({@link #choose}), and the one way kernels
 * are launched ({@link #launch}).
 *
 * <p>Two hazards decide the rules here. OpenCL compilers built on LLVM (PoCL's, and others) install their
 * own handlers for SIGSEGV, SIGBUS, SIGFPE and SIGILL when they compile a kernel; the JVM raises those
 * signals on purpose (implicit null checks, safepoint polls), so from then on the process dies at random with
 * a bare "Segmentation fault". The JVM's signal-chaining library ({@code libjsig.so}, preloaded by
 * {@code bin/gossip-mpi}) keeps the JVM's handlers in place; without it OpenCL is never used. And Aparapi's
 * kernel launch is not safe when several threads of one JVM (in-process ranks) launch on one device at once,
 * so launches are serialized per device.
 */
public final class Devices {
    /** The backends a {@code device} setting names. */
    public enum Kind { opencl, java }

    /** Aparapi reports every fallback through java.util.logging at WARNING; we say it ourselves. */
    private static final Logger APARAPI_LOG = Logger.getLogger("com.aparapi");

    private static final Map<Device, Object> LAUNCH_LOCKS = new ConcurrentHashMap<>();

    private static volatile Boolean signalChaining;

    static {
        APARAPI_LOG.setLevel(Level.SEVERE);
    }

    private Devices() {
    }

    /**
     * The backend for the {@code device} setting {@code requested} (null: not given). Default: OpenCL on a GPU or accelerator;
     * on a CPU-only OpenCL platform the Java twins, which are faster there. An explicit {@code opencl} that
     * cannot run safely is refused, never replaced.
     *
     * @throws IllegalArgumentException if {@code opencl} was asked for and there is no device, or no signal
     *                                  chaining
     */
    public static DeviceChoice choose(Kind requested) {
        if (requested == Kind.java) {
            return new DeviceChoice(Kind.java, null, "{device} java");
        }
        final Device device = openClDevice();
        if (requested == Kind.opencl) {
            if (device == null) {
                throw new SettingException("device", "{device} opencl: no OpenCL device found ("
                    + String.join("; ", OpenClDevices.describe()) + "); use {device} java");
            }
            if (!signalChaining()) {
                throw new SettingException("device", "{device} opencl: " + SIGNAL_CHAINING_MISSING);
            }
            return new DeviceChoice(Kind.opencl, device, "{device} opencl");
        }
        if (device == null) {
            return new DeviceChoice(Kind.java, null, "no OpenCL device");
        }
        final String name = device.getShortDescription().trim();
        if (device.getType() == Device.TYPE.CPU) {
            return new DeviceChoice(Kind.java, null, "the only OpenCL device, " + name + ", is a CPU, where the Java"
                + " kernels are faster; {device} opencl to use it anyway");
        }
        if (!signalChaining()) {
            return new DeviceChoice(Kind.java, null, "OpenCL device " + name + " not used: " + SIGNAL_CHAINING_MISSING);
        }
        return new DeviceChoice(Kind.opencl, device, "default: an OpenCL " + device.getType());
    }

    private static final String SIGNAL_CHAINING_MISSING = "OpenCL compilers replace the JVM's signal handlers,"
        + " which crashes the JVM at random, unless its signal-chaining library is preloaded: start through"
        + " bin/gossip-mpi, which does, or set LD_PRELOAD=" + System.getProperty("java.home") + "/lib/libjsig.so";

    /** Whether the JVM's signal-chaining library is loaded in this process (Linux: read from /proc/self/maps). */
    public static boolean signalChaining() {
        Boolean known = signalChaining;
        if (known == null) {
            boolean found;
            try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
                found = lines.anyMatch(line -> line.endsWith("/libjsig.so"));
            } catch (IOException | RuntimeException e) {
                found = false;
            }
            signalChaining = known = found;
        }
        return known;
    }

    /** The best OpenCL device, or null when there is none (or no OpenCL runtime). */
    public static Device openClDevice() {
        try {
            final Device best = KernelManager.instance().bestDevice();
            AparapiLibrary.removeCopy(); // loaded now: its copy in the temporary directory is not needed
            return best instanceof OpenCLDevice ? best : null;
        } catch (Throwable t) { // no OpenCL library at all
            return null;
        }
    }

    /** The matrix product of {@code choice}. */
    public static Gemm gemm(DeviceChoice choice) {
        return choice.kind() == Kind.opencl ? new GemmKernels(choice.device()) : JavaGemms.best();
    }

    /** The quantizer of {@code choice}. */
    public static Quantizer quantizer(DeviceChoice choice) {
        return choice.kind() == Kind.opencl ? new QuantizerKernels(choice.device()) : Quantizers.java();
    }

    /** The lock every launch on {@code device} holds, one per device in this JVM. */
    static Object launchLock(Device device) {
        return LAUNCH_LOCKS.computeIfAbsent(device, d -> new Object());
    }

    /** Runs {@code kernel} over {@code range} while holding {@code lock} (from {@link #launchLock}). */
    static void launch(Object lock, Kernel kernel, Range range) {
        synchronized (lock) {
            kernel.execute(range);
        }
    }
}

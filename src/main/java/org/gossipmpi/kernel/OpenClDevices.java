package org.gossipmpi.kernel;

import java.util.ArrayList;
import java.util.List;

import com.aparapi.Kernel;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLPlatform;

/**
 * What OpenCL Aparapi sees on this host, and whether a kernel really runs there (as opposed to
 * Aparapi's Java thread-pool fallback).
 */
public final class OpenClDevices {
    private OpenClDevices() {
    }

    /** One line per OpenCL device ("platform / device, type, compute units, memory"), or why there are none. */
    public static List<String> describe() {
        final List<String> lines = new ArrayList<>();
        try {
            for (OpenCLPlatform platform : OpenCLPlatform.getUncachedOpenCLPlatforms()) {
                for (OpenCLDevice d : platform.getOpenCLDevices()) {
                    lines.add(platform.getName() + " (" + platform.getVersion().trim() + ") / " + d.getName().trim()
                        + ", " + d.getType() + ", " + d.getMaxComputeUnits() + " compute units, "
                        + d.getGlobalMemSize() / (1 << 20) + " MiB");
                }
            }
        } catch (Throwable t) { // UnsatisfiedLinkError and friends: no OpenCL runtime at all
            lines.add("no OpenCL runtime (" + t + ")");
            return lines;
        }
        AparapiLibrary.removeCopy();
        if (lines.isEmpty()) {
            lines.add("no OpenCL platform found");
        }
        return lines;
    }

    /**
     * Runs a small kernel on the best OpenCL device, checks its result, and says what happened: where it
     * ran, or why it was not run (no device; no signal chaining, without which OpenCL is never used).
     *
     * @throws IllegalStateException if the kernel computed a wrong result
     */
    public static String smokeTest() {
        final Device device = Devices.openClDevice();
        if (device == null) {
            return "not run: no OpenCL device";
        }
        if (!Devices.signalChaining()) {
            return "not run: the JVM's signal-chaining library is not preloaded (start through bin/gossip-mpi)";
        }
        final int n = 1024;
        final float[] a = new float[n];
        final float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        final Kernel kernel = new SmokeKernel(a, out);
        try {
            Devices.launch(Devices.launchLock(device), kernel, device.createRange(n));
            for (int i = 0; i < n; i++) {
                if (out[i] != 2f * i + 1f) {
                    throw new IllegalStateException("OpenCL smoke kernel computed " + out[i] + " at " + i
                        + " instead of " + (2f * i + 1f) + " on " + device.getShortDescription());
                }
            }
            return kernel.isRunningCL() ? "ran on OpenCL " + device.getShortDescription().trim()
                : "Aparapi fell back to its Java thread pool on " + device.getShortDescription().trim();
        } finally {
            synchronized (Devices.launchLock(device)) {
                kernel.dispose();
            }
        }
    }
}

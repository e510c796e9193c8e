package org.gossipmpi.kernel;

import java.util.ArrayList;
import java.util.List;

import com.aparapi.Kernel;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;
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
        if (lines.isEmpty()) {
            lines.add("no OpenCL platform found");
        }
        return lines;
    }

    /**
     * Runs a small kernel on Aparapi's best device, checks its result, and says where it ran: the OpenCL
     * device's name, or the Java fallback.
     *
     * @throws IllegalStateException if the kernel computed a wrong result
     */
    public static String smokeTest() {
        final int n = 1024;
        final float[] a = new float[n];
        final float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        final Kernel kernel = new SmokeKernel(a, out);
        final Device openCl = Devices.openClDevice();
        final Device device = openCl != null ? openCl : KernelManager.instance().bestDevice();
        try {
            kernel.execute(device.createRange(n));
            for (int i = 0; i < n; i++) {
                if (out[i] != 2f * i + 1f) {
                    throw new IllegalStateException("OpenCL smoke kernel computed " + out[i] + " at " + i
                        + " instead of " + (2f * i + 1f) + " on " + device.getShortDescription());
                }
            }
            return kernel.isRunningCL() ? "OpenCL on " + device.getShortDescription().trim()
                : "Java fallback (Aparapi thread pool; no usable OpenCL device)";
        } finally {
            kernel.dispose();
        }
    }
}

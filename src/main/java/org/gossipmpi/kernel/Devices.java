package org.gossipmpi.kernel;

import java.util.logging.Level;
import java.util.logging.Logger;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;

import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.compress.Quantizers;

/**
 * The registry of compute backends: {@code opencl} (Aparapi kernels on the best OpenCL device) with an
 * ordered fallback to {@code java} (the plain Java twins) when no OpenCL device exists.
 */
public final class Devices {
    /** What {@code --device} accepts. */
    public enum Kind { opencl, java }

    /** Aparapi reports every fallback through java.util.logging at WARNING; we say it ourselves. */
    private static final Logger APARAPI_LOG = Logger.getLogger("com.aparapi");

    static {
        APARAPI_LOG.setLevel(Level.SEVERE);
    }

    private Devices() {
    }

    /** The kind {@code --device} defaults to: OpenCL when a device exists, else Java. */
    public static Kind defaultKind() {
        return openClDevice() != null ? Kind.opencl : Kind.java;
    }

    /** The best OpenCL device, or null when there is none (or no OpenCL runtime). */
    public static Device openClDevice() {
        try {
            final Device best = KernelManager.instance().bestDevice();
            return best instanceof OpenCLDevice ? best : null;
        } catch (Throwable t) { // no OpenCL library at all
            return null;
        }
    }

    /** A matrix product for {@code kind}; {@code opencl} without a device falls back to Java. */
    public static Gemm gemm(Kind kind) {
        if (kind == Kind.opencl) {
            final Device device = openClDevice();
            if (device != null) {
                return new GemmKernels(device);
            }
        }
        return new GemmReference();
    }

    /** A quantizer for {@code kind}; {@code opencl} without a device falls back to Java. */
    public static Quantizer quantizer(Kind kind) {
        if (kind == Kind.opencl) {
            final Device device = openClDevice();
            if (device != null) {
                return new QuantizerKernels(device);
            }
        }
        return Quantizers.java();
    }
}

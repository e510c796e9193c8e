package org.gossipmpi.testing;

import java.util.ArrayList;
import java.util.List;

import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.kernel.QuantizerKernels;

import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;

/**
 * The devices differential tests run kernels on: Aparapi's Java thread pool, and the OpenCL device if any
 * and the JVM can use it safely (signal chaining; {@code DevicesTest} fails where the tests' JVM lacks it).
 */
public final class KernelDevices {
    private KernelDevices() {
    }

    public static List<Device> all() {
        final List<Device> devices = new ArrayList<>();
        devices.add(JavaDevice.THREAD_POOL);
        final Device cl = Devices.openClDevice();
        if (cl != null && Devices.signalChaining()) {
            devices.add(cl);
        }
        return devices;
    }

    /** The quantizer kernels on each of {@link #all()}. */
    public static List<Quantizer> quantizers() {
        final List<Quantizer> q = new ArrayList<>();
        for (Device d : all()) {
            q.add(new QuantizerKernels(d));
        }
        return q;
    }
}

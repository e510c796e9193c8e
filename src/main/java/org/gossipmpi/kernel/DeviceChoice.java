package org.gossipmpi.kernel;

import com.aparapi.device.Device;

/**
 * Where a run's kernels go, and why: the backend, its OpenCL device (null for {@link Devices.Kind#java}),
 * and the reason in words, which the run's header and {@code info} print.
 */
public record DeviceChoice(Devices.Kind kind, Device device, String why) {
    public DeviceChoice {
        if ((kind == Devices.Kind.opencl) != (device != null)) {
            throw new IllegalArgumentException("an OpenCL choice needs its device, a Java one none");
        }
    }

    /** "OpenCL on NAME" or "Java", then the reason in parentheses. */
    public String describe() {
        return (device != null ? "OpenCL on " + device.getShortDescription().trim() : "Java") + " (" + why + ")";
    }
}

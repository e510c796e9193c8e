package org.gossipmpi.kernel;

import com.aparapi.device.Device;

/**
 * Where a run's kernels go, and why: the backend and the reason in words, which the run's header and
 * {@code info} print. The OpenCL device itself stays inside this package (Aparapi's types do not leave it).
 */
public final class DeviceChoice {
    private final Devices.Kind kind;
    private final Device device;
    private final String why;

    DeviceChoice(Devices.Kind kind, Device device, String why) {
        if ((kind == Devices.Kind.opencl) != (device != null)) {
            throw new IllegalArgumentException("an OpenCL choice needs its device, a Java one none");
        }
        this.kind = kind;
        this.device = device;
        this.why = why;
    }

    /** The backend. */
    public Devices.Kind kind() {
        return kind;
    }

    /** The OpenCL device, null for Java. */
    Device device() {
        return device;
    }

    /** Why this backend, in words, naming settings as {@code names} writes them (the library's, or flags). */
    public String why(java.util.function.UnaryOperator<String> names) {
        return org.gossipmpi.config.SettingException.render(why, names);
    }

    /** "OpenCL on NAME" or "Java", then the reason in parentheses, naming settings as {@code names} does. */
    public String describe(java.util.function.UnaryOperator<String> names) {
        return (device != null ? "OpenCL on " + device.getShortDescription().trim() : "Java") + " (" + why(names) + ")";
    }
}

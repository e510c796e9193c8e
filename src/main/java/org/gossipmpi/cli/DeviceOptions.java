package org.gossipmpi.cli;

import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.compress.Quantizers;
import org.gossipmpi.kernel.DeviceChoice;
import org.gossipmpi.kernel.Devices;

import picocli.CommandLine.Option;

/** {@code --device}: where kernels run, for commands that compute. */
public final class DeviceOptions {
    @Option(names = "--device", paramLabel = "KIND",
        description = "Where kernels run: opencl (Aparapi on the best OpenCL device) or java (the plain Java"
            + " twins). Default: opencl on a GPU or accelerator, java where the only OpenCL device is a CPU or"
            + " there is none. Valid: ${COMPLETION-CANDIDATES}.")
    Devices.Kind device;

    /** What {@code --device} asked for, null when it was not given. */
    Devices.Kind requested() {
        return device;
    }

    /** A quantizer for one rank; rank 0 prints which device runs it and why. */
    Quantizer quantizer(int rank) {
        final DeviceChoice choice = Devices.choose(device);
        final Quantizer q = Devices.quantizer(choice);
        if (rank == 0) {
            System.err.println("gossip-mpi: quantizers run on " + q.describe() + " (" + choice.why(Flags::of) + ")"
                + (choice.kind() == Devices.Kind.java ? "; " + Quantizers.why() : ""));
        }
        return q;
    }
}

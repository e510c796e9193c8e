package org.gossipmpi.cli;

import org.gossipmpi.kernel.Devices;
import org.gossipmpi.compress.Quantizer;

import picocli.CommandLine.Option;

/** {@code --device}: where kernels run, for commands that compute. */
public final class DeviceOptions {
    @Option(names = "--device", paramLabel = "KIND",
        description = "Where kernels run: opencl (Aparapi on the best OpenCL device) or java (the plain Java"
            + " twins). Default: opencl when an OpenCL device exists, else java. Valid: ${COMPLETION-CANDIDATES}.")
    Devices.Kind device;

    Devices.Kind kind() {
        return device != null ? device : Devices.defaultKind();
    }

    /** A quantizer for one rank; rank 0 prints which device runs it. */
    Quantizer quantizer(int rank) {
        final Quantizer q = Devices.quantizer(kind());
        if (rank == 0) {
            System.err.println("gossip-mpi: quantizers run on " + q.describe()
                + (kind() == Devices.Kind.opencl && !q.describe().startsWith("Aparapi")
                    ? " (no OpenCL device: fell back to Java)" : "")
                + (q.describe().startsWith("Java") ? ": " + org.gossipmpi.compress.Quantizers.why() : ""));
        }
        return q;
    }
}

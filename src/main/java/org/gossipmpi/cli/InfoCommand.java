package org.gossipmpi.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.Request;
import org.gossipmpi.comm.mpi.MpiCommunicator;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.kernel.OpenClDevices;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gossip-mpi info}: what every rank runs on (Java, Open MPI and its mpi.jar, OpenCL devices), and a
 * ring ping between neighbours that shows the transport works. Rank 0 prints all ranks' lines in order.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Print Java, Open MPI, mpi.jar, rank/size and OpenCL devices of every rank, and the round-trip"
        + " time of a ring ping between neighbours.")
final class InfoCommand implements Callable<Integer> {
    private static final int TAG_PING = 1;
    private static final int TAG_PONG = 2;
    private static final int TAG_REPORT = 3;
    private static final int REPORT_CAPACITY = 1 << 16;

    @Mixin
    LaunchOptions launch;

    @Option(names = "--pings", paramLabel = "K", defaultValue = "50",
        description = "Ring ping round trips to time (default: ${DEFAULT-VALUE}).")
    int pings;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (pings < 1) {
            throw new IllegalArgumentException("--pings must be >= 1, got " + pings);
        }
        final PrintWriter out = Main.out(spec);
        final String java = "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
            + System.getProperty("java.home") + ")";
        final String mpi = openMpi();
        final List<String> devices = OpenClDevices.describe();
        final String kernels = kernelChoice() + "; OpenCL smoke kernel " + smokeTest();
        launch.run(comm -> {
            if (comm.rank() == 0) {
                out.println("gossip-mpi " + org.gossipmpi.metrics.Version.get() + " info: " + comm.size() + " rank"
                    + (comm.size() == 1 ? "" : "s") + ", backend " + comm.backend());
                out.println("  " + java);
                out.println("  " + heapPages());
                out.println("  " + mpi);
                out.println("  " + mcaSettings(System.getenv()));
                out.flush();
            }
            final String pingLine = ringPing(comm, pings);
            final String report = "rank " + comm.rank() + "/" + comm.size() + " on " + hostName() + " (pid "
                + ProcessHandle.current().pid() + "): " + pingLine + "\n    backend: " + comm.backend() + "\n    OpenCL: " + String.join("; ", devices)
                + "\n    kernels: " + kernels;
            gatherLines(comm, report, out);
        });
        return 0;
    }

    /**
     * Whether this JVM's heap is on transparent huge pages, and the launcher's reason (the property
     * {@code gossip.heap.pages}, bin/lib/runtime.sh) where it started the JVM; a user's GOSSIP_MPI_JAVA_OPTS may
     * have overridden its choice, and the first part says what holds.
     */
    static String heapPages() {
        String on;
        try {
            on = java.lang.management.ManagementFactory.getPlatformMXBean(
                com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption("UseTransparentHugePages").getValue();
        } catch (RuntimeException | LinkageError e) { // a JVM without the option or the bean
            on = "unknown";
        }
        final String why = System.getProperty("gossip.heap.pages");
        return "heap: transparent huge pages " + ("true".equals(on) ? "on" : "false".equals(on) ? "off" : on)
            + (why == null ? "" : "; the launcher's choice: " + why);
    }

    /** The Open MPI library and the mpi.jar the bindings come from, or why they are not available. */
    private static String openMpi() {
        try {
            return "Open MPI's Java bindings: " + MpiCommunicator.libraryVersion().split(",")[0]
                + "; mpi.jar: " + MpiCommunicator.bindingsLocation();
        } catch (Throwable t) { // NoClassDefFoundError (no mpi.jar), UnsatisfiedLinkError (no libmpi_java)
            return "Open MPI's Java bindings: not available (" + t + ")";
        }
    }

    /** The Open MPI parameters that decide how gossip-mpi's messages travel, as named in the README. */
    private static final String[] MCA_PARAMETERS = {"pml", "btl", "btl_tcp_if_include",
        "btl_tcp_rdma_pipeline_frag_size", "coll_libnbc_iallreduce_algorithm", "mpi_yield_when_idle"};

    /**
     * Those of {@link #MCA_PARAMETERS} this process was started with (OMPI_MCA_* variables: mpirun's --mca,
     * the user's environment, and the launcher's TCP defaults, bin/lib/openmpi.sh).
     */
    static String mcaSettings(Map<String, String> env) {
        final List<String> settings = new ArrayList<>();
        for (String name : MCA_PARAMETERS) {
            final String value = env.get("OMPI_MCA_" + name);
            if (value != null) {
                settings.add(name + "=" + value);
            }
        }
        return "Open MPI parameters: " + (settings.isEmpty() ? "none of " + String.join(", ", MCA_PARAMETERS)
            + " set" : String.join(", ", settings)) + " (the rest: Open MPI's defaults and parameter files)";
    }

    /** What a run with no --device would use, and why. */
    private static String kernelChoice() {
        return Devices.choose(null).describe(Flags::of);
    }

    private static String smokeTest() {
        try {
            return OpenClDevices.smokeTest();
        } catch (Throwable t) {
            return "failed: " + t;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName() + netNamespace();
        } catch (UnknownHostException e) {
            return "unknown host" + netNamespace();
        }
    }

    /**
     * The Linux network namespace of this process, as " (net:[inode])", or "" elsewhere: ranks on the emulated
     * hosts of bench/cluster share the machine's host name but not their network namespace.
     */
    private static String netNamespace() {
        try {
            return " (" + java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/net")) + ")";
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return "";
        }
    }

    /**
     * Every rank pings its right neighbour and echoes its left neighbour's ping back; returns the minimum
     * and median round-trip time of {@code rounds} round trips (after one warm-up).
     */
    static String ringPing(Communicator comm, int rounds) {
        final int n = comm.size();
        final int right = (comm.rank() + 1) % n;
        final int left = (comm.rank() - 1 + n) % n;
        final ByteBuffer ping = ByteBuffer.allocateDirect(8);
        final ByteBuffer echo = ByteBuffer.allocateDirect(8);
        final ByteBuffer pong = ByteBuffer.allocateDirect(8);
        final Request[] reqs = {comm.newRequest(), comm.newRequest()};
        final Request[] echoReqs = {comm.newRequest(), comm.newRequest()};
        final long[] rtt = new long[rounds];
        for (int round = -1; round < rounds; round++) {
            ping.putLong(0, round);
            final long start = System.nanoTime();
            comm.iRecv(echo, 0, 8, left, TAG_PING, reqs[0]);
            comm.iSend(ping, 0, 8, right, TAG_PING, reqs[1]);
            comm.waitAll(reqs, 2);
            comm.iRecv(pong, 0, 8, right, TAG_PONG, echoReqs[0]);
            comm.iSend(echo, 0, 8, left, TAG_PONG, echoReqs[1]);
            comm.waitAll(echoReqs, 2);
            final long elapsed = System.nanoTime() - start;
            if (pong.getLong(0) != round) {
                throw new CommException("rank " + comm.rank() + ": ring ping " + round + " came back from rank " + right
                    + " as " + pong.getLong(0));
            }
            if (round >= 0) {
                rtt[round] = elapsed;
            }
        }
        Arrays.sort(rtt);
        return String.format("ring ping to rank %d: round trip min %.1f us, median %.1f us over %d",
            right, rtt[0] / 1e3, rtt[rounds / 2] / 1e3, rounds);
    }

    /** Rank 0 prints its own line, then every other rank's, in rank order. */
    private static void gatherLines(Communicator comm, String line, PrintWriter out) {
        final Request[] req = {comm.newRequest()};
        if (comm.rank() != 0) {
            final byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            final ByteBuffer buf = ByteBuffer.allocateDirect(Math.min(bytes.length, REPORT_CAPACITY));
            buf.put(0, bytes, 0, buf.capacity());
            comm.iSend(buf, 0, buf.capacity(), 0, TAG_REPORT, req[0]);
            comm.waitAll(req, 1);
            return;
        }
        out.println("  " + line);
        final ByteBuffer buf = ByteBuffer.allocateDirect(REPORT_CAPACITY);
        final byte[] bytes = new byte[REPORT_CAPACITY];
        for (int r = 1; r < comm.size(); r++) {
            comm.iRecv(buf, 0, REPORT_CAPACITY, r, TAG_REPORT, req[0]);
            comm.waitAll(req, 1);
            final int len = req[0].receivedBytes();
            buf.get(0, bytes, 0, len);
            out.println("  " + new String(bytes, 0, len, StandardCharsets.UTF_8));
        }
        out.flush();
    }
}

package org.gossipmpi.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.launch.MpiWorlds;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs JUnit test classes SPMD under mpirun: every rank runs the same classes with {@link #communicator()}
 * set to {@code MPI_COMM_WORLD}, so {@link Worlds} hands the tests the MPI job instead of in-process ranks.
 *
 * <pre>mpirun -np 4 --oversubscribe src/test/scripts/test-java org.gossipmpi.testing.SpmdTestLauncher \
 *     org.gossipmpi.comm.CommunicatorContractTest</pre>
 *
 * The MPI backend is the one {@code auto} picks, or {@code GOSSIP_MPI_TEST_BACKEND} (openmpi-java, native) where it
 * is set and not empty.
 * Each rank prints its failures; rank 0 prints the totals. The exit code is non-zero when any rank failed
 * any test (mpirun then exits non-zero too).
 */
public final class SpmdTestLauncher {
    private static volatile Communicator communicator;

    private SpmdTestLauncher() {
    }

    /** The MPI world while running under this launcher, else null. */
    public static Communicator communicator() {
        return communicator;
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: SpmdTestLauncher TEST_CLASS...");
            System.exit(2);
        }
        final String named = System.getenv("GOSSIP_MPI_TEST_BACKEND");
        // set but empty, as a shell's VAR= leaves it, means the same as unset
        final String backend = named == null || named.isEmpty() ? MpiWorlds.auto(System.getenv()) : named;
        final Communicator comm = MpiWorlds.init(backend, System.getenv(), TimeUnit.SECONDS.toNanos(120));
        communicator = comm;
        final LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String name : args) {
            request.selectors(selectClass(name));
        }
        final LauncherDiscoveryRequest discovery = request.build();
        final Launcher launcher = LauncherFactory.create();
        final SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(discovery, listener);
        final TestExecutionSummary summary = listener.getSummary();

        final PrintWriter out = new PrintWriter(System.out, true);
        if (summary.getTotalFailureCount() > 0) {
            out.println("[rank " + comm.rank() + "] failures:");
            summary.printFailuresTo(out, 20);
        }
        final FloatBuffer counts = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).asFloatBuffer();
        counts.put(0, summary.getTestsSucceededCount());
        counts.put(1, summary.getTotalFailureCount());
        comm.allreduceSum(counts, 2);
        final long failedAnywhere = (long) counts.get(1);
        if (comm.rank() == 0) {
            out.println("SPMD tests of " + String.join(", ", args) + " under MPI on " + comm.size() + " ranks: "
                + summary.getTestsFoundCount() + " tests, " + failedAnywhere + " failures over all ranks");
            out.println(summary.getTestsSucceededCount() + " passed, " + failedAnywhere + " failed");
        }
        out.flush();
        comm.close();
        System.exit(failedAnywhere == 0 && summary.getTestsFoundCount() > 0 ? 0 : 1);
    }
}

package org.gossipmpi.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.Request;
import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.launch.Launch;
import org.gossipmpi.launch.Launcher;
import org.gossipmpi.launch.MpiWorlds;

/**
 * The ranks of a training job, seen from one of them: its rank and the job's size, and the collectives over all
 * ranks (barrier, broadcast, average). The optimizers of the job are built on it
 * ({@link Decentralized#builder(GossipWorld)}).
 *
 * <p>A job runs as MPI ranks, one per process started by {@code mpirun}, {@code mpiexec} or {@code srun} (Open
 * MPI's Java bindings where they are there, gossip-mpi's own layer over any MPI otherwise), or as in-process
 * ranks, threads of one JVM that need no MPI. The program is the same either way (SPMD):
 * <pre>{@code
 * public static void main(String[] args) {
 *     GossipWorld.run(args, world -> {
 *         float[] x = new float[d];                   // this rank's model
 *         ...
 *         world.broadcast(x, 0);                      // every rank starts from rank 0's model
 *     });
 * }
 * }</pre>
 * {@code java -cp ... Main --ranks 4} runs 4 in-process ranks; {@code mpirun -np 4 java -cp ... Main} runs 4
 * MPI ranks. The arguments {@code run} understands are {@code --ranks N}, {@code --backend
 * auto|mpi|openmpi-java|native|local} and {@code --timeout SECONDS} (the deadline of every wait, default 60 s);
 * the others are the program's ({@link #arguments()}).
 *
 * <p>A world is used by one thread, its rank's. Every collective must be called by every rank, in the same order.
 * A rank that does not reach a collective within the deadline is named in the exception the others throw.
 */
public final class GossipWorld implements AutoCloseable {
    /** Tags of the broadcast's messages, apart from those of the optimizers. */
    private static final int TAG_BROADCAST = 31_000;

    private final Communicator comm;
    private final boolean closesComm;
    private final String[] arguments;
    private final Request[] request;
    private ByteBuffer bytes;
    private FloatBuffer floats;
    private AllreduceAverage average;
    private boolean closed;

    private GossipWorld(Communicator comm, boolean closesComm, String[] arguments) {
        this.comm = comm;
        this.closesComm = closesComm;
        this.arguments = arguments;
        this.request = new Request[] {comm.newRequest()};
    }

    /**
     * Runs {@code program} on every rank of the job, and returns when all have finished: one rank per process
     * under an MPI launcher, else {@code --ranks N} in-process ranks (1 if not given).
     *
     * @param args    the program's arguments; {@code --ranks}, {@code --backend} and {@code --timeout} are taken
     *                here, the rest is left in {@link #arguments()}
     * @param program what every rank runs
     * @throws IllegalArgumentException for a bad {@code --ranks}, {@code --backend} or {@code --timeout}, or
     *                                  settings that do not fit how the process was started
     * @throws RuntimeException         with in-process ranks, the first rank's failure (the other ranks are woken
     *                                  and stopped); under MPI a failing rank prints its message on standard
     *                                  error and aborts the job, which ends every process
     */
    public static void run(String[] args, RankProgram program) {
        final List<String> rest = new ArrayList<>();
        final Launch launch = parse(args, rest);
        final String[] arguments = rest.toArray(new String[0]);
        Launcher.run(launch, comm -> {
            final GossipWorld world = new GossipWorld(comm, false, arguments);
            try {
                program.run(world);
            } finally {
                world.closed = true;
            }
        }, GossipWorld::name, System.err);
    }

    /** How messages name a setting: {@code --ranks}, {@code --backend}, {@code --timeout} as given to {@link #run}. */
    private static String name(String setting) {
        return setting.equals("ranks") || setting.equals("backend") || setting.equals("timeout") ? "--" + setting
            : setting;
    }

    /**
     * This process's rank: under an MPI launcher, its MPI rank (MPI is initialised here, and finalised by
     * {@link #close()}); otherwise a job of one rank. Prefer {@link #run}: it also runs in-process ranks, and
     * under MPI it aborts the job when a rank fails, where a program that fails after {@code init} leaves the
     * other ranks to their deadlines.
     *
     * @param args as for {@link #run}; {@code --ranks} above 1 is refused here (in-process ranks need {@code run})
     * @return this process's rank of the job
     */
    public static GossipWorld init(String... args) {
        final List<String> rest = new ArrayList<>();
        final Launch launch = parse(args, rest);
        final Map<String, String> env = System.getenv();
        final Launch.Backend backend = Launcher.resolve(launch, env);
        final String[] arguments = rest.toArray(new String[0]);
        if (backend == Launch.Backend.LOCAL) {
            if (launch.ranks() != null && launch.ranks() > 1) {
                throw new SettingException("ranks", "{ranks} " + launch.ranks() + ": in-process ranks each run the"
                    + " program on a thread of their own: use GossipWorld.run(args, program)");
            }
            return new GossipWorld(LocalWorld.solo(launch.timeoutNanos()), true, arguments);
        }
        final Communicator comm = MpiWorlds.init(backend.label(), env, launch.timeoutNanos());
        try {
            Launcher.checkWorldSize(comm, Launcher.mpiWorldSize(env));
        } catch (RuntimeException e) {
            comm.close();
            throw e;
        }
        return new GossipWorld(comm, true, arguments);
    }

    /** {@code --ranks N}, {@code --backend KIND} and {@code --timeout SECONDS} from {@code args}; the rest into rest. */
    private static Launch parse(String[] args, List<String> rest) {
        Integer ranks = null;
        Launch.Backend backend = Launch.Backend.AUTO;
        long timeout = Launch.DEFAULT_TIMEOUT_NANOS;
        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            final String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (!name.equals("--ranks") && !name.equals("--backend") && !name.equals("--timeout")) {
                rest.add(a);
                continue;
            }
            final String value;
            if (a.contains("=")) {
                value = a.substring(a.indexOf('=') + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new SettingException(name.substring(2), "{" + name.substring(2) + "} needs a value");
            }
            switch (name) {
                case "--ranks":
                    try {
                        ranks = Integer.valueOf(value.trim());
                    } catch (NumberFormatException e) {
                        throw new SettingException("ranks", "{ranks} must be a whole number, got '" + value + "'");
                    }
                    break;
                case "--backend":
                    backend = Launch.Backend.parse(value.trim());
                    break;
                default:
                    try {
                        timeout = Launch.timeoutNanos(Double.parseDouble(value.trim()));
                    } catch (NumberFormatException e) {
                        throw new SettingException("timeout", "{timeout} must be a number of seconds, got '" + value
                            + "'");
                    }
            }
        }
        return new Launch(ranks, backend, timeout);
    }

    /**
     * This rank.
     *
     * @return in [0, {@link #size()})
     */
    public int rank() {
        return comm.rank();
    }

    /**
     * The number of ranks of the job.
     *
     * @return 1 or more
     */
    public int size() {
        return comm.size();
    }

    /**
     * The transport.
     *
     * @return its name and MPI library, for example {@code native (MPICH Version: 4.0.2)}, or {@code local}
     */
    public String backend() {
        return comm.backend();
    }

    /**
     * The program's own arguments.
     *
     * @return a copy of the arguments given to {@link #run} or {@link #init}, less {@code --ranks},
     *         {@code --backend} and {@code --timeout}
     */
    public String[] arguments() {
        return arguments.clone();
    }

    /** Returns when every rank has called it. */
    public void barrier() {
        open();
        comm.barrier();
    }

    /**
     * Every rank's {@code x} becomes rank {@code root}'s, bit for bit: what makes every rank start from the same
     * model. A binomial tree of point-to-point messages (log2 n rounds).
     *
     * @param x   modified on every rank but {@code root}; the same length on every rank
     * @param root the rank whose values everyone gets
     */
    public void broadcast(float[] x, int root) {
        open();
        if (root < 0 || root >= comm.size()) {
            throw new IllegalArgumentException("broadcast root " + root + " is not a rank of [0, " + comm.size() + ")");
        }
        final int n = comm.size();
        if (n == 1) {
            return;
        }
        final int length = 4 * x.length;
        buffer(x.length);
        final int me = comm.rank();
        final int relative = Math.floorMod(me - root, n);
        if (me == root) {
            floats.put(0, x, 0, x.length);
        }
        int mask = 1;
        while (mask < n) {
            if ((relative & mask) != 0) {
                comm.iRecv(bytes, 0, length, Math.floorMod(me - mask, n), TAG_BROADCAST, request[0]);
                comm.waitAll(request, 1);
                if (request[0].receivedBytes() != length) {
                    throw new IllegalArgumentException("rank " + me + ": broadcast of " + x.length + " floats, but rank "
                        + Math.floorMod(me - mask, n) + " sent " + request[0].receivedBytes() / 4 + ": every rank must"
                        + " broadcast arrays of the same length");
                }
                break;
            }
            mask <<= 1;
        }
        mask >>= 1;
        while (mask > 0) {
            if (relative + mask < n) {
                comm.iSend(bytes, 0, length, Math.floorMod(me + mask, n), TAG_BROADCAST, request[0]);
                comm.waitAll(request, 1);
            }
            mask >>= 1;
        }
        if (me != root) {
            floats.get(0, x, 0, x.length);
        }
    }

    /**
     * {@code out} = the average over all ranks of every rank's {@code in} (an all-reduce): every rank gets the same
     * bits. Allocates only when a longer vector than before comes.
     *
     * @param in  not modified (unless it is {@code out})
     * @param out modified; the same length as {@code in}, and may be {@code in}
     */
    public void average(float[] in, float[] out) {
        open();
        if (out.length != in.length) {
            throw new IllegalArgumentException("average of " + in.length + " floats into " + out.length);
        }
        if (average == null || average.dimension() != in.length) {
            average = new AllreduceAverage(comm, in.length);
        }
        average.average(in, out);
    }

    /**
     * The average over all ranks of every rank's {@code x}, in a new array (for evaluation, not a hot path).
     *
     * @param x this rank's vector, not modified
     * @return the average, the same bits on every rank
     */
    public float[] average(float[] x) {
        final float[] out = new float[x.length];
        average(x, out);
        return out;
    }

    /**
     * A world over an existing communicator, for gossip-mpi's own commands, which start their ranks themselves.
     *
     * @param comm the ranks' communicator
     * @return a world over it, which does not close it
     * @hidden internal: not part of the API
     */
    public static GossipWorld of(Communicator comm) {
        return new GossipWorld(comm, false, new String[0]);
    }

    /** The communicator the optimizers of this world use. */
    Communicator communicator() {
        open();
        return comm;
    }

    /**
     * Ends this rank's part: for a world from {@link #init} under MPI, finalises MPI. A world given to a
     * {@link RankProgram} is closed by {@link #run}. MPI_Finalize is held to the world's deadline
     * ({@code --timeout}): a rank whose MPI_Finalize has not returned by then says so on standard error and ends its
     * process with exit status 1, so write what must survive before closing.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (closesComm) {
                comm.close();
            }
        }
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("rank " + comm.rank() + ": the world is closed");
        }
    }

    private void buffer(int count) {
        if (bytes == null || bytes.capacity() < 4 * count) {
            bytes = ByteBuffer.allocateDirect(4 * Math.max(count, 1)).order(ByteOrder.LITTLE_ENDIAN);
            floats = bytes.asFloatBuffer();
        }
    }

    /**
     * This rank, the job's size and backend, and the program's arguments, in words.
     *
     * @return for example {@code rank 0 of 4 (local)}
     */
    @Override
    public String toString() {
        return "rank " + rank() + " of " + size() + " (" + backend() + ")" + (arguments.length == 0 ? ""
            : ", arguments " + Arrays.toString(arguments));
    }
}

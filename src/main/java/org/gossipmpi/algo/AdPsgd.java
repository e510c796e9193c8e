package org.gossipmpi.algo;

import java.nio.ByteBuffer;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.CommTimeoutException;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.Request;
import org.gossipmpi.compress.Compressor;
import org.gossipmpi.compress.CounterRandom;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;
import org.gossipmpi.topology.Bipartition;

/**
 * AD-PSGD, asynchronous decentralized parallel SGD (Lian, Zhang, Zhang and Liu, ICML 2018, Algorithm 1). Rank i
 * repeats, at its own pace:
 * <pre>
 *   read x^_i = x_i;  g_i = stochastic gradient at x^_i
 *   pick a neighbour j;  atomically  x_i, x_j &lt;- (x_i + x_j) / 2
 *   x_i &lt;- x_i - eta g_i
 * </pre>
 * and no rank waits for a step of another: a neighbour that is still computing has its model averaged by a thread
 * of its own. Deadlock-free as the paper implements it: the graph is split into two sides (it must be bipartite);
 * only <em>active</em> ranks (rank 0's side) start an averaging, each step with a passive neighbour drawn uniformly
 * (seeded by seed, rank and step), and every <em>passive</em> rank answers its active neighbours from a responder
 * thread while its main thread computes.
 *
 * <p>One averaging, exactly, with both models crossing the link at once: the active rank sends a one-byte request,
 * then its x_i (fp32), and waits for the reply; the passive rank's responder, on the request, copies x_j under the
 * lock of x_j into its reply (the snapshot s_j) and sends it while x_i arrives; then, under the lock, x_j += (x_i -
 * s_j) / 2, and the active rank sets x_i = x_i / 2 + s_j / 2. Nothing changes x_i in between (only the active rank's
 * own thread writes it) and the responder serves one averaging at a time, so this is the atomic average of x_i and
 * s_j at the snapshot, followed by the passive rank's gradient steps applied since (computed on models read before,
 * which AD-PSGD allows): an execution of Algorithm 1, and the pair's sum is kept (to rounding). The active rank
 * computes its gradient at x_i while the messages travel. A passive rank computes its gradient on a copy of x_j
 * taken under the lock, then applies it under the lock.
 *
 * <p>{@link #pause(float[])} ends the rank's exchanges so far: an active rank tells each passive neighbour (a request
 * of 0), a passive rank's responder stops once every active neighbour has told it. When every rank has paused
 * no message is in flight and every x is its rank's own: a consistent cut, at which ranks may evaluate, checkpoint
 * and call collectives. The next step starts the exchanges again.
 */
final class AdPsgd extends Update {
    /** Tags of the requests (1: an averaging follows, 0: paused), the models active ranks send, and the replies. */
    static final int TAG_REQUEST = 110;
    static final int TAG_MODEL = 111;
    static final int TAG_REPLY = 112;
    private static final byte AVERAGE = 1;
    private static final byte PAUSED = 0;
    /** How long the responder waits at once before it looks whether it was asked to stop. */
    private static final long SLICE_NANOS = 50_000_000L;

    private final Communicator comm;
    private final Compressor exact;
    private final long seed;
    private final boolean active;
    /** Passive neighbours of an active rank; active neighbours of a passive one. */
    private final int[] partners;
    private final Object lock = new Object();
    // active rank
    private final ByteBuffer out;
    private final ByteBuffer in;
    private final ByteBuffer request = ByteBuffer.allocateDirect(1);
    /** The reply's receive, the request's send, the model's send. */
    private final Request[] averaging;
    // passive rank
    private final float[] snapshot;
    private final Responder responder;
    private long bytesSent;

    AdPsgd(Communicator comm, Bipartition sides, Compressor exact, LocalStep local, PhaseTimers timers, int d,
           long seed) {
        this(comm, sides, exact, local, timers, d, seed, new Request[3]);
    }

    private AdPsgd(Communicator comm, Bipartition sides, Compressor exact, LocalStep local, PhaseTimers timers, int d,
                   long seed, Request[] averaging) {
        super(null, () -> {
            if (averaging[0] != null) {
                comm.test(averaging[0]);
                comm.test(averaging[2]);
            }
        }, local, timers, d);
        if (!comm.allowsHandover()) {
            throw new CommException("adpsgd answers its neighbours from a second thread, which needs"
                + " MPI_THREAD_SERIALIZED, and " + comm.backend() + " does not provide it: use an MPI built with"
                + " thread support, or a synchronous algorithm (choco, dpsgd)");
        }
        this.comm = comm;
        this.exact = exact;
        this.seed = seed;
        this.active = sides.active(comm.rank());
        this.partners = sides.partners(comm.rank());
        if (active) {
            this.out = exact.newPayloadBuffer(d);
            this.in = exact.newPayloadBuffer(d);
            averaging[0] = comm.newRequest();
            averaging[1] = comm.newRequest();
            averaging[2] = comm.newRequest();
            this.averaging = averaging;
            this.snapshot = null;
            this.responder = null;
        } else {
            this.out = null;
            this.in = null;
            this.averaging = null;
            this.snapshot = new float[d];
            this.responder = new Responder();
        }
    }

    @Override
    String name() {
        return "adpsgd";
    }

    @Override
    double step(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep) {
        return active ? activeStep(t, x, g, source, eta, withLocalStep) : passiveStep(t, x, g, source, eta,
            withLocalStep);
    }

    private double activeStep(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep) {
        if (partners.length == 0) {
            final double loss = withLocalStep ? gradient(x, g, source) : Double.NaN;
            final long t0 = System.nanoTime();
            localStep(x, g, eta, withLocalStep);
            timers.record(Phase.MIX, t0);
            return loss;
        }
        final int j = partners[CounterRandom.below(CounterRandom.streamKey(seed, comm.rank(), t), 0, partners.length)];
        long t0 = System.nanoTime();
        final int bytes = exact.encode(x, 0, d, out, t);
        t0 = timers.record(Phase.COMPRESS, t0);
        comm.iRecv(in, 0, in.capacity(), j, TAG_REPLY, averaging[0]);
        request.put(0, AVERAGE);
        comm.iSend(request, 0, 1, j, TAG_REQUEST, averaging[1]);
        comm.iSend(out, 0, bytes, j, TAG_MODEL, averaging[2]);
        bytesSent += bytes + 1;
        final double loss = withLocalStep ? overlappedGradient(x, g, source) : Double.NaN; // at x_i, while it travels
        t0 = System.nanoTime();
        try {
            comm.waitAll(averaging, 3, comm.defaultTimeoutNanos());
        } catch (CommTimeoutException e) {
            comm.cancel(averaging[0]);
            throw new CommException(e.within("adpsgd's averaging of step " + t + " with rank " + j));
        }
        t0 = timers.record(Phase.EXCHANGE, t0);
        halve(x);
        exact.decodeAdd(in, averaging[0].receivedBytes(), 0.5f, x);
        localStep(x, g, eta, withLocalStep);
        timers.record(Phase.MIX, t0);
        return loss;
    }

    private double passiveStep(long t, float[] x, float[] g, GradientSource source, float eta,
                               boolean withLocalStep) {
        responder.ensureRunning(x);
        if (!withLocalStep) {
            return Double.NaN; // the responder averages; a step without a gradient has nothing else to do
        }
        long t0 = System.nanoTime();
        double loss = Double.NaN;
        if (source != null) {
            synchronized (lock) {
                System.arraycopy(x, 0, snapshot, 0, d);
            }
            t0 = timers.record(Phase.MIX, t0);
            loss = gradient(snapshot, g, source);
            t0 = System.nanoTime();
        }
        synchronized (lock) {
            localStep(x, g, eta, true);
        }
        timers.record(Phase.MIX, t0);
        responder.rethrow();
        return loss;
    }

    /**
     * Ends this rank's exchanges so far (see the class comment); returns once an active rank's neighbours were told,
     * or a passive rank's active neighbours have all told it (a passive rank that made no step since the last pause
     * answers them meanwhile on this thread).
     *
     * @param x the model, the array the steps are given
     */
    void pause(float[] x) {
        if (active) {
            request.put(0, PAUSED);
            for (int k = 0; k < partners.length; k++) {
                comm.iSend(request, 0, 1, partners[k], TAG_REQUEST, averaging[1]);
                try {
                    comm.waitAll(averaging, 1, 2, comm.defaultTimeoutNanos());
                } catch (CommTimeoutException e) {
                    throw new CommException(e.within("adpsgd's pause, telling rank " + partners[k]));
                }
            }
        } else {
            responder.finish(x);
        }
    }

    /** Whether exchanges may be under way: a passive rank's responder runs (from its first step to its pause). */
    boolean exchanging() {
        return responder != null && responder.thread != null;
    }

    /** Stops the responder (a run that failed): it leaves its wait within a slice and cancels its receives. */
    void close() {
        if (responder != null) {
            responder.stop();
        }
    }

    /** The averagings this passive rank has answered and applied so far (0 on an active rank): for tests. */
    long answered() {
        return responder == null ? 0 : responder.answered;
    }

    @Override
    long bytesSent() {
        return active ? bytesSent : responder.bytesSent;
    }

    private void halve(float[] x) {
        for (int i = 0; i < d; i++) {
            x[i] *= 0.5f;
        }
    }

    @Override
    protected void vectors(State s) {
        if (exchanging()) {
            throw new IllegalStateException("rank " + comm.rank() + ": adpsgd's neighbours may be averaging with this"
                + " rank's model: pause before saving or restoring its state");
        }
        // after a pause nothing is in flight: the model (its caller's) and the momentum (the local step's) are all
    }

    /**
     * A passive rank's answers to its active neighbours, on a thread of its own from the first step after a pause
     * until every active neighbour has paused; the communicator is that thread's meanwhile.
     */
    private final class Responder implements Runnable {
        private final ByteBuffer reply;
        private final ByteBuffer model;
        private final ByteBuffer[] requests;
        private final Request[] recvs;
        /** The partner of each request's receive: the receives of partners still going come first. */
        private final int[] from;
        /** The model's receive and the reply's send of the averaging in progress. */
        private final Request[] transfer;
        private float[] x;
        private Thread thread;
        private volatile boolean stopping;
        private volatile Throwable failure;
        private volatile long bytesSent;
        /** Averagings answered, each counted once its update of x is made. */
        private volatile long answered;

        Responder() {
            this.reply = exact.newPayloadBuffer(d);
            this.model = exact.newPayloadBuffer(d);
            this.requests = new ByteBuffer[partners.length];
            this.recvs = new Request[partners.length];
            this.from = new int[partners.length];
            for (int k = 0; k < partners.length; k++) {
                requests[k] = ByteBuffer.allocateDirect(1);
                recvs[k] = comm.newRequest();
            }
            this.transfer = new Request[] {comm.newRequest(), comm.newRequest()};
        }

        void ensureRunning(float[] model) {
            if (thread != null) {
                rethrow();
                return;
            }
            use(model);
            if (partners.length == 0) {
                return;
            }
            stopping = false;
            failure = null;
            thread = new Thread(this, "adpsgd-responder-" + comm.rank());
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            try {
                serve();
            } catch (Throwable e) {
                failure = e;
            }
        }

        private void serve() {
            for (int k = 0; k < partners.length; k++) {
                from[k] = k;
                comm.iRecv(requests[k], 0, 1, partners[k], TAG_REQUEST, recvs[k]);
            }
            int going = partners.length;
            long quiet = 0;
            while (going > 0) {
                if (stopping) {
                    cancel(going);
                    return;
                }
                final int k;
                try {
                    k = comm.waitAny(recvs, 0, going, SLICE_NANOS);
                } catch (CommTimeoutException e) {
                    quiet += e.waitedNanos();
                    if (stopping) {
                        cancel(going);
                        return;
                    }
                    if (quiet >= comm.defaultTimeoutNanos()) {
                        cancel(going);
                        throw new CommException("rank " + comm.rank() + ", adpsgd's responder: no model from any of"
                            + " its active neighbours " + list(going) + " in " + quiet / 1_000_000 + " ms (deadline "
                            + comm.defaultTimeoutNanos() / 1_000_000 + " ms): a neighbour stopped or died");
                    }
                    continue;
                }
                quiet = 0;
                final int partner = partners[from[k]];
                if (requests[k].get(0) == PAUSED) { // that neighbour paused: move it past the receives still going
                    going--;
                    swap(k, going);
                    continue;
                }
                final int bytes;
                synchronized (lock) {
                    bytes = exact.encode(x, 0, d, reply, 0); // s_j
                }
                comm.iRecv(model, 0, model.capacity(), partner, TAG_MODEL, transfer[0]);
                comm.iSend(reply, 0, bytes, partner, TAG_REPLY, transfer[1]);
                bytesSent += bytes;
                try {
                    comm.waitAll(transfer, 2, comm.defaultTimeoutNanos());
                } catch (CommTimeoutException e) {
                    comm.cancel(transfer[0]);
                    cancel(going);
                    throw new CommException(e.within("adpsgd's averaging with rank " + partner));
                }
                synchronized (lock) { // x_j += (x_i - s_j) / 2
                    exact.decodeAdd(model, transfer[0].receivedBytes(), 0.5f, x);
                    exact.decodeAdd(reply, bytes, -0.5f, x);
                }
                answered++;
                comm.iRecv(requests[k], 0, 1, partner, TAG_REQUEST, recvs[k]);
            }
        }

        private void swap(int a, int b) {
            final ByteBuffer m = requests[a];
            requests[a] = requests[b];
            requests[b] = m;
            final Request r = recvs[a];
            recvs[a] = recvs[b];
            recvs[b] = r;
            final int f = from[a];
            from[a] = from[b];
            from[b] = f;
        }

        private void cancel(int going) {
            for (int k = 0; k < going; k++) {
                comm.cancel(recvs[k]);
            }
        }

        private String list(int going) {
            final StringBuilder b = new StringBuilder();
            for (int k = 0; k < going; k++) {
                b.append(k == 0 ? "" : ", ").append(partners[from[k]]);
            }
            return b.toString();
        }

        private void use(float[] model) {
            if (x != null && x != model) {
                throw new IllegalArgumentException("rank " + comm.rank() + ": adpsgd averages the model it was"
                    + " stepped with first; pass the same array every step");
            }
            x = model;
        }

        /**
         * Waits until every active neighbour has paused and the thread has ended; the communicator is back. Without
         * a thread (no step since the last pause) it answers them here.
         */
        void finish(float[] model) {
            if (thread == null) {
                use(model);
                serve();
                return;
            }
            join();
            rethrow();
        }

        void stop() {
            stopping = true;
            if (thread != null) {
                join();
            }
        }

        private void join() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommException("rank " + comm.rank() + ": interrupted while adpsgd's responder finished");
            } finally {
                thread = null;
            }
        }

        void rethrow() {
            final Throwable e = failure;
            if (e != null) {
                failure = null;
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                if (e instanceof Error r) {
                    throw r;
                }
                throw new CommException("rank " + comm.rank() + ", adpsgd's responder: " + e);
            }
        }
    }
}

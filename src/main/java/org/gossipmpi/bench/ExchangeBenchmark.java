package org.gossipmpi.bench;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.HdrHistogram.Histogram;
import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.collective.RingAllreduce;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.Request;
import org.gossipmpi.compress.Compressor;
import org.gossipmpi.compress.Compressors;
import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.topology.Topologies;
import org.gossipmpi.topology.Topology;

/**
 * Time per step of the peer-to-peer collective against all-reduce, SPMD on every rank:
 * <ul>
 *   <li>{@code exchange}: encode + exchange + decodeAdd ({@link NeighborExchange}) per topology and compressor;</li>
 *   <li>{@code codec}: the same encode + decodeAdd work as a ring step (encode once, decode twice), without
 *       communication, to separate computation from transport;</li>
 *   <li>{@code transport}: the bare ring exchange of 4d bytes with both neighbours (iRecv x2, iSend x2, waitAll),
 *       the same pattern as the native baseline's {@code ring};</li>
 *   <li>{@code allreduce}: the bare sum-allreduce of a direct buffer of d floats, as the native {@code allreduce};</li>
 *   <li>{@code allreduce-ring}: the same sum by gossip-mpi's pipelined ring ({@link RingAllreduce});</li>
 *   <li>{@code allreduce-average}: {@link AllreduceAverage} (copy in, allreduce, copy out, scale).</li>
 * </ul>
 * Every step starts after a barrier; a step's time is the slowest rank's, and rank 0 prints p50, p99 and
 * mean (HdrHistogram) as CSV in the native baseline's columns plus topology and compressor. The {@code impl}
 * column names the communicator's backend ({@code openmpi-java}, {@code native}, {@code local}).
 */
public final class ExchangeBenchmark {
    public static final String HEADER =
        "impl,op,topology,compressor,ranks,floats,bytes_per_rank,iters,p50_us,p99_us,mean_us";
    /** Every operation, in the order they run. */
    public static final String OPS = "exchange,codec,transport,allreduce,allreduce-ring,allreduce-average";
    private static final int TAG_TIMES = 900;
    private static final int TAG_RAW = 901;

    private final Communicator comm;
    private final int steps;
    private final int warmup;
    private final PrintWriter out;
    private final long[] times;
    private final long[] slowest;
    private final ByteBuffer timesBuffer;
    private final Quantizer quantizer;
    private final java.util.Set<String> ops;
    private final String impl;
    private boolean reporting;

    /** The operations named in {@code names}, each checked against {@link #OPS}. */
    public static java.util.Set<String> ops(String[] names) {
        final java.util.List<String> valid = java.util.List.of(OPS.split(","));
        final java.util.Set<String> chosen = new java.util.HashSet<>();
        for (String n : names) {
            if (!valid.contains(n.trim())) {
                throw new org.gossipmpi.config.SettingException("ops", "unknown {ops} '" + n + "'; valid: " + OPS);
            }
            chosen.add(n.trim());
        }
        return chosen;
    }

    public ExchangeBenchmark(Communicator comm, int steps, int warmup, PrintWriter out, Quantizer quantizer,
                             java.util.Set<String> ops) {
        if (steps < 1 || warmup < 0) {
            throw new org.gossipmpi.config.SettingException("steps", "{steps} must be >= 1 and {warmup} >= 0");
        }
        this.comm = comm;
        this.steps = steps;
        this.warmup = warmup;
        this.out = out;
        this.quantizer = quantizer;
        this.ops = ops;
        this.impl = comm.backend().split(" ")[0];
        this.times = new long[steps];
        this.slowest = new long[steps];
        this.timesBuffer = ByteBuffer.allocateDirect(8 * steps).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A timed operation: step t of one benchmark. */
    private interface Step {
        void run(long t);
    }

    public void run(int[] sizes, String[] topologies, String[] compressors, long seed) {
        // One untimed pass over the smallest size first, so that the first size reported is not the one
        // that pays for the JIT compiling the code paths.
        reporting = false;
        runSize(Math.min(sizes[0], 10_000), topologies, compressors, seed);
        reporting = true;
        for (int d : sizes) {
            runSize(d, topologies, compressors, seed);
        }
    }

    private void runSize(int d, String[] topologies, String[] compressors, long seed) {
        final float[] x = new float[d];
        final float[] acc = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) Math.sin(0.001 * i + comm.rank());
        }
        for (String spec : ops.contains("exchange") || ops.contains("codec") ? topologies : new String[0]) {
            final Topology topo = Topologies.parse(spec, comm.size());
            for (String cspec : compressors) {
                final Compressor c = Compressors.parse(cspec, seed, comm.rank(), quantizer);
                final NeighborExchange ex = new NeighborExchange(comm, topo, c, d);
                if (ops.contains("exchange")) {
                    final long[] sent = new long[1];
                    measure("exchange", topo.name(), cspec, d, t -> sent[0] += ex.exchange(t, x, acc));
                    report("exchange", topo.name(), cspec, d, sent[0] / (steps + warmup));
                }
                if (spec.equals("ring") && ops.contains("codec")) {
                    codec(ex, x, acc, cspec);
                }
            }
        }
        if (ops.contains("transport")) {
            transport(d);
        }
        if (ops.contains("allreduce")) {
            final FloatBuffer raw = ByteBuffer.allocateDirect(4 * d).order(ByteOrder.nativeOrder()).asFloatBuffer();
            raw.put(0, x, 0, d);
            measure("allreduce", "-", "none", d, t -> comm.allreduceSum(raw, d));
            report("allreduce", "-", "none", d, 2L * (comm.size() - 1) * 4L * d / comm.size());
        }
        if (ops.contains("allreduce-ring")) {
            final ByteBuffer raw = ByteBuffer.allocateDirect(4 * d).order(ByteOrder.nativeOrder());
            raw.asFloatBuffer().put(0, x, 0, d);
            final RingAllreduce ring = new RingAllreduce(comm, raw, d);
            measure("allreduce-ring", "-", "none", d, t -> ring.sum());
            report("allreduce-ring", "-", "none", d, 2L * (comm.size() - 1) * 4L * d / comm.size());
        }
        if (ops.contains("allreduce-average")) {
            final AllreduceAverage avg = new AllreduceAverage(comm, d);
            measure("allreduce-average", "-", "none", d, t -> avg.average(acc));
            report("allreduce-average", "-", "none", d, avg.bytesPerCall());
        }
    }

    /** What a ring step computes, without sending: encode once, decodeAdd of two payloads. */
    private void codec(NeighborExchange ex, float[] x, float[] acc, String cspec) {
        final int d = ex.dimension();
        measure("codec", "ring", cspec, d, t -> {
            ex.encode(t, x);
            ex.decodeOwn(0.5f, acc);
            ex.decodeOwn(0.5f, acc);
        });
        report("codec", "ring", cspec, d, 0);
    }

    private void transport(int d) {
        final int n = comm.size();
        final int left = (comm.rank() - 1 + n) % n;
        final int right = (comm.rank() + 1) % n;
        final int bytes = 4 * d;
        final ByteBuffer send = ByteBuffer.allocateDirect(bytes);
        final ByteBuffer fromLeft = ByteBuffer.allocateDirect(bytes);
        final ByteBuffer fromRight = ByteBuffer.allocateDirect(bytes);
        final Request[] reqs = {comm.newRequest(), comm.newRequest(), comm.newRequest(), comm.newRequest()};
        measure("transport", "ring", "none", d, t -> {
            comm.iRecv(fromLeft, 0, bytes, left, TAG_RAW, reqs[0]);
            comm.iRecv(fromRight, 0, bytes, right, TAG_RAW + 1, reqs[1]);
            comm.iSend(send, 0, bytes, right, TAG_RAW, reqs[2]);
            comm.iSend(send, 0, bytes, left, TAG_RAW + 1, reqs[3]);
            comm.waitAll(reqs, 4);
        });
        report("transport", "ring", "none", d, 2L * bytes);
    }

    private void measure(String op, String topology, String compressor, int d, Step step) {
        for (int t = -warmup; t < steps; t++) {
            comm.barrier();
            final long start = System.nanoTime();
            step.run(t + warmup);
            final long elapsed = System.nanoTime() - start;
            if (t >= 0) {
                times[t] = elapsed;
            }
        }
        slowestOverRanks();
    }

    /** Rank 0 gets, per step, the largest time of any rank. */
    private void slowestOverRanks() {
        final Request[] req = {comm.newRequest()};
        if (comm.rank() != 0) {
            for (int t = 0; t < steps; t++) {
                timesBuffer.putLong(8 * t, times[t]);
            }
            comm.iSend(timesBuffer, 0, 8 * steps, 0, TAG_TIMES, req[0]);
            comm.waitAll(req, 1);
            return;
        }
        System.arraycopy(times, 0, slowest, 0, steps);
        for (int r = 1; r < comm.size(); r++) {
            comm.iRecv(timesBuffer, 0, 8 * steps, r, TAG_TIMES, req[0]);
            comm.waitAll(req, 1);
            for (int t = 0; t < steps; t++) {
                slowest[t] = Math.max(slowest[t], timesBuffer.getLong(8 * t));
            }
        }
    }

    private void report(String op, String topology, String compressor, int d, long bytesPerRank) {
        if (comm.rank() != 0 || !reporting) {
            return;
        }
        final Histogram h = new Histogram(3);
        for (int t = 0; t < steps; t++) {
            h.recordValue(Math.max(1, slowest[t]));
        }
        out.printf("%s,%s,%s,%s,%d,%d,%d,%d,%.1f,%.1f,%.1f%n", impl, op, topology, compressor, comm.size(), d,
            bytesPerRank, steps, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
            h.getMean() / 1e3);
        out.flush();
    }
}

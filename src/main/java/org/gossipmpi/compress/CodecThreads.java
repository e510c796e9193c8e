package org.gossipmpi.compress;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads one rank's codecs split their passes over ({@code --codec-threads N}): the calling thread
 * and N - 1 daemon workers. A pass is a {@link Task} that processes part p of P of a range (whole chunks or
 * whole groups, so the bytes do not depend on N); {@link #run} returns when every part is done. Running a
 * pass allocates nothing: tasks are long-lived objects whose fields hold the pass's arguments.
 */
public final class CodecThreads implements AutoCloseable {
    /** One part of a pass. */
    public interface Task {
        void run(int part, int parts);
    }

    /** One thread: passes run on the caller. */
    public static final CodecThreads SINGLE = new CodecThreads(1, "single");

    private static final int SPINS = 20_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Task task;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;

    private CodecThreads(int threads, String name) {
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            final int part = w + 1;
            workers[w] = new Thread(() -> work(part), "gossip-mpi-codec-" + name + "-" + part);
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    /**
     * Threads for one rank's codecs; what a setting may ask for is {@link #check}ed before.
     *
     * @param threads 1 or more; 1 runs every pass on the caller
     * @param name    names the worker threads (for example the rank)
     */
    public static CodecThreads of(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("codec threads must be >= 1, got " + threads);
        }
        return threads == 1 ? SINGLE : new CodecThreads(threads, name);
    }

    /**
     * The rule of the {@code codecThreads} setting: 1 up to the cores this process may use. More threads than
     * cores only queue for them (a pass waits for its slowest part); a thousand took minutes to start a pass.
     *
     * @throws org.gossipmpi.config.SettingException otherwise
     */
    public static void check(int threads) {
        final int cores = Runtime.getRuntime().availableProcessors();
        if (threads < 1 || threads > cores) {
            throw new org.gossipmpi.config.SettingException("codecThreads", "{codecThreads} must be in [1, " + cores
                + "] (the cores this process may use), got " + threads + (threads > cores
                ? ": more threads than cores only wait for each other" : ""));
        }
    }

    public int threads() {
        return threads;
    }

    /** The start of part {@code part} of {@code parts} when [0, n) is split evenly. */
    public static int split(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    /** Runs the P = {@link #threads()} parts of {@code t}, part 0 on the caller, and waits for all. */
    public void run(Task t) {
        if (threads == 1) {
            t.run(0, 1);
            return;
        }
        caller = Thread.currentThread();
        pending.set(threads - 1);
        task = t;
        generation++; // volatile write publishes the task and the task's fields
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        Throwable mine = null;
        try {
            t.run(0, threads);
        } catch (RuntimeException | Error e) {
            mine = e;
        }
        for (int spin = 0; pending.get() != 0; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
        task = null;
        final Throwable theirs = failure;
        failure = null;
        if (mine != null || theirs != null) {
            final Throwable e = mine != null ? mine : theirs;
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            throw (Error) e;
        }
    }

    private void work(int part) {
        long seen = 0;
        int idle = 0;
        while (!closed) {
            final long g = generation;
            if (g == seen) {
                if (idle++ < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 1_000_000);
                }
                continue;
            }
            seen = g;
            idle = 0;
            try {
                task.run(part, threads);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** Stops the workers (they are daemons, so a JVM that exits without this is fine too). */
    @Override
    public void close() {
        if (this == SINGLE) {
            return;
        }
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}

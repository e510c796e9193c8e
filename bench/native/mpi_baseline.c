/*
 * Native MPI baseline: the yardstick the Java peer-to-peer collective is measured against.
 *
 * For each vector size d (floats), times on every rank
 *   ring       exchange of the whole vector with both ring neighbours
 *              (MPI_Irecv from left and right, MPI_Isend to right and left, MPI_Waitall), and
 *   allreduce  MPI_Allreduce (sum) of the vector,
 * over --iters iterations after --warmup, each started together after a barrier. An iteration's time is
 * the slowest rank's; rank 0 prints one CSV line per (op, d) with p50, p99 and mean in microseconds.
 *
 *   mpirun -np 4 build/mpi_baseline --sizes 1000,10000,100000,1000000,10000000 --iters 50 --warmup 5
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slowest.h"

#define MAX_SIZES 64

static void die(int rank, const char *msg) {
    if (rank == 0) fprintf(stderr, "mpi_baseline: %s\n", msg);
    MPI_Abort(MPI_COMM_WORLD, 2);
}

/* Parses "a,b,c" into sizes; returns the count or -1 on a malformed list. */
static int parse_sizes(const char *arg, long *sizes) {
    int n = 0;
    const char *p = arg;
    while (*p) {
        char *end;
        const double v = strtod(p, &end); /* accepts 1e6 as well as 1000000 */
        if (end == p || v < 1 || v > 4e8 || n == MAX_SIZES) return -1;
        sizes[n++] = (long)v;
        if (*end == ',') end++;
        else if (*end) return -1;
        p = end;
    }
    return n;
}

typedef void (*op_fn)(float *send, float *recv_l, float *recv_r, int d, int left, int right);

static void ring_exchange(float *send, float *recv_l, float *recv_r, int d, int left, int right) {
    MPI_Request req[4];
    MPI_Irecv(recv_l, d, MPI_FLOAT, left, 0, MPI_COMM_WORLD, &req[0]);
    MPI_Irecv(recv_r, d, MPI_FLOAT, right, 1, MPI_COMM_WORLD, &req[1]);
    MPI_Isend(send, d, MPI_FLOAT, right, 0, MPI_COMM_WORLD, &req[2]);
    MPI_Isend(send, d, MPI_FLOAT, left, 1, MPI_COMM_WORLD, &req[3]);
    MPI_Waitall(4, req, MPI_STATUSES_IGNORE);
}

static void allreduce(float *send, float *recv_l, float *recv_r, int d, int left, int right) {
    (void)recv_r; (void)left; (void)right;
    MPI_Allreduce(send, recv_l, d, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    long sizes[MAX_SIZES];
    int nsizes = parse_sizes("1000,10000,100000,1000000", sizes);
    int iters = 50, warmup = 5, header = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
            if ((nsizes = parse_sizes(argv[++i], sizes)) < 1) die(rank, "--sizes wants a list like 1000,1e6");
        } else if (!strcmp(argv[i], "--iters") && i + 1 < argc) {
            if ((iters = atoi(argv[++i])) < 1) die(rank, "--iters must be >= 1");
        } else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) {
            if ((warmup = atoi(argv[++i])) < 0) die(rank, "--warmup must be >= 0");
        } else if (!strcmp(argv[i], "--no-header")) {
            header = 0;
        } else {
            die(rank, "usage: mpi_baseline [--sizes LIST] [--iters N] [--warmup N] [--no-header]");
        }
    }
    const int left = (rank - 1 + size) % size, right = (rank + 1) % size;
    const char *names[2] = {"ring", "allreduce"};
    const op_fn ops[2] = {ring_exchange, allreduce};
    double *mine = malloc(sizeof(double) * iters), *slowest = malloc(sizeof(double) * iters);
    if (header && rank == 0) printf("impl,op,ranks,floats,bytes,iters,p50_us,p99_us,mean_us\n");

    for (int s = 0; s < nsizes; s++) {
        const int d = (int)sizes[s];
        float *send = malloc(sizeof(float) * d), *rl = malloc(sizeof(float) * d), *rr = malloc(sizeof(float) * d);
        if (!send || !rl || !rr || !mine || !slowest) die(rank, "out of memory");
        for (int i = 0; i < d; i++) send[i] = (float)(rank + 1) * 1e-3f * (float)(i % 1000);
        for (int o = 0; o < 2; o++) {
            for (int it = -warmup; it < iters; it++) {
                MPI_Barrier(MPI_COMM_WORLD);
                const double t0 = MPI_Wtime();
                ops[o](send, rl, rr, d, left, right);
                const double t = MPI_Wtime() - t0;
                if (it >= 0) mine[it] = t;
            }
            report_slowest("c", names[o], d, 4L * d, mine, slowest, iters);
        }
        free(send); free(rl); free(rr);
    }
    free(mine); free(slowest);
    MPI_Finalize();
    return 0;
}

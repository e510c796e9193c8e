/*
 * Shared by the native benchmarks: the report of one timed operation. Every rank times the same iterations;
 * rank 0 gets the slowest rank's time of each (MPI_MAX) and prints one CSV line
 * impl,op,ranks,floats,bytes,iters,p50_us,p99_us,mean_us.
 */
#ifndef GOSSIPMPI_BENCH_SLOWEST_H
#define GOSSIPMPI_BENCH_SLOWEST_H
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int slowest_cmp(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Collective: mine[iters] are this rank's times in seconds; slowest[iters] is scratch (used on rank 0). */
static void report_slowest(const char *impl, const char *op, long floats, long bytes, double *mine, double *slowest,
                           int iters) {
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Reduce(mine, slowest, iters, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank != 0) return;
    double sum = 0;
    for (int it = 0; it < iters; it++) sum += slowest[it];
    qsort(slowest, iters, sizeof(double), slowest_cmp);
    const int p99 = (int)((iters - 1) * 0.99 + 0.5);
    printf("%s,%s,%d,%ld,%ld,%d,%.1f,%.1f,%.1f\n", impl, op, size, floats, bytes, iters,
           slowest[(iters - 1) / 2] * 1e6, slowest[p99] * 1e6, sum / iters * 1e6);
    fflush(stdout);
}
#endif

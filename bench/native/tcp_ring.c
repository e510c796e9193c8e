/*
 * The ceiling under MPI on a TCP network: the ring exchange of mpi_baseline.c over plain TCP sockets.
 *
 * Each rank sends d floats (4d bytes) to both ring neighbours and receives 4d bytes from each, over one TCP
 * connection per direction and neighbour, with one blocking thread per socket (the kernel moves the bytes;
 * no progress engine, no rendezvous). MPI only starts the ranks, says who is who and times iterations
 * together (barrier, then the slowest rank's time), so the rows compare with mpi_baseline's "ring".
 * Rank r listens on ADDR_PREFIX.(r+1), the addressing of bench/cluster/up.
 *
 *   bench/cluster/run build/tcp_ring --addr-prefix 10.213.77 --sizes 1e7 --iters 3 --warmup 1
 */
#include <arpa/inet.h>
#include <errno.h>
#include <mpi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "slowest.h"

static void die(const char *what) {
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    fprintf(stderr, "tcp_ring: rank %d: %s%s%s\n", rank, what, errno ? ": " : "", errno ? strerror(errno) : "");
    MPI_Abort(MPI_COMM_WORLD, 2);
}

typedef struct {
    int fd;
    char *buf;
    size_t len;
    int sending;
} transfer;

static void *move_bytes(void *arg) {
    transfer *t = arg;
    size_t done = 0;
    while (done < t->len) {
        const ssize_t n = t->sending ? send(t->fd, t->buf + done, t->len - done, MSG_NOSIGNAL)
                                     : recv(t->fd, t->buf + done, t->len - done, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) die(t->sending ? "send" : "recv (a neighbour closed its connection)");
        done += (size_t)n;
    }
    return NULL;
}

static struct sockaddr_in address_of(const char *prefix, int rank, int port) {
    char ip[64];
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    snprintf(ip, sizeof ip, "%s.%d", prefix, rank + 1);
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) die("--addr-prefix is not the first three parts of an IPv4 address");
    return a;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *prefix = NULL;
    double dsize = 1e7;
    int iters = 3, warmup = 1, port = 47311, header = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--addr-prefix") && i + 1 < argc) prefix = argv[++i];
        else if (!strcmp(argv[i], "--sizes") && i + 1 < argc) dsize = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--iters") && i + 1 < argc) iters = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--port") && i + 1 < argc) port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-header")) header = 0;
        else errno = 0, die("usage: tcp_ring --addr-prefix A.B.C [--sizes D] [--iters N] [--warmup N] [--port P] [--no-header]");
    }
    if (!prefix || size < 2 || dsize < 1 || dsize > 4e8 || iters < 1 || warmup < 0 || port < 1 || port > 65535) {
        errno = 0;
        die("needs --addr-prefix, 2 or more ranks, one size in 1..4e8 floats, --iters >= 1, --warmup >= 0");
    }
    const long d = (long)dsize;
    const size_t len = 4 * (size_t)d;
    const int left = (rank - 1 + size) % size, right = (rank + 1) % size;

    const int lfd = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in me = address_of(prefix, rank, port);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&me, sizeof me) || listen(lfd, 4)) die("listen");
    MPI_Barrier(MPI_COMM_WORLD);
    /* out[0] to the right, out[1] to the left; in[0] from the left, in[1] from the right (by the sender's hello) */
    int out[2], in[2] = {-1, -1};
    const int peers[2] = {right, left};
    for (int k = 0; k < 2; k++) {
        struct sockaddr_in to = address_of(prefix, peers[k], port);
        if ((out[k] = socket(AF_INET, SOCK_STREAM, 0)) < 0 || connect(out[k], (struct sockaddr *)&to, sizeof to))
            die("connect");
        const int hello[2] = {rank, k};
        if (send(out[k], hello, sizeof hello, 0) != (ssize_t)sizeof hello) die("send hello");
    }
    for (int k = 0; k < 2; k++) {
        int hello[2];
        const int fd = accept(lfd, NULL, NULL);
        if (fd < 0 || recv(fd, hello, sizeof hello, MSG_WAITALL) != (ssize_t)sizeof hello) die("accept");
        /* a sender's "to the right" connection arrives from my left */
        in[hello[1] == 0 ? 0 : 1] = fd;
    }
    if (in[0] < 0 || in[1] < 0) errno = 0, die("both neighbours' connections came from one side");

    char *send_buf = malloc(len), *recv_l = malloc(len), *recv_r = malloc(len);
    double *mine = malloc(sizeof(double) * iters), *slowest = malloc(sizeof(double) * iters);
    if (!send_buf || !recv_l || !recv_r || !mine || !slowest) die("out of memory");
    memset(send_buf, rank, len);
    for (int it = -warmup; it < iters; it++) {
        transfer t[4] = {{out[0], send_buf, len, 1}, {out[1], send_buf, len, 1},
                         {in[0], recv_l, len, 0}, {in[1], recv_r, len, 0}};
        pthread_t th[4];
        MPI_Barrier(MPI_COMM_WORLD);
        const double t0 = MPI_Wtime();
        for (int k = 0; k < 4; k++)
            if (pthread_create(&th[k], NULL, move_bytes, &t[k])) die("pthread_create");
        for (int k = 0; k < 4; k++) pthread_join(th[k], NULL);
        if (it >= 0) mine[it] = MPI_Wtime() - t0;
    }
    if (header && rank == 0) printf("impl,op,ranks,floats,bytes,iters,p50_us,p99_us,mean_us\n");
    report_slowest("tcp", "ring", d, (long)len, mine, slowest, iters);
    for (int k = 0; k < 2; k++) { close(out[k]); close(in[k]); }
    close(lfd);
    free(send_buf); free(recv_l); free(recv_r); free(mine); free(slowest);
    MPI_Finalize();
    return 0;
}

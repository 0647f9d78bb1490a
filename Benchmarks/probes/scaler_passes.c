// The memory bound of MinMaxScaler / MaxAbsScaler fit+transform and of the in-place transform, in C,
// on the library's own kernels (CKernels: fk_extremes_rows_f64 for the fit, fk_affine_stream_f64
// into a new matrix with non-temporal stores, fk_affine_flat_f64 in place), next to a plain read.
// Two threads, each pass over fixed 4096-row blocks handed out one at a time (as ParallelRows.map);
// a 512 MiB read before every timed run, so each run starts with the data out of the caches, as
// it does in `featurekit bench`, where the peer runs in between. Scenarios alternate within one run
// (a drift of the shared machine hits all alike); medians of `reps`.
//
//   read        a sum over every cache line of X (the read limit for X's shape and pages)
//   fit         the extremes kernel over X
//   tr          X -> Y, non-temporal stores
//   ip          X in place (alternating the map and its inverse)
//   fittr       fit, then tr in block order (what fit+transform does)
//   fittrrev    fit, then tr in reverse block order (the blocks read last first, in case the LLC
//               still holds them)
//   readread    two reads of X back to back (does the LLC keep any of it?)
// A ",h" suffix puts X and Y on transparent huge pages (madvise), as numpy does for its arrays.
//
// Build and run (from the repository root; take the bench lock on a shared machine):
//   clang -O2 -march=native -ISources/CKernels/include -o /tmp/scaler_passes Benchmarks/probes/scaler_passes.c \
//     Sources/CKernels/extremes.c Sources/CKernels/kernels.c -lpthread -lm
//   flock /tmp/fk-bench.lock /tmp/scaler_passes 100000 256 11 read read,h fit fit,h tr tr,h ip ip,h fittr fittrrev readread
#define _GNU_SOURCE
#include "CKernels.h"
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define BLOCK_ROWS 4096
static size_t R, C, NB;
static double *Xs[2], *Ys[2], *X, *Y, *flushBuffer;
static const size_t flushCount = (size_t)64 << 20;  // 512 MiB of doubles
static long long *nans;
static double *lows, *highs, a[1024], f[1024], finv[1024], c[1024];
static atomic_long nextBlock;
static atomic_int go, finished;
static volatile double sink;
static pthread_barrier_t barrier;
static const char *op;
static int flushing, inverse;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}
static size_t rowsOf(size_t b, size_t *r0) { *r0 = b * BLOCK_ROWS; return (*r0 + BLOCK_ROWS < R ? *r0 + BLOCK_ROWS : R) - *r0; }
static void readBlock(size_t b) {
    size_t r0, n = rowsOf(b, &r0);
    double s = 0;
    for (size_t k = r0 * C; k < (r0 + n) * C; k += 8) s += X[k];
    sink += s;
}
static void fitBlock(size_t b) {
    size_t r0, n = rowsOf(b, &r0);
    for (size_t j = 0; j < C; j++) { nans[b * C + j] = 0; lows[b * C + j] = INFINITY; highs[b * C + j] = -INFINITY; }
    fk_extremes_rows_f64(X + r0 * C, C, n, C, nans + b * C, lows + b * C, highs + b * C);
}
static void transformBlock(size_t b) { size_t r0, n = rowsOf(b, &r0); fk_affine_stream_f64(X + r0 * C, Y + r0 * C, n, C, a, f, c); }
static void inPlaceBlock(size_t b) { size_t r0, n = rowsOf(b, &r0); fk_affine_flat_f64(X + r0 * C, X + r0 * C, n, C, a, inverse ? finv : f, c); }
static void pass(void (*body)(size_t), int reverse) {
    long b;
    while ((b = atomic_fetch_add(&nextBlock, 1)) < (long)NB) body(reverse ? NB - 1 - (size_t)b : (size_t)b);
}
static void between(int t) {
    pthread_barrier_wait(&barrier);
    if (t == 0) atomic_store(&nextBlock, 0);
    pthread_barrier_wait(&barrier);
}
static void work(int t) {
    if (flushing) {
        double s = 0;
        for (size_t k = t * flushCount / 2; k < (t + 1) * flushCount / 2; k += 8) s += flushBuffer[k];
        sink += s;
        return;
    }
    if (!strcmp(op, "read")) pass(readBlock, 0);
    else if (!strcmp(op, "fit")) pass(fitBlock, 0);
    else if (!strcmp(op, "tr")) pass(transformBlock, 0);
    else if (!strcmp(op, "ip")) pass(inPlaceBlock, 0);
    else if (!strcmp(op, "fittr")) { pass(fitBlock, 0); between(t); pass(transformBlock, 0); }
    else if (!strcmp(op, "fittrrev")) { pass(fitBlock, 0); between(t); pass(transformBlock, 1); }
    else if (!strcmp(op, "readread")) { pass(readBlock, 0); between(t); pass(readBlock, 1); }
}
static void *worker(void *unused) {
    (void)unused;
    for (;;) {
        while (!atomic_load(&go)) {}
        atomic_store(&go, 0);
        work(1);
        atomic_store(&finished, 1);
    }
    return NULL;
}
static double run(void) {
    atomic_store(&nextBlock, 0);
    atomic_store(&finished, 0);
    double t0 = now();
    atomic_store(&go, 1);
    work(0);
    while (!atomic_load(&finished)) {}
    return now() - t0;
}
static int byValue(const void *x, const void *y) { double p = *(const double *)x, q = *(const double *)y; return p < q ? -1 : p > q; }

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s rows cols reps scenario[,h]...\n", argv[0]); return 2; }
    R = strtoul(argv[1], 0, 10); C = strtoul(argv[2], 0, 10);
    int reps = atoi(argv[3]), count = argc - 4;
    if (R == 0 || C == 0 || C > 1024 || reps < 1 || reps > 1000 || count > 64) { fprintf(stderr, "bad arguments\n"); return 2; }
    NB = (R + BLOCK_ROWS - 1) / BLOCK_ROWS;
    size_t bytes = R * C * sizeof(double);
    for (int h = 0; h < 2; h++) {
        Xs[h] = aligned_alloc(2 << 20, (bytes + (2 << 20) - 1) / (2 << 20) * (2 << 20));
        Ys[h] = aligned_alloc(2 << 20, (bytes + (2 << 20) - 1) / (2 << 20) * (2 << 20));
        if (!Xs[h] || !Ys[h]) return 1;
        if (h) { madvise(Xs[h], bytes, MADV_HUGEPAGE); madvise(Ys[h], bytes, MADV_HUGEPAGE); }
        for (size_t k = 0; k < R * C; k++) { Xs[h][k] = (double)((k * 2654435761u) % 1000003) - 500000.0; Ys[h][k] = 0; }
    }
    flushBuffer = aligned_alloc(2 << 20, flushCount * sizeof(double));
    nans = calloc(NB * C, sizeof *nans); lows = calloc(NB * C, sizeof *lows); highs = calloc(NB * C, sizeof *highs);
    if (!flushBuffer || !nans || !lows || !highs) return 1;
    for (size_t k = 0; k < flushCount; k++) flushBuffer[k] = 1;
    for (size_t j = 0; j < C; j++) { a[j] = 0; f[j] = 0.5; finv[j] = 2; c[j] = 0; }
    pthread_barrier_init(&barrier, NULL, 2);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    static double times[64][1000];
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < count; i++) {
            char name[32];
            snprintf(name, sizeof name, "%s", argv[4 + i]);
            char *comma = strchr(name, ',');
            int huge = comma && !strcmp(comma, ",h");
            if (comma) *comma = 0;
            X = Xs[huge]; Y = Ys[huge]; op = name;
            flushing = 1; run(); flushing = 0;
            times[i][r] = run();
            if (!strcmp(op, "ip")) inverse ^= 1;
        }
    }
    for (int i = 0; i < count; i++) {
        qsort(times[i], reps, sizeof(double), byValue);
        printf("%-10s median %.4f s  min %.4f  max %.4f  (%.1f GB/s of X)\n", argv[4 + i], times[i][reps / 2], times[i][0],
               times[i][reps - 1], bytes / times[i][reps / 2] / 1e9);
    }
    return 0;
}

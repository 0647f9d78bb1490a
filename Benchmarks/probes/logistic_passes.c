// The binary logistic L-BFGS passes in C, on the library's own kernels (CKernels/logistic.c:
// fk_logistic_binary_block without the Hessian, the fused loss + gradient pass of every L-BFGS
// evaluation; fk_logistic_column_pass_classes, the start pass: column moments, finiteness check and
// the gradient at the constant start), next to a plain read of the same rows. One thread, fixed
// row blocks of 64 KiB / 8d rows as LogisticObjective; a 512 MiB read before every timed run (cold,
// as in `featurekit bench`, where the peer runs in between) unless the fourth argument is "warm".
// Scenarios alternate within one run; medians of `reps` (at most 63).
//
// A/B against an earlier version of the kernels (how the commits' "C timing" figures were taken):
// build the old logistic.c into an object whose two entry points are renamed, and pass -DFK_OLD:
//   git show REV:Sources/CKernels/logistic.c > /tmp/old.c
//   clang -O2 -march=native -ISources/CKernels/include -ISources/CKernels -c /tmp/old.c -o /tmp/old.o
//   objcopy --redefine-sym fk_logistic_binary_block=old_block --redefine-sym fk_logistic_column_pass_classes=old_column /tmp/old.o
//   for s in $(nm /tmp/old.o | awk '$2=="T"{print $3}' | grep -v old_); do objcopy --redefine-sym $s=old_$s /tmp/old.o; done
//   clang -O2 -march=native -DFK_OLD -ISources/CKernels/include -o /tmp/logistic_passes Benchmarks/probes/logistic_passes.c \
//     Sources/CKernels/logistic.c /tmp/old.o -lm
// The old and new results are compared bit for bit ("bits same" / "DIFFER").
//
// Build and run without A/B (from the repository root; take the bench lock on a shared machine):
//   clang -O2 -march=native -ISources/CKernels/include -o /tmp/logistic_passes Benchmarks/probes/logistic_passes.c \
//     Sources/CKernels/logistic.c -lm
//   flock /tmp/fk-bench.lock /tmp/logistic_passes 100000 256 11
//   flock /tmp/fk-bench.lock /tmp/logistic_passes 20000 32 61 warm
#define _GNU_SOURCE
#include "CKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#ifdef FK_OLD
int old_block(const double *x, size_t n, size_t d, const double *coef, int intercept, const double *sw, const int *y, double *loss,
              double *grad, double *hess, double *curvature);
int old_column(const double *x, size_t n, size_t d, const double *shift, const double *sw, const int *y, double r0, double r1,
               double *s1, double *s2, double *g);
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double *flushBuffer;
static const size_t flushCount = (size_t)64 << 20;  // 512 MiB of doubles
static int warm;
static volatile double sink;

static void flush(void) {
    if (warm) return;
    double s = 0;
    for (size_t i = 0; i < flushCount; i += 8) s += flushBuffer[i];
    sink = s;
}

static int compare(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, compare);
    return v[n / 2];
}

static void *huge(size_t bytes) {
    void *p = NULL;
    if (posix_memalign(&p, (size_t)2 << 20, bytes) != 0) { perror("posix_memalign"); exit(1); }
    madvise(p, bytes, MADV_HUGEPAGE);
    return p;
}

typedef int (*block_fn)(const double *, size_t, size_t, const double *, int, const double *, const int *, double *, double *, double *, double *);
typedef int (*column_fn)(const double *, size_t, size_t, const double *, const double *, const int *, double, double, double *, double *, double *);

static size_t n, d, blockRows;
static double *x, *coef, *shift, *weights;
static int *y;

// One fused pass in fixed blocks; loss and gradient (d + 1 entries, intercept last) into out.
static double fused(block_fn f, double *out) {
    double loss = 0;
    memset(out, 0, 1024 * sizeof(double));
    const double t0 = now();
    for (size_t i = 0; i < n; i += blockRows) {
        const size_t m = n - i < blockRows ? n - i : blockRows;
        f(x + i * d, m, d, coef, 1, NULL, y + i, &loss, out, NULL, NULL);
    }
    const double t = now() - t0;
    out[1023] = loss;
    return t;
}

// One start pass in fixed blocks; the three column sums into out (3 x 1024).
static double column(column_fn f, double *out) {
    memset(out, 0, 3 * 1024 * sizeof(double));
    const double t0 = now();
    for (size_t i = 0; i < n; i += blockRows) {
        const size_t m = n - i < blockRows ? n - i : blockRows;
        f(x + i * d, m, d, shift, weights + i, y + i, 0.5, -0.5, out, out + 1024, out + 2048);
    }
    return now() - t0;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s rows columns reps [warm]\n", argv[0]); return 2; }
    n = strtoul(argv[1], NULL, 10);
    d = strtoul(argv[2], NULL, 10);
    int reps = atoi(argv[3]);
    warm = argc > 4 && strcmp(argv[4], "warm") == 0;
    if (n == 0 || d == 0 || d > 500 || reps < 1) { fprintf(stderr, "rows > 0, 0 < columns <= 500, reps >= 1\n"); return 2; }
    if (reps > 63) reps = 63;
    blockRows = 65536 / d < 64 ? 64 : 65536 / d;
    x = huge(n * d * sizeof(double));
    flushBuffer = huge(flushCount * sizeof(double));
    for (size_t i = 0; i < flushCount; i++) flushBuffer[i] = (double)i;
    srand(1);
    for (size_t i = 0; i < n * d; i++) x[i] = rand() / (double)RAND_MAX - 0.5;
    y = malloc(n * sizeof(int));
    weights = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++) { y[i] = rand() & 1; weights[i] = 1; }
    coef = calloc(1024, sizeof(double));
    shift = calloc(1024, sizeof(double));
    for (size_t j = 0; j < d; j++) coef[j] = 0.01 * ((int)(j % 7) - 3);
    coef[d] = 0.1;  // the intercept
    static double outFused[1024], outColumn[3 * 1024];
    double tRead[63], tFused[63], tColumn[63];
#ifdef FK_OLD
    static double oldFused[1024], oldColumn[3 * 1024];
    double tOldFused[63], tOldColumn[63];
    int differ = 0;
#endif
    for (int r = 0; r < reps; r++) {
        flush();
        double t0 = now(), s = 0;
        for (size_t i = 0; i < n * d; i += 8) s += x[i];  // one load per cache line
        sink = s;
        tRead[r] = now() - t0;
        flush();
        tFused[r] = fused(fk_logistic_binary_block, outFused);
        flush();
        tColumn[r] = column(fk_logistic_column_pass_classes, outColumn);
#ifdef FK_OLD
        flush();
        tOldFused[r] = fused(old_block, oldFused);
        flush();
        tOldColumn[r] = column(old_column, oldColumn);
        if (memcmp(outFused, oldFused, sizeof outFused) != 0 || memcmp(outColumn, oldColumn, sizeof outColumn) != 0) differ++;
#endif
    }
    const double read = median(tRead, reps);
    printf("%zu x %zu, %s, 1 thread, medians of %d: read %.2f ms (%.1f GB/s)", n, d, warm ? "warm" : "cold", reps, read * 1e3,
           (double)(n * d * sizeof(double)) / read / 1e9);
    const double f = median(tFused, reps), c = median(tColumn, reps);
    printf("; fused pass %.2f ms (%.2fx); start pass %.2f ms (%.2fx)", f * 1e3, f / read, c * 1e3, c / read);
#ifdef FK_OLD
    const double of = median(tOldFused, reps), oc = median(tOldColumn, reps);
    printf("; old fused %.2f ms (%.2fx); old start %.2f ms (%.2fx); bits %s", of * 1e3, of / read, oc * 1e3, oc / read,
           differ ? "DIFFER" : "same");
#endif
    printf("\n");
    return 0;
}

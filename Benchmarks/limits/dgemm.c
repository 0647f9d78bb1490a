// A plain C call of OpenBLAS's dgemm, to cross-check `featurekit bench`'s GFLOP/s for the same shape.
//
// Build and run (make check-limits does this):
//   gcc -O2 Benchmarks/limits/dgemm.c -o build/dgemm -lopenblas && build/dgemm 4096 5
#include <cblas-openblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 4096;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    int threads = argc > 3 ? atoi(argv[3]) : 0;
    if (n <= 0 || n > 32768 || repeats <= 0 || repeats > 1000) {
        fprintf(stderr, "usage: dgemm [n in 1...32768] [repeats in 1...1000] [threads]\n");
        return 2;
    }
    if (threads > 0) openblas_set_num_threads(threads);
    size_t count = (size_t)n * (size_t)n;
    double *a = malloc(count * sizeof(double)), *b = malloc(count * sizeof(double)), *c = malloc(count * sizeof(double));
    if (a == NULL || b == NULL || c == NULL) return 1;
    unsigned long long state = 42;
    for (size_t i = 0; i < count; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        a[i] = (double)(state >> 11) * 0x1p-53 * 2 - 1;
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        b[i] = (double)(state >> 11) * 0x1p-53 * 2 - 1;
    }
    double samples[1000];
    for (int r = -1; r < repeats; r++) {
        double t = now();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
        t = now() - t;
        if (r >= 0) samples[r] = t;
    }
    qsort(samples, (size_t)repeats, sizeof(double), compare);
    double m = repeats % 2 ? samples[repeats / 2] : 0.5 * (samples[repeats / 2 - 1] + samples[repeats / 2]);
    printf("dgemm.c: n=%d core=%s threads=%d median %.4f s  %.1f GFLOP/s\n", n, openblas_get_corename(),
           openblas_get_num_threads(), m, 2.0 * n * (double)n * n / m / 1e9);
    free(a);
    free(b);
    free(c);
    return 0;
}

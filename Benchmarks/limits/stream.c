// An independent STREAM-style measurement of memory bandwidth, to cross-check `featurekit bench`.
//
// Same six access patterns as FeatureKit's MemoryBandwidthSuite (read = sum, write = fill,
// write.nt = fill with non-temporal stores (SSE2 _mm_stream_pd), copy, copy.nt = memcpy (glibc
// streams large copies), in-place scale) and the same byte accounting as STREAM (a write counts 8 bytes, copy and
// scale 16), but written in plain C, compiled by gcc with -O3 -march=native and threaded with
// OpenMP: a different compiler, vectoriser and threading runtime measuring the same bus.
// -ffast-math lets gcc vectorise the read reduction (without it the sum is one dependency chain
// and measures add latency, not the bus); it changes nothing else here.
//
// Build and run (make check-limits does this):
//   gcc -O3 -march=native -ffast-math -fopenmp Benchmarks/limits/stream.c -o build/stream && build/stream 268435456 7
#include <emmintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static double median(double *samples, int n) {
    qsort(samples, (size_t)n, sizeof(double), compare);
    return n % 2 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 268435456L;  // 2 GiB of doubles per array
    int repeats = argc > 2 ? atoi(argv[2]) : 7;
    if (n <= 0 || repeats <= 0 || repeats > 1000) {
        fprintf(stderr, "usage: stream [elements > 0] [repeats in 1...1000]\n");
        return 2;
    }
    double *a = aligned_alloc(4096, (size_t)n * sizeof(double));
    double *b = aligned_alloc(4096, (size_t)n * sizeof(double));
    if (a == NULL || b == NULL) {
        fprintf(stderr, "stream: cannot allocate 2 x %ld doubles\n", n);
        return 1;
    }
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) { a[i] = 1.0; b[i] = 0.0; }

    const char *names[6] = {"read", "write", "write.nt", "copy", "copy.nt", "scale"};
    const double bytes[6] = {8.0, 8.0, 8.0, 16.0, 16.0, 16.0};
    double samples[1000];
    volatile double sink = 0;
    printf("stream.c: %ld doubles per array (%.0f MiB), %d repeats, %d OpenMP threads\n",
           n, (double)n * 8 / 1048576, repeats, omp_get_max_threads());
    for (int k = 0; k < 6; k++) {
        for (int r = -1; r < repeats; r++) {  // r = -1 is an untimed warm-up
            double factor = (r & 1) ? 2.0 : 0.5, sum = 0, t = now();
            switch (k) {
            case 0:
#pragma omp parallel for schedule(static) reduction(+ : sum)
                for (long i = 0; i < n; i++) sum += a[i];
                break;
            case 1:
#pragma omp parallel for schedule(static)
                for (long i = 0; i < n; i++) b[i] = 1.0;
                break;
            case 2:
#pragma omp parallel
                {
                    int tid = omp_get_thread_num(), nt = omp_get_num_threads();
                    long chunk = (n / nt + 7) / 8 * 8, lo = tid * chunk, hi = lo + chunk < n ? lo + chunk : n;
                    __m128d one = _mm_set1_pd(1.0);
                    for (long i = lo; i + 2 <= hi; i += 2) _mm_stream_pd(b + i, one);
                    _mm_sfence();
                }
                break;
            case 3:
#pragma omp parallel for schedule(static)
                for (long i = 0; i < n; i++) b[i] = a[i];
                break;
            case 4:
#pragma omp parallel
                {
                    int tid = omp_get_thread_num(), nt = omp_get_num_threads();
                    long chunk = (n / nt + 7) / 8 * 8, lo = tid * chunk, hi = lo + chunk < n ? lo + chunk : n;
                    if (hi > lo) memcpy(b + lo, a + lo, (size_t)(hi - lo) * sizeof(double));
                }
                break;
            default:
#pragma omp parallel for schedule(static)
                for (long i = 0; i < n; i++) a[i] *= factor;
                break;
            }
            t = now() - t;
            sink += sum;
            if (r >= 0) samples[r] = t;
        }
        double m = median(samples, repeats);
        printf("stream.%-6s %8.2f GB/s  (median %.4f s)\n", names[k], bytes[k] * (double)n / m / 1e9, m);
    }
    free(a);
    free(b);
    return sink < 0;
}

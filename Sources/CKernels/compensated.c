// Double-double residual and gradient of a linear model over one block of rows: the kernel of
// LinearAlgebra's CompensatedKernels.residualGradient, in C so that the exact product error
// fma(a, b, -a*b) is one instruction on CPUs with FMA. Swift has no per-function target features,
// and the package is built for baseline x86-64 (SSE2), where Swift's `addingProduct` is a call to
// libm's fma for every element (measured: most of a refinement pass).
//
// The operations and their order are exactly those of the Swift kernel it replaces (4 lanes, lanes
// combined in a fixed order), with contraction off: hardware and libm fma are both correctly
// rounded, so the FMA and baseline builds give bit-identical results.
#include "CKernels.h"

#pragma STDC FP_CONTRACT OFF

typedef double fk_v4d __attribute__((vector_size(32), aligned(8)));

// Unaligned 4-double load and store (macros: a vector-typed function signature would trip the
// AVX ABI warning in the baseline build).
#define load4(p) ({ fk_v4d fk_v; __builtin_memcpy(&fk_v, (p), sizeof fk_v); fk_v; })
#define store4(p, v) do { fk_v4d fk_s = (v); __builtin_memcpy((p), &fk_s, sizeof fk_s); } while (0)

#define FK_TWO_SUM(s, e, a, b) do { \
        __typeof__(a) fk_a = (a), fk_b = (b); \
        s = fk_a + fk_b; \
        __typeof__(a) fk_bb = s - fk_a; \
        e = (fk_a - (s - fk_bb)) + (fk_b - fk_bb); \
    } while (0)

static inline __attribute__((always_inline)) void residual_gradient_block(
    const double *x, size_t row_stride, size_t rows, size_t n, const double *y, const double *weights,
    const double *coef, double intercept, double *hi, double *lo, double *rss_out) {
    size_t vector_end = n & ~(size_t)3;
    double rss = *rss_out;
    for (size_t i = 0; i < rows; i++) {
        const double *row = x + i * row_stride;
        fk_v4d s4 = {0, 0, 0, 0}, c4 = {0, 0, 0, 0};
        size_t j = 0;
        for (; j < vector_end; j += 4) {
            fk_v4d xv = load4(row + j), bv = load4(coef + j);
            fk_v4d p = xv * bv;
            fk_v4d ep = __builtin_elementwise_fma(xv, bv, -p);
            fk_v4d t, et;
            FK_TWO_SUM(t, et, s4, -p);
            s4 = t;
            c4 = c4 + (et - ep);
        }
        double s, c;
        FK_TWO_SUM(s, c, y[i], -intercept);
        for (int lane = 0; lane < 4; lane++) {
            double t, et;
            FK_TWO_SUM(t, et, s, s4[lane]);
            s = t;
            c = c + (et + c4[lane]);
        }
        for (; j < n; j++) {
            double p = row[j] * coef[j];
            double ep = __builtin_fma(row[j], coef[j], -p);
            double t, et;
            FK_TWO_SUM(t, et, s, -p);
            s = t;
            c = c + (et - ep);
        }
        double rh, rl;
        FK_TWO_SUM(rh, rl, s, c);
        double residual = rh;
        if (weights != NULL) {
            double w = weights[i];
            double p = rh * w;
            double e = __builtin_fma(rh, w, -p) + rl * w;
            FK_TWO_SUM(rh, rl, p, e);
        }
        rss = rss + rh * residual;
        double t0, e0;
        FK_TWO_SUM(t0, e0, hi[n], rh);
        hi[n] = t0;
        lo[n] = lo[n] + (e0 + rl);
        fk_v4d rhv = {rh, rh, rh, rh}, rlv = {rl, rl, rl, rl};
        j = 0;
        for (; j < vector_end; j += 4) {
            fk_v4d xv = load4(row + j);
            fk_v4d p = xv * rhv;
            fk_v4d ep = __builtin_elementwise_fma(xv, rhv, -p) + xv * rlv;
            fk_v4d h = load4(hi + j), l = load4(lo + j);
            fk_v4d t, et;
            FK_TWO_SUM(t, et, h, p);
            store4(hi + j, t);
            store4(lo + j, l + (et + ep));
        }
        for (; j < n; j++) {
            double xv = row[j];
            double p = xv * rh;
            double ep = __builtin_fma(xv, rh, -p) + xv * rl;
            double t, et;
            FK_TWO_SUM(t, et, hi[j], p);
            hi[j] = t;
            lo[j] = lo[j] + (et + ep);
        }
    }
    *rss_out = rss;
}

#if defined(__x86_64__) && !defined(__FMA__)
__attribute__((target("avx2,fma")))
static void residual_gradient_block_fma(
    const double *x, size_t row_stride, size_t rows, size_t n, const double *y, const double *weights,
    const double *coef, double intercept, double *hi, double *lo, double *rss) {
    residual_gradient_block(x, row_stride, rows, n, y, weights, coef, intercept, hi, lo, rss);
}

static void residual_gradient_block_base(
    const double *x, size_t row_stride, size_t rows, size_t n, const double *y, const double *weights,
    const double *coef, double intercept, double *hi, double *lo, double *rss) {
    residual_gradient_block(x, row_stride, rows, n, y, weights, coef, intercept, hi, lo, rss);
}

void fk_residual_gradient_block(
    const double *x, size_t row_stride, size_t rows, size_t n, const double *y, const double *weights,
    const double *coef, double intercept, double *hi, double *lo, double *rss) {
    static int has_fma = -1;  // benign race: every thread computes the same value
    if (has_fma < 0) {
        __builtin_cpu_init();
        has_fma = __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
    }
    if (has_fma) {
        residual_gradient_block_fma(x, row_stride, rows, n, y, weights, coef, intercept, hi, lo, rss);
    } else {
        residual_gradient_block_base(x, row_stride, rows, n, y, weights, coef, intercept, hi, lo, rss);
    }
}
#else
void fk_residual_gradient_block(
    const double *x, size_t row_stride, size_t rows, size_t n, const double *y, const double *weights,
    const double *coef, double intercept, double *hi, double *lo, double *rss) {
    residual_gradient_block(x, row_stride, rows, n, y, weights, coef, intercept, hi, lo, rss);
}
#endif

int fk_residual_gradient_uses_fma(void) {
#if defined(__FMA__)
    return 1;
#elif defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

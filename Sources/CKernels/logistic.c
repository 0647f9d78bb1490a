// The binary logistic objective's fused row pass (LinearAlgebra's LogisticKernels.binaryBlock):
// decision values, loss, gradient and, for narrow designs, the Hessian's weighted Gram matrix, in
// one read of each row. Multiply-adds are explicit fma (correctly rounded), never contracted, so
// the AVX-512, AVX2 and baseline builds of the same source give the same bits; exp and log1p are
// libm's.
#include "CKernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)
#pragma clang diagnostic ignored "-Wpsabi"  // the vector helpers are always inlined: no call ABI involved

typedef double fk_lv8 __attribute__((vector_size(64), aligned(8)));

#define FK_LOGISTIC_MAX_WIDTH 512

static inline __attribute__((always_inline)) fk_lv8 lv_load(const double *p) { fk_lv8 v; memcpy(&v, p, sizeof v); return v; }
static inline __attribute__((always_inline)) void lv_store(double *p, fk_lv8 v) { memcpy(p, &v, sizeof v); }
static inline __attribute__((always_inline)) fk_lv8 lv_splat(double a) { fk_lv8 v = {a, a, a, a, a, a, a, a}; return v; }
static inline __attribute__((always_inline)) fk_lv8 lv_fma(fk_lv8 a, fk_lv8 b, fk_lv8 c) { return __builtin_elementwise_fma(a, b, c); }
static inline __attribute__((always_inline)) double lv_sum(fk_lv8 v) { return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7])); }

// Rows a and a + 1 of the Gram update (columns from j0, `chunks` vectors): row0[c] +=
// sum_k sa[k w8] t_k[c], row0 + w8 likewise with sa[k w8 + 1]; rows k in order.
static inline __attribute__((always_inline)) void gram_pair(double *row0, size_t w8, const double *sa, const double *tj,
                                                             size_t m, const size_t chunks) {
    double *row1 = row0 + w8;
    fk_lv8 acc0[8], acc1[8];
    for (size_t c = 0; c < chunks; c++) { acc0[c] = lv_load(row0 + 8 * c); acc1[c] = lv_load(row1 + 8 * c); }
    for (size_t k = 0; k < m; k++) {
        const fk_lv8 s0 = lv_splat(sa[k * w8]), s1 = lv_splat(sa[k * w8 + 1]);
        const double *t = tj + k * w8;
        for (size_t c = 0; c < chunks; c++) {
            const fk_lv8 v = lv_load(t + 8 * c);
            acc0[c] = lv_fma(s0, v, acc0[c]);
            acc1[c] = lv_fma(s1, v, acc1[c]);
        }
    }
    for (size_t c = 0; c < chunks; c++) { lv_store(row0 + 8 * c, acc0[c]); lv_store(row1 + 8 * c, acc1[c]); }
}

// Rows are copied, 8 at a time, into a zero-padded tile [x_i, 1 (intercept), 0...] of width w8
// (a multiple of 8), so the dot product, the gradient and the Gram updates run on whole vectors.
static inline __attribute__((always_inline)) int logistic_block(const double *x, size_t n, size_t d, const double *coef, size_t w8, int intercept,
                                 const double *sw, const int *y, double *loss_out, double *grad, double *hess,
                                 double *curvature) {
    double tile[8 * FK_LOGISTIC_MAX_WIDTH] __attribute__((aligned(64)));
    double scaled[8 * FK_LOGISTIC_MAX_WIDTH] __attribute__((aligned(64)));
    const size_t s = d + (intercept ? 1 : 0);
    double loss = 0;
    for (size_t i0 = 0; i0 < n; i0 += 8) {
        const size_t m = n - i0 < 8 ? n - i0 : 8;
        double z[8], h[8], r[8];
        for (size_t k = 0; k < m; k++) {
            double *t = tile + k * w8;
            memcpy(t, x + (i0 + k) * d, d * sizeof(double));
            for (size_t j = d; j < w8; j++) t[j] = 0;
            if (intercept) t[d] = 1;
            fk_lv8 acc = lv_splat(0);
            for (size_t j = 0; j < w8; j += 8) acc = lv_fma(lv_load(t + j), lv_load(coef + j), acc);
            z[k] = lv_sum(acc);
        }
        for (size_t k = 0; k < m; k++) {
            const double zk = z[k], wk = sw[i0 + k];
            const int positive = y[i0 + k] == 1;
            const double t = exp(-fabs(zk));
            const double big = 1 / (1 + t), small = t * big;  // probabilities of the likelier / other class
            // loss: softplus(u) = max(u, 0) + log1p(exp(-|u|)) with u = -z (y = 1) or z (y = 0).
            const double u = positive ? -zk : zk;
            loss += wk * ((u > 0 ? u : 0) + log1p(t));
            // p - y without cancellation: p = big (z >= 0) or small; 1 - p the other one.
            double residual;
            if (positive) residual = -(zk >= 0 ? small : big);
            else residual = zk >= 0 ? big : small;
            if (zk != zk) residual = zk;
            r[k] = wk * residual;
            h[k] = wk * (small * big);
            if (zk != zk) h[k] = zk;
            if (curvature) curvature[i0 + k] = h[k];
        }
        // Gradient (fixed row order).
        for (size_t j = 0; j < w8; j += 8) {
            fk_lv8 g = lv_load(grad + j);
            for (size_t k = 0; k < m; k++) g = lv_fma(lv_splat(r[k]), lv_load(tile + k * w8 + j), g);
            lv_store(grad + j, g);
        }
        if (!hess) continue;
        for (size_t k = 0; k < m; k++)
            for (size_t j = 0; j < w8; j++) scaled[k * w8 + j] = h[k] * tile[k * w8 + j];
        // Upper part of sum_k h_k t_k t_k^T: row a from column (a rounded down to 8) on. Two rows
        // at a time, every column chunk in its own accumulator (independent fma chains: throughput,
        // not latency, bounds the loop); each entry still sums its rows k in order. Rows a + 1 >= s
        // (padding) are computed too and never read.
        if (w8 <= 64) {
            for (size_t a = 0; a < s; a += 2) {
                const size_t j0 = a & ~(size_t)7, chunks = (w8 - j0) / 8;
                double *row0 = hess + a * w8 + j0;
                const double *sa = scaled + a, *tj = tile + j0;
                switch (chunks) {  // constant trip counts: the accumulators live in registers
                case 1: gram_pair(row0, w8, sa, tj, m, 1); break;
                case 2: gram_pair(row0, w8, sa, tj, m, 2); break;
                case 3: gram_pair(row0, w8, sa, tj, m, 3); break;
                case 4: gram_pair(row0, w8, sa, tj, m, 4); break;
                case 5: gram_pair(row0, w8, sa, tj, m, 5); break;
                case 6: gram_pair(row0, w8, sa, tj, m, 6); break;
                case 7: gram_pair(row0, w8, sa, tj, m, 7); break;
                default: gram_pair(row0, w8, sa, tj, m, 8); break;
                }
            }
        } else {
            for (size_t a = 0; a < s; a++) {
                double *row = hess + a * w8;
                for (size_t j = a & ~(size_t)7; j < w8; j += 8) {
                    fk_lv8 acc = lv_load(row + j);
                    for (size_t k = 0; k < m; k++) acc = lv_fma(lv_splat(scaled[k * w8 + a]), lv_load(tile + k * w8 + j), acc);
                    lv_store(row + j, acc);
                }
            }
        }
    }
    *loss_out += loss;
    return 0;
}

#if defined(__x86_64__) && defined(__clang__)
#define FK_L_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,fma")))
#define FK_L_AVX2 __attribute__((target("avx2,fma")))
static FK_L_AVX512 int logistic_block_avx512(const double *x, size_t n, size_t d, const double *c, size_t w8, int b, const double *sw,
                                             const int *y, double *l, double *g, double *h, double *cv) {
    return logistic_block(x, n, d, c, w8, b, sw, y, l, g, h, cv);
}
static FK_L_AVX2 int logistic_block_avx2(const double *x, size_t n, size_t d, const double *c, size_t w8, int b, const double *sw,
                                         const int *y, double *l, double *g, double *h, double *cv) {
    return logistic_block(x, n, d, c, w8, b, sw, y, l, g, h, cv);
}
static int logistic_level(void) {
    static int cached = -1;  // benign race: every thread computes the same value
    if (cached < 0) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("fma")) cached = 2;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) cached = 1;
        else cached = 0;
    }
    return cached;
}
#endif

size_t fk_logistic_tile_width(size_t columns, int intercept) {
    size_t s = columns + (intercept ? 1 : 0);
    size_t w8 = (s + 7) & ~(size_t)7;
    return w8 <= FK_LOGISTIC_MAX_WIDTH ? w8 : 0;
}

int fk_logistic_binary_block(const double *x, size_t n, size_t d, const double *coef, int intercept, const double *sw,
                             const int *y, double *loss, double *grad, double *hess, double *curvature) {
    size_t w8 = fk_logistic_tile_width(d, intercept);
    if (w8 == 0) return -1;
#if defined(__x86_64__) && defined(__clang__)
    int level = logistic_level();
    if (level == 2) return logistic_block_avx512(x, n, d, coef, w8, intercept, sw, y, loss, grad, hess, curvature);
    if (level == 1) return logistic_block_avx2(x, n, d, coef, w8, intercept, sw, y, loss, grad, hess, curvature);
#endif
    return logistic_block(x, n, d, coef, w8, intercept, sw, y, loss, grad, hess, curvature);
}

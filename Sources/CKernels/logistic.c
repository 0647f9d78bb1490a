// The binary logistic objective's fused row pass (LinearAlgebra's LogisticKernels.binaryBlock):
// decision values, loss, gradient and, for narrow designs, the Hessian's weighted Gram matrix, in
// one read of each row. Multiply-adds are explicit fma (correctly rounded), never contracted, so
// the AVX-512, AVX2 and baseline builds of the same source give the same bits; exp and log1p are
// this file's own 8-lane polynomials (lv_exp_nonpositive, lv_log1p_unit; separate multiplies and
// adds, so also the same bits everywhere), not libm's scalar calls.
#include "CKernels.h"
#include "cpu.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)
#include "vexp.h"
#pragma clang diagnostic ignored "-Wpsabi"  // the vector helpers are always inlined: no call ABI involved

typedef double fk_lv8 __attribute__((vector_size(64), aligned(8)));

#define FK_LOGISTIC_MAX_WIDTH 512

static inline __attribute__((always_inline)) fk_lv8 lv_load(const double *p) { fk_lv8 v; memcpy(&v, p, sizeof v); return v; }
static inline __attribute__((always_inline)) void lv_store(double *p, fk_lv8 v) { memcpy(p, &v, sizeof v); }
typedef int64_t fk_li8 __attribute__((vector_size(64), aligned(8)));
static inline __attribute__((always_inline)) fk_li8 lv_loadi(const int64_t *p) { fk_li8 v; memcpy(&v, p, sizeof v); return v; }
static inline __attribute__((always_inline)) fk_lv8 lv_select(fk_li8 mask, fk_lv8 a, fk_lv8 b) {
    return (fk_lv8)((mask & (fk_li8)a) | (~mask & (fk_li8)b));
}
static inline __attribute__((always_inline)) fk_lv8 lv_splat(double a) { fk_lv8 v = {a, a, a, a, a, a, a, a}; return v; }
static inline __attribute__((always_inline)) fk_lv8 lv_fma(fk_lv8 a, fk_lv8 b, fk_lv8 c) { return __builtin_elementwise_fma(a, b, c); }
static inline __attribute__((always_inline)) double lv_sum(fk_lv8 v) { return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7])); }
// lv_sum of 8 vectors at once, lane k = lv_sum(v[k]) (the same tree, so the same bits): halves,
// then pairs, then neighbours, each level one add per two vectors after two shuffles.
static inline __attribute__((always_inline)) fk_lv8 lv_sum8(const fk_lv8 *v) {
    fk_lv8 h[4], q[2];
    for (int k = 0; k < 4; k++)  // [v_2k[i] + v_2k[i+4], v_2k+1[i] + v_2k+1[i+4]], i < 4
        h[k] = __builtin_shufflevector(v[2 * k], v[2 * k + 1], 0, 1, 2, 3, 8, 9, 10, 11)
               + __builtin_shufflevector(v[2 * k], v[2 * k + 1], 4, 5, 6, 7, 12, 13, 14, 15);
    for (int k = 0; k < 2; k++)  // per row r: [h_r[0] + h_r[2], h_r[1] + h_r[3]]
        q[k] = __builtin_shufflevector(h[2 * k], h[2 * k + 1], 0, 1, 4, 5, 8, 9, 12, 13)
               + __builtin_shufflevector(h[2 * k], h[2 * k + 1], 2, 3, 6, 7, 10, 11, 14, 15);
    return __builtin_shufflevector(q[0], q[1], 0, 2, 4, 6, 8, 10, 12, 14) + __builtin_shufflevector(q[0], q[1], 1, 3, 5, 7, 9, 11, 13, 15);
}

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

// exp(x) per lane for x <= 0: vexp.h, shared with logistic_predict.c.
static inline __attribute__((always_inline)) fk_lv8 lv_exp_nonpositive(fk_lv8 x) {
    return (fk_lv8)fk_vexp_nonpositive((fk_vexp_double8)x);
}

// log1p(t) per lane for t in [0, 1] (here t = exp(-|z|)): fdlibm's log1p method and coefficients.
// t < sqrt(2) - 1: f = t, k = 0 (exact); else u = 1 + t (rounded), f = u / 2 - 1 (exact), k = 1,
// with the rounding of u corrected by c = (t - (u - 1)) / u. Then with s = f / (2 + f),
// log(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2))), R fdlibm's degree-14 minimax polynomial (error
// below 2^-58.45), and log1p(t) = k ln2hi - ((f^2/2 - (s (f^2/2 + R) + (k ln2lo + c))) - f).
// Separate multiplies and adds (no contraction): the same bits on every build. Subnormal t gives t
// exactly, t = 0 gives 0. Accuracy: within 2 ulp of glibc's log1p (LogisticKernelTests).
static inline __attribute__((always_inline)) fk_lv8 lv_log1p_unit(fk_lv8 t) {
    const double ln2hi = 6.93147180369123816490e-01, ln2lo = 1.90821492927058770002e-10;
    const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
                 Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                 Lg7 = 1.479819860511658591e-01;
    const fk_lv8 u = 1.0 + t;
    const fk_li8 reduce = (fk_li8)(t >= lv_splat(0.41421356237309503));  // u >= sqrt(2), up to rounding
    const fk_lv8 kf = lv_select(reduce, lv_splat(1.0), lv_splat(0.0));
    const fk_lv8 f = lv_select(reduce, u * 0.5 - 1.0, t);
    const fk_lv8 c = lv_select(reduce, (t - (u - 1.0)) / u, lv_splat(0.0));
    const fk_lv8 hfsq = 0.5 * f * f;
    const fk_lv8 s = f / (2.0 + f);
    const fk_lv8 z = s * s, w = z * z;
    const fk_lv8 r1 = w * (Lg2 + w * (Lg4 + w * Lg6));
    const fk_lv8 r2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    const fk_lv8 R = r2 + r1;
    return kf * ln2hi - ((hfsq - (s * (hfsq + R) + (kf * ln2lo + c))) - f);
}

// The L-BFGS pass (no Hessian, no curvatures) over whole groups of 8 rows, software-pipelined:
// group g's logistic terms, then group g + 1's decision values, then group g's gradient. The terms
// are one long dependent chain (exp, three divisions, log1p) and the gradient waits for them; in
// the plain order (decision values, terms, gradient per group) the gradient's waiting loads and
// fmas fill the core's reorder window and the next group's reads wait behind them. Here the next
// group's decision values (independent work, and the reads that pull its rows in) sit between the
// terms and the gradient that needs them. Same operations on the same values in the same order as
// the plain loop: the same bits (LogisticFusedPassTests compares the two). Measured, one thread,
// cold, C timing with the old and new kernels alternating: 100k x 256 1.34-1.41 -> 1.28-1.32 and
// 1M x 32 1.35-1.39 -> 1.27-1.29 times a plain read of the rows per pass; a loop interchange (each
// row's decision value over its chunks in turn, same bits) was no faster; software prefetch of
// wide rows was slower or no different there (Intel), faster on AMD EPYC (see group_prefetch).
// Row k of a group at rows + k d; the last chunk [tail columns, 1 (intercept), 0...] (w8 > d8) from
// `tail` (8 rows x 8).
static inline __attribute__((always_inline)) void group_tail(const double *src, size_t d, size_t d8, size_t w8, int intercept, double *tail) {
    if (w8 <= d8) return;
    for (size_t k = 0; k < 8; k++) {
        double *t = tail + 8 * k;
        for (size_t j = d8; j < w8; j++) t[j - d8] = j < d ? src[k * d + j] : 0;
        if (intercept) t[d - d8] = 1;
    }
}

// The 8 rows' decision values (row k at rows + k rstride, its last chunk at tail + k tstride): each
// row's own fma chain over the column chunks in order, then lv_sum's tree.
static inline __attribute__((always_inline)) fk_lv8 group_decisions(const double *rows, size_t rstride, size_t d8, size_t w8, const double *coef,
                                                                      const double *tail, size_t tstride) {
    fk_lv8 acc[8];
    for (size_t k = 0; k < 8; k++) acc[k] = lv_splat(0);
    for (size_t j = 0; j < d8; j += 8) {
        const fk_lv8 c = lv_load(coef + j);
        for (size_t k = 0; k < 8; k++) acc[k] = lv_fma(lv_load(rows + k * rstride + j), c, acc[k]);
    }
    if (w8 > d8) {
        const fk_lv8 c = lv_load(coef + d8);
        for (size_t k = 0; k < 8; k++) acc[k] = lv_fma(lv_load(tail + k * tstride), c, acc[k]);
    }
    return lv_sum8(acc);
}

// The 8 rows' loss terms (added into *loss), residuals s_i (p_i - y_i) (returned) and, when
// `curvature` is given, curvatures s_i p_i (1 - p_i); `positive` lanes are all ones where y = 1.
// NaN decision values pass through as NaN (the caller reports overflow).
static inline __attribute__((always_inline)) fk_lv8 group_terms(fk_lv8 zv, fk_lv8 wv, fk_li8 positive, fk_lv8 *loss, fk_lv8 *curvature) {
    const fk_li8 nan = (fk_li8)(zv != zv);
    const fk_li8 magnitude = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};
    const fk_lv8 a = (fk_lv8)((fk_li8)zv & magnitude);  // |z| (sign bit cleared)
    const fk_lv8 t = lv_exp_nonpositive(-a);
    const fk_lv8 big = 1.0 / (1.0 + t), small = t * big;  // probabilities of the likelier / other class
    // loss: softplus(u) = max(u, 0) + log1p(exp(-|u|)) with u = -z (y = 1) or z (y = 0).
    const fk_lv8 u = lv_select(positive, -zv, zv);
    const fk_lv8 up = lv_select((fk_li8)(u > lv_splat(0)), u, lv_splat(0));
    *loss = *loss + lv_select(nan, zv, wv * (up + lv_log1p_unit(t)));
    // p - y without cancellation: p = big (z >= 0) or small; 1 - p the other one.
    const fk_li8 nonnegative = (fk_li8)(zv >= lv_splat(0));
    const fk_lv8 p = lv_select(nonnegative, big, small), q = lv_select(nonnegative, small, big);
    if (curvature) *curvature = lv_select(nan, zv, wv * (small * big));
    return lv_select(nan, zv, wv * lv_select(positive, -q, p));
}

// grad += sum_k r_k row_k over 8 rows (strides as group_decisions), rows in order per chunk.
static inline __attribute__((always_inline)) void group_gradient(const double *rows, size_t rstride, size_t d8, size_t w8, const double *r,
                                                                   const double *tail, size_t tstride, double *grad) {
    for (size_t j = 0; j < d8; j += 8) {
        fk_lv8 g = lv_load(grad + j);
        for (size_t k = 0; k < 8; k++) g = lv_fma(lv_splat(r[k]), lv_load(rows + k * rstride + j), g);
        lv_store(grad + j, g);
    }
    if (w8 > d8) {
        fk_lv8 g = lv_load(grad + d8);
        for (size_t k = 0; k < 8; k++) g = lv_fma(lv_splat(r[k]), lv_load(tail + k * tstride), g);
        lv_store(grad + d8, g);
    }
}

static inline __attribute__((always_inline)) fk_li8 group_labels(const int *y) {
    fk_li8 v;
    for (size_t k = 0; k < 8; k++) v[k] = y[k] == 1 ? -1 : 0;
    return v;
}

// Software prefetch of the rows `ahead` rows on (about 8 KiB ahead for narrow rows, 16 rows for
// wide ones; whole row groups): the pass is bound by the rows' arrival from memory, and the
// chunk-major reads of a group take 8 rows with a stride the hardware prefetcher follows less well
// than one stream (measured, one thread, 256 MiB: d = 32 51 -> 36 ms, d = 64 58 -> 48 ms per pass).
// Wide rows (d > 64) went without on the earlier Intel machine, where d = 128 and 256 were no faster
// or slower with it; on the AMD EPYC (Zen 5) machine they gain most (cold, one thread, times a plain
// read of the rows, logistic_passes probe, two runs each: d = 100 2.16 -> 1.39, d = 128 1.75 -> 1.39,
// d = 256 1.52-1.54 -> 1.38-1.45; 8 or 24 rows ahead instead of 16 were slower at d = 256).
// A group's prefetches are spread over four points of its work (part 0-3) rather than issued in
// one burst, which stalls on the core's few line-fill buffers while no other work is in flight
// (measured, one thread, 1M x 32, without the Hessian: 1.44 -> 1.15 times a plain read of the rows).
typedef struct { size_t lo, hi, quarter; } group_prefetch;  // elements of x; quarter: whole lines

static inline __attribute__((always_inline)) size_t group_prefetch_ahead(size_t d) {
    return ((8192 / (8 * d) + 7) & ~(size_t)7) + 8;  // rows, a multiple of 8
}

static inline __attribute__((always_inline)) group_prefetch group_prefetch_plan(size_t i0, size_t n, size_t d, size_t ahead) {
    group_prefetch p;
    p.lo = (i0 + ahead) * d;
    p.hi = i0 + ahead < n ? (i0 + ahead + 8 < n ? i0 + ahead + 8 : n) * d : 0;
    p.quarter = ((p.hi > p.lo ? p.hi - p.lo : 0) / 4 + 7) & ~(size_t)7;
    return p;
}

static inline __attribute__((always_inline)) void group_prefetch_part(const double *x, group_prefetch p, size_t part) {
    for (size_t e = p.lo + part * p.quarter; e < p.hi && e < p.lo + (part + 1) * p.quarter; e += 8) __builtin_prefetch(x + e, 0, 3);
}

// Returns the number of rows done (a multiple of 8); the loss vector is added into *loss in group order.
static inline __attribute__((always_inline)) size_t pipelined_groups(const double *x, size_t n, size_t d, const double *coef, size_t w8,
                                                                       int intercept, const double *sw, const int *y, fk_lv8 *loss,
                                                                       double *grad) {
    const size_t groups = n / 8, d8 = d & ~(size_t)7;
    if (groups == 0) return 0;
    const size_t ahead = group_prefetch_ahead(d);
    double tails[2][64] __attribute__((aligned(64)));
    double r[8] __attribute__((aligned(64)));
    // Whole chunks only (d a multiple of 8): every row's last chunk is [1 (intercept), 0...], built once.
    const int same_tail = d == d8;
    group_tail(x, d, d8, w8, intercept, tails[0]);
    if (same_tail) memcpy(tails[1], tails[0], sizeof tails[0]);
    fk_lv8 z = group_decisions(x, d, d8, w8, coef, tails[0], 8);
    for (size_t g = 0; g < groups; g++) {
        const size_t i0 = 8 * g;
        const double *src = x + i0 * d;
        const group_prefetch pf = group_prefetch_plan(i0, n, d, ahead);
        group_prefetch_part(x, pf, 0);
        const fk_lv8 wv = sw ? lv_load(sw + i0) : lv_splat(1);  // unit weights: not read (w * v = v exactly)
        lv_store(r, group_terms(z, wv, group_labels(y + i0), loss, NULL));
        group_prefetch_part(x, pf, 1);
        if (g + 1 < groups) {
            const double *next = src + 8 * d;
            if (!same_tail) group_tail(next, d, d8, w8, intercept, tails[(g + 1) & 1]);
            z = group_decisions(next, d, d8, w8, coef, tails[(g + 1) & 1], 8);
        }
        group_prefetch_part(x, pf, 2);
        group_gradient(src, d, d8, w8, r, tails[g & 1], 8, grad);
        group_prefetch_part(x, pf, 3);
    }
    return 8 * groups;
}

// Rows are copied, 8 at a time, into a zero-padded tile [x_i, 1 (intercept), 0...] of width w8
// (a multiple of 8), so the dot product, the gradient and the Gram updates run on whole vectors.
// The 8 rows' dot products run interleaved (independent fma chains); the logistic terms of the 8
// rows (exp, log1p, probabilities, residuals, curvatures) run as one 8-lane vector.
static inline __attribute__((always_inline)) int logistic_block(const double *x, size_t n, size_t d, const double *coef, size_t w8, int intercept,
                                 const double *sw, const int *y, double *loss_out, double *grad, double *hess,
                                 double *curvature) {
    double tile[8 * FK_LOGISTIC_MAX_WIDTH] __attribute__((aligned(64)));
    double scaled[8 * FK_LOGISTIC_MAX_WIDTH] __attribute__((aligned(64)));
    const size_t s = d + (intercept ? 1 : 0);
    const size_t d8 = d & ~(size_t)7;
    const size_t ahead = group_prefetch_ahead(d);
    fk_lv8 loss = lv_splat(0);
    const size_t first = hess || curvature ? 0 : pipelined_groups(x, n, d, coef, w8, intercept, sw, y, &loss, grad);
    for (size_t i0 = first; i0 < n; i0 += 8) {
        const size_t m = n - i0 < 8 ? n - i0 : 8;
        double z[8] __attribute__((aligned(64))), h[8] __attribute__((aligned(64))), r[8] __attribute__((aligned(64)));
        double wl[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        int64_t yl[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        const double *src = x + i0 * d;
        const group_prefetch pf = group_prefetch_plan(i0, n, d, ahead);
        group_prefetch_part(x, pf, 0);
        // Where the rows' whole 8-column chunks are read from: a full group without the Hessian
        // reads them in place (row k at src + k d: no copy); otherwise (the Gram update needs the
        // padded rows, and a partial group needs zero rows) they are copied into the tile, chunk-major
        // over the m rows (not a per-row copy loop, which the compiler would turn into a call to
        // memcpy per row). The last chunk [tail columns, 1 (intercept), 0...] (when w8 > d8) comes from
        // `tail` (8 rows x 8) in the direct case, from the tile otherwise. Same values, same order:
        // the same bits either way.
        const int direct = m == 8 && !hess;
        const double *rows = direct ? src : tile;
        const size_t rstride = direct ? d : w8;
        double tail[64] __attribute__((aligned(64)));
        const double *tails = direct ? tail : tile + d8;
        if (direct) {
            group_tail(src, d, d8, w8, intercept, tail);
        } else {
            for (size_t j = 0; j < d8; j += 8)
                for (size_t k = 0; k < m; k++) lv_store(tile + k * w8 + j, lv_load(src + k * d + j));
            for (size_t k = 0; k < m; k++) {
                double *t = tile + k * w8;
                for (size_t j = d8; j < w8; j++) t[j] = j < d ? src[k * d + j] : 0;
                if (intercept) t[d] = 1;
            }
            if (m < 8) memset(tile + m * w8, 0, (8 - m) * w8 * sizeof(double));
        }
        const size_t tstride = direct ? 8 : w8;
        for (size_t k = 0; k < m; k++) yl[k] = y[i0 + k] == 1 ? -1 : 0;
        if (!sw) for (size_t k = 0; k < m; k++) wl[k] = 1;  // unit weights: not read (w * v = v exactly)
        else if (m == 8) lv_store(wl, lv_load(sw + i0));
        else for (size_t k = 0; k < m; k++) wl[k] = sw[i0 + k];
        lv_store(z, group_decisions(rows, rstride, d8, w8, coef, tails, tstride));
        group_prefetch_part(x, pf, 1);
        {
            fk_lv8 hv;
            lv_store(r, group_terms(lv_load(z), lv_load(wl), lv_loadi(yl), &loss, &hv));
            lv_store(h, hv);
            if (curvature) memcpy(curvature + i0, h, m * sizeof(double));
        }
        group_prefetch_part(x, pf, 2);
        // Gradient (fixed row order).
        if (direct) {  // m == 8: constant trip count
            group_gradient(rows, rstride, d8, w8, r, tails, tstride, grad);
        } else {  // m rows only (adding a padding row's 0 could turn a -0 sum into +0)
            for (size_t j = 0; j < d8; j += 8) {
                fk_lv8 g = lv_load(grad + j);
                for (size_t k = 0; k < m; k++) g = lv_fma(lv_splat(r[k]), lv_load(rows + k * rstride + j), g);
                lv_store(grad + j, g);
            }
            if (w8 > d8) {
                fk_lv8 g = lv_load(grad + d8);
                for (size_t k = 0; k < m; k++) g = lv_fma(lv_splat(r[k]), lv_load(tails + k * tstride), g);
                lv_store(grad + d8, g);
            }
        }
        group_prefetch_part(x, pf, 3);
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
    *loss_out += lv_sum(loss);
    return 0;
}

// The L-BFGS start pass (fk_logistic_column_pass): `chunks` whole 8-column vectors per row (a
// compile-time constant up to 8, so the sums live in registers; 0: any count, sums in memory),
// the d - 8 chunks tail columns one by one.
static inline __attribute__((always_inline)) int column_pass(const double *x, size_t n, size_t d, const size_t chunks, const double *shift,
                                                              const double *sw, const double *r, const int *y, double r0, double r1,
                                                              double *s1, double *s2, double *g) {
    const size_t nc = chunks ? chunks : d / 8, d8 = 8 * nc;
    fk_lv8 a1[8], a2[8], ag[8], c[8];
    fk_lv8 finite = lv_splat(0);
    if (chunks)
        for (size_t k = 0; k < chunks; k++) { a1[k] = lv_load(s1 + 8 * k); a2[k] = lv_load(s2 + 8 * k); ag[k] = lv_load(g + 8 * k); c[k] = lv_load(shift + 8 * k); }
    // Software prefetch about 8 KiB ahead, one row's lines per row (measured, one thread, 1M x 32:
    // 1.40 -> 1.08 times a plain read of the rows).
    const size_t ahead = 8192 / (8 * d) > 0 ? 8192 / (8 * d) : 1;
    for (size_t i = 0; i < n; i++) {
        const double *row = x + i * d;
        if (i + ahead < n)
            for (size_t e = 0; e < d; e += 8) __builtin_prefetch(row + ahead * d + e, 0, 3);
        // Residuals by class (y given): sw_i times r1 (y_i = 1) or r0, the product a per-row array would hold.
        const double w = sw[i], ri = r ? r[i] : y ? w * (y[i] == 1 ? r1 : r0) : 0;
        const fk_lv8 wv = lv_splat(w), rv = lv_splat(ri);
        for (size_t k = 0; k < nc; k++) {
            const fk_lv8 v = lv_load(row + 8 * k);
            finite = finite + v * 0.0;
            if (chunks) {
                ag[k] = lv_fma(rv, v, ag[k]);
                if (w != 0) {
                    const fk_lv8 e = v - c[k], we = wv * e;
                    a1[k] = a1[k] + we;
                    a2[k] = a2[k] + we * e;
                }
            } else {
                lv_store(g + 8 * k, lv_fma(rv, v, lv_load(g + 8 * k)));
                if (w != 0) {
                    const fk_lv8 e = v - lv_load(shift + 8 * k), we = wv * e;
                    lv_store(s1 + 8 * k, lv_load(s1 + 8 * k) + we);
                    lv_store(s2 + 8 * k, lv_load(s2 + 8 * k) + we * e);
                }
            }
        }
        for (size_t j = d8; j < d; j++) {
            const double v = row[j];
            finite[0] = finite[0] + v * 0.0;
            g[j] = __builtin_fma(ri, v, g[j]);
            if (w != 0) {
                const double e = v - shift[j], we = w * e;
                s1[j] = s1[j] + we;
                s2[j] = s2[j] + we * e;
            }
        }
    }
    if (chunks)
        for (size_t k = 0; k < chunks; k++) { lv_store(s1 + 8 * k, a1[k]); lv_store(s2 + 8 * k, a2[k]); lv_store(g + 8 * k, ag[k]); }
    return lv_sum(finite) == 0;
}

// Wide rows (more than 8 chunks): the column sums cannot all live in registers, and one row at a
// time (column_pass with chunks = 0) loads and stores all three sums of every chunk for every row
// (measured, one thread, 100k x 256 in cache: about 4.5 times a plain read of the rows). Here the
// rows go in tiles of 8, and within a tile 4 chunks (32 columns) at a time keep their sums in
// registers across the tile's rows: each sum still adds its rows in order, the same bits as the
// row-at-a-time loop. The tail columns d - 8 chunks one by one, rows in order. `finite` is only
// tested for being 0 (a NaN or inf makes it NaN), so its order does not matter.
enum { prefetch_ahead = 8 };  // rows
static inline __attribute__((always_inline)) void column_tile(const double *x, size_t m, size_t d, const size_t chunks, const double *shift,
                                                               const double *wl, const double *rl, double *s1, double *s2, double *g,
                                                               fk_lv8 *finite, size_t prefetch_rows) {
    fk_lv8 a1[4], a2[4], ag[4], c[4];
    for (size_t q = 0; q < chunks; q++) { a1[q] = lv_load(s1 + 8 * q); a2[q] = lv_load(s2 + 8 * q); ag[q] = lv_load(g + 8 * q); c[q] = lv_load(shift + 8 * q); }
    fk_lv8 f = *finite;
    for (size_t k = 0; k < m; k++) {
        const double *row = x + k * d;
        if (k < prefetch_rows)
            for (size_t q = 0; q < chunks; q++) __builtin_prefetch(row + prefetch_ahead * d + 8 * q, 0, 3);
        const double w = wl[k];
        const fk_lv8 wv = lv_splat(w), rv = lv_splat(rl[k]);
        for (size_t q = 0; q < chunks; q++) {
            const fk_lv8 v = lv_load(row + 8 * q);
            f = f + v * 0.0;
            ag[q] = lv_fma(rv, v, ag[q]);
            if (w != 0) {
                const fk_lv8 e = v - c[q], we = wv * e;
                a1[q] = a1[q] + we;
                a2[q] = a2[q] + we * e;
            }
        }
    }
    *finite = f;
    for (size_t q = 0; q < chunks; q++) { lv_store(s1 + 8 * q, a1[q]); lv_store(s2 + 8 * q, a2[q]); lv_store(g + 8 * q, ag[q]); }
}

static inline __attribute__((always_inline)) int column_pass_wide(const double *x, size_t n, size_t d, const double *shift, const double *sw,
                                                                   const double *r, const int *y, double r0, double r1,
                                                                   double *s1, double *s2, double *g) {
    const size_t nc = d / 8, d8 = 8 * nc;
    fk_lv8 finite[4] = {lv_splat(0), lv_splat(0), lv_splat(0), lv_splat(0)};
    for (size_t i0 = 0; i0 < n; i0 += 8) {
        const size_t m = n - i0 < 8 ? n - i0 : 8;
        double wl[8], rl[8];
        for (size_t k = 0; k < m; k++) {
            const double w = sw[i0 + k];
            wl[k] = w;
            // Residuals by class (y given): sw_i times r1 (y_i = 1) or r0, as column_pass.
            rl[k] = r ? r[i0 + k] : y ? w * (y[i0 + k] == 1 ? r1 : r0) : 0;
        }
        const double *src = x + i0 * d;
        // Rows of the tile whose row prefetch_ahead on exists (the software prefetch, as column_pass).
        const size_t pr = i0 + prefetch_ahead < n ? (n - i0 - prefetch_ahead < m ? n - i0 - prefetch_ahead : m) : 0;
        size_t q0 = 0;
        for (; q0 + 4 <= nc; q0 += 4)
            column_tile(src + 8 * q0, m, d, 4, shift + 8 * q0, wl, rl, s1 + 8 * q0, s2 + 8 * q0, g + 8 * q0, &finite[(q0 / 4) & 3], pr);
        switch (nc - q0) {
        case 3: column_tile(src + 8 * q0, m, d, 3, shift + 8 * q0, wl, rl, s1 + 8 * q0, s2 + 8 * q0, g + 8 * q0, &finite[0], pr); break;
        case 2: column_tile(src + 8 * q0, m, d, 2, shift + 8 * q0, wl, rl, s1 + 8 * q0, s2 + 8 * q0, g + 8 * q0, &finite[0], pr); break;
        case 1: column_tile(src + 8 * q0, m, d, 1, shift + 8 * q0, wl, rl, s1 + 8 * q0, s2 + 8 * q0, g + 8 * q0, &finite[0], pr); break;
        default: break;
        }
        for (size_t j = d8; j < d; j++)
            for (size_t k = 0; k < m; k++) {
                const double v = src[k * d + j], w = wl[k];
                finite[0][0] = finite[0][0] + v * 0.0;
                g[j] = __builtin_fma(rl[k], v, g[j]);
                if (w != 0) {
                    const double e = v - shift[j], we = w * e;
                    s1[j] = s1[j] + we;
                    s2[j] = s2[j] + we * e;
                }
            }
    }
    return lv_sum((finite[0] + finite[1]) + (finite[2] + finite[3])) == 0;
}

static inline __attribute__((always_inline)) int column_pass_any(const double *x, size_t n, size_t d, const double *shift, const double *sw,
                                                                  const double *r, const int *y, double r0, double r1,
                                                                  double *s1, double *s2, double *g) {
    switch (d / 8) {
    case 0: return column_pass(x, n, d, 0, shift, sw, r, y, r0, r1, s1, s2, g);
    case 1: return column_pass(x, n, d, 1, shift, sw, r, y, r0, r1, s1, s2, g);
    case 2: return column_pass(x, n, d, 2, shift, sw, r, y, r0, r1, s1, s2, g);
    case 3: return column_pass(x, n, d, 3, shift, sw, r, y, r0, r1, s1, s2, g);
    case 4: return column_pass(x, n, d, 4, shift, sw, r, y, r0, r1, s1, s2, g);
    case 5: return column_pass(x, n, d, 5, shift, sw, r, y, r0, r1, s1, s2, g);
    case 6: return column_pass(x, n, d, 6, shift, sw, r, y, r0, r1, s1, s2, g);
    case 7: return column_pass(x, n, d, 7, shift, sw, r, y, r0, r1, s1, s2, g);
    case 8: return column_pass(x, n, d, 8, shift, sw, r, y, r0, r1, s1, s2, g);
    default:  // measured, one thread, cold: d = 128, 200, 256, 512 1.32-1.54 -> 1.18-1.37 times a plain read; d = 77, 100 slower (the tail columns)
        return d >= 128 ? column_pass_wide(x, n, d, shift, sw, r, y, r0, r1, s1, s2, g)
                        : column_pass(x, n, d, 0, shift, sw, r, y, r0, r1, s1, s2, g);
    }
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
static FK_L_AVX512 int column_pass_avx512(const double *x, size_t n, size_t d, const double *c, const double *sw, const double *r,
                                         const int *y, double r0, double r1, double *s1, double *s2, double *g) {
    return column_pass_any(x, n, d, c, sw, r, y, r0, r1, s1, s2, g);
}
static FK_L_AVX2 int column_pass_avx2(const double *x, size_t n, size_t d, const double *c, const double *sw, const double *r,
                                     const int *y, double r0, double r1, double *s1, double *s2, double *g) {
    return column_pass_any(x, n, d, c, sw, r, y, r0, r1, s1, s2, g);
}
/// The build to run: 2 for AVX-512 (F, DQ, VL, BW) with FMA, 1 for AVX2 with FMA, 0 baseline; from
/// cpu.h's one probe (cached there, race-free).
static int logistic_level(void) {
    const int features = fk_cpu_features();
    if (!(features & FK_CPU_FMA)) return 0;
    if (features & FK_CPU_AVX512) return 2;
    return (features & FK_CPU_AVX2) ? 1 : 0;
}
#endif

size_t fk_logistic_tile_width(size_t columns, int intercept) {
    size_t s = columns + (intercept ? 1 : 0);
    size_t w8 = (s + 7) & ~(size_t)7;
    return w8 <= FK_LOGISTIC_MAX_WIDTH ? w8 : 0;
}

int fk_logistic_binary_block(const double *x, size_t n, size_t d, const double *coef, int intercept, const double *sw,
                             const int *y, double *loss, double *grad, double *hess, double *curvature) {
    return fk_logistic_binary_block_at(3, x, n, d, coef, intercept, sw, y, loss, grad, hess, curvature);
}

int fk_logistic_binary_block_at(int max_level, const double *x, size_t n, size_t d, const double *coef, int intercept,
                                const double *sw, const int *y, double *loss, double *grad, double *hess, double *curvature) {
    size_t w8 = fk_logistic_tile_width(d, intercept);
    if (w8 == 0) return -1;
#if defined(__x86_64__) && defined(__clang__)
    int level = logistic_level();
    if (level > max_level) level = max_level;
    if (level == 2) return logistic_block_avx512(x, n, d, coef, w8, intercept, sw, y, loss, grad, hess, curvature);
    if (level == 1) return logistic_block_avx2(x, n, d, coef, w8, intercept, sw, y, loss, grad, hess, curvature);
#else
    (void)max_level;
#endif
    return logistic_block(x, n, d, coef, w8, intercept, sw, y, loss, grad, hess, curvature);
}

int fk_logistic_code_level(void) {
#if defined(__x86_64__) && defined(__clang__)
    return logistic_level();
#else
    return 0;
#endif
}

void fk_logistic_exp_log1p(const double *a, size_t n, double *t, double *l) {
    for (size_t i = 0; i < n; i += 8) {
        double in[8] = {0, 0, 0, 0, 0, 0, 0, 0}, out_t[8], out_l[8];
        const size_t m = n - i < 8 ? n - i : 8;
        memcpy(in, a + i, m * sizeof(double));
        const fk_lv8 e = lv_exp_nonpositive(-lv_load(in));
        lv_store(out_t, e);
        lv_store(out_l, lv_log1p_unit(e));
        memcpy(t + i, out_t, m * sizeof(double));
        memcpy(l + i, out_l, m * sizeof(double));
    }
}

static int column_pass_level(int max_level, const double *x, size_t n, size_t d, const double *shift, const double *sw, const double *r,
                             const int *y, double r0, double r1, double *s1, double *s2, double *g) {
#if defined(__x86_64__) && defined(__clang__)
    int level = logistic_level();
    if (level > max_level) level = max_level;
    if (level == 2) return column_pass_avx512(x, n, d, shift, sw, r, y, r0, r1, s1, s2, g);
    if (level == 1) return column_pass_avx2(x, n, d, shift, sw, r, y, r0, r1, s1, s2, g);
#else
    (void)max_level;
#endif
    return column_pass_any(x, n, d, shift, sw, r, y, r0, r1, s1, s2, g);
}

int fk_logistic_column_pass_at(int max_level, const double *x, size_t n, size_t d, const double *shift, const double *sw, const double *r,
                               double *s1, double *s2, double *g) {
    return column_pass_level(max_level, x, n, d, shift, sw, r, NULL, 0, 0, s1, s2, g);
}

int fk_logistic_column_pass_classes_at(int max_level, const double *x, size_t n, size_t d, const double *shift, const double *sw,
                                       const int *y, double r0, double r1, double *s1, double *s2, double *g) {
    return column_pass_level(max_level, x, n, d, shift, sw, NULL, y, r0, r1, s1, s2, g);
}

int fk_logistic_column_pass_classes(const double *x, size_t n, size_t d, const double *shift, const double *sw, const int *y,
                                    double r0, double r1, double *s1, double *s2, double *g) {
    return column_pass_level(3, x, n, d, shift, sw, NULL, y, r0, r1, s1, s2, g);
}

int fk_logistic_column_pass(const double *x, size_t n, size_t d, const double *shift, const double *sw, const double *r,
                            double *s1, double *s2, double *g) {
    return fk_logistic_column_pass_at(3, x, n, d, shift, sw, r, s1, s2, g);
}

#pragma clang diagnostic ignored "-Wpsabi"
// Binary logistic prediction (LinearAlgebra's LogisticKernels.predict, one coefficient row): the
// decision value z = x . w + b of 8 rows at a time, then z itself, the class probabilities
// [1 - p, p] or the class index, written straight into the output.
//
// The arithmetic is exactly the portable Swift path's (LogisticKernels.dot, exp8, sigmoid8), so the
// results are bit-identical to it on every CPU, for every row split and thread count:
// - the row dot product: two 8-lane accumulators over 16-column steps (lanes j..j+7 into the first,
//   j+8..j+15 into the second), one more 8-column step into the first, the lanes of their sum added
//   in lane order (as Swift's SIMD `sum()`), then the remaining columns one at a time, then the
//   intercept. Eight rows' lane vectors are transposed so that the lane-order sum runs on 8 rows at
//   once (the same additions in the same order, only vectorised across rows);
// - exp and the logistic function: the same table-free polynomial and operations as exp8/sigmoid8;
// - no FMA contraction (pragma below): a multiply and an add are two roundings, as in Swift.
// Compiled for the baseline CPU and for AVX-512, chosen at run time (as kernels.c).
#pragma clang fp contract(off)
#include "CKernels.h"
#include "cpu.h"
#include "vexp.h"
#include <stdint.h>
#include <string.h>

typedef double fk_lr_double8 __attribute__((vector_size(64)));
typedef long long fk_lr_long8 __attribute__((vector_size(64)));

#define FK_LR_INLINE static inline __attribute__((always_inline))

FK_LR_INLINE fk_lr_double8 lr_splat(double v) { return (fk_lr_double8){v, v, v, v, v, v, v, v}; }

FK_LR_INLINE fk_lr_double8 lr_load(const double *p) {
    fk_lr_double8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

FK_LR_INLINE fk_lr_double8 lr_select(fk_lr_long8 mask, fk_lr_double8 a, fk_lr_double8 b) {
    return (fk_lr_double8)((mask & (fk_lr_long8)a) | (~mask & (fk_lr_long8)b));
}

// a < b ? a : b and a > b ? a : b per lane: Swift's pointwiseMin/Max for every non-NaN operand
// (and for NaN `a`); the callers replace NaN lanes at the end, as exp8 and sigmoid8 do.
FK_LR_INLINE fk_lr_double8 lr_min(fk_lr_double8 a, fk_lr_double8 b) { return lr_select((fk_lr_long8)(a < b), a, b); }
FK_LR_INLINE fk_lr_double8 lr_max(fk_lr_double8 a, fk_lr_double8 b) { return lr_select((fk_lr_long8)(a > b), a, b); }

// LogisticKernels.exp8, operation for operation, for finite x <= 0 (the only arguments here; its
// upper clamp and NaN pass-through change nothing for those): vexp.h, shared with logistic.c.
FK_LR_INLINE fk_lr_double8 lr_exp8_nonpositive(fk_lr_double8 x) {
    return (fk_lr_double8)fk_vexp_nonpositive((fk_vexp_double8)x);
}

// LogisticKernels.sigmoid8 for finite z (the callers check every group first; sigmoid8's NaN
// pass-through is left out): *positive = p, *negative = 1 - p (each cancellation-free).
FK_LR_INLINE void lr_sigmoid8(fk_lr_double8 z, fk_lr_double8 *positive, fk_lr_double8 *negative) {
    fk_lr_double8 t = lr_exp8_nonpositive(lr_min(z, -z));
    fk_lr_double8 big = 1.0 / (1.0 + t);
    fk_lr_double8 small = t * big;
    fk_lr_long8 nonNegative = (fk_lr_long8)(z >= 0.0);
    *positive = lr_select(nonNegative, big, small);
    *negative = lr_select(nonNegative, small, big);
}

// The 8 rows' decision values: per row, LogisticKernels.dot's two 8-lane accumulators (the 8 rows
// interleaved in one column loop, 16 independent accumulators), the lane-order sums of acc0 + acc1
// (transposed, so each addition runs on the 8 rows at once), the remaining columns in order, then
// the intercept.
FK_LR_INLINE fk_lr_double8 lr_group_decision(const double *x, size_t d, const double *w, double intercept) {
    fk_lr_double8 sum;
    if (d >= 8) {
        fk_lr_double8 acc0[8], acc1[8];
        for (int r = 0; r < 8; r++) { acc0[r] = lr_splat(0.0); acc1[r] = lr_splat(0.0); }
        size_t j = 0;
        for (; j + 16 <= d; j += 16) {
            fk_lr_double8 w0 = lr_load(w + j), w1 = lr_load(w + j + 8);
            for (int r = 0; r < 8; r++) {
                acc0[r] += lr_load(x + r * d + j) * w0;
                acc1[r] += lr_load(x + r * d + j + 8) * w1;
            }
        }
        if (j + 8 <= d) {
            fk_lr_double8 w0 = lr_load(w + j);
            for (int r = 0; r < 8; r++) acc0[r] += lr_load(x + r * d + j) * w0;
        }
        fk_lr_double8 a0 = acc0[0] + acc1[0], a1 = acc0[1] + acc1[1], a2 = acc0[2] + acc1[2], a3 = acc0[3] + acc1[3];
        fk_lr_double8 a4 = acc0[4] + acc1[4], a5 = acc0[5] + acc1[5], a6 = acc0[6] + acc1[6], a7 = acc0[7] + acc1[7];
        fk_lr_double8 u0 = __builtin_shufflevector(a0, a1, 0, 8, 2, 10, 4, 12, 6, 14);
        fk_lr_double8 u1 = __builtin_shufflevector(a0, a1, 1, 9, 3, 11, 5, 13, 7, 15);
        fk_lr_double8 u2 = __builtin_shufflevector(a2, a3, 0, 8, 2, 10, 4, 12, 6, 14);
        fk_lr_double8 u3 = __builtin_shufflevector(a2, a3, 1, 9, 3, 11, 5, 13, 7, 15);
        fk_lr_double8 u4 = __builtin_shufflevector(a4, a5, 0, 8, 2, 10, 4, 12, 6, 14);
        fk_lr_double8 u5 = __builtin_shufflevector(a4, a5, 1, 9, 3, 11, 5, 13, 7, 15);
        fk_lr_double8 u6 = __builtin_shufflevector(a6, a7, 0, 8, 2, 10, 4, 12, 6, 14);
        fk_lr_double8 u7 = __builtin_shufflevector(a6, a7, 1, 9, 3, 11, 5, 13, 7, 15);
        // v0: lanes 0 | 4 of rows 0-3; v1: 1 | 5; v2: 2 | 6; v3: 3 | 7; v4..v7 the same for rows 4-7.
        fk_lr_double8 v0 = __builtin_shufflevector(u0, u2, 0, 1, 8, 9, 4, 5, 12, 13);
        fk_lr_double8 v1 = __builtin_shufflevector(u1, u3, 0, 1, 8, 9, 4, 5, 12, 13);
        fk_lr_double8 v2 = __builtin_shufflevector(u0, u2, 2, 3, 10, 11, 6, 7, 14, 15);
        fk_lr_double8 v3 = __builtin_shufflevector(u1, u3, 2, 3, 10, 11, 6, 7, 14, 15);
        fk_lr_double8 v4 = __builtin_shufflevector(u4, u6, 0, 1, 8, 9, 4, 5, 12, 13);
        fk_lr_double8 v5 = __builtin_shufflevector(u5, u7, 0, 1, 8, 9, 4, 5, 12, 13);
        fk_lr_double8 v6 = __builtin_shufflevector(u4, u6, 2, 3, 10, 11, 6, 7, 14, 15);
        fk_lr_double8 v7 = __builtin_shufflevector(u5, u7, 2, 3, 10, 11, 6, 7, 14, 15);
        fk_lr_double8 t0 = __builtin_shufflevector(v0, v4, 0, 1, 2, 3, 8, 9, 10, 11);
        fk_lr_double8 t1 = __builtin_shufflevector(v1, v5, 0, 1, 2, 3, 8, 9, 10, 11);
        fk_lr_double8 t2 = __builtin_shufflevector(v2, v6, 0, 1, 2, 3, 8, 9, 10, 11);
        fk_lr_double8 t3 = __builtin_shufflevector(v3, v7, 0, 1, 2, 3, 8, 9, 10, 11);
        fk_lr_double8 t4 = __builtin_shufflevector(v0, v4, 4, 5, 6, 7, 12, 13, 14, 15);
        fk_lr_double8 t5 = __builtin_shufflevector(v1, v5, 4, 5, 6, 7, 12, 13, 14, 15);
        fk_lr_double8 t6 = __builtin_shufflevector(v2, v6, 4, 5, 6, 7, 12, 13, 14, 15);
        fk_lr_double8 t7 = __builtin_shufflevector(v3, v7, 4, 5, 6, 7, 12, 13, 14, 15);
        // Swift's sum(): -0 + s0 + s1 + ... + s7 (and -0 + s0 == s0 for every s0).
        sum = ((((((t0 + t1) + t2) + t3) + t4) + t5) + t6) + t7;
    } else {
        // No vector step: Swift's sum of two zero accumulators is +0 (-0 + 0 + ... + 0).
        sum = lr_splat(0.0);
    }
    for (size_t j = d - d % 8; j < d; j++) {
        fk_lr_double8 column = {x[j], x[d + j], x[2 * d + j], x[3 * d + j],
                                x[4 * d + j], x[5 * d + j], x[6 * d + j], x[7 * d + j]};
        sum += column * w[j];
    }
    return sum + intercept;
}

// One group's output as 8-double vectors, in output order: mode 0 z, mode 1 [1 - p, p] per row
// (two vectors), mode 2 (z > 0 ? 1 : 0). Returns the number of vectors.
FK_LR_INLINE int lr_group_vectors(fk_lr_double8 z, int mode, fk_lr_double8 *v) {
    if (mode == 1) {
        fk_lr_double8 p, q;
        lr_sigmoid8(z, &p, &q);
        v[0] = __builtin_shufflevector(q, p, 0, 8, 1, 9, 2, 10, 3, 11);
        v[1] = __builtin_shufflevector(q, p, 4, 12, 5, 13, 6, 14, 7, 15);
        return 2;
    }
    v[0] = mode == 0 ? z : lr_select((fk_lr_long8)(z > 0.0), lr_splat(1.0), lr_splat(0.0));
    return 1;
}

FK_LR_INLINE void lr_store_fence(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_sfence();
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

// Narrow rows (d <= 64: at most 4 KiB per group of 8) leave the core little work per cache line, and
// the hardware prefetcher alone ran behind (measured 1,000,000 x 32 at 2 threads: 0.69 -> 0.81 of a
// plain streaming read with this prefetch two groups ahead); wide rows need none (256 columns: 0.99
// without, 0.92 with: the prefetch instructions cost more than they hide).
// Into L2 (prefetcht2, locality 1), not L1 (prefetcht0): with x not in any cache (the benchmark's
// peer, or any other work, having passed over its own data since), 1,000,000 x 32 at 2 threads
// ran 7-10 % faster, 0.67-0.74 of a 2 GiB streaming read instead of 0.62-0.64 (four interleaved
// runs); prefetcht1 measured as prefetcht0, two or four groups ahead alike.
FK_LR_INLINE void lr_prefetch_group(const double *group, size_t d) {
    for (size_t k = 0; k < 8 * d; k += 8) __builtin_prefetch(group + k, 0, 1);
}

// The rows loop, its output written as whole 64-byte lines with non-temporal stores (no read for
// ownership of the output lines, which would add 1/16 of the input's traffic at 32 columns).
// OFF = 8 - (misalignment of `out` in doubles): line m >= 1 of the output (64-byte aligned, starting
// at out - (8 - OFF)) is the last 8 - OFF values of output vector m - 1 followed by the first OFF of
// vector m. The partial first and last lines use ordinary stores, so neighbouring row blocks on
// other threads share no line written non-temporally. Stores only: the values are those of
// lr_group_vectors.
#define FK_LR_STREAM_ROWS(NAME, OFF)                                                                 \
    FK_LR_INLINE size_t NAME(const double *x, size_t rows, size_t d, const double *w, double intercept, \
                             int mode, double *out) {                                                \
        const size_t s = 8 - (OFF);                                                                  \
        double *line = out - s;                                                                      \
        size_t pushed = 0, i = 0;                                                                    \
        fk_lr_double8 prev = lr_splat(0.0);                                                          \
        for (; i + 8 <= rows; i += 8) {                                                              \
            if (d <= 64 && i + 24 <= rows) lr_prefetch_group(x + (i + 16) * d, d);                  \
            fk_lr_double8 z = lr_group_decision(x + i * d, d, w, intercept);                         \
            fk_lr_long8 bad = (fk_lr_long8)((z - z) != 0.0); /* NaN or +-infinity */                 \
            long long any = 0;                                                                       \
            for (int l = 0; l < 8; l++) any |= bad[l];                                               \
            if (any) break;                                                                          \
            fk_lr_double8 v[2];                                                                      \
            int count = lr_group_vectors(z, mode, v);                                                \
            for (int q = 0; q < count; q++) {                                                        \
                if (pushed == 0) {                                                                   \
                    memcpy(out, &v[q], (OFF) * sizeof(double));                                      \
                } else {                                                                             \
                    fk_lr_double8 aligned = __builtin_shufflevector(prev, v[q], (OFF), (OFF) + 1, (OFF) + 2, \
                        (OFF) + 3, (OFF) + 4, (OFF) + 5, (OFF) + 6, (OFF) + 7);                      \
                    __builtin_nontemporal_store(aligned, (fk_lr_double8 *)(line + 8 * pushed));      \
                }                                                                                    \
                prev = v[q];                                                                         \
                pushed++;                                                                            \
            }                                                                                        \
        }                                                                                            \
        if (pushed > 0 && s > 0) {                                                                   \
            double tail[8];                                                                          \
            memcpy(tail, &prev, sizeof tail);                                                        \
            memcpy(out + 8 * pushed - s, tail + (OFF), s * sizeof(double));                          \
        }                                                                                            \
        lr_store_fence();                                                                            \
        return i;                                                                                    \
    }

FK_LR_STREAM_ROWS(lr_rows_off1, 1)
FK_LR_STREAM_ROWS(lr_rows_off2, 2)
FK_LR_STREAM_ROWS(lr_rows_off3, 3)
FK_LR_STREAM_ROWS(lr_rows_off4, 4)
FK_LR_STREAM_ROWS(lr_rows_off5, 5)
FK_LR_STREAM_ROWS(lr_rows_off6, 6)
FK_LR_STREAM_ROWS(lr_rows_off7, 7)
FK_LR_STREAM_ROWS(lr_rows_off8, 8)

FK_LR_INLINE size_t lr_binary_rows(const double *x, size_t rows, size_t d, const double *w, double intercept,
                                   int mode, double *out) {
    switch (((uintptr_t)out & 63u) / sizeof(double)) {
    case 1: return lr_rows_off7(x, rows, d, w, intercept, mode, out);
    case 2: return lr_rows_off6(x, rows, d, w, intercept, mode, out);
    case 3: return lr_rows_off5(x, rows, d, w, intercept, mode, out);
    case 4: return lr_rows_off4(x, rows, d, w, intercept, mode, out);
    case 5: return lr_rows_off3(x, rows, d, w, intercept, mode, out);
    case 6: return lr_rows_off2(x, rows, d, w, intercept, mode, out);
    case 7: return lr_rows_off1(x, rows, d, w, intercept, mode, out);
    default: return lr_rows_off8(x, rows, d, w, intercept, mode, out);
    }
}

#if defined(__x86_64__) && defined(__clang__)
static FK_AVX512 size_t lr_binary_rows_wide(const double *x, size_t rows, size_t d, const double *w, double intercept,
                                               int mode, double *out) {
    return lr_binary_rows(x, rows, d, w, intercept, mode, out);
}
#endif

size_t fk_logistic_binary_rows(const double *x, size_t rows, size_t d, const double *w, double intercept, int mode,
                               double *out) {
#if defined(__x86_64__) && defined(__clang__)
    if (fk_cpu_has_avx512()) return lr_binary_rows_wide(x, rows, d, w, intercept, mode, out);
#endif
    return lr_binary_rows(x, rows, d, w, intercept, mode, out);
}

int fk_logistic_uses_avx512(void) {
#if defined(__x86_64__) && defined(__clang__)
    return fk_cpu_has_avx512();
#else
    return 0;
#endif
}

size_t fk_claim_next(size_t *counter) { return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED); }

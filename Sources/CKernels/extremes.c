// The fit pass of MinMaxScaler and MaxAbsScaler: per column, the NaN count and the non-NaN minimum
// and maximum of a block of rows, read once. Values are compared as double (a Float converts
// exactly), each column's accumulator is updated in row order with `v < lo ? v : lo` and
// `v > hi ? v : hi` (the first of equal values is kept, so -0.0 and 0.0 come out as in Swift's
// ColumnKernels.scan), and NaN never wins a comparison. Compiled for the baseline CPU and with
// AVX-512, chosen at run time; comparisons and selects only, so every build gives the same bits.
//
// Infinities are not flagged here: any +infinity leaves hi = +inf and any -infinity lo = -inf, so
// the caller checks the extremes and searches the block only then.
#include "CKernels.h"
#include "cpu.h"
#include <stdint.h>
#include <string.h>

typedef double fk_ext_double8 __attribute__((vector_size(64)));
typedef float fk_ext_float8 __attribute__((vector_size(32)));
typedef long long fk_ext_long8 __attribute__((vector_size(64)));

#define FK_EXT_INLINE static inline __attribute__((always_inline))
// Macros, not functions: a function taking a 512-bit vector changes the ABI without AVX-512.
#define FK_EXT_LOAD_F64(dst, p) memcpy(&(dst), (p), sizeof(dst))
#define FK_EXT_LOAD_F32(dst, p)                                                                     \
    do {                                                                                            \
        fk_ext_float8 narrow_;                                                                      \
        memcpy(&narrow_, (p), sizeof narrow_);                                                      \
        (dst) = __builtin_convertvector(narrow_, fk_ext_double8);                                   \
    } while (0)
#define FK_EXT_SELECT(mask, a, b) ((fk_ext_double8)(((fk_ext_long8)(a) & (mask)) | ((fk_ext_long8)(b) & ~(mask))))

// One step for the 8 columns at `p`: lo/hi/c are the strip's accumulators (registers).
#define FK_EXT_STEP(LOAD, p, l, h, c)                                                               \
    do {                                                                                            \
        fk_ext_double8 v_; LOAD(v_, (p));                                                           \
        (l) = FK_EXT_SELECT((fk_ext_long8)(v_ < (l)), v_, (l));                                     \
        (h) = FK_EXT_SELECT((fk_ext_long8)(v_ > (h)), v_, (h));                                     \
        (c) -= (fk_ext_long8)(v_ != v_);                                                            \
    } while (0)

// A software prefetch into L2 (prefetcht1) of the same strip FK_EXT_AHEAD rows further on, issued
// while a row's strip is folded. The strip walk visits each row's 256 bytes and then jumps a whole
// row ahead (2 KiB on a 256-column Double matrix), a pattern the hardware prefetchers follow only
// in part; the fold's compare-and-select work also leaves fewer loads in flight than a plain read.
// Measured in C on 100,000 x 256 Double, 2 threads, cold (the LLC flushed before each run): the
// fit took 0.0102-0.0106 s without it (1.2x a read of the same matrix) and 0.0075-0.0077 s with it
// (at or below that read); 16 rows ahead into L2 beat 8 rows into L1 and 32 rows into L2. Prefetches
// never fault, so the rows past the block's end cost nothing but a wasted line fetch.
#define FK_EXT_AHEAD 16
// The address is formed as an integer: it may lie past the end of the matrix.
#define FK_EXT_PREFETCH(p, ahead, bytes)                                                            \
    do {                                                                                            \
        uintptr_t pf_ = (uintptr_t)(p) + (ahead);                                                   \
        for (size_t q_ = 0; q_ < (bytes); q_ += 64) __builtin_prefetch((const void *)(pf_ + q_), 0, 2); \
    } while (0)

// Strips of 32 columns (four vectors of accumulators held in registers), then of 8, then the scalar
// tail, over groups of FK_EXT_GROUP rows: a group of a wide row-major block (16 rows of 256 Double
// columns = 32 KiB) stays in L1 while its strips are walked, so the block is still read from memory
// once, in order, and the accumulators go through memory only once per strip and group. Each
// column's accumulator still sees its rows in order.
#define FK_EXT_GROUP 16
#define FK_EXT_STRIP32(T, LOAD, i0, i1)                                                             \
    for (; j + 32 <= n; j += 32) {                                                                  \
        fk_ext_double8 l0, l1, l2, l3, h0, h1, h2, h3;                                              \
        fk_ext_long8 c0, c1, c2, c3;                                                                \
        memcpy(&l0, lo + j, 64); memcpy(&l1, lo + j + 8, 64);                                       \
        memcpy(&l2, lo + j + 16, 64); memcpy(&l3, lo + j + 24, 64);                                 \
        memcpy(&h0, hi + j, 64); memcpy(&h1, hi + j + 8, 64);                                       \
        memcpy(&h2, hi + j + 16, 64); memcpy(&h3, hi + j + 24, 64);                                 \
        memcpy(&c0, nans + j, 64); memcpy(&c1, nans + j + 8, 64);                                   \
        memcpy(&c2, nans + j + 16, 64); memcpy(&c3, nans + j + 24, 64);                             \
        for (size_t i = (i0); i < (i1); i++) {                                                      \
            const T *r = x + i * xs + j;                                                            \
            FK_EXT_PREFETCH(r, FK_EXT_AHEAD * xs * sizeof(T), 32 * sizeof(T));                     \
            FK_EXT_STEP(LOAD, r, l0, h0, c0);                                                       \
            FK_EXT_STEP(LOAD, r + 8, l1, h1, c1);                                                   \
            FK_EXT_STEP(LOAD, r + 16, l2, h2, c2);                                                  \
            FK_EXT_STEP(LOAD, r + 24, l3, h3, c3);                                                  \
        }                                                                                           \
        memcpy(lo + j, &l0, 64); memcpy(lo + j + 8, &l1, 64);                                       \
        memcpy(lo + j + 16, &l2, 64); memcpy(lo + j + 24, &l3, 64);                                 \
        memcpy(hi + j, &h0, 64); memcpy(hi + j + 8, &h1, 64);                                       \
        memcpy(hi + j + 16, &h2, 64); memcpy(hi + j + 24, &h3, 64);                                 \
        memcpy(nans + j, &c0, 64); memcpy(nans + j + 8, &c1, 64);                                   \
        memcpy(nans + j + 16, &c2, 64); memcpy(nans + j + 24, &c3, 64);                             \
    }
#define FK_EXT_STRIP8(T, LOAD, i0, i1)                                                              \
    for (; j + 8 <= n; j += 8) {                                                                    \
        fk_ext_double8 l0, h0;                                                                      \
        fk_ext_long8 c0;                                                                            \
        memcpy(&l0, lo + j, 64); memcpy(&h0, hi + j, 64); memcpy(&c0, nans + j, 64);                \
        for (size_t i = (i0); i < (i1); i++) {                                                      \
            FK_EXT_PREFETCH(x + i * xs + j, FK_EXT_AHEAD * xs * sizeof(T), 8 * sizeof(T));          \
            FK_EXT_STEP(LOAD, x + i * xs + j, l0, h0, c0);                                          \
        }                                                                                           \
        memcpy(lo + j, &l0, 64); memcpy(hi + j, &h0, 64); memcpy(nans + j, &c0, 64);                \
    }
#define FK_EXT_TAIL(T, i0, i1)                                                                      \
    if (j < n) {                                                                                    \
        for (size_t i = (i0); i < (i1); i++) {                                                      \
            const T *r = x + i * xs;                                                                \
            for (size_t k = j; k < n; k++) {                                                        \
                double v = (double)r[k];                                                            \
                nans[k] += v != v;                                                                  \
                lo[k] = v < lo[k] ? v : lo[k];                                                      \
                hi[k] = v > hi[k] ? v : hi[k];                                                      \
            }                                                                                       \
        }                                                                                           \
    }
// Up to 32 columns the whole block is one group (it stays in cache for the few strips).
#define FK_EXTREMES_BODY(T, LOAD)                                                                   \
    size_t group = n <= 32 ? rows : FK_EXT_GROUP;                                                   \
    for (size_t g = 0; g < rows; g += group) {                                                      \
        size_t g1 = rows - g < group ? rows : g + group;                                            \
        size_t j = 0;                                                                               \
        FK_EXT_STRIP32(T, LOAD, g, g1)                                                              \
        FK_EXT_STRIP8(T, LOAD, g, g1)                                                               \
        FK_EXT_TAIL(T, g, g1)                                                                       \
    }

FK_EXT_INLINE void extremes_f64(const double *x, size_t xs, size_t rows, size_t n, long long *nans, double *lo,
                                double *hi) {
    FK_EXTREMES_BODY(double, FK_EXT_LOAD_F64)
}
FK_EXT_INLINE void extremes_f32(const float *x, size_t xs, size_t rows, size_t n, long long *nans, double *lo,
                                double *hi) {
    FK_EXTREMES_BODY(float, FK_EXT_LOAD_F32)
}

#if defined(__x86_64__) && defined(__clang__)
static FK_AVX512 __attribute__((min_vector_width(512))) void extremes_f64_wide(const double *x, size_t xs, size_t rows, size_t n, long long *nans, double *lo, double *hi) { extremes_f64(x, xs, rows, n, nans, lo, hi); }
static FK_AVX512 __attribute__((min_vector_width(512))) void extremes_f32_wide(const float *x, size_t xs, size_t rows, size_t n, long long *nans, double *lo, double *hi) { extremes_f32(x, xs, rows, n, nans, lo, hi); }
#endif

void fk_extremes_rows_f64(const double *x, size_t xs, size_t rows, size_t n, long long *nans, double *lo, double *hi) {
#if defined(__x86_64__) && defined(__clang__)
    if (fk_cpu_has_avx512()) { extremes_f64_wide(x, xs, rows, n, nans, lo, hi); return; }
#endif
    extremes_f64(x, xs, rows, n, nans, lo, hi);
}
void fk_extremes_rows_f32(const float *x, size_t xs, size_t rows, size_t n, long long *nans, double *lo, double *hi) {
#if defined(__x86_64__) && defined(__clang__)
    if (fk_cpu_has_avx512()) { extremes_f32_wide(x, xs, rows, n, nans, lo, hi); return; }
#endif
    extremes_f32(x, xs, rows, n, nans, lo, hi);
}

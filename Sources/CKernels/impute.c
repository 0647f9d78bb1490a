// The fused fit + transform of SimpleImputer (mean / constant): one read of the input that copies it,
// scans it (NaN count, minimum, maximum per column, exactly as Swift's ColumnKernels.scan) and records
// where the NaN are, then an in-cache pass for the scaled sums (exactly ColumnKernels.addScaledSums).
// Compiled for the baseline CPU and with AVX-512, chosen at run time; no FMA contraction, and each
// column's accumulator is updated in row order, so the results are bit-identical to the Swift loops.
#include "CKernels.h"
#include "cpu.h"
#include <string.h>
#include <stdint.h>
#pragma clang fp contract(off)

typedef double fk_imp_double8 __attribute__((vector_size(64)));
typedef float fk_imp_float8 __attribute__((vector_size(32)));
typedef long long fk_imp_long8 __attribute__((vector_size(64)));

#define FK_IMP_INLINE static inline __attribute__((always_inline))

// Helpers as macros: a function taking or returning a 512-bit vector changes the ABI without AVX-512.
#define FK_LOAD8_F64(dst, p) memcpy(&(dst), (p), sizeof(dst))
#define FK_LOAD8_F32(dst, p)                                                                        \
    do {                                                                                            \
        fk_imp_float8 narrow_;                                                                      \
        memcpy(&narrow_, (p), sizeof narrow_);                                                      \
        (dst) = __builtin_convertvector(narrow_, fk_imp_double8);                                   \
    } while (0)
#define FK_SELECT8(mask, a, b) ((fk_imp_double8)(((fk_imp_long8)(a) & (mask)) | ((fk_imp_long8)(b) & ~(mask))))

// Copies rows x n values (x -> y, strides xs, ys); per column j: nans[j] += #NaN,
// lo[j] = v < lo[j] ? v : lo[j], hi[j] = v > hi[j] ? v : hi[j] (v as double, row order); appends
// base + i * n + j of every NaN to pos (room for rows * n entries), their number to *found.
// Returns 1 when some input is +-infinity.
#define FK_SCAN_COPY_BODY(T, LOAD)                                                                  \
    const double inf = __builtin_inf();                                                             \
    fk_imp_long8 flag = {0};                                                                        \
    int scalar_flag = 0;                                                                            \
    size_t f = *found;                                                                              \
    for (size_t i = 0; i < rows; i++) {                                                             \
        const T *xr = x + i * xs;                                                                   \
        T *yr = y + i * ys;                                                                         \
        memcpy(yr, xr, n * sizeof(T));                                                              \
        size_t j = 0;                                                                               \
        for (; j + 8 <= n; j += 8) {                                                                \
            fk_imp_double8 v; LOAD(v, xr + j);                                                        \
            fk_imp_double8 l, h;                                                                    \
            fk_imp_long8 c;                                                                         \
            memcpy(&l, lo + j, sizeof l); memcpy(&h, hi + j, sizeof h); memcpy(&c, nans + j, sizeof c); \
            fk_imp_long8 nan = (fk_imp_long8)(v != v);                                              \
            l = FK_SELECT8((fk_imp_long8)(v < l), v, l);                                               \
            h = FK_SELECT8((fk_imp_long8)(v > h), v, h);                                               \
            c -= nan;                                                                               \
            flag |= (fk_imp_long8)((v == inf) | (v == -inf));                                       \
            memcpy(lo + j, &l, sizeof l); memcpy(hi + j, &h, sizeof h); memcpy(nans + j, &c, sizeof c); \
            long long any = 0;                                                                      \
            for (int k = 0; k < 8; k++) any |= nan[k];                                              \
            if (__builtin_expect(any != 0, 0)) {                                                    \
                for (int k = 0; k < 8; k++)                                                         \
                    if (nan[k]) pos[f++] = base + (long long)(i * n + j + (size_t)k);               \
            }                                                                                       \
        }                                                                                           \
        for (; j < n; j++) {                                                                        \
            double v = (double)xr[j];                                                               \
            if (v != v) { nans[j] += 1; pos[f++] = base + (long long)(i * n + j); }                 \
            lo[j] = v < lo[j] ? v : lo[j];                                                          \
            hi[j] = v > hi[j] ? v : hi[j];                                                          \
            scalar_flag |= (v == inf) | (v == -inf);                                                \
        }                                                                                           \
    }                                                                                               \
    for (int k = 0; k < 8; k++) scalar_flag |= flag[k] != 0;                                        \
    *found = f;                                                                                     \
    return scalar_flag;

FK_IMP_INLINE int scan_copy_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n,
                                long long *nans, double *lo, double *hi, long long *pos, long long base, size_t *found) {
    FK_SCAN_COPY_BODY(double, FK_LOAD8_F64)
}
FK_IMP_INLINE int scan_copy_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n,
                                long long *nans, double *lo, double *hi, long long *pos, long long base, size_t *found) {
    FK_SCAN_COPY_BODY(float, FK_LOAD8_F32)
}

// s[j] += isnan(v) ? 0 : v * r[j]; c[j] += !isnan(v) (v as double), rows in order per column.
// Column strips of 8 with the accumulators in registers (the block is in cache).
#define FK_SCALED_SUMS_BODY(T, LOAD)                                                                \
    size_t j = 0;                                                                                   \
    for (; j + 8 <= n; j += 8) {                                                                    \
        fk_imp_double8 sv, rv;                                                                      \
        fk_imp_long8 cv;                                                                            \
        memcpy(&sv, s + j, sizeof sv); memcpy(&rv, r + j, sizeof rv); memcpy(&cv, c + j, sizeof cv); \
        for (size_t i = 0; i < rows; i++) {                                                         \
            fk_imp_double8 v; LOAD(v, x + i * xs + j);                                                \
            fk_imp_long8 nan = (fk_imp_long8)(v != v);                                              \
            fk_imp_double8 t = v * rv;                                                              \
            sv += (fk_imp_double8)((fk_imp_long8)t & ~nan);                                         \
            cv += nan + 1;                                                                          \
        }                                                                                           \
        memcpy(s + j, &sv, sizeof sv); memcpy(c + j, &cv, sizeof cv);                               \
    }                                                                                               \
    for (size_t i = 0; i < rows; i++) {                                                             \
        for (size_t k = j; k < n; k++) {                                                            \
            double v = (double)x[i * xs + k];                                                       \
            int nan = v != v;                                                                       \
            s[k] += nan ? 0.0 : v * r[k];                                                           \
            c[k] += nan ? 0 : 1;                                                                    \
        }                                                                                           \
    }

FK_IMP_INLINE void scaled_sums_f64(const double *x, size_t xs, size_t rows, size_t n, const double *r, double *s,
                                   long long *c) {
    FK_SCALED_SUMS_BODY(double, FK_LOAD8_F64)
}
FK_IMP_INLINE void scaled_sums_f32(const float *x, size_t xs, size_t rows, size_t n, const double *r, double *s,
                                   long long *c) {
    FK_SCALED_SUMS_BODY(float, FK_LOAD8_F32)
}

#if defined(__x86_64__) && defined(__clang__)
static FK_AVX512 int scan_copy_f64_wide(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n, long long *nans, double *lo, double *hi, long long *pos, long long base, size_t *found) { return scan_copy_f64(x, xs, y, ys, rows, n, nans, lo, hi, pos, base, found); }
static FK_AVX512 int scan_copy_f32_wide(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n, long long *nans, double *lo, double *hi, long long *pos, long long base, size_t *found) { return scan_copy_f32(x, xs, y, ys, rows, n, nans, lo, hi, pos, base, found); }
static FK_AVX512 void scaled_sums_f64_wide(const double *x, size_t xs, size_t rows, size_t n, const double *r, double *s, long long *c) { scaled_sums_f64(x, xs, rows, n, r, s, c); }
static FK_AVX512 void scaled_sums_f32_wide(const float *x, size_t xs, size_t rows, size_t n, const double *r, double *s, long long *c) { scaled_sums_f32(x, xs, rows, n, r, s, c); }
#define FK_IMP_WIDE(call) if (fk_cpu_has_avx512()) return call
#define FK_IMP_WIDE_VOID(call) if (fk_cpu_has_avx512()) { call; return; }
#else
#define FK_IMP_WIDE(call) (void)0
#define FK_IMP_WIDE_VOID(call) (void)0
#endif

int fk_scan_copy_rows_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n, long long *nans,
                          double *lo, double *hi, long long *pos, long long base, size_t *found) {
    FK_IMP_WIDE(scan_copy_f64_wide(x, xs, y, ys, rows, n, nans, lo, hi, pos, base, found));
    return scan_copy_f64(x, xs, y, ys, rows, n, nans, lo, hi, pos, base, found);
}
int fk_scan_copy_rows_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n, long long *nans,
                          double *lo, double *hi, long long *pos, long long base, size_t *found) {
    FK_IMP_WIDE(scan_copy_f32_wide(x, xs, y, ys, rows, n, nans, lo, hi, pos, base, found));
    return scan_copy_f32(x, xs, y, ys, rows, n, nans, lo, hi, pos, base, found);
}
void fk_scaled_sums_rows_f64(const double *x, size_t xs, size_t rows, size_t n, const double *r, double *s, long long *c) {
    FK_IMP_WIDE_VOID(scaled_sums_f64_wide(x, xs, rows, n, r, s, c));
    scaled_sums_f64(x, xs, rows, n, r, s, c);
}
void fk_scaled_sums_rows_f32(const float *x, size_t xs, size_t rows, size_t n, const double *r, double *s, long long *c) {
    FK_IMP_WIDE_VOID(scaled_sums_f32_wide(x, xs, rows, n, r, s, c));
    scaled_sums_f32(x, xs, rows, n, r, s, c);
}

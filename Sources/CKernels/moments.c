// Column sums and cross products with y over one block of rows: the one pass that goes with a single
// dsyrk of the raw X when LinearAlgebra's BLAS.rawMoments builds a linear model's Gram matrix
// without a shifted copy of X.
//
// Four rows per sweep over the columns (the running sums stay in registers across them), each sum
// still taken in row order, so every grouping and both builds (baseline and AVX-512, chosen at run
// time) give the same bits; no FMA contraction.
#include "CKernels.h"
#include "cpu.h"

#pragma STDC FP_CONTRACT OFF

static inline __attribute__((always_inline)) void sums_cross(
    const double *x, size_t row_stride, size_t rows, size_t n, const double *y, double y_shift,
    double *sums, double *cross, double *y_sum, double *y_squares) {
    double ys = *y_sum, yy = *y_squares;
    size_t i = 0;
    for (; i + 4 <= rows; i += 4) {
        const double *r0 = x + i * row_stride, *r1 = r0 + row_stride, *r2 = r1 + row_stride, *r3 = r2 + row_stride;
        double v0 = y[i] - y_shift, v1 = y[i + 1] - y_shift, v2 = y[i + 2] - y_shift, v3 = y[i + 3] - y_shift;
        for (size_t j = 0; j < n; j++) {
            sums[j] = (((sums[j] + r0[j]) + r1[j]) + r2[j]) + r3[j];
            cross[j] = (((cross[j] + r0[j] * v0) + r1[j] * v1) + r2[j] * v2) + r3[j] * v3;
        }
        ys = (((ys + v0) + v1) + v2) + v3;
        yy = (((yy + v0 * v0) + v1 * v1) + v2 * v2) + v3 * v3;
    }
    for (; i < rows; i++) {
        const double *row = x + i * row_stride;
        double v = y[i] - y_shift;
        for (size_t j = 0; j < n; j++) {
            sums[j] += row[j];
            cross[j] += row[j] * v;
        }
        ys += v;
        yy += v * v;
    }
    *y_sum = ys;
    *y_squares = yy;
}

static void sums_cross_base(const double *x, size_t row_stride, size_t rows, size_t n, const double *y, double y_shift,
                            double *sums, double *cross, double *y_sum, double *y_squares) {
    sums_cross(x, row_stride, rows, n, y, y_shift, sums, cross, y_sum, y_squares);
}

#if defined(__x86_64__) && defined(__clang__)
FK_AVX512
static void sums_cross_wide(const double *x, size_t row_stride, size_t rows, size_t n, const double *y, double y_shift,
                            double *sums, double *cross, double *y_sum, double *y_squares) {
    sums_cross(x, row_stride, rows, n, y, y_shift, sums, cross, y_sum, y_squares);
}
#endif

void fk_column_sums_cross(const double *x, size_t row_stride, size_t rows, size_t n, const double *y,
                          double y_shift, double *sums, double *cross, double *y_sum, double *y_squares) {
#if defined(__x86_64__) && defined(__clang__)
    if (fk_cpu_has_avx512()) {
        sums_cross_wide(x, row_stride, rows, n, y, y_shift, sums, cross, y_sum, y_squares);
        return;
    }
#endif
    sums_cross_base(x, row_stride, rows, n, y, y_shift, sums, cross, y_sum, y_squares);
}

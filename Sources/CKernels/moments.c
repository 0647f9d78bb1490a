// Column sums and cross products with y over one block of rows: the one pass that goes with a single
// dsyrk of the raw X when LinearAlgebra's BLAS.rawMoments builds a linear model's Gram matrix
// without a shifted copy of X.
#include "CKernels.h"

#pragma STDC FP_CONTRACT OFF

void fk_column_sums_cross(const double *x, size_t row_stride, size_t rows, size_t n, const double *y,
                          double y_shift, double *sums, double *cross, double *y_sum, double *y_squares) {
    double ys = *y_sum, yy = *y_squares;
    for (size_t i = 0; i < rows; i++) {
        const double *row = x + i * row_stride;
        double yi = y[i] - y_shift;
        for (size_t j = 0; j < n; j++) {
            sums[j] += row[j];
            cross[j] += row[j] * yi;
        }
        ys += yi;
        yy += yi * yi;
    }
    *y_sum = ys;
    *y_squares = yy;
}

// CKernels: the few memory kernels Swift cannot express, for LinearAlgebra only.
//
// Swift has no non-temporal (streaming) store. A store that bypasses the caches avoids the
// read-for-ownership of every written line, which roughly doubles the bandwidth of a large write
// or copy on this machine (measured: 9.5 -> 21.4 GB/s for a 2 GiB fill on one core). Benchmarks use
// these to measure the machine's true write and copy limits; large outputs can use them too.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <pthread.h>

/// Sets `count` doubles at `target` to `value` with non-temporal stores, then fences.
void fk_fill_nontemporal(double *target, size_t count, double value);

/// Copies `count` doubles from `source` to `target` (non-overlapping) with non-temporal stores,
/// then fences.
void fk_copy_nontemporal(double *target, const double *source, size_t count);

/// glibc only (a no-op elsewhere): keep freed chunks below `mmap_threshold` bytes in the heap and
/// trim the heap only above `trim_threshold` bytes, so block-sized buffers freed and allocated again
/// on worker threads are reused instead of being returned to the kernel and zero-filled again.
void fk_allocator_keep_freed(size_t mmap_threshold, size_t trim_threshold);

/// One row block of CompensatedKernels.residualGradient (LinearAlgebra): for each of `rows` rows of
/// `x` (`n` columns, `row_stride` doubles apart) the residual `r = y - intercept - x . coef` in
/// double-double, then `hi/lo[j] += w r x_j` (j < n) and `hi/lo[n] += w r` as double-double sums and
/// `*rss += w r^2`. `weights` may be NULL (all 1). Uses FMA instructions when the CPU has them
/// (bit-identical to the baseline build, see compensated.c).
void fk_residual_gradient_block(const double *x, size_t row_stride, size_t rows, size_t n, const double *y,
                                const double *weights, const double *coef, double intercept, double *hi,
                                double *lo, double *rss);

/// 1 when fk_residual_gradient_block runs with FMA instructions on this CPU.
int fk_residual_gradient_uses_fma(void);
// Element-wise row kernels of the feature transforms, for Double (_f64) and Float (_f32). Each runs
// over `rows` rows of `n` values; `x` and `y` advance by `xs` and `ys` elements per row and may be
// the same storage (in place). Compiled for the baseline CPU and for AVX-512, chosen at run time;
// no FMA contraction, so results are bit-identical on every CPU.

/// y = (x - a[j]) * f[j] + c[j]. Returns 1 when some output is +-infinity, else 0.
int fk_affine_rows_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n,
                       const double *a, const double *f, const double *c);
int fk_affine_rows_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n,
                       const float *a, const float *f, const float *c);

/// The same map into a fresh output with non-temporal stores (then a fence): `x` and `y` are
/// contiguous (`rows * n` values each, row stride n, not overlapping). Returns 1 when some output
/// is +-infinity, 0 when none, -1 (nothing written) when n > 1024: use fk_affine_rows_* then.
int fk_affine_stream_f64(const double *x, double *y, size_t rows, size_t n, const double *a,
                         const double *f, const double *c);
int fk_affine_stream_f32(const float *x, float *y, size_t rows, size_t n, const float *a,
                         const float *f, const float *c);

/// The same map over contiguous rows with ordinary stores, walked as one flat run (`y` may be
/// `x`: in place). Returns as fk_affine_stream_*.
int fk_affine_flat_f64(const double *x, double *y, size_t rows, size_t n, const double *a,
                       const double *f, const double *c);
int fk_affine_flat_f32(const float *x, float *y, size_t rows, size_t n, const float *a,
                       const float *f, const float *c);

/// y = isnan(x) ? v[j] : x. Returns 1 when some input is +-infinity, else 0.
int fk_fill_nan_rows_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n, const double *v);
int fk_fill_nan_rows_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n, const float *v);

/// y = the number of e < levels with edges[e * n + j] <= (double)x (edges level-major, padded
/// with +inf). Returns 1 when some input is NaN or +-infinity (that row's output is unspecified).
int fk_count_edges_rows_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n,
                            const double *edges, size_t levels);
int fk_count_edges_rows_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n,
                            const double *edges, size_t levels);

/// Copies `bytes` bytes (non-overlapping) with non-temporal stores, then fences.
void fk_copy_nontemporal_bytes(void *target, const void *source, size_t bytes);

/// For each bracket c < b: below[c] = #{x[i] < lo[c]}, inside[c] = #{lo[c] <= x[i] <= hi[c]};
/// extremes = {min, max} of x (x holds no NaN).
void fk_bracket_count_f64(const double *x, size_t n, const double *lo, const double *hi, size_t b,
                          size_t *below, size_t *inside, double *extremes);

/// Appends every x[i] with lo[c] <= x[i] <= hi[c] to out[cursor[c]++] (in input order), for each
/// bracket c (lo ascending, hi[b - 1] the largest), never past limit[c].
void fk_bracket_gather_f64(const double *x, size_t n, const double *lo, const double *hi, size_t b,
                           double *out, size_t *cursor, const size_t *limit);

/// One row block of LinearAlgebra's BLAS.rawMoments: for each of `rows` rows of `x` (`n` columns,
/// `row_stride` doubles apart) with `v = y[i] - y_shift`, adds the row to `sums`, the row times `v`
/// to `cross`, `v` to `*y_sum` and `v^2` to `*y_squares`, in row order (no FMA contraction: the same
/// bits on every CPU).
void fk_column_sums_cross(const double *x, size_t row_stride, size_t rows, size_t n, const double *y,
                          double y_shift, double *sums, double *cross, double *y_sum, double *y_squares);

// SimpleImputer's fused fit + transform (impute.c), for Double (_f64) and Float (_f32) input; values
// are compared and summed as double, each column's accumulator in row order (bit-identical to the
// Swift ColumnKernels.scan / addScaledSums).

/// Copies rows x n values from x to y (row strides xs, ys) and, per column j, adds the NaN count to
/// nans[j] and folds lo[j] = v < lo[j] ? v : lo[j], hi[j] = v > hi[j] ? v : hi[j]; writes
/// base + i * n + j of every NaN to pos[*found...] (room for rows * n more) and advances *found.
/// Returns 1 when some input is +-infinity, else 0.
int fk_scan_copy_rows_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n, long long *nans,
                          double *lo, double *hi, long long *pos, long long base, size_t *found);
int fk_scan_copy_rows_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n, long long *nans,
                          double *lo, double *hi, long long *pos, long long base, size_t *found);

/// s[j] += isnan(v) ? 0 : v * r[j] and c[j] += !isnan(v) for every value v of column j, in row order.
void fk_scaled_sums_rows_f64(const double *x, size_t xs, size_t rows, size_t n, const double *r, double *s, long long *c);
void fk_scaled_sums_rows_f32(const float *x, size_t xs, size_t rows, size_t n, const double *r, double *s, long long *c);
/// Binary logistic prediction (logistic_predict.c) over groups of 8 rows of the row-major `x` (`d` columns):
/// z = x . w + intercept in LogisticKernels.dot's order; mode 0 writes z, mode 1 [1 - p, p] per row
/// (p = sigmoid(z), as LogisticKernels.sigmoid8), mode 2 (z > 0 ? 1 : 0). Stops before the first group
/// holding a NaN or infinite z, or when fewer than 8 rows remain; returns the number of rows written.
/// Bit-identical to the portable Swift path on every CPU (no FMA contraction). Whole 64-byte output
/// lines are written with non-temporal stores (the partial first and last ones with ordinary stores),
/// then fenced.
size_t fk_logistic_binary_rows(const double *x, size_t rows, size_t d, const double *w, double intercept, int mode,
                               double *out);

/// The fused bracketing pass over 8 adjacent columns (lane j = column j) of `rows` rows of a
/// row-major matrix starting at `x`, rows `xs` elements apart; `b` (1...8) brackets per column,
/// bracket-major (`lo[c * 8 + j]`, `hi[c * 8 + j]`; NaN pads a column with fewer). Adds to
/// below[c * 8 + j] = #{x < lo}, inside[c * 8 + j] = #{lo <= x <= hi}, nan[j] = #{x is NaN}; updates
/// mn[j] / mx[j] (NaN ignored; the first of equal values kept). Each value inside a bracket (the
/// last bracket whose lo <= x, when x <= its hi) is stored at bufs[s][cursor[s]] with
/// s = (c + 1) * 8 + j, and cursor[s] advances while below cap[s] (each buffer holds cap[s] + 1
/// values: a full one keeps overwriting its spare last cell). Slots 0..7 are dumps (cap 0, one
/// cell). Returns 1 when some value is +-infinity. Rows are read in order.
int fk_bracket_rows8_f64(const double *x, size_t xs, size_t rows, const double *lo, const double *hi, size_t b,
                         long long *below, long long *inside, long long *nan, double *mn, double *mx,
                         double *const *bufs, size_t *cursor, const size_t *cap);


/// 1 when fk_logistic_binary_rows runs its AVX-512 build on this CPU.
int fk_logistic_uses_avx512(void);

/// The value of *counter before adding 1 to it, atomically (relaxed order): hands out work-unit
/// indices 0, 1, 2, ... to threads that claim them (ParallelRows.forEachClaimed).
size_t fk_claim_next(size_t *counter);

/// pthread_create(thread, NULL, start, argument), except that on Linux, when the calling thread may
/// run on more than one core, the new thread is created with an affinity that excludes the core
/// the caller is on now, and restores the caller's affinity as its first action (threads.c). So
/// the kernel places it on another core at once instead of queueing it behind its creator.
/// `storage`: fk_thread_box_size() bytes, 16-byte aligned, that stay valid until the thread is
/// joined (no allocation of its own). Returns pthread_create's result.
int fk_thread_start_elsewhere(pthread_t *thread, void *(*start)(void *), void *argument, void *storage);

/// The bytes of `storage` that fk_thread_start_elsewhere needs per thread (0 where unused).
size_t fk_thread_box_size(void);

// The binary logistic objective's fused row pass (logistic.c). Width: w8 = columns + intercept
// rounded up to a multiple of 8 (fk_logistic_tile_width; 0 when wider than 512, unsupported).
// fk_logistic_binary_block reads rows [0, n) of the row-major x (d columns) once and, with
// t_i = [x_i, 1 (intercept), 0 ...] (w8 wide) and z_i = t_i . coef (coef: w8 values, intercept at d):
// adds sum_i sw_i loss_i to *loss, sum_i sw_i (p_i - y_i) t_i to grad (w8 values), and, when hess is
// not NULL, the upper part (row a from column a & ~7 on) of sum_i h_i t_i t_i^T to hess (w8 x w8,
// row-major), h_i = sw_i p_i (1 - p_i); when curvature is not NULL writes h_i there (n values).
// sw NULL: every weight 1 (the same bits as an array of ones, without reading it).
// Explicit fma, no contraction: the same bits on every CPU. Returns 0, or -1 when too wide.
size_t fk_logistic_tile_width(size_t columns, int intercept);
int fk_logistic_binary_block(const double *x, size_t n, size_t d, const double *coef, int intercept, const double *sw,
                             const int *y, double *loss, double *grad, double *hess, double *curvature);
// fk_logistic_binary_block on the code path of level min(max_level, the CPU's): 2 AVX-512, 1 AVX2,
// 0 baseline (tests compare the paths' bits); fk_logistic_code_level is the CPU's level.
int fk_logistic_binary_block_at(int max_level, const double *x, size_t n, size_t d, const double *coef, int intercept,
                                const double *sw, const int *y, double *loss, double *grad, double *hess, double *curvature);
int fk_logistic_code_level(void);
// The L-BFGS start pass (logistic.c): one read of rows [0, n) of the row-major x (d columns); per
// column j, over the rows with sw_i != 0, s1[j] += sw_i e_ij and s2[j] += (sw_i e_ij) e_ij with
// e_ij = x_ij - shift[j]; over all rows, g[j] = fma(r_i, x_ij, g[j]) (r may be NULL: r_i = 0).
// Rows in order, no contraction: the same bits on every code path (_at: as fk_logistic_binary_block_at).
// Returns 1 when every x_ij is finite (whatever its row's weight), else 0.
int fk_logistic_column_pass(const double *x, size_t n, size_t d, const double *shift, const double *sw, const double *r,
                            double *s1, double *s2, double *g);
int fk_logistic_column_pass_at(int max_level, const double *x, size_t n, size_t d, const double *shift, const double *sw, const double *r,
                               double *s1, double *s2, double *g);
// The same pass with the residuals by class instead of per row: r_i = sw_i * (y_i == 1 ? r1 : r0), the
// very product a per-row array built that way holds (same bits as passing it), without the array.
int fk_logistic_column_pass_classes(const double *x, size_t n, size_t d, const double *shift, const double *sw, const int *y,
                                    double r0, double r1, double *s1, double *s2, double *g);
int fk_logistic_column_pass_classes_at(int max_level, const double *x, size_t n, size_t d, const double *shift, const double *sw,
                                       const int *y, double r0, double r1, double *s1, double *s2, double *g);
// The pass's 8-lane elementary functions (tests): t[i] = exp(-a[i]) and l[i] = log1p(t[i]) for a[i] >= 0
// (baseline build; the same bits as the vector builds).
void fk_logistic_exp_log1p(const double *a, size_t n, double *t, double *l);


// The fit pass of MinMaxScaler / MaxAbsScaler (extremes.c), Double (_f64) and Float (_f32) input.
/// For `rows` rows of `n` values (`xs` elements apart), per column j: nans[j] += #NaN,
/// lo[j] = v < lo[j] ? v : lo[j], hi[j] = v > hi[j] ? v : hi[j] (v as double, rows in order: the
/// first of equal values is kept; NaN never replaces). An infinity shows as lo = -inf / hi = +inf.
void fk_extremes_rows_f64(const double *x, size_t xs, size_t rows, size_t n, long long *nans, double *lo, double *hi);
void fk_extremes_rows_f32(const float *x, size_t xs, size_t rows, size_t n, long long *nans, double *lo, double *hi);

#endif

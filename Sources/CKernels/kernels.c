#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
#include "CKernels.h"
#include "cpu.h"
#include <stdint.h>

typedef double fk_double8 __attribute__((vector_size(64), aligned(64)));

// Stores until `target` is 64-byte aligned, so the vector stores below are aligned (movntpd and
// vmovntpd require it).
static size_t head_count(const double *target, size_t count) {
    size_t misalignment = ((uintptr_t)target & 63u) / sizeof(double);
    size_t head = misalignment == 0 ? 0 : 8 - misalignment;
    return head < count ? head : count;
}

static void store_fence(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_sfence();
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

void fk_fill_nontemporal(double *target, size_t count, double value) {
    size_t head = head_count(target, count), i = 0;
    for (; i < head; i++) target[i] = value;
    fk_double8 v = {value, value, value, value, value, value, value, value};
    for (; i + 8 <= count; i += 8) __builtin_nontemporal_store(v, (fk_double8 *)(target + i));
    for (; i < count; i++) target[i] = value;
    store_fence();
}

void fk_copy_nontemporal(double *target, const double *source, size_t count) {
    size_t head = head_count(target, count), i = 0;
    for (; i < head; i++) target[i] = source[i];
    for (; i + 8 <= count; i += 8) {
        fk_double8 v;
        __builtin_memcpy(&v, source + i, sizeof v);  // unaligned load
        __builtin_nontemporal_store(v, (fk_double8 *)(target + i));
    }
    for (; i < count; i++) target[i] = source[i];
    store_fence();
}

void fk_allocator_keep_freed(size_t mmap_threshold, size_t trim_threshold) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, (int)trim_threshold);
#else
    (void)mmap_threshold;
    (void)trim_threshold;
#endif
}

// ---------------------------------------------------------------------------------------------
// Element-wise row kernels of the feature transforms (affine map, NaN fill, bin counting), for
// Double and Float. Each is compiled twice, for the baseline CPU and with AVX-512F, and picks one
// at run time (`__builtin_cpu_supports`), so the library needs no unsafe build flags. The
// arithmetic is exactly the Swift expression it replaces: contraction into FMA is off, so the
// results are bit-identical on every CPU and to the portable Swift loops.
// Rows are `rows` rows of `n` values; `x` and `y` advance by `xs` and `ys` elements per row and may
// be the same storage (in place).
#pragma clang fp contract(off)
#include <string.h>

typedef float fk_float16 __attribute__((vector_size(64)));
typedef float fk_float8 __attribute__((vector_size(32)));
typedef long long fk_long8 __attribute__((vector_size(64)));
typedef int fk_int16 __attribute__((vector_size(64)));
typedef int fk_int8 __attribute__((vector_size(32)));

#define FK_INLINE static inline __attribute__((always_inline))

// A software prefetch of the input 4 KiB ahead of the affine loops, into L2 (prefetcht1). Their loop
// bodies are several times longer than a plain streaming loop's (three parameter loads, the
// arithmetic, the infinity test), so the out-of-order window covers fewer lines ahead and the
// hardware alone kept fewer misses in flight: in place on 1M x 32 (2 threads, C timing) the kernel
// ran at ~0.75 of an in-place `a *= s` loop without it, and at about that loop's speed with it.
// On 100,000 x 256 Double (2 threads, cold, C timing, medians of 9) 4 KiB into L2 beat the earlier
// 2 KiB into L1: in place 0.0114 -> 0.0098 s, into a new matrix (non-temporal) 0.0126 -> 0.0118 s;
// 1 KiB was slower, 8 KiB the same. The address is formed as an integer (it may lie past the input).
#define FK_PREFETCH_AHEAD(p) __builtin_prefetch((const void *)((uintptr_t)(p) + 4096), 0, 2)

// affine: y = (x - a) * f + c; returns 1 when some output is +-infinity.
#define FK_AFFINE_BODY(T, VT, MT, W)                                                              \
    MT flag = {0};                                                                                  \
    int scalar_flag = 0;                                                                            \
    const T inf = __builtin_inf();                                                                  \
    for (size_t i = 0; i < rows; i++) {                                                             \
        const T *xr = x + i * xs;                                                                   \
        T *yr = y + i * ys;                                                                         \
        size_t j = 0;                                                                               \
        for (; j + W <= n; j += W) {                                                                \
            VT xv, av, fv, cv;                                                                      \
            FK_PREFETCH_AHEAD(xr + j);                                                              \
            memcpy(&xv, xr + j, sizeof xv); memcpy(&av, a + j, sizeof av);                          \
            memcpy(&fv, f + j, sizeof fv); memcpy(&cv, c + j, sizeof cv);                           \
            VT o = (xv - av) * fv + cv;                                                             \
            flag |= (MT)((o == inf) | (o == -inf));                                                 \
            memcpy(yr + j, &o, sizeof o);                                                           \
        }                                                                                           \
        for (; j < n; j++) {                                                                        \
            T o = (xr[j] - a[j]) * f[j] + c[j];                                                     \
            scalar_flag |= (o == inf) | (o == -inf);                                                \
            yr[j] = o;                                                                              \
        }                                                                                           \
    }                                                                                               \
    for (int k = 0; k < W; k++) scalar_flag |= flag[k] != 0;                                        \
    return scalar_flag;

FK_INLINE int affine_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n,
                         const double *a, const double *f, const double *c) {
    FK_AFFINE_BODY(double, fk_double8, fk_long8, 8)
}
FK_INLINE int affine_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n,
                         const float *a, const float *f, const float *c) {
    FK_AFFINE_BODY(float, fk_float16, fk_int16, 16)
}

// fill: y = isnan(x) ? v : x; returns 1 when some input is +-infinity.
#define FK_FILL_BODY(T, VT, MT, W)                                                                \
    MT flag = {0};                                                                                  \
    int scalar_flag = 0;                                                                            \
    const T inf = __builtin_inf();                                                                  \
    for (size_t i = 0; i < rows; i++) {                                                             \
        const T *xr = x + i * xs;                                                                   \
        T *yr = y + i * ys;                                                                         \
        size_t j = 0;                                                                               \
        for (; j + W <= n; j += W) {                                                                \
            VT xv, vv;                                                                              \
            memcpy(&xv, xr + j, sizeof xv); memcpy(&vv, v + j, sizeof vv);                          \
            MT nan = (MT)(xv != xv);                                                                \
            flag |= (MT)((xv == inf) | (xv == -inf));                                               \
            VT o = (VT)(((MT)xv & ~nan) | ((MT)vv & nan));                                          \
            memcpy(yr + j, &o, sizeof o);                                                           \
        }                                                                                           \
        for (; j < n; j++) {                                                                        \
            T value = xr[j];                                                                        \
            scalar_flag |= (value == inf) | (value == -inf);                                        \
            yr[j] = value != value ? v[j] : value;                                                  \
        }                                                                                           \
    }                                                                                               \
    for (int k = 0; k < W; k++) scalar_flag |= flag[k] != 0;                                        \
    return scalar_flag;

FK_INLINE int fill_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n, const double *v) {
    FK_FILL_BODY(double, fk_double8, fk_long8, 8)
}
FK_INLINE int fill_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n, const float *v) {
    FK_FILL_BODY(float, fk_float16, fk_int16, 16)
}

// bins: y = number of e < levels with edges[e * n + j] <= (double)x (edges level-major, padded
// with +inf); returns 1 when some input is NaN or +-infinity (its row's output is then undefined).
FK_INLINE int bins_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n,
                       const double *edges, size_t levels) {
    fk_long8 flag = {0};
    int scalar_flag = 0;
    for (size_t i = 0; i < rows; i++) {
        const double *xr = x + i * xs;
        double *yr = y + i * ys;
        size_t j = 0;
        for (; j + 8 <= n; j += 8) {
            fk_double8 xv;
            memcpy(&xv, xr + j, sizeof xv);
            flag |= (fk_long8)((xv - xv) != 0);
            fk_long8 count = {0};
            for (size_t e = 0; e < levels; e++) {
                fk_double8 ev;
                memcpy(&ev, edges + e * n + j, sizeof ev);
                count -= (fk_long8)(ev <= xv);
            }
            fk_double8 o = __builtin_convertvector(count, fk_double8);
            memcpy(yr + j, &o, sizeof o);
        }
        for (; j < n; j++) {
            double value = xr[j];
            scalar_flag |= (value - value) != 0;
            long long count = 0;
            for (size_t e = 0; e < levels; e++) count += edges[e * n + j] <= value;
            yr[j] = (double)count;
        }
    }
    for (int k = 0; k < 8; k++) scalar_flag |= flag[k] != 0;
    return scalar_flag;
}
FK_INLINE int bins_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n,
                       const double *edges, size_t levels) {
    fk_long8 flag = {0};
    int scalar_flag = 0;
    for (size_t i = 0; i < rows; i++) {
        const float *xr = x + i * xs;
        float *yr = y + i * ys;
        size_t j = 0;
        for (; j + 8 <= n; j += 8) {
            fk_float8 xf;
            memcpy(&xf, xr + j, sizeof xf);
            fk_double8 xv = __builtin_convertvector(xf, fk_double8);
            flag |= (fk_long8)((xv - xv) != 0);
            fk_long8 count = {0};
            for (size_t e = 0; e < levels; e++) {
                fk_double8 ev;
                memcpy(&ev, edges + e * n + j, sizeof ev);
                count -= (fk_long8)(ev <= xv);
            }
            fk_float8 o = __builtin_convertvector(count, fk_float8);
            memcpy(yr + j, &o, sizeof o);
        }
        for (; j < n; j++) {
            double value = (double)xr[j];
            scalar_flag |= (value - value) != 0;
            long long count = 0;
            for (size_t e = 0; e < levels; e++) count += edges[e * n + j] <= value;
            yr[j] = (float)count;
        }
    }
    for (int k = 0; k < 8; k++) scalar_flag |= flag[k] != 0;
    return scalar_flag;
}

#define FK_STREAM_MAX_COLUMNS 1024

// affine into a fresh, contiguous output (x and y both `rows * n` values, row after row) with
// non-temporal stores: the output is write-only, and an ordinary store would first read every line
// from memory. The rows are walked as one flat run of `rows * n` values so that every vector store
// is 64-byte aligned whatever the row width: element k belongs to column k mod n, and the
// parameters are read from copies extended periodically to n + W entries (on the stack, hence
// the column limit), so a vector that crosses a row end reads the next row's first columns. Only the first
// elements before the first aligned address and the last partial vector use scalar stores.
// The arithmetic per element is `(x - a[j]) * f[j] + c[j]`, as in FK_AFFINE_BODY.
#define FK_AFFINE_FLAT_BODY(T, VT, MT, W, STORE, ALIGN)                                                       \
    const size_t total = rows * n;                                                                  \
    T ext[3 * (FK_STREAM_MAX_COLUMNS + W)];                                                       \
    T *ea = ext, *ef = ext + (n + W), *ec = ext + 2 * (n + W);                                      \
    for (size_t m = 0; m < n + W; m++) {                                                            \
        size_t j = m < n ? m : (m - n) % n;                                                         \
        ea[m] = a[j]; ef[m] = f[j]; ec[m] = c[j];                                                   \
    }                                                                                               \
    MT flag = {0};                                                                                  \
    int scalar_flag = 0;                                                                            \
    const T inf = __builtin_inf();                                                                  \
    size_t head = (size_t)(((uintptr_t)y & 63u) / sizeof(T));                                       \
    head = head == 0 ? 0 : 64 / sizeof(T) - head;                                                   \
    if (!(ALIGN)) head = 0;                                                                         \
    else if (((uintptr_t)y & (sizeof(T) - 1)) != 0) head = total; /* not element aligned: scalar */ \
    if (head > total) head = total;                                                                 \
    size_t k = 0, j = 0;                                                                            \
    for (; k < head; k++) {                                                                         \
        T o = (x[k] - ea[j]) * ef[j] + ec[j];                                                       \
        scalar_flag |= (o == inf) | (o == -inf);                                                    \
        y[k] = o;                                                                                   \
        if (++j == n) j = 0;                                                                        \
    }                                                                                               \
    for (; k + W <= total; k += W) {                                                                \
        VT xv, av, fv, cv;                                                                          \
        FK_PREFETCH_AHEAD(x + k);                                                                   \
        memcpy(&xv, x + k, sizeof xv); memcpy(&av, ea + j, sizeof av);                              \
        memcpy(&fv, ef + j, sizeof fv); memcpy(&cv, ec + j, sizeof cv);                             \
        VT o = (xv - av) * fv + cv;                                                                 \
        flag |= (MT)((o == inf) | (o == -inf));                                                     \
        STORE;                                                                                      \
        j += W;                                                                                     \
        while (j >= n) j -= n;                                                                      \
    }                                                                                               \
    for (; k < total; k++) {                                                                        \
        T o = (x[k] - ea[j]) * ef[j] + ec[j];                                                       \
        scalar_flag |= (o == inf) | (o == -inf);                                                    \
        y[k] = o;                                                                                   \
        if (++j == n) j = 0;                                                                        \
    }                                                                                               \
    if (ALIGN) store_fence();                                                                       \
    for (int q = 0; q < W; q++) scalar_flag |= flag[q] != 0;                                        \
    return scalar_flag;
#define FK_NT_STORE(VT) __builtin_nontemporal_store(o, (VT *)(void *)(y + k))
#define FK_PLAIN_STORE memcpy(y + k, &o, sizeof o)

typedef float fk_float16a __attribute__((vector_size(64), aligned(64)));
FK_INLINE int affine_stream_f64(const double *x, double *y, size_t rows, size_t n, const double *a,
                                const double *f, const double *c) {
    FK_AFFINE_FLAT_BODY(double, fk_double8, fk_long8, 8, FK_NT_STORE(fk_double8), 1)
}
// The same flat walk with ordinary stores, for contiguous rows in place (y == x).
FK_INLINE int affine_flat_f64(const double *x, double *y, size_t rows, size_t n, const double *a,
                              const double *f, const double *c) {
    FK_AFFINE_FLAT_BODY(double, fk_double8, fk_long8, 8, FK_PLAIN_STORE, 0)
}
FK_INLINE int affine_stream_f32(const float *x, float *y, size_t rows, size_t n, const float *a,
                                const float *f, const float *c) {
    FK_AFFINE_FLAT_BODY(float, fk_float16a, fk_int16, 16, FK_NT_STORE(fk_float16a), 1)
}
FK_INLINE int affine_flat_f32(const float *x, float *y, size_t rows, size_t n, const float *a,
                              const float *f, const float *c) {
    FK_AFFINE_FLAT_BODY(float, fk_float16a, fk_int16, 16, FK_PLAIN_STORE, 0)
}

#if defined(__x86_64__) && defined(__clang__)
static FK_AVX512 int affine_f64_wide(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n, const double *a, const double *f, const double *c) { return affine_f64(x, xs, y, ys, rows, n, a, f, c); }
static FK_AVX512 int affine_f32_wide(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n, const float *a, const float *f, const float *c) { return affine_f32(x, xs, y, ys, rows, n, a, f, c); }
static FK_AVX512 int affine_stream_f64_wide(const double *x, double *y, size_t rows, size_t n, const double *a, const double *f, const double *c) { return affine_stream_f64(x, y, rows, n, a, f, c); }
static FK_AVX512 int affine_stream_f32_wide(const float *x, float *y, size_t rows, size_t n, const float *a, const float *f, const float *c) { return affine_stream_f32(x, y, rows, n, a, f, c); }
static FK_AVX512 int affine_flat_f64_wide(const double *x, double *y, size_t rows, size_t n, const double *a, const double *f, const double *c) { return affine_flat_f64(x, y, rows, n, a, f, c); }
static FK_AVX512 int affine_flat_f32_wide(const float *x, float *y, size_t rows, size_t n, const float *a, const float *f, const float *c) { return affine_flat_f32(x, y, rows, n, a, f, c); }
static FK_AVX512 int fill_f64_wide(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n, const double *v) { return fill_f64(x, xs, y, ys, rows, n, v); }
static FK_AVX512 int fill_f32_wide(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n, const float *v) { return fill_f32(x, xs, y, ys, rows, n, v); }
static FK_AVX512 int bins_f64_wide(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n, const double *e, size_t l) { return bins_f64(x, xs, y, ys, rows, n, e, l); }
static FK_AVX512 int bins_f32_wide(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n, const double *e, size_t l) { return bins_f32(x, xs, y, ys, rows, n, e, l); }
#define FK_WIDE(call) if (fk_cpu_has_avx512()) return call
#else
#define FK_WIDE(call) (void)0
#endif

int fk_affine_rows_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n,
                       const double *a, const double *f, const double *c) {
    FK_WIDE(affine_f64_wide(x, xs, y, ys, rows, n, a, f, c));
    return affine_f64(x, xs, y, ys, rows, n, a, f, c);
}
int fk_affine_rows_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n,
                       const float *a, const float *f, const float *c) {
    FK_WIDE(affine_f32_wide(x, xs, y, ys, rows, n, a, f, c));
    return affine_f32(x, xs, y, ys, rows, n, a, f, c);
}
int fk_affine_stream_f64(const double *x, double *y, size_t rows, size_t n, const double *a,
                         const double *f, const double *c) {
    if (n > FK_STREAM_MAX_COLUMNS) return -1;
    if (rows == 0 || n == 0) return 0;
    FK_WIDE(affine_stream_f64_wide(x, y, rows, n, a, f, c));
    return affine_stream_f64(x, y, rows, n, a, f, c);
}
int fk_affine_stream_f32(const float *x, float *y, size_t rows, size_t n, const float *a,
                         const float *f, const float *c) {
    if (n > FK_STREAM_MAX_COLUMNS) return -1;
    if (rows == 0 || n == 0) return 0;
    FK_WIDE(affine_stream_f32_wide(x, y, rows, n, a, f, c));
    return affine_stream_f32(x, y, rows, n, a, f, c);
}
int fk_affine_flat_f64(const double *x, double *y, size_t rows, size_t n, const double *a,
                       const double *f, const double *c) {
    if (n > FK_STREAM_MAX_COLUMNS) return -1;
    if (rows == 0 || n == 0) return 0;
    FK_WIDE(affine_flat_f64_wide(x, y, rows, n, a, f, c));
    return affine_flat_f64(x, y, rows, n, a, f, c);
}
int fk_affine_flat_f32(const float *x, float *y, size_t rows, size_t n, const float *a,
                       const float *f, const float *c) {
    if (n > FK_STREAM_MAX_COLUMNS) return -1;
    if (rows == 0 || n == 0) return 0;
    FK_WIDE(affine_flat_f32_wide(x, y, rows, n, a, f, c));
    return affine_flat_f32(x, y, rows, n, a, f, c);
}
int fk_fill_nan_rows_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n, const double *v) {
    FK_WIDE(fill_f64_wide(x, xs, y, ys, rows, n, v));
    return fill_f64(x, xs, y, ys, rows, n, v);
}
int fk_fill_nan_rows_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n, const float *v) {
    FK_WIDE(fill_f32_wide(x, xs, y, ys, rows, n, v));
    return fill_f32(x, xs, y, ys, rows, n, v);
}
int fk_count_edges_rows_f64(const double *x, size_t xs, double *y, size_t ys, size_t rows, size_t n,
                            const double *edges, size_t levels) {
    FK_WIDE(bins_f64_wide(x, xs, y, ys, rows, n, edges, levels));
    return bins_f64(x, xs, y, ys, rows, n, edges, levels);
}
int fk_count_edges_rows_f32(const float *x, size_t xs, float *y, size_t ys, size_t rows, size_t n,
                            const double *edges, size_t levels) {
    FK_WIDE(bins_f32_wide(x, xs, y, ys, rows, n, edges, levels));
    return bins_f32(x, xs, y, ys, rows, n, edges, levels);
}

void fk_copy_nontemporal_bytes(void *target, const void *source, size_t bytes) {
    unsigned char *t = (unsigned char *)target;
    const unsigned char *s = (const unsigned char *)source;
    size_t misalignment = (uintptr_t)t & 63u;
    size_t head = misalignment == 0 ? 0 : 64 - misalignment;
    if (head > bytes) head = bytes;
    memcpy(t, s, head);
    size_t i = head;
    for (; i + 64 <= bytes; i += 64) {
        fk_double8 v;
        memcpy(&v, s + i, sizeof v);
        __builtin_nontemporal_store(v, (fk_double8 *)(void *)(t + i));
    }
    memcpy(t + i, s + i, bytes - i);
    store_fence();
}

// Bracketing passes of the exact quantile selection (Statistics' Selection.bracketed).
FK_INLINE void bracket_count(const double *x, size_t n, const double *lo, const double *hi, size_t b,
                             size_t *below, size_t *inside, double *extremes) {
    double smallest = __builtin_inf(), largest = -__builtin_inf();
    for (size_t i = 0; i < n; i++) {
        smallest = x[i] < smallest ? x[i] : smallest;
        largest = x[i] > largest ? x[i] : largest;
    }
    extremes[0] = smallest;
    extremes[1] = largest;
    for (size_t c = 0; c < b; c++) {
        const double l = lo[c], h = hi[c];
        size_t u = 0, w = 0;
        for (size_t i = 0; i < n; i++) {
            u += x[i] < l;
            w += (x[i] >= l) & (x[i] <= h);
        }
        below[c] = u;
        inside[c] = w;
    }
}
#if defined(__x86_64__) && defined(__clang__)
static FK_AVX512 void bracket_count_wide(const double *x, size_t n, const double *lo, const double *hi, size_t b,
                                         size_t *below, size_t *inside, double *extremes) {
    bracket_count(x, n, lo, hi, b, below, inside, extremes);
}
#endif

void fk_bracket_count_f64(const double *x, size_t n, const double *lo, const double *hi, size_t b,
                          size_t *below, size_t *inside, double *extremes) {
#if defined(__x86_64__) && defined(__clang__)
    if (fk_cpu_has_avx512()) { bracket_count_wide(x, n, lo, hi, b, below, inside, extremes); return; }
#endif
    bracket_count(x, n, lo, hi, b, below, inside, extremes);
}

void fk_bracket_gather_f64(const double *x, size_t n, const double *lo, const double *hi, size_t b,
                           double *out, size_t *cursor, const size_t *limit) {
    if (b == 0) return;
    const double first = lo[0], last = hi[b - 1];
    int disjoint = 1;
    for (size_t c = 0; c + 1 < b; c++) disjoint &= hi[c] < lo[c + 1];
    if (disjoint && b <= 64) {
        // Brackets sorted and disjoint: the candidate bracket is the number of lows <= v, minus
        // one (branch-free); one well-predicted branch decides whether v is inside it. Cursors are
        // kept in a local copy so the stores to `out` cannot alias them.
        size_t next[64], end[64];
        for (size_t c = 0; c < b; c++) { next[c] = cursor[c]; end[c] = limit[c]; }
        for (size_t i = 0; i < n; i++) {
            const double v = x[i];
            size_t k = 0;
            for (size_t c = 0; c < b; c++) k += lo[c] <= v;
            if (k == 0) continue;
            k -= 1;
            if (v <= hi[k] && next[k] < end[k]) out[next[k]++] = v;
        }
        for (size_t c = 0; c < b; c++) cursor[c] = next[c];
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const double v = x[i];
        if (v < first || v > last) continue;
        for (size_t c = 0; c < b; c++) {
            if (v >= lo[c] && v <= hi[c] && cursor[c] < limit[c]) out[cursor[c]++] = v;
        }
    }
}

// Fused bracketing pass over a group of 8 columns of a row-major matrix (Statistics'
// ColumnQuantiles): counts, extremes, NaN / infinity detection and the gathering of each
// bracket's values, in one read of the rows, without copying the columns out first.
// Vector lane j is column j of the group; brackets are bracket-major (`lo[c * 8 + j]`).
#define FK_PREFETCH_ROWS 64
#define FK_BLEND(m, a, b) ((fk_double8)(((fk_long8)(a) & (m)) | ((fk_long8)(b) & ~(m))))
FK_INLINE int bracket_rows8(const double *x, size_t xs, size_t rows, const double *lo, const double *hi, const size_t b,
                            long long *below, long long *inside, long long *nan, double *mn, double *mx,
                            double *const *bufs, size_t *cursor, const size_t *cap) {
    fk_long8 bl[8], in[8], nanc, infc = {0};
    fk_double8 lov[8], hiv[8], mnv, mxv;
    const double inf = __builtin_inf();
    for (size_t c = 0; c < b; c++) {
        memcpy(&bl[c], below + c * 8, 64); memcpy(&in[c], inside + c * 8, 64);
        memcpy(&lov[c], lo + c * 8, 64); memcpy(&hiv[c], hi + c * 8, 64);
    }
    memcpy(&nanc, nan, 64); memcpy(&mnv, mn, 64); memcpy(&mxv, mx, 64);
    const fk_long8 lane = {0, 1, 2, 3, 4, 5, 6, 7};
    for (size_t i = 0; i < rows; i++) {
        const double *row = x + i * xs;
        // Rows are far apart (one cache line of each is read): prefetch well ahead.
        if (i + FK_PREFETCH_ROWS < rows) __builtin_prefetch(row + FK_PREFETCH_ROWS * xs);
        fk_double8 v;
        memcpy(&v, row, sizeof v);
        nanc -= (fk_long8)(v != v);
        infc |= (fk_long8)((v == inf) | (v == -inf));
        mnv = FK_BLEND((fk_long8)(v < mnv), v, mnv);
        mxv = FK_BLEND((fk_long8)(v > mxv), v, mxv);
        fk_long8 k = {0}, any = {0};
        for (size_t c = 0; c < b; c++) {
            fk_long8 ge = (fk_long8)(lov[c] <= v), le = (fk_long8)(v <= hiv[c]);
            bl[c] -= (fk_long8)(v < lov[c]);
            in[c] -= ge & le;
            k -= ge;
            any |= ge & le;
        }
        // Slot k * 8 + j: bracket k - 1 of column j, or slot j (k = 0), a dump of capacity 0.
        fk_long8 slot = ((k & any) << 3) + lane;
        for (int j = 0; j < 8; j++) {
            size_t s = (size_t)slot[j], at = cursor[s];
            bufs[s][at] = row[j];
            cursor[s] = at + (at < cap[s]);
        }
    }
    for (size_t c = 0; c < b; c++) { memcpy(below + c * 8, &bl[c], 64); memcpy(inside + c * 8, &in[c], 64); }
    memcpy(nan, &nanc, 64); memcpy(mn, &mnv, 64); memcpy(mx, &mxv, 64);
    int flag = 0;
    for (int j = 0; j < 8; j++) flag |= infc[j] != 0;
    return flag;
}
#define FK_BRACKET_CASES(F)                                                                          \
    switch (b) {                                                                                    \
    case 1: return F(x, xs, rows, lo, hi, 1, below, inside, nan, mn, mx, bufs, cursor, cap);        \
    case 2: return F(x, xs, rows, lo, hi, 2, below, inside, nan, mn, mx, bufs, cursor, cap);        \
    case 3: return F(x, xs, rows, lo, hi, 3, below, inside, nan, mn, mx, bufs, cursor, cap);        \
    case 4: return F(x, xs, rows, lo, hi, 4, below, inside, nan, mn, mx, bufs, cursor, cap);        \
    case 5: return F(x, xs, rows, lo, hi, 5, below, inside, nan, mn, mx, bufs, cursor, cap);        \
    case 6: return F(x, xs, rows, lo, hi, 6, below, inside, nan, mn, mx, bufs, cursor, cap);        \
    case 7: return F(x, xs, rows, lo, hi, 7, below, inside, nan, mn, mx, bufs, cursor, cap);        \
    default: return F(x, xs, rows, lo, hi, 8, below, inside, nan, mn, mx, bufs, cursor, cap);       \
    }
static int bracket_rows8_base(const double *x, size_t xs, size_t rows, const double *lo, const double *hi, size_t b,
                              long long *below, long long *inside, long long *nan, double *mn, double *mx,
                              double *const *bufs, size_t *cursor, const size_t *cap) {
    FK_BRACKET_CASES(bracket_rows8)
}
#if defined(__x86_64__) && defined(__clang__)
static FK_AVX512 int bracket_rows8_wide(const double *x, size_t xs, size_t rows, const double *lo, const double *hi, size_t b,
                                        long long *below, long long *inside, long long *nan, double *mn, double *mx,
                                        double *const *bufs, size_t *cursor, const size_t *cap) {
    FK_BRACKET_CASES(bracket_rows8)
}
#endif

int fk_bracket_rows8_f64(const double *x, size_t xs, size_t rows, const double *lo, const double *hi, size_t b,
                         long long *below, long long *inside, long long *nan, double *mn, double *mx,
                         double *const *bufs, size_t *cursor, const size_t *cap) {
    if (rows == 0 || b == 0 || b > 8) return 0;
#if defined(__x86_64__) && defined(__clang__)
    if (fk_cpu_has_avx512()) return bracket_rows8_wide(x, xs, rows, lo, hi, b, below, inside, nan, mn, mx, bufs, cursor, cap);
#endif
    return bracket_rows8_base(x, xs, rows, lo, hi, b, below, inside, nan, mn, mx, bufs, cursor, cap);
}

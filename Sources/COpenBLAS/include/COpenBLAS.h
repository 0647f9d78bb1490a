// COpenBLAS: the one place where FeatureKit touches C.
//
// It exposes OpenBLAS's CBLAS interface and the LAPACKE C interface to Swift.
// See ../README.md for why this target exists and what may go in it.
#ifndef COPENBLAS_H
#define COPENBLAS_H

// Pin OpenBLAS's own header, whatever BLAS Debian's alternatives point cblas.h to:
// we call OpenBLAS extensions (thread control, core name) that other BLASes lack.
#include <cblas-openblas.h>
#include <lapacke.h>

// `lapack_int` is a macro, which Swift cannot import; give it a name Swift sees.
typedef lapack_int LapackInt;

// Layout facts the Swift side relies on; the build fails here rather than at run time.
_Static_assert(sizeof(blasint) == 4, "FeatureKit expects OpenBLAS built with 32-bit integers (Debian's default)");
_Static_assert(sizeof(lapack_int) == 4, "FeatureKit expects LAPACKE built with 32-bit integers (Debian's default)");

/// Writes OpenBLAS's version ("0.3.21"), parsed from openblas_get_config(), into `buffer`
/// (always NUL-terminated when capacity > 0). Returns the length written; 0 when unknown.
int fk_openblas_version(char *buffer, int capacity);

/// The vector instruction set this C target was compiled for ("avx512f", "avx2", "sse2", or
/// "generic"): a proxy for the flags of the whole build, reported next to every benchmark figure
/// (the Makefile builds releases with -march=native / -target-cpu native on x86_64).
const char *fk_build_vector_isa(void);

#endif

import COpenBLAS

extension Double: LinearAlgebraScalar {
    public static var typeName: String { "Double" }
    public static var routinePrefix: String { "d" }

    @inlinable @inline(__always)
    public static func _dot(_ n: Int32, _ x: UnsafePointer<Double>, _ incx: Int32, _ y: UnsafePointer<Double>, _ incy: Int32) -> Double {
        cblas_ddot(n, x, incx, y, incy)
    }
    @inlinable @inline(__always)
    public static func _axpy(_ n: Int32, _ alpha: Double, _ x: UnsafePointer<Double>, _ incx: Int32, _ y: UnsafeMutablePointer<Double>, _ incy: Int32) {
        cblas_daxpy(n, alpha, x, incx, y, incy)
    }
    @inlinable @inline(__always)
    public static func _scal(_ n: Int32, _ alpha: Double, _ x: UnsafeMutablePointer<Double>, _ incx: Int32) {
        cblas_dscal(n, alpha, x, incx)
    }
    @inlinable @inline(__always)
    public static func _nrm2(_ n: Int32, _ x: UnsafePointer<Double>, _ incx: Int32) -> Double {
        cblas_dnrm2(n, x, incx)
    }
    @inlinable @inline(__always)
    public static func _gemv(_ trans: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int32,
                             _ x: UnsafePointer<Double>, _ incx: Int32, _ beta: Double, _ y: UnsafeMutablePointer<Double>, _ incy: Int32) {
        cblas_dgemv(CblasRowMajor, trans, m, n, alpha, a, lda, x, incx, beta, y, incy)
    }
    @inlinable @inline(__always)
    public static func _gemm(_ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ k: Int32, _ alpha: Double,
                             _ a: UnsafePointer<Double>, _ lda: Int32, _ b: UnsafePointer<Double>, _ ldb: Int32, _ beta: Double,
                             _ c: UnsafeMutablePointer<Double>, _ ldc: Int32) {
        cblas_dgemm(CblasRowMajor, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    @inlinable @inline(__always)
    public static func _syrk(_ uplo: CBLAS_UPLO, _ trans: CBLAS_TRANSPOSE, _ n: Int32, _ k: Int32, _ alpha: Double,
                             _ a: UnsafePointer<Double>, _ lda: Int32, _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int32) {
        cblas_dsyrk(CblasRowMajor, uplo, trans, n, k, alpha, a, lda, beta, c, ldc)
    }

    @inlinable @inline(__always)
    public static func _potrf(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32) -> Int32 {
        LAPACKE_dpotrf(LAPACK_COL_MAJOR, uplo, n, a, lda)
    }
    @inlinable @inline(__always)
    public static func _potrs(_ uplo: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Double>, _ lda: Int32,
                              _ b: UnsafeMutablePointer<Double>, _ ldb: Int32) -> Int32 {
        LAPACKE_dpotrs(LAPACK_COL_MAJOR, uplo, n, nrhs, a, lda, b, ldb)
    }
    @inlinable @inline(__always)
    public static func _pocon(_ uplo: CChar, _ n: Int32, _ a: UnsafePointer<Double>, _ lda: Int32, _ anorm: Double,
                              _ rcond: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_dpocon(LAPACK_COL_MAJOR, uplo, n, a, lda, anorm, rcond)
    }
    @inlinable @inline(__always)
    public static func _gels(_ trans: CChar, _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
                             _ b: UnsafeMutablePointer<Double>, _ ldb: Int32) -> Int32 {
        LAPACKE_dgels(LAPACK_COL_MAJOR, trans, m, n, nrhs, a, lda, b, ldb)
    }
    @inlinable @inline(__always)
    public static func _trcon(_ norm: CChar, _ uplo: CChar, _ diag: CChar, _ n: Int32, _ a: UnsafePointer<Double>, _ lda: Int32,
                              _ rcond: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_dtrcon(LAPACK_COL_MAJOR, norm, uplo, diag, n, a, lda, rcond)
    }
    @inlinable @inline(__always)
    public static func _gelsd(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
                              _ b: UnsafeMutablePointer<Double>, _ ldb: Int32, _ s: UnsafeMutablePointer<Double>, _ rcond: Double,
                              _ rank: UnsafeMutablePointer<Int32>) -> Int32 {
        LAPACKE_dgelsd(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank)
    }
    @inlinable @inline(__always)
    public static func _syevd(_ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
                              _ w: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_dsyevd(LAPACK_COL_MAJOR, jobz, uplo, n, a, lda, w)
    }
}

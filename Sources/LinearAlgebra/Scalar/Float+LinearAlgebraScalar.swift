import COpenBLAS

extension Float: LinearAlgebraScalar {
    public static var typeName: String { "Float" }
    public static var routinePrefix: String { "s" }

    @inlinable @inline(__always)
    public static func _dot(_ n: Int32, _ x: UnsafePointer<Float>, _ incx: Int32, _ y: UnsafePointer<Float>, _ incy: Int32) -> Float {
        cblas_sdot(n, x, incx, y, incy)
    }
    @inlinable @inline(__always)
    public static func _axpy(_ n: Int32, _ alpha: Float, _ x: UnsafePointer<Float>, _ incx: Int32, _ y: UnsafeMutablePointer<Float>, _ incy: Int32) {
        cblas_saxpy(n, alpha, x, incx, y, incy)
    }
    @inlinable @inline(__always)
    public static func _scal(_ n: Int32, _ alpha: Float, _ x: UnsafeMutablePointer<Float>, _ incx: Int32) {
        cblas_sscal(n, alpha, x, incx)
    }
    @inlinable @inline(__always)
    public static func _nrm2(_ n: Int32, _ x: UnsafePointer<Float>, _ incx: Int32) -> Float {
        cblas_snrm2(n, x, incx)
    }
    @inlinable @inline(__always)
    public static func _gemv(_ trans: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int32,
                             _ x: UnsafePointer<Float>, _ incx: Int32, _ beta: Float, _ y: UnsafeMutablePointer<Float>, _ incy: Int32) {
        cblas_sgemv(CblasRowMajor, trans, m, n, alpha, a, lda, x, incx, beta, y, incy)
    }
    @inlinable @inline(__always)
    public static func _gemm(_ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ k: Int32, _ alpha: Float,
                             _ a: UnsafePointer<Float>, _ lda: Int32, _ b: UnsafePointer<Float>, _ ldb: Int32, _ beta: Float,
                             _ c: UnsafeMutablePointer<Float>, _ ldc: Int32) {
        cblas_sgemm(CblasRowMajor, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
    @inlinable @inline(__always)
    public static func _syrk(_ uplo: CBLAS_UPLO, _ trans: CBLAS_TRANSPOSE, _ n: Int32, _ k: Int32, _ alpha: Float,
                             _ a: UnsafePointer<Float>, _ lda: Int32, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int32) {
        cblas_ssyrk(CblasRowMajor, uplo, trans, n, k, alpha, a, lda, beta, c, ldc)
    }

    @inlinable @inline(__always)
    public static func _potrf(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32) -> Int32 {
        LAPACKE_spotrf(LAPACK_COL_MAJOR, uplo, n, a, lda)
    }
    @inlinable @inline(__always)
    public static func _potrs(_ uplo: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Float>, _ lda: Int32,
                              _ b: UnsafeMutablePointer<Float>, _ ldb: Int32) -> Int32 {
        LAPACKE_spotrs(LAPACK_COL_MAJOR, uplo, n, nrhs, a, lda, b, ldb)
    }
    @inlinable @inline(__always)
    public static func _pocon(_ uplo: CChar, _ n: Int32, _ a: UnsafePointer<Float>, _ lda: Int32, _ anorm: Float,
                              _ rcond: UnsafeMutablePointer<Float>) -> Int32 {
        LAPACKE_spocon(LAPACK_COL_MAJOR, uplo, n, a, lda, anorm, rcond)
    }
    @inlinable @inline(__always)
    public static func _gels(_ trans: CChar, _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
                             _ b: UnsafeMutablePointer<Float>, _ ldb: Int32) -> Int32 {
        LAPACKE_sgels(LAPACK_COL_MAJOR, trans, m, n, nrhs, a, lda, b, ldb)
    }
    @inlinable @inline(__always)
    public static func _trcon(_ norm: CChar, _ uplo: CChar, _ diag: CChar, _ n: Int32, _ a: UnsafePointer<Float>, _ lda: Int32,
                              _ rcond: UnsafeMutablePointer<Float>) -> Int32 {
        LAPACKE_strcon(LAPACK_COL_MAJOR, norm, uplo, diag, n, a, lda, rcond)
    }
    @inlinable @inline(__always)
    public static func _gelsd(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
                              _ b: UnsafeMutablePointer<Float>, _ ldb: Int32, _ s: UnsafeMutablePointer<Float>, _ rcond: Float,
                              _ rank: UnsafeMutablePointer<Int32>) -> Int32 {
        LAPACKE_sgelsd(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank)
    }
    @inlinable @inline(__always)
    public static func _syevd(_ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
                              _ w: UnsafeMutablePointer<Float>) -> Int32 {
        LAPACKE_ssyevd(LAPACK_COL_MAJOR, jobz, uplo, n, a, lda, w)
    }
}

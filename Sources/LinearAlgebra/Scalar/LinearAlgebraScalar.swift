import COpenBLAS

/// A floating-point type that BLAS and LAPACK compute with: `Float` (the `s` routines) or `Double`
/// (the `d` routines).
///
/// Every generic entry point in this module is `@inlinable`, so a caller's build specialises it for
/// the concrete type and the requirements below become direct calls to `cblas_d*` / `LAPACKE_d*`:
/// the generic function is as fast as the concrete one (see RECIPES.md, "Generics"). The
/// underscored requirements are the binding to C; call the typed wrappers in `BLAS` and `LAPACK`.
public protocol LinearAlgebraScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable, Hashable
where Self.RawSignificand: FixedWidthInteger {
    /// A name for messages: "Float" or "Double".
    static var typeName: String { get }
    /// The BLAS/LAPACK routine prefix: "s" or "d".
    static var routinePrefix: String { get }

    // BLAS level 1
    static func _dot(_ n: Int32, _ x: UnsafePointer<Self>, _ incx: Int32, _ y: UnsafePointer<Self>, _ incy: Int32) -> Self
    static func _axpy(_ n: Int32, _ alpha: Self, _ x: UnsafePointer<Self>, _ incx: Int32, _ y: UnsafeMutablePointer<Self>, _ incy: Int32)
    static func _scal(_ n: Int32, _ alpha: Self, _ x: UnsafeMutablePointer<Self>, _ incx: Int32)
    static func _nrm2(_ n: Int32, _ x: UnsafePointer<Self>, _ incx: Int32) -> Self
    // BLAS level 2 and 3 (row-major)
    static func _gemv(_ trans: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int32,
                      _ x: UnsafePointer<Self>, _ incx: Int32, _ beta: Self, _ y: UnsafeMutablePointer<Self>, _ incy: Int32)
    static func _gemm(_ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, _ m: Int32, _ n: Int32, _ k: Int32, _ alpha: Self,
                      _ a: UnsafePointer<Self>, _ lda: Int32, _ b: UnsafePointer<Self>, _ ldb: Int32, _ beta: Self,
                      _ c: UnsafeMutablePointer<Self>, _ ldc: Int32)
    static func _syrk(_ uplo: CBLAS_UPLO, _ trans: CBLAS_TRANSPOSE, _ n: Int32, _ k: Int32, _ alpha: Self,
                      _ a: UnsafePointer<Self>, _ lda: Int32, _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int32)

    // LAPACK (column-major; the wrappers arrange layouts)
    static func _potrf(_ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32) -> Int32
    static func _potrs(_ uplo: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Self>, _ lda: Int32,
                       _ b: UnsafeMutablePointer<Self>, _ ldb: Int32) -> Int32
    static func _pocon(_ uplo: CChar, _ n: Int32, _ a: UnsafePointer<Self>, _ lda: Int32, _ anorm: Self,
                       _ rcond: UnsafeMutablePointer<Self>) -> Int32
    static func _gels(_ trans: CChar, _ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
                      _ b: UnsafeMutablePointer<Self>, _ ldb: Int32) -> Int32
    static func _trcon(_ norm: CChar, _ uplo: CChar, _ diag: CChar, _ n: Int32, _ a: UnsafePointer<Self>, _ lda: Int32,
                       _ rcond: UnsafeMutablePointer<Self>) -> Int32
    static func _gelsd(_ m: Int32, _ n: Int32, _ nrhs: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
                       _ b: UnsafeMutablePointer<Self>, _ ldb: Int32, _ s: UnsafeMutablePointer<Self>, _ rcond: Self,
                       _ rank: UnsafeMutablePointer<Int32>) -> Int32
    static func _syevd(_ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
                       _ w: UnsafeMutablePointer<Self>) -> Int32
}

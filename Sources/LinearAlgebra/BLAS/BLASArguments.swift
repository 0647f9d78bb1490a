import COpenBLAS

/// Whether BLAS reads an operand as stored or transposed.
public enum Transpose: Sendable, Hashable {
    case none
    case transpose

    @inlinable
    internal var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Which triangle of a symmetric matrix an operation reads or writes.
public enum Triangle: Sendable, Hashable {
    case upper
    case lower

    @inlinable
    internal var cblas: CBLAS_UPLO { self == .upper ? CblasUpper : CblasLower }
}

/// Converts a validated size to BLAS's 32-bit integer, or throws naming the parameter.
@inlinable
internal func blasInt(_ value: Int, _ parameter: String) throws -> Int32 {
    guard value >= 0 && value <= Int(Int32.max) else {
        throw LinearAlgebraError.invalidArgument(
            parameter: parameter, reason: "\(value) does not fit BLAS's 32-bit integer (max \(Int32.max))")
    }
    return Int32(value)
}

/// BLAS's leading dimension for a row-major view: the row stride, at least 1 as BLAS requires.
@inlinable
internal func leadingDimension<Scalar>(_ view: MatrixView<Scalar>, _ parameter: String) throws -> Int32 {
    try blasInt(Swift.max(view.rowStride, view.columns, 1), parameter)
}

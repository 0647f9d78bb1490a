/// The shape of a matrix, printed as `rows x columns`.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    public var description: String { "\(rows)x\(columns)" }
}

/// Every way a linear-algebra call can refuse its input or fail inside BLAS/LAPACK.
///
/// Each case names what a caller needs to fix: both shapes of a mismatch, the row and column of a
/// non-finite value, the LAPACK routine and its `info` code. Nothing in this module traps on a
/// caller-supplied shape or value; it throws one of these instead.
public enum LinearAlgebraError: Error, Sendable, CustomStringConvertible {
    /// Two operands whose shapes do not fit together. `requirement` says which dimensions must agree.
    case shapeMismatch(operation: String, lhs: Shape, rhs: Shape, requirement: String)
    /// A NaN or infinity where the operation needs finite input (every LAPACK entry point checks).
    case nonFinite(operation: String, row: Int, column: Int, value: Double)
    /// Cholesky failed: the leading minor of order `info` is not positive definite.
    case notPositiveDefinite(routine: String, info: Int)
    /// A triangular factor has an exact zero on its diagonal at position `info` (1-based), so the
    /// matrix is singular or rank deficient; a minimum-norm SVD solve handles such problems.
    case singular(routine: String, info: Int)
    /// An iterative LAPACK algorithm (SVD, eigensolver) did not converge; `info` is LAPACK's count.
    case didNotConverge(routine: String, info: Int)
    /// A parameter outside its domain: a negative dimension, a size beyond BLAS's 32-bit integers,
    /// a non-square matrix where a square one is needed, an index out of range.
    case invalidArgument(parameter: String, reason: String)
    /// LAPACK reported an illegal argument (`info < 0`) or could not allocate its workspace.
    /// This signals a bug in FeatureKit's wrapper rather than in the caller's data.
    case lapackFailure(routine: String, info: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, lhs, rhs, requirement):
            return "\(operation): shape mismatch between \(lhs) and \(rhs) (\(requirement))"
        case let .nonFinite(operation, row, column, value):
            return "\(operation): non-finite value \(value) at row \(row), column \(column)"
        case let .notPositiveDefinite(routine, info):
            return "\(routine): matrix is not positive definite (leading minor of order \(info) failed, info=\(info))"
        case let .singular(routine, info):
            return "\(routine): matrix is singular or rank deficient (zero pivot at position \(info), info=\(info)); use an SVD solve for a minimum-norm answer"
        case let .didNotConverge(routine, info):
            return "\(routine): algorithm did not converge (info=\(info))"
        case let .invalidArgument(parameter, reason):
            return "invalid argument '\(parameter)': \(reason)"
        case let .lapackFailure(routine, info):
            return info == -1010
                ? "\(routine): LAPACKE could not allocate its workspace (info=\(info))"
                : "\(routine): LAPACK rejected argument \(-info) (info=\(info)); this is a FeatureKit bug, please report it"
        }
    }
}

import LinearAlgebra

/// A fitted transform: immutable, Codable, and bound to the schema it was fitted on.
///
/// The configuration (`StandardScaler(withMean:withStd:)`, ...) is a separate type whose `fit`
/// returns one of these, so "not fitted" cannot be expressed.
public protocol FittedTransform: Sendable, Codable {
    /// The columns this transform accepts.
    var inputSchema: FeatureSchema { get }
    /// The names of the columns it produces (scikit-learn's `get_feature_names_out`).
    var outputNames: [String] { get }
    /// Transforms `x` (whose columns must match `inputSchema`; names are checked when given) into a
    /// new matrix, over fixed row blocks on `threads` threads (the result does not depend on it).
    func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar>
}

/// A fitted transform with an inverse: `inverseTransform(transform(x)) == x` up to rounding.
public protocol InvertibleTransform: FittedTransform {
    func inverseTransform<Scalar: LinearAlgebraScalar>(_ y: Matrix<Scalar>, threads: Int) throws -> Matrix<Scalar>
}

extension FittedTransform {
    /// `transform(x, columnNames: nil)`: only the column count is checked.
    public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try transform(x, columnNames: nil, threads: 1)
    }

    /// Single-threaded `transform`.
    public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?) throws -> Matrix<Scalar> {
        try transform(x, columnNames: columnNames, threads: 1)
    }
}

extension InvertibleTransform {
    /// Single-threaded `inverseTransform`.
    public func inverseTransform<Scalar: LinearAlgebraScalar>(_ y: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try inverseTransform(y, threads: 1)
    }
}

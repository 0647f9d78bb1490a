import LinearAlgebra

/// Scale each row (sample) to unit norm: `y = x / ||x||` with the L1, L2 or max norm.
///
/// scikit-learn equivalent: `sklearn.preprocessing.Normalizer(norm=)`.
/// Semantics follow it: the transform is per row, so `fit` learns nothing but the input schema; a
/// row whose norm is below `10 eps` of the element type (a zero row, or a row of tiny values) is
/// left unchanged, as scikit-learn's `_handle_zeros_in_scale` does. Different from scikit-learn:
/// the L2 norm is computed scale-safe (`s sqrt(sum((x/s)^2))`, `s = max|x|`, when a plain sum of
/// squares would overflow or underflow), so a row of 1e300 values normalises to finite values
/// where scikit-learn returns zeros; a row whose L1 or L2 norm exceeds `Double.max` (`[1e308, 1e308]`)
/// is divided by `s` and then by the scaled norm, never by infinity; norms of `Float` input are
/// accumulated in `Double`.
/// NaN and ±infinity are errors naming row and column (as scikit-learn refuses them: a NaN would
/// turn the whole row into NaN).
public struct Normalizer: Sendable, Hashable, Codable {
    /// The norm each row is divided by.
    public enum Norm: String, Sendable, Hashable, Codable, CaseIterable {
        /// `sum |x_j|`.
        case l1
        /// `sqrt(sum x_j^2)` (the default, as in scikit-learn).
        case l2
        /// `max |x_j|`.
        case max
    }

    /// scikit-learn's `norm`.
    public let norm: Norm

    public init(norm: Norm = .l2) {
        self.norm = norm
    }

    static let name = "Normalizer"

    /// Records the schema of `x` (the transform is stateless).
    /// - Throws: `FeatureError.emptyInput` for zero rows; `.columnCountMismatch` /
    ///   `.invalidColumnNames` for bad names.
    /// - Complexity: O(columns); the data is not read.
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil) throws -> Fitted {
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: Self.name)
        guard x.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        return Fitted(configuration: self, inputSchema: schema)
    }

    /// Records a schema without data (the transform is stateless).
    public func fit(schema: FeatureSchema) -> Fitted {
        Fitted(configuration: self, inputSchema: schema)
    }

    /// A fitted Normalizer: the norm and the schema it accepts.
    public struct Fitted: FittedTransform, Hashable {
        public let configuration: Normalizer
        public let inputSchema: FeatureSchema

        public var outputNames: [String] { inputSchema.names }

        /// Each row divided by its norm, into a new matrix, over fixed row blocks on `threads`
        /// threads (the result does not depend on it).
        /// - Throws: `.columnCountMismatch` / `.schemaMismatch`; `.missingValue` or
        ///   `.infiniteValue` naming the row and column of the first NaN or infinity.
        /// - Complexity: one read of `x` and one write of the output; O(threads) allocations.
        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: Normalizer.name)
            if let x = x as? Matrix<Double>, let y = try run(x, threads: threads) as? Matrix<Scalar> { return y }
            if let x = x as? Matrix<Float>, let y = try run(x, threads: threads) as? Matrix<Scalar> { return y }
            return try run(x, threads: threads)
        }

        private func run<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, threads: Int) throws -> Matrix<Scalar> {
            let norm: RowKernels.RowNorm = switch configuration.norm {
            case .l1: .l1
            case .l2: .l2
            case .max: .max
            }
            let tiny = 10 * Double(Scalar.ulpOfOne)
            let (y, flag) = try RowKernels.normalizeRows(x, norm: norm, tinyNorm: tiny, blockRows: Swift.max(16, 32768 / Swift.max(x.columns, 1)), threads: threads)
            if let flag {
                let column = inputSchema.names[flag.column]
                if flag.value.isNaN { throw FeatureError.missingValue(transform: Normalizer.name, row: flag.row, column: column) }
                throw FeatureError.infiniteValue(transform: Normalizer.name, row: flag.row, column: column, value: flag.value)
            }
            return y
        }
    }
}

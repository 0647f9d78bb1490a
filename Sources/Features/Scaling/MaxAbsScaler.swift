import LinearAlgebra
import Statistics

/// Scale each column by its largest magnitude: `y = x / maxAbs`, so values lie in [-1, 1] and
/// zeros (sparsity) are kept.
///
/// scikit-learn equivalent: `sklearn.preprocessing.MaxAbsScaler()`; an all-zero column gets scale 1;
/// NaN ignored in fit and kept in transform.
public struct MaxAbsScaler: Sendable, Hashable, Codable {
    public init() {}

    static let name = "MaxAbsScaler"

    /// Fits on `x`: `maxAbs = max(|min|, |max|)` of each column's non-NaN values, `scale = maxAbs`
    /// (1 for an all-zero column).
    /// - Throws: `.emptyInput`, `.infiniteValue` (row, column), `.noObservedValues`, and schema
    ///   errors for bad column names.
    /// - Complexity: one read of `x` (per-column NaN count, minimum and maximum over fixed 4096-row
    ///   blocks, the blocks spread over `threads` threads): bit-identical to
    ///   `fit(summary: MomentsSummary.fit(x))` for any thread count; O(columns) memory per block.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Float)
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1) throws -> Fitted {
        // One read of x for the extremes alone (the moments' sums are not needed).
        let (extremes, schema) = try MomentScaling.extremes(x, columnNames: columnNames, threads: threads, transform: Self.name)
        try MomentScaling.checkObserved(extremes, rows: x.rows, schema: schema, transform: Self.name)
        // As ColumnMoments.maxAbs (every column has a value here).
        return fit(maxAbs: zip(extremes.minimum, extremes.maximum).map { Swift.max(abs($0), abs($1)) }, schema: schema)
    }

    /// Fits from mergeable column moments (largest magnitude).
    public func fit(summary: MomentsSummary, schema: FeatureSchema) throws -> Fitted {
        try MomentScaling.check(summary, schema: schema, transform: Self.name)
        return fit(maxAbs: summary.columns.map(\.maxAbs), schema: schema)
    }

    private func fit(maxAbs: [Double], schema: FeatureSchema) -> Fitted {
        let scale = maxAbs.map(ScaleHandling.handleZeros)
        let n = scale.count
        let affine = ColumnAffine(offset: Array(repeating: 0, count: n), factor: scale.map { 1 / $0 },
                                  shift: Array(repeating: 0, count: n), inverseFactor: scale)
        return Fitted(configuration: self, inputSchema: schema, maxAbs: maxAbs, scale: scale, affine: affine)
    }

    /// A fitted MaxAbsScaler: scikit-learn's `max_abs_` and `scale_`.
    public struct Fitted: AffineScaler, Hashable {
        public let configuration: MaxAbsScaler
        public let inputSchema: FeatureSchema
        public let maxAbs: [Double]
        public let scale: [Double]
        /// The fitted map (see `AffineScaler`).
        public let affine: ColumnAffine

        public static let transformName = MaxAbsScaler.name
    }
}

import LinearAlgebra
import Statistics

/// Standardise each column: `z = (x - mean) / std`, with the population standard deviation.
///
/// scikit-learn equivalent: `sklearn.preprocessing.StandardScaler(with_mean=, with_std=)`.
/// Semantics follow it: NaN is ignored by `fit` and kept by `transform`; a constant column (variance
/// within rounding of zero, by scikit-learn's own test) gets scale 1; ±infinity is an error naming
/// row and column. Different from scikit-learn: a column with no non-NaN value is an error at fit
/// time (scikit-learn would fit NaN and turn every future value of that column into NaN), and the
/// moments are computed in scaled form, so a column spanning ±1e300 has a finite scale.
public struct StandardScaler: Sendable, Hashable, Codable {
    /// Subtract the mean (scikit-learn's `with_mean`).
    public let withMean: Bool
    /// Divide by the standard deviation (scikit-learn's `with_std`).
    public let withStd: Bool

    public init(withMean: Bool = true, withStd: Bool = true) {
        self.withMean = withMean
        self.withStd = withStd
    }

    static let name = "StandardScaler"

    /// Fits on `x` (over fixed 4096-row blocks, so the result is the same whatever the threading).
    /// - Throws: `FeatureError.emptyInput`, `.infiniteValue` (row, column), `.noObservedValues`,
    ///   `.columnCountMismatch` / `.invalidColumnNames` for bad names.
    /// - Complexity: one pass over `x` (three over each cache-resident block); O(columns) memory.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Float)
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1) throws -> Fitted {
        let (summary, schema) = try MomentScaling.summarize(x, columnNames: columnNames, threads: threads, transform: Self.name)
        return try fit(summary: summary, schema: schema)
    }

    /// Fits from mergeable column moments: the streaming and distributed path (summarise blocks
    /// anywhere, merge, then fit).
    public func fit(summary: MomentsSummary, schema: FeatureSchema) throws -> Fitted {
        try MomentScaling.check(summary, schema: schema, transform: Self.name)
        let columns = summary.columns
        let mean = columns.map(\.mean)
        let variance = columns.map { $0.variance() }
        let scale = columns.map { ScaleHandling.isConstant($0) ? 1 : $0.standardDeviation() }
        let n = columns.count
        let affine = ColumnAffine(
            offset: withMean ? mean : Array(repeating: 0, count: n),
            factor: withStd ? scale.map { 1 / $0 } : Array(repeating: 1, count: n),
            shift: Array(repeating: 0, count: n),
            inverseFactor: withStd ? scale : Array(repeating: 1, count: n))
        return Fitted(configuration: self, inputSchema: schema,
                      mean: (withMean || withStd) ? mean : nil, variance: withStd ? variance : nil,
                      scale: withStd ? scale : nil, samplesSeen: columns.map(\.count), affine: affine)
    }

    /// A fitted StandardScaler: scikit-learn's `mean_`, `var_`, `scale_`, `n_samples_seen_`.
    public struct Fitted: AffineScaler, Hashable {
        public let configuration: StandardScaler
        public let inputSchema: FeatureSchema
        /// Per-column mean (nil when neither centring nor scaling, as scikit-learn's `mean_`).
        public let mean: [Double]?
        /// Per-column population variance (nil without `withStd`). May be +infinity for columns near
        /// the largest doubles; `scale` stays finite.
        public let variance: [Double]?
        /// Per-column divisor: the standard deviation, or 1 for a constant column (nil without `withStd`).
        public let scale: [Double]?
        /// Non-NaN values seen per column.
        public let samplesSeen: [Int]
        /// The fitted map (see `AffineScaler`).
        public let affine: ColumnAffine

        public static let transformName = StandardScaler.name
    }
}

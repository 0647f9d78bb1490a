import LinearAlgebra
import Statistics

/// Scale each column to `featureRange`: `y = x * scale + min`, with
/// `scale = (hi - lo) / (dataMax - dataMin)` and `min = lo - dataMin * scale`.
///
/// scikit-learn equivalent: `sklearn.preprocessing.MinMaxScaler(feature_range=, clip=)`, the same
/// formulas; a constant column (range below 10 eps) gets range 1, so it maps to `lo - dataMin +
/// x`; NaN ignored in fit and kept in transform; `clip` clamps transformed values into the range.
public struct MinMaxScaler: Sendable, Hashable, Codable {
    public let featureRange: ClosedRange<Double>
    public let clip: Bool

    public init(featureRange: ClosedRange<Double> = 0...1, clip: Bool = false) {
        self.featureRange = featureRange
        self.clip = clip
    }

    static let name = "MinMaxScaler"

    /// - Throws: `.invalidParameter` unless `featureRange` is finite with lower < upper and a finite
    ///   width, or when a column's scale would overflow or underflow;
    ///   `.emptyInput`, `.infiniteValue` (row, column), `.noObservedValues`.
    /// - Complexity: one read of `x` (per-column NaN count, minimum and maximum over fixed 4096-row
    ///   blocks, the blocks spread over `threads` threads): bit-identical to
    ///   `fit(summary: MomentsSummary.fit(x))` for any thread count, without the moments' sums;
    ///   O(columns) memory per block.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Float)
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1) throws -> Fitted {
        // One read of x for the extremes alone (the moments' sums are not needed); the checks in
        // the order of fit(summary:), so the same input gives the same error.
        let (extremes, schema) = try MomentScaling.extremes(x, columnNames: columnNames, threads: threads, transform: Self.name)
        try checkFeatureRange()
        try MomentScaling.checkObserved(extremes, rows: x.rows, schema: schema, transform: Self.name)
        return try fit(dataMin: extremes.minimum, dataMax: extremes.maximum, schema: schema)
    }

    /// Fits from mergeable column moments (minimum and maximum).
    public func fit(summary: MomentsSummary, schema: FeatureSchema) throws -> Fitted {
        try checkFeatureRange()
        try MomentScaling.check(summary, schema: schema, transform: Self.name)
        return try fit(dataMin: summary.columns.map(\.minimum), dataMax: summary.columns.map(\.maximum), schema: schema)
    }

    private func checkFeatureRange() throws {
        let (lo, hi) = (featureRange.lowerBound, featureRange.upperBound)
        guard lo.isFinite, hi.isFinite, lo < hi, (hi - lo).isFinite else {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "featureRange",
                                                reason: "must be finite with lower < upper, got \(featureRange)")
        }
    }

    /// The fitted value from each column's non-NaN extremes (every column has at least one value).
    private func fit(dataMin: [Double], dataMax: [Double], schema: FeatureSchema) throws -> Fitted {
        let (lo, hi) = (featureRange.lowerBound, featureRange.upperBound)
        let dataRange = zip(dataMax, dataMin).map { $0 - $1 }
        // A range that overflows (a column spanning more than the largest double) cannot give a
        // finite scale: refuse it rather than map every value to NaN.
        if let j = dataRange.firstIndex(where: { !$0.isFinite }) {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "data range of '\(schema.names[j])'",
                                                reason: "max - min overflows a Double (\(dataMax[j]) - \(dataMin[j]))")
        }
        let scale = dataRange.map { (hi - lo) / ScaleHandling.handleZeros($0) }
        // (hi - lo) / range can overflow (a wide featureRange over a narrow column) or underflow to 0.
        if let j = scale.firstIndex(where: { !$0.isFinite || !(1 / $0).isFinite }) {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "featureRange",
                                                reason: "\(featureRange) over the data range \(dataRange[j]) of '\(schema.names[j])' gives the scale \((hi - lo) / ScaleHandling.handleZeros(dataRange[j])), which is not finite or not invertible")
        }
        let minShift = zip(dataMin, scale).map { lo - $0 * $1 }
        let n = scale.count
        let affine = ColumnAffine(offset: Array(repeating: 0, count: n), factor: scale, shift: minShift,
                                  inverseFactor: scale.map { 1 / $0 })
        return Fitted(configuration: self, inputSchema: schema, dataMin: dataMin, dataMax: dataMax,
                      dataRange: dataRange, scale: scale, min: minShift, affine: affine)
    }

    /// A fitted MinMaxScaler: scikit-learn's `data_min_`, `data_max_`, `data_range_`, `scale_`, `min_`.
    public struct Fitted: AffineScaler, Hashable {
        public let configuration: MinMaxScaler
        public let inputSchema: FeatureSchema
        public let dataMin: [Double]
        public let dataMax: [Double]
        public let dataRange: [Double]
        public let scale: [Double]
        public let min: [Double]
        /// The fitted map (see `AffineScaler`).
        public let affine: ColumnAffine

        public static let transformName = MinMaxScaler.name

        /// `x * scale + min`, then clamped into `featureRange` when `clip` (NaN kept).
        @_specialize(exported: true, where Scalar == Double)
        @_specialize(exported: true, where Scalar == Float)
        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: MinMaxScaler.name)
            var y = try affine.apply(x, threads: threads, schema: inputSchema, transform: MinMaxScaler.name)
            if configuration.clip {
                // In place: y is the fresh output, uniquely referenced (no second allocation).
                try y.clamp(to: Scalar(configuration.featureRange.lowerBound)...Scalar(configuration.featureRange.upperBound))
            }
            return y
        }

        /// The transform in place (no output allocation), over fixed row blocks on `threads` threads;
        /// the same values as `transform(_:)` for any thread count.
        /// - Throws: as `transform`; on an error `x` is partly transformed and should be discarded.
        /// - Complexity: one read and one write of `x`, in place.
        @_specialize(exported: true, where Scalar == Double)
        @_specialize(exported: true, where Scalar == Float)
        public func transformInPlace<Scalar: LinearAlgebraScalar>(_ x: inout Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1) throws {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: MinMaxScaler.name)
            try affine.applyInPlace(&x, threads: threads, schema: inputSchema, transform: MinMaxScaler.name)
            if configuration.clip {
                try x.clamp(to: Scalar(configuration.featureRange.lowerBound)...Scalar(configuration.featureRange.upperBound))
            }
        }
    }
}

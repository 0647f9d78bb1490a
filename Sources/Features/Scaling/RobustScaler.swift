#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra
import Statistics

/// Scale each column by statistics that outliers do not move: `y = (x - median) / (q_hi - q_lo)`,
/// the interquartile range by default.
///
/// `center = nanmedian(x)`, `scale = nanpercentile(x, hi) - nanpercentile(x, lo)` (NumPy's linear
/// interpolation, computed exactly by introselect in `ColumnQuantiles`); a scale below `10 eps`
/// becomes 1; with `unitVariance`, `scale /= Phi^-1(hi/100) - Phi^-1(lo/100)` so that a normal
/// column ends with unit variance.
///
/// scikit-learn equivalent: `sklearn.preprocessing.RobustScaler(with_centering=, with_scaling=,
/// quantile_range=, unit_variance=)`. As there, NaN is ignored by `fit` and kept by `transform`.
/// Different from scikit-learn: a column with no non-NaN value is an error at fit time (scikit-learn
/// would fit NaN and turn the whole column into NaN); a `quantileRange` that makes the unit-variance
/// adjustment zero or infinite (e.g. `(0, 100)` or `(50, 50)`) is refused rather than giving scale
/// infinity or zero; interpolation between values whose difference overflows (±1.7e308) stays finite.
/// `Float` input: the statistics are computed in `Double` from the widened values and rounded to
/// `Float` when applied (scikit-learn's float32 median is averaged in float32: the last bit may differ).
public struct RobustScaler: Sendable, Hashable, Codable {
    /// Subtract the median (scikit-learn's `with_centering`).
    public let withCentering: Bool
    /// Divide by the quantile range (scikit-learn's `with_scaling`).
    public let withScaling: Bool
    /// Percentiles `(lo, hi)` with `0 <= lo <= hi <= 100` (scikit-learn's `quantile_range`).
    public let quantileRangeLow: Double
    public let quantileRangeHigh: Double
    /// Divide the scale by the normal distribution's range at the same quantiles.
    public let unitVariance: Bool

    public init(withCentering: Bool = true, withScaling: Bool = true,
                quantileRange: (Double, Double) = (25, 75), unitVariance: Bool = false) {
        self.withCentering = withCentering
        self.withScaling = withScaling
        self.quantileRangeLow = quantileRange.0
        self.quantileRangeHigh = quantileRange.1
        self.unitVariance = unitVariance
    }

    /// `(lo, hi)` as given.
    public var quantileRange: (Double, Double) { (quantileRangeLow, quantileRangeHigh) }

    static let name = "RobustScaler"

    /// Fits on `x` (exact medians and quantiles per column, columns spread over `threads` threads;
    /// the result does not depend on the thread count).
    /// - Throws: `.invalidParameter` for a bad `quantileRange`; `.emptyInput`; `.infiniteValue`
    ///   (row, column); `.noObservedValues` for an all-NaN column; `.columnCountMismatch` /
    ///   `.invalidColumnNames` for bad names.
    /// - Complexity: one gather of each column and an `O(n)` average selection per column;
    ///   allocates `8 n` doubles per thread.
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1) throws -> Fitted {
        let adjust = try checkedAdjustment()
        let (lo, hi) = quantileRange
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: Self.name)
        guard x.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        let stats: ColumnQuantiles
        do {
            stats = try ColumnQuantiles.mediansAndQuantiles(x, probabilities: [lo / 100, hi / 100], method: .linear, threads: threads)
        } catch let StatisticsError.infiniteValue(row, column, value) {
            throw FeatureError.infiniteValue(transform: Self.name, row: row, column: schema.names[column], value: value)
        }
        if let j = stats.counts.firstIndex(of: 0) {
            throw FeatureError.noObservedValues(transform: Self.name, column: schema.names[j])
        }
        return try finish(center: stats.values.map { $0[0] }, quantiles: stats.values.map { [$0[1], $0[2]] },
                          adjust: adjust, schema: schema)
    }

    /// Fits from a mergeable `QuantileSketchSummary` (the streaming path): the median and the
    /// quantiles are the sketch's, whose true ranks are within its `rankErrorBound` of the exact
    /// ones (see `QuantileSketch`), instead of NumPy's interpolated order statistics.
    /// - Throws: as `fit`; `.columnCountMismatch` when the sketch has another column count.
    public func fit(sketch: QuantileSketchSummary, schema: FeatureSchema) throws -> Fitted {
        let adjust = try checkedAdjustment()
        guard sketch.columns.count == schema.count else {
            throw FeatureError.columnCountMismatch(transform: Self.name, expected: schema.count, got: sketch.columns.count)
        }
        guard sketch.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        if let j = sketch.columns.firstIndex(where: { $0.count == 0 }) {
            throw FeatureError.noObservedValues(transform: Self.name, column: schema.names[j])
        }
        let (lo, hi) = quantileRange
        let values = try sketch.columns.map { try $0.quantiles([0.5, lo / 100, hi / 100]) }
        return try finish(center: values.map { $0[0] }, quantiles: values.map { [$0[1], $0[2]] }, adjust: adjust, schema: schema)
    }

    /// Validates `quantileRange` and returns the unit-variance divisor (1 without it).
    private func checkedAdjustment() throws -> Double {
        let (lo, hi) = quantileRange
        guard lo >= 0, lo <= hi, hi <= 100 else {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "quantileRange",
                                                reason: "must satisfy 0 <= low <= high <= 100, got (\(lo), \(hi))")
        }
        guard unitVariance && withScaling else { return 1 }
        let adjust = NormalQuantile.ppf(hi / 100) - NormalQuantile.ppf(lo / 100)
        guard adjust.isFinite, adjust > 0 else {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "quantileRange",
                                                reason: "with unitVariance the normal range Phi^-1(\(hi)/100) - Phi^-1(\(lo)/100) = \(adjust) must be finite and positive")
        }
        return adjust
    }

    private func finish(center: [Double], quantiles: [[Double]], adjust: Double, schema: FeatureSchema) throws -> Fitted {
        let n = schema.count
        // A range that overflows (quantiles near ±1.8e308) cannot give a finite scale: refuse it
        // rather than map the column to zeros.
        if withScaling, let j = quantiles.indices.first(where: { !(quantiles[$0][1] - quantiles[$0][0]).isFinite }) {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "quantile range of '\(schema.names[j])'",
                                                reason: "q_high - q_low overflows a Double (\(quantiles[j][1]) - \(quantiles[j][0]))")
        }
        var scale = quantiles.map { ScaleHandling.handleZeros($0[1] - $0[0]) }
        if unitVariance && withScaling { scale = scale.map { $0 / adjust } }
        let affine = ColumnAffine(
            offset: withCentering ? center : Array(repeating: 0, count: n),
            factor: withScaling ? scale.map { 1 / $0 } : Array(repeating: 1, count: n),
            shift: Array(repeating: 0, count: n),
            inverseFactor: withScaling ? scale : Array(repeating: 1, count: n))
        return Fitted(configuration: self, inputSchema: schema,
                      center: withCentering ? center : nil, scale: withScaling ? scale : nil,
                      quantiles: quantiles, affine: affine)
    }

    /// A fitted RobustScaler: scikit-learn's `center_` and `scale_`.
    public struct Fitted: AffineScaler, Hashable {
        public let configuration: RobustScaler
        public let inputSchema: FeatureSchema
        /// Per-column median (nil without centring).
        public let center: [Double]?
        /// Per-column divisor (nil without scaling).
        public let scale: [Double]?
        /// Per-column `[q_lo, q_hi]` (the raw percentiles the scale came from).
        public let quantiles: [[Double]]
        /// The fitted map (see `AffineScaler`).
        public let affine: ColumnAffine

        public static let transformName = RobustScaler.name
    }
}

/// The standard normal quantile function `Phi^-1(p)` (scipy's `norm.ppf`): Acklam's rational
/// approximation (relative error 1.15e-9) refined by two Halley steps on `erfc`, which brings it
/// within a few ulps of scipy's `ndtri` (the accuracy of `erfc` bounds it); antisymmetric
/// (`ppf(1 - p) = -ppf(p)` exactly). `-inf` at 0, `+inf` at 1, NaN outside [0, 1].
enum NormalQuantile {
    static func ppf(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if p > 0.5 { return -ppf(1 - p) }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log1p(-p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // Two Halley steps on Phi(x) - p, with Phi(x) = erfc(-x / sqrt 2) / 2.
        for _ in 0..<2 {
            let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
            let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
            x = x - u / (1 + x * u / 2)
        }
        return x
    }
}

/// Count, mean, sum of squared deviations (M2), minimum, maximum and NaN count of one column: a
/// mergeable summary (a monoid under `merged(with:)`, with `ColumnMoments()` as its identity).
///
/// **Scaled storage, so extreme values never overflow.** The mean and M2 are stored for the values
/// divided by `scale`, a power of two near the largest magnitude seen, so every scaled value lies in
/// (-2, 2) and their squares cannot overflow: a column spanning ±1e300 has a finite mean and
/// standard deviation (its variance, 1e600, is honestly infinite). Dividing by a power of two is
/// exact, and so is rescaling when a larger value arrives; only values below the scale by more than
/// 2^1074 round to zero, which changes nothing the result can represent.
///
/// **Within a block, two passes; across blocks, Chan et al.** A block (a few thousand rows, cache
/// resident) is summarised by the textbook two-pass formulas (mean, then squared deviations from
/// it), which is more accurate than a one-pass Welford update at the same memory cost, since the
/// second pass reads from cache. Blocks are combined by the pairwise update of Chan, Golub and
/// LeVeque (1979): `n = na + nb`, `d = mean_b - mean_a`, `mean = mean_a + d nb / n`,
/// `M2 = M2_a + M2_b + d^2 na nb / n`.
///
/// scikit-learn equivalent: the `mean_`, `var_`, `n_samples_seen_` of `StandardScaler` (population
/// variance, NaN ignored), `data_min_`/`data_max_` of `MinMaxScaler`, `max_abs_` of `MaxAbsScaler`.
public struct ColumnMoments: Sendable, Hashable, Codable {
    /// Number of non-NaN values.
    public private(set) var count: Int
    /// Number of NaN values (skipped by every other statistic).
    public private(set) var nanCount: Int
    /// Smallest non-NaN value (+infinity when `count == 0`).
    public private(set) var minimum: Double
    /// Largest non-NaN value (-infinity when `count == 0`).
    public private(set) var maximum: Double
    /// The power of two the mean and M2 are stored relative to (1 when all values are 0).
    public private(set) var scale: Double
    /// `mean / scale`.
    public private(set) var scaledMean: Double
    /// `M2 / scale^2`, where M2 is the sum of squared deviations from the mean.
    public private(set) var scaledM2: Double

    /// The empty summary (identity of `merged(with:)`).
    public init() {
        self.init(count: 0, nanCount: 0, minimum: .infinity, maximum: -.infinity, scale: 1, scaledMean: 0, scaledM2: 0)
    }

    /// A summary from its parts, as computed by a block reduction or decoded from a model file.
    public init(count: Int, nanCount: Int, minimum: Double, maximum: Double, scale: Double,
                scaledMean: Double, scaledM2: Double) {
        self.count = count
        self.nanCount = nanCount
        self.minimum = minimum
        self.maximum = maximum
        self.scale = scale
        self.scaledMean = scaledMean
        self.scaledM2 = scaledM2
    }

    /// Number of rows seen, NaN or not.
    public var rows: Int { count + nanCount }

    /// The mean of the non-NaN values (NaN when there are none).
    public var mean: Double { count > 0 ? scaledMean * scale : .nan }

    /// `M2`: the sum of squared deviations from the mean (may overflow to infinity for values near
    /// the largest finite doubles; `standardDeviation` does not).
    public var sumOfSquaredDeviations: Double { count > 0 ? scaledM2 * scale * scale : .nan }

    /// The variance `M2 / (count - ddof)`; ddof 0 (default) is the population variance that
    /// scikit-learn's `StandardScaler.var_` reports. NaN when `count <= ddof`.
    public func variance(ddof: Int = 0) -> Double {
        guard count > ddof else { return .nan }
        return (scaledM2 / Double(count - ddof)) * scale * scale
    }

    /// `sqrt(variance(ddof:))`, computed in scaled form so that it is finite for any finite input.
    public func standardDeviation(ddof: Int = 0) -> Double {
        guard count > ddof else { return .nan }
        return (scaledM2 / Double(count - ddof)).squareRoot() * scale
    }

    /// The largest magnitude of a non-NaN value (0 when there are none).
    public var maxAbs: Double { count > 0 ? Swift.max(abs(minimum), abs(maximum)) : 0 }

    /// The summary of the union of both inputs' values (Chan et al.). Commutative up to rounding;
    /// for bit-identical results merge in a fixed order.
    public func merged(with other: ColumnMoments) -> ColumnMoments {
        if other.count == 0 {
            var result = self
            result.nanCount += other.nanCount
            return result
        }
        if count == 0 {
            var result = other
            result.nanCount += nanCount
            return result
        }
        let common = Swift.max(scale, other.scale)
        let (fa, fb) = (scale / common, other.scale / common)  // powers of two: exact
        let (ma, mb) = (scaledMean * fa, other.scaledMean * fb)
        let (m2a, m2b) = (scaledM2 * fa * fa, other.scaledM2 * fb * fb)
        let (na, nb) = (Double(count), Double(other.count))
        let n = na + nb
        let delta = mb - ma
        return ColumnMoments(
            count: count + other.count, nanCount: nanCount + other.nanCount,
            minimum: Swift.min(minimum, other.minimum), maximum: Swift.max(maximum, other.maximum),
            scale: common, scaledMean: ma + delta * (nb / n),
            scaledM2: m2a + m2b + delta * delta * (na * (nb / n))
        ).exactWhenConstant()
    }

    /// A column whose minimum equals its maximum is constant: its mean is that value and its M2 is
    /// exactly 0 (rounding in the sums would otherwise leave a tiny positive variance, and a scaler
    /// would divide by noise instead of treating the column as constant, as scikit-learn does).
    func exactWhenConstant() -> ColumnMoments {
        guard count > 0, minimum == maximum else { return self }
        var result = self
        result.scaledMean = minimum / scale
        result.scaledM2 = 0
        return result
    }

    /// The power of two used as the scale for values of largest magnitude `maxAbs`:
    /// `2^exponent(maxAbs)`, so that every value divided by it lies in (-2, 2). 1 for 0. The exponent
    /// is at least -1022 (the smallest normal), so the reciprocal `2^1022` stays finite for
    /// subnormal columns.
    public static func scale(forMaxAbs maxAbs: Double) -> Double {
        guard maxAbs > 0, maxAbs.isFinite else { return 1 }
        return Double(sign: .plus, exponent: Swift.max(maxAbs.exponent, Double.leastNormalMagnitude.exponent), significand: 1)
    }
}

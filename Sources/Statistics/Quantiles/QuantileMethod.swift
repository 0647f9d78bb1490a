/// How a quantile between two order statistics is chosen: the Hyndman & Fan (1996) definitions as
/// NumPy implements them (`numpy.quantile(method=)`), so results match NumPy bit for bit on the
/// same values.
///
/// With `a` the `n` non-NaN values sorted ascending (0-based) and `q` in [0, 1]:
/// - `linear` (H&F 7, NumPy's default, `nanpercentile`, RobustScaler): virtual index
///   `v = (n - 1) q`, `i = floor(v)`, `g = v - i`, result `lerp(a[i], a[i + 1], g)`.
/// - `invertedCDF` (H&F 1): `v = n q - 1`; `a[floor(v)]` when `v` is an integer, else `a[floor(v) + 1]`
///   (clipped into `0..<n`).
/// - `averagedInvertedCDF` (H&F 2, KBinsDiscretizer's default quantile method in scikit-learn 1.9):
///   `v = n q - 1`; the mean of `a[v]` and `a[v + 1]` when `v` is an integer, else `a[floor(v) + 1]`.
///
/// `lerp(a, b, t)` is NumPy's: `a + (b - a) t` for `t < 0.5`, `b - (b - a)(1 - t)` otherwise (exact at
/// both ends); indices past the ends take the first or last value.
public enum QuantileMethod: String, Sendable, Hashable, Codable, CaseIterable {
    case linear
    case invertedCDF
    case averagedInvertedCDF
}

/// Where one quantile falls among the sorted values: two order statistics and a weight.
struct QuantilePlan: Sendable, Hashable {
    /// 0-based order statistics to read (`lower <= upper`).
    var lower: Int
    var upper: Int
    /// Interpolation weight in NumPy's `_lerp` (0 -> lower, 1 -> upper).
    var gamma: Double

    /// NumPy's index arithmetic for `n >= 1` values (see `QuantileMethod`).
    static func make(n: Int, q: Double, method: QuantileMethod) -> QuantilePlan {
        let count = Double(n)
        switch method {
        case .linear:
            let v = (count - 1) * q
            if v >= count - 1 { return QuantilePlan(lower: n - 1, upper: n - 1, gamma: 0) }
            if v < 0 { return QuantilePlan(lower: 0, upper: 0, gamma: 0) }
            let i = v.rounded(.down)
            return QuantilePlan(lower: Int(i), upper: Int(i) + 1, gamma: v - i)
        case .invertedCDF:
            let v = count * q - 1
            let i = v.rounded(.down)
            var index = v - i == 0 ? Int(i) : Int(i) + 1
            index = Swift.min(Swift.max(index, 0), n - 1)
            return QuantilePlan(lower: index, upper: index, gamma: 0)
        case .averagedInvertedCDF:
            let v = count * q - 1
            if v >= count - 1 { return QuantilePlan(lower: n - 1, upper: n - 1, gamma: 0) }
            if v < 0 { return QuantilePlan(lower: 0, upper: 0, gamma: 0) }
            let i = v.rounded(.down)
            // gamma == 0 (v an integer) -> average of a[i] and a[i+1]; otherwise a[i+1].
            return QuantilePlan(lower: Int(i), upper: Int(i) + 1, gamma: v - i == 0 ? 0.5 : 1)
        }
    }

    /// NumPy's `_lerp(a, b, t)`. When `b - a` overflows (values near ±1.8e308, where NumPy returns
    /// infinity or NaN), the weighted sum `a (1 - t) + b t` is used instead, which stays finite.
    static func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double {
        if a == b { return a }
        let d = b - a
        if !d.isFinite { return a * (1 - t) + b * t }
        return t >= 0.5 ? b - d * (1 - t) : a + d * t
    }
}

/// The change of variables under which Newton-Cholesky solves a problem with columns of extreme
/// magnitude or a large offset, and the maps between the two parameterisations.
///
/// Why: Newton forms the weighted Gram matrix `X^T diag(h) X` (with the column of ones for the
/// intercept), whose entries are the squares of the columns' values.
/// - A column of values near 1e200 makes them overflow (1e400): no Newton step exists, and the fit
///   used to stop at its start, the zero model, with `converged == false`. A column near 1e-200
///   makes them underflow to zero (a singular Hessian whose direction the eigen fallback drops).
///   Its gradient cannot meet `tol` either: for a 1e200 column its rounding alone is 1e200 eps.
/// - A column whose offset dwarfs its spread (values 1e9 + 1..9) is nearly collinear with the
///   intercept's column of ones: the Hessian's condition grows as `(mean / spread)^2` (1e17 there),
///   the Cholesky estimate falls below eps, the eigen fallback drops directions, and the fit
///   stopped near zero with `converged == false`.
/// (L-BFGS standardises its columns for the same reasons: `ColumnPreconditioner`.)
///
/// So column `j` becomes `x'_ij = (x_ij - mu_j) / c_j`:
/// - `c_j` is the power of two of the column's largest `|x_ij|` when that lies outside
///   `[2^-64, 2^64]` (exact division); a tiny column is scaled up only until its values or its
///   penalty `alpha / c_j^2` reach about 1 (a penalty that dominates the column pins its coefficient
///   near zero already, and a larger one would dwarf the Hessian's other eigenvalues);
/// - `mu_j` is the column's weighted mean when there is an intercept and `|mu_j| > 2^13` times the
///   column's weighted spread (the Hessian then loses more than half its digits to the offset),
///   unless the spread is below `2^-40 |mu_j|` (a column constant up to rounding, which centring
///   would turn into rounding noise; it stays collinear with the intercept, as it is).
/// The coefficients map as `w'_j = c_j w_j`, `b' = b + sum_j mu_j w_j`: every decision value is
/// unchanged (up to the rounding of the shift), and the penalty `alpha w_j^2` is
/// `(alpha / c_j^2) w'_j^2`. Newton is invariant under such an affine change of variables in exact
/// arithmetic (same iterates, same optimum); its `tol` test applies to the new parameters' gradient.
/// Columns inside all limits are left alone; when every column is, there is no map at all (no copy
/// of X, the fit's bits unchanged).
struct NewtonColumnScaling: Sendable {
    /// `mu_j` per feature (0 for the columns not centred).
    let shift: [Double]
    /// `c_j` per feature (1 for the columns not rescaled).
    let factor: [Double]

    /// Columns whose largest magnitude is outside `[1 / limit, limit]` are rescaled.
    static let limit = 0x1p64
    /// Columns whose `|mean|` exceeds this many weighted standard deviations are centred.
    static let offsetLimit = 0x1p13
    /// ... unless their spread is below this fraction of `|mean|`.
    static let constantLimit = 0x1p-40

    /// The map for `x` (row-major, finite) with row weights `weights` (total `weightSum > 0`), or
    /// nil when every column is within the limits.
    /// - Complexity: one read of `x`.
    static func make(x: [Double], rows: Int, columns: Int, weights: [Double], weightSum: Double,
                     fitIntercept: Bool, alpha: Double) -> NewtonColumnScaling? {
        let moments = columnMoments(x: x, rows: rows, columns: columns, weights: weights, weightSum: weightSum)
        let penaltyScale = alpha > 0 ? power(alpha.squareRoot()) : 0
        var changed = false
        let factor = moments.largest.map { m -> Double in
            guard m > 0 else { return 1 }  // an all-zero column: nothing to scale
            var c = 1.0
            if m > limit { c = power(m) }
            if m < 1 / limit {
                c = Swift.max(power(m), penaltyScale)
                if c >= 1 / limit { c = 1 }
            }
            if c != 1 { changed = true }
            return c
        }
        var shift = [Double](repeating: 0, count: columns)
        if fitIntercept {
            for j in 0..<columns {
                let mean = moments.mean[j], spread = moments.spread[j]
                if abs(mean) > offsetLimit * spread && spread > constantLimit * abs(mean) && mean.isFinite {
                    shift[j] = mean
                    changed = true
                }
            }
        }
        return changed ? NewtonColumnScaling(shift: shift, factor: factor) : nil
    }

    /// Per column, in one read of `x`: the largest `|x_ij|`, and the weighted mean and standard
    /// deviation from sums of `(w_i / S) (x_ij - x_0j)` and its square, `x_0` the first row (the
    /// shift keeps the subtraction mean^2 - ... free of cancellation unless row 0 is an outlier;
    /// these values only decide whether to centre, so an approximate spread is enough). A spread
    /// whose squares overflow is infinite: such a column is not centred.
    private static func columnMoments(x: [Double], rows: Int, columns: Int, weights: [Double], weightSum: Double)
        -> (largest: [Double], mean: [Double], spread: [Double]) {
        var largest = [Double](repeating: 0, count: columns)
        var first = [Double](repeating: 0, count: columns), second = first
        let origin = rows > 0 ? Array(x[0..<columns]) : first
        for i in 0..<rows {
            let base = i * columns
            let share = weights[i] / weightSum
            for j in 0..<columns {
                let value = x[base + j]
                largest[j] = Swift.max(largest[j], abs(value))
                let v = value - origin[j]
                first[j] += share * v
                second[j] += share * v * v
            }
        }
        let mean = (0..<columns).map { origin[$0] + first[$0] }
        let spread = (0..<columns).map { (Swift.max(0, second[$0] - first[$0] * first[$0])).squareRoot() }
        return (largest, mean, spread)
    }

    /// The power of two of `v`'s leading digit (`v > 0`, finite).
    private static func power(_ v: Double) -> Double { Double(sign: .plus, exponent: v.exponent, significand: 1) }

    /// `x'`: column `j` shifted by `mu_j` and divided by `c_j`.
    func scaled(_ x: [Double], columns: Int) -> [Double] {
        var out = x
        for i in 0..<(out.count / Swift.max(columns, 1)) {
            let base = i * columns
            for j in 0..<columns where factor[j] != 1 || shift[j] != 0 { out[base + j] = (out[base + j] - shift[j]) / factor[j] }
        }
        return out
    }

    /// The L2 strength per new coefficient, `alpha / c_j^2` (at most about 4 for a tiny column by
    /// the choice of `c_j`, or `alpha` itself; it may underflow to 0 for a huge column).
    func penaltyStrengths(alpha: Double) -> [Double] { factor.map { alpha / $0 / $0 } }

    /// Original parameters to new ones (`w'_kj = c_j w_kj`, `b'_k = b_k + sum_j mu_j w_kj`), in the
    /// objective's layout of rows of `stride` values (the intercept last when `stride` exceeds the
    /// feature count).
    func rescaled(_ theta: [Double], stride: Int) -> [Double] {
        let d = factor.count
        var out = theta
        for start in Swift.stride(from: 0, to: theta.count, by: stride) {
            var moved = 0.0
            for j in 0..<d {
                out[start + j] = theta[start + j] * factor[j]
                moved += shift[j] * theta[start + j]
            }
            if stride > d { out[start + d] = theta[start + d] + moved }
        }
        return out
    }

    /// New parameters back to the original ones (`w_kj = w'_kj / c_j`, `b_k = b'_k - sum_j mu_j w_kj`).
    func original(_ theta: [Double], stride: Int) -> [Double] {
        let d = factor.count
        var out = theta
        for start in Swift.stride(from: 0, to: theta.count, by: stride) {
            var moved = 0.0
            for j in 0..<d {
                out[start + j] = theta[start + j] / factor[j]
                moved += shift[j] * out[start + j]
            }
            if stride > d { out[start + d] = theta[start + d] - moved }
        }
        return out
    }

    /// The gradient in the original parameters (chain rule: `g_w_j = c_j g'_j + mu_j g'_b`,
    /// `g_b = g'_b`), with a value beyond `Double.greatestFiniteMagnitude` reported as that value
    /// (it is at least that large).
    func originalGradient(_ g: [Double], stride: Int) -> [Double] {
        let d = factor.count
        var out = g
        for start in Swift.stride(from: 0, to: g.count, by: stride) {
            let gb = stride > d ? g[start + d] : 0
            for j in 0..<d {
                let v = g[start + j] * factor[j] + shift[j] * gb
                out[start + j] = v.isFinite ? v : (v < 0 ? -Double.greatestFiniteMagnitude : .greatestFiniteMagnitude)
            }
        }
        return out
    }
}

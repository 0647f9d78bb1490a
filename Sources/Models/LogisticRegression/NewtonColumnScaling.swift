/// Power-of-two column scales under which Newton-Cholesky solves a problem with columns of extreme
/// magnitude, and the maps between the two parameterisations.
///
/// Why: Newton forms the weighted Gram matrix `X^T diag(h) X`, whose entries are the squares of the
/// columns' values. A column of values near 1e200 makes them overflow (1e400): no Newton step
/// exists, and the fit used to stop at its start, the zero model, with `converged == false`; a
/// column near 1e-200 makes them underflow to zero (a singular Hessian whose direction the eigen
/// fallback drops). Its gradient cannot meet `tol` either: for a 1e200 column its rounding alone is
/// about 1e200 eps. (L-BFGS standardises the columns for the same reason: `ColumnPreconditioner`.)
///
/// So a column whose largest `|x_ij|` lies outside `[2^-64, 2^64]` is divided by `c_j`, the power of
/// two of that largest value: `x'_ij = x_ij / c_j` is exact (barring underflow of entries far below
/// the column's largest), the coefficient becomes `w'_j = c_j w_j`, every decision value
/// `x'_ij w'_j = x_ij w_j` is unchanged, and the penalty `alpha w_j^2` is `(alpha / c_j^2) w'_j^2`.
/// Newton is invariant under such a change of variables in exact arithmetic (same iterates, same
/// optimum); its `tol` test then applies to the rescaled coefficients' gradient.
/// A tiny column is scaled up only until its values or its penalty `alpha / c_j^2` reach about 1.
struct NewtonColumnScaling: Sendable {
    /// `c_j` per feature (1 for the columns left alone).
    let factor: [Double]

    /// Columns whose largest magnitude is outside `[1 / limit, limit]` are rescaled.
    static let limit = 0x1p64

    /// The scales for `x` (row-major, finite), or nil when every column is within the limits (the
    /// usual case: no copy, the fit's bits unchanged).
    /// - Complexity: one read of `x`.
    static func make(x: [Double], rows: Int, columns: Int, alpha: Double) -> NewtonColumnScaling? {
        var largest = [Double](repeating: 0, count: columns)
        for i in 0..<rows {
            let base = i * columns
            for j in 0..<columns { largest[j] = Swift.max(largest[j], abs(x[base + j])) }
        }
        // A tiny column is scaled up until its values or its penalty reach about 1 (`alpha / c^2 <= 4`),
        // no further: a penalty that dominates the column pins its coefficient near zero already,
        // and a larger `alpha / c^2` would dwarf the Hessian's other eigenvalues.
        let penaltyScale = alpha > 0 ? power(alpha.squareRoot()) : 0
        var rescaled = false
        let factor = largest.map { m -> Double in
            guard m > 0 else { return 1 }  // an all-zero column: nothing to scale
            var c = 1.0
            if m > limit { c = power(m) }
            if m < 1 / limit {
                c = Swift.max(power(m), penaltyScale)
                if c >= 1 / limit { c = 1 }
            }
            if c != 1 { rescaled = true }
            return c
        }
        return rescaled ? NewtonColumnScaling(factor: factor) : nil
    }

    /// The power of two of `v`'s leading digit (`v > 0`, finite).
    private static func power(_ v: Double) -> Double { Double(sign: .plus, exponent: v.exponent, significand: 1) }

    /// `x'`: column `j` divided by `c_j`.
    func scaled(_ x: [Double], columns: Int) -> [Double] {
        var out = x
        for i in 0..<(out.count / Swift.max(columns, 1)) {
            let base = i * columns
            for j in 0..<columns where factor[j] != 1 { out[base + j] /= factor[j] }
        }
        return out
    }

    /// The L2 strength per rescaled coefficient, `alpha / c_j^2` (at most `4` for a tiny column by
    /// the choice of `c_j`, or `alpha` itself; it may underflow to 0 for a huge column).
    func penaltyStrengths(alpha: Double) -> [Double] { factor.map { alpha / $0 / $0 } }

    /// Original parameters to rescaled ones (`w'_kj = c_j w_kj`; intercepts unchanged), in the
    /// objective's layout of `outputs` rows of `stride` values.
    func rescaled(_ theta: [Double], stride: Int) -> [Double] {
        var out = theta
        for t in out.indices where t % stride < factor.count { out[t] *= factor[t % stride] }
        return out
    }

    /// Rescaled parameters back to the original ones (`w_kj = w'_kj / c_j`).
    func original(_ theta: [Double], stride: Int) -> [Double] {
        var out = theta
        for t in out.indices where t % stride < factor.count { out[t] /= factor[t % stride] }
        return out
    }

    /// The gradient in the original parameters, `c_j g'_j` (chain rule), with a value beyond
    /// `Double.greatestFiniteMagnitude` reported as that value (it is at least that large).
    func originalGradient(_ g: [Double], stride: Int) -> [Double] {
        var out = g
        for t in out.indices where t % stride < factor.count {
            let v = out[t] * factor[t % stride]
            out[t] = v.isFinite ? v : (v < 0 ? -Double.greatestFiniteMagnitude : .greatestFiniteMagnitude)
        }
        return out
    }
}

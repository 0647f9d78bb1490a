/// An affine change of the logistic parameters that standardises the columns for the optimiser:
/// per output row `k`, the optimiser works on `u_k = (v_k, c_k)` with
///
///     w_kj = v_kj / sigma_j,     b_k = c_k - sum_j mu_j w_kj
///
/// (without an intercept `mu = 0`), i.e. it sees the data as `(x_j - mu_j) / sigma_j`, without a
/// copy of the data: the objective is always evaluated at the original-scale `theta = T(u)`, so the
/// penalty `(alpha / 2) ||W||^2` applies to the original coefficients exactly as in scikit-learn,
/// and the reported coefficients are the very `theta` whose objective and gradient are reported.
///
/// Why: on columns whose scales differ by 1e6 (the canonical synthetic data) the Hessian's
/// condition number gains ~1e12 from the units alone and L-BFGS crawls; in the standardised
/// coordinates it converges in a few dozen iterations. The gradient maps as `g_u = T^T g_theta`
/// (`g_v = (g_w - mu g_b) / sigma`, `g_c = g_b`) and back as `g_w = sigma g_v + mu g_c`.
struct ColumnPreconditioner: Sendable {
    let mean: [Double]
    let scale: [Double]
    let outputs: Int
    let fitIntercept: Bool

    var features: Int { scale.count }
    var stride: Int { features + (fitIntercept ? 1 : 0) }

    /// theta = T(u).
    func theta(_ u: [Double]) -> [Double] {
        let (d, s) = (features, stride)
        var theta = u
        for k in 0..<outputs {
            var shift = 0.0
            for j in 0..<d {
                let w = u[k * s + j] / scale[j]
                theta[k * s + j] = w
                shift += mean[j] * w
            }
            if fitIntercept { theta[k * s + d] = u[k * s + d] - shift }
        }
        return theta
    }

    /// u = T^-1(theta) (a starting point; need not round-trip exactly).
    func u(_ theta: [Double]) -> [Double] {
        let (d, s) = (features, stride)
        var u = theta
        for k in 0..<outputs {
            var shift = 0.0
            for j in 0..<d {
                u[k * s + j] = theta[k * s + j] * scale[j]
                shift += mean[j] * theta[k * s + j]
            }
            if fitIntercept { u[k * s + d] = theta[k * s + d] + shift }
        }
        return u
    }

    /// g_u = T^T g_theta.
    func gradientU(_ g: [Double]) -> [Double] {
        let (d, s) = (features, stride)
        var gu = g
        for k in 0..<outputs {
            let gb = fitIntercept ? g[k * s + d] : 0
            for j in 0..<d { gu[k * s + j] = (g[k * s + j] - mean[j] * gb) / scale[j] }
        }
        return gu
    }

    /// g_theta from g_u (for the stopping test on the original-scale gradient).
    func gradientTheta(_ gu: [Double]) -> [Double] {
        let (d, s) = (features, stride)
        var g = gu
        for k in 0..<outputs {
            let gb = fitIntercept ? gu[k * s + d] : 0
            for j in 0..<d { g[k * s + j] = scale[j] * gu[k * s + j] + mean[j] * gb }
        }
        return g
    }
}

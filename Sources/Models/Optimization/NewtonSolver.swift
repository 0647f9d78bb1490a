import LinearAlgebra

/// Newton's method with the Hessian solved by Cholesky, and a backtracking (Armijo) line search,
/// as scikit-learn's `NewtonCholeskySolver` (its
/// Armijo constant 2^-11 and its acceptance rule for steps whose objective change is within rounding).
///
/// Each iteration solves `H s = -g` by Cholesky of the Jacobi-scaled `D H D` (`D = diag(H)^(-1/2)`,
/// so the columns' units do not count against the condition estimate). When that factorisation
/// fails or its reciprocal condition estimate is below `p * eps` (singular Hessian: collinear columns without a penalty,
/// or the multinomial's shift invariance), the step is the minimum-norm solution (in the
/// Jacobi-scaled variables) through a symmetric eigendecomposition with eigenvalues below `p * eps * lambda_max` dropped; since the
/// gradient has no component along the dropped directions (up to rounding), this is the Newton
/// step restricted to the identifiable subspace, and no NaN arises from singularity. The
/// multinomial's known shift invariance is factored out first (`gauge`), so its steps come from the
/// Jacobi-scaled Cholesky too unless the data add a singularity of their own.
///
/// Stops, as scikit-learn, when `max |g| <= tol` and half the squared Newton decrement
/// `s^T H s / 2 <= tol`; when the line search cannot decrease the objective (21 halvings, as
/// scikit-learn); or after `maxIter` iterations.
struct NewtonCholesky {
    var tol: Double
    var maxIter: Int
    /// Use the eigendecomposition directly (a Hessian known to be singular, with no `gauge`).
    var alwaysPseudoInverse: Bool
    /// Exact null directions of the objective known in advance, each the sum of the unit vectors
    /// at its indices (the multinomial's shift invariance: adding one value to an unpenalised
    /// parameter of every class changes nothing). The solve factors `H + sum_j mu_j n_j n_j^T`
    /// (`mu_j` the mean of H's diagonal on `n_j`'s indices), which is non-singular when these are
    /// its only null directions and gives the same step off them (the gradient has no component
    /// along a null direction, up to rounding), by the Jacobi-scaled Cholesky. Why: the eigen solve
    /// drops eigenvalues below `p eps lambda_max`, and with a strong penalty (alpha = 1e100) the
    /// coefficients' eigenvalues (~alpha) put the intercepts' (~0.2) below it: the multinomial fit
    /// never moved its intercepts (zeros, `converged == false`); Jacobi-scaling the eigen solve
    /// instead let the intercepts' rounding leak into the coefficients (normwise accuracy only).
    var gauge: [[Int]] = []
    /// The objective can hand back its Hessian as a closure (`Evaluation.deferredHessian`) that does
    /// the Hessian's own read of the data only when called: then every line-search trial asks for
    /// it, and only the accepted point's is computed. Otherwise only the first trial (t = 1) asks
    /// (its Hessian comes in the same pass) and a point accepted after backtracking is evaluated
    /// again with its Hessian.
    var defersHessian = false

    struct Evaluation {
        var objective: Double
        var gradient: [Double]
        var hessian: [Double]?
        var deferredHessian: (() throws -> [Double])? = nil
    }

    func minimize(_ theta0: [Double], _ evaluate: ([Double], Bool) throws -> Evaluation) throws -> OptimizationResult {
        var x = theta0
        var current = try evaluate(x, true)
        var evaluations = 1
        var iterations = 0
        let n = x.count
        func result(_ reason: StopReason) -> OptimizationResult {
            OptimizationResult(theta: x, objective: current.objective, gradient: current.gradient,
                               iterations: iterations, evaluations: evaluations, stopReason: reason)
        }
        if !current.objective.isFinite { return result(.lineSearchFailed) }
        while true {
            let g = current.gradient
            let hessian: [Double]
            if let h = current.hessian {
                hessian = h
            } else if let make = current.deferredHessian {
                hessian = try make()
            } else {
                current = try evaluate(x, true); evaluations += 1
                hessian = try current.hessian ?? current.deferredHessian?() ?? []  // invariant: evaluate(_, true) returns a Hessian
            }
            // Overflowed curvature or gradient (|x| near 1e300): no Newton step exists; the caller
            // reports the non-finite gradient.
            guard g.allSatisfy({ $0.isFinite }), hessian.allSatisfy({ $0.isFinite }) else { return result(.lineSearchFailed) }
            let step = try solve(hessian: hessian, gradient: g, n: n)
            // Newton decrement: s^T H s.
            var decrement = 0.0
            for i in 0..<n {
                var row = 0.0
                for j in 0..<n { row += hessian[i * n + j] * step[j] }
                decrement += step[i] * row
            }
            if maxAbs(g) <= tol && 0.5 * decrement <= tol { return result(.gradientTolerance) }
            if iterations >= maxIter { return result(.maxIterations) }
            let slope = dotProduct(g, step)
            guard slope < 0, step.allSatisfy({ $0.isFinite }) else { return result(.lineSearchFailed) }
            var t = 1.0
            var accepted: (theta: [Double], value: Evaluation)?
            for _ in 0..<21 {
                var trial = x
                for j in 0..<n { trial[j] += t * step[j] }
                // The first trial (t = 1) is usually accepted: compute its Hessian in the same pass
                // (or, deferred, whichever trial is accepted).
                let value = try evaluate(trial, t == 1 || defersHessian)
                evaluations += 1
                // Armijo with scikit-learn's sigma = 2^-11; or, when the change is within rounding
                // (16 eps |f|), a smaller sum |gradient| (scikit-learn's rule near the optimum).
                if value.objective.isFinite {
                    let improvement = value.objective - current.objective
                    if improvement <= t * 0.00048828125 * slope { accepted = (trial, value); break }
                    if abs(improvement) <= 16 * Double.ulpOfOne * abs(current.objective),
                       value.gradient.reduce(0, { $0 + abs($1) }) < g.reduce(0, { $0 + abs($1) }) {
                        accepted = (trial, value); break
                    }
                }
                t *= 0.5
            }
            guard let accepted else { return result(.lineSearchFailed) }
            iterations += 1
            x = accepted.theta
            current = accepted.value
        }
    }

    /// Solves `H s = -g` (Cholesky, or the minimum-norm eigen solution when H is singular).
    func solve(hessian: [Double], gradient: [Double], n: Int) throws -> [Double] {
        let eps = Double.ulpOfOne
        if !gauge.isEmpty, let step = gaugeFixedStep(hessian: hessian, gradient: gradient, n: n) { return step }
        if !alwaysPseudoInverse {
            // Jacobi scaling (jacobiScaledCholeskyStep): the columns' units do not count against the
            // condition estimate; with columns scaled from 1e-3 to 1e3 the unscaled H has condition
            // ~1e12 from scaling alone and would be wrongly sent to the truncated eigen solve, which
            // drops the small-scale directions and stalls the fit.
            if let s = jacobiScaledCholeskyStep(hessian: hessian, gradient: gradient, n: n) { return s }
        }
        // The eigen solve of the Jacobi-scaled D H D too (s = D y): unscaled, a column of values
        // near 1e9 that is constant (collinear with the intercept) gave lambda_max ~1e18 and a
        // cutoff p eps lambda_max ~1e3 that dropped every other direction: the step was zero and
        // the fit stopped at its start (all-zero coefficients, converged == false). Scaled, only the
        // truly degenerate direction is dropped.
        let (scale, scaled) = jacobiScaled(hessian, n: n)
        let eigen = try LAPACK.symmetricEigen(try Matrix(rows: n, columns: n, elements: scaled), computeVectors: true)
        guard let v = eigen.eigenvectors else { return [Double](repeating: 0, count: n) }
        let values = eigen.eigenvalues
        let largest = values.map { abs($0) }.max() ?? 0
        let cutoff = Double(n) * eps * largest
        let ve = v.elements
        var step = [Double](repeating: 0, count: n)
        for k in 0..<n where values[k] > cutoff {
            var c = 0.0
            for i in 0..<n { c += ve[i * n + k] * gradient[i] * scale[i] }
            c = -c / values[k]
            for i in 0..<n { step[i] += c * ve[i * n + k] }
        }
        for i in 0..<n { step[i] *= scale[i] }
        return step
    }

    /// `D = diag(H)^(-1/2)` (1 where a diagonal entry is not positive and finite) and `D H D`, whose
    /// diagonal is 1: the scaling both step solves work in.
    func jacobiScaled(_ hessian: [Double], n: Int) -> (scale: [Double], scaled: [Double]) {
        var scale = [Double](repeating: 1, count: n)
        for i in 0..<n {
            let v = hessian[i * n + i]
            if v > 0 && v.isFinite { scale[i] = 1 / v.squareRoot() }
        }
        var scaled = hessian
        for i in 0..<n { for j in 0..<n { scaled[i * n + j] *= scale[i] * scale[j] } }
        return (scale, scaled)
    }

    /// Factor D H D with D = diag(H)^(-1/2) and solve (D H D) y = -D g, s = D y: the Newton step,
    /// or nil when the factorization fails or its reciprocal condition is below `n eps`.
    func jacobiScaledCholeskyStep(hessian: [Double], gradient: [Double], n: Int) -> [Double]? {
        let (scale, scaled) = jacobiScaled(hessian, n: n)
        guard let hs = try? Matrix(rows: n, columns: n, elements: scaled),
              let factor = try? LAPACK.cholesky(hs), factor.reciprocalCondition > Double(n) * Double.ulpOfOne,
              let y = try? factor.solve((0..<n).map { -gradient[$0] * scale[$0] }) else { return nil }
        let s = (0..<n).map { y[$0] * scale[$0] }
        return s.allSatisfy({ $0.isFinite }) ? s : nil
    }

    /// The step through `H + sum_j mu_j n_j n_j^T` (see `gauge`), or nil when that is not
    /// numerically positive definite either (collinear columns without a penalty): the caller
    /// then takes the eigen solve.
    func gaugeFixedStep(hessian: [Double], gradient: [Double], n: Int) -> [Double]? {
        var fixed = hessian
        for indices in gauge {
            var mu = 0.0
            for a in indices { mu += hessian[a * n + a] }
            mu /= Double(Swift.max(indices.count, 1))
            guard mu > 0, mu.isFinite else { return nil }
            for a in indices { for b in indices { fixed[a * n + b] += mu } }
        }
        return jacobiScaledCholeskyStep(hessian: fixed, gradient: gradient, n: n)
    }
}

import LinearAlgebra

/// Newton's method with the Hessian solved by Cholesky, and a backtracking (Armijo) line search,
/// as scikit-learn's `NewtonCholeskySolver` (its
/// Armijo constant 2^-11 and its acceptance rule for steps whose objective change is within rounding).
///
/// Each iteration solves `H s = -g` by Cholesky of the Jacobi-scaled `D H D` (`D = diag(H)^(-1/2)`,
/// so the columns' units do not count against the condition estimate). When that factorisation
/// fails or its reciprocal condition estimate is below `p * eps` (singular Hessian: collinear columns without a penalty,
/// or the multinomial's shift invariance), the step is the minimum-norm solution through a
/// symmetric eigendecomposition with eigenvalues below `p * eps * lambda_max` dropped; since the
/// gradient has no component along the dropped directions (up to rounding), this is the Newton
/// step restricted to the identifiable subspace, and no NaN arises from singularity.
///
/// Stops, as scikit-learn, when `max |g| <= tol` and half the squared Newton decrement
/// `s^T H s / 2 <= tol`; when the line search cannot decrease the objective (21 halvings, as
/// scikit-learn); or after `maxIter` iterations.
struct NewtonCholesky {
    var tol: Double
    var maxIter: Int
    /// Use the eigendecomposition directly (the multinomial Hessian is always singular).
    var alwaysPseudoInverse: Bool

    struct Evaluation {
        var objective: Double
        var gradient: [Double]
        var hessian: [Double]?
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
            if let h = current.hessian { hessian = h } else {
                current = try evaluate(x, true); evaluations += 1
                hessian = current.hessian ?? []  // invariant: evaluate(_, true) returns a Hessian
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
                // The first trial (t = 1) is usually accepted: compute its Hessian in the same pass.
                let value = try evaluate(trial, t == 1)
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
        let h = try Matrix(rows: n, columns: n, elements: hessian)
        let eps = Double.ulpOfOne
        if !alwaysPseudoInverse {
            // Jacobi scaling: factor D H D with D = diag(H)^(-1/2) and solve (D H D) y = -D g, s = D y.
            // Same step in exact arithmetic, but the condition estimate (and the factor's accuracy)
            // no longer suffers from the columns' units: with columns scaled from 1e-3 to 1e3 the
            // unscaled H has condition ~1e12 from scaling alone and would be wrongly sent to the
            // truncated eigen solve, which drops the small-scale directions and stalls the fit.
            var scale = [Double](repeating: 1, count: n)
            for i in 0..<n {
                let v = hessian[i * n + i]
                if v > 0 && v.isFinite { scale[i] = 1 / v.squareRoot() }
            }
            var scaled = hessian
            for i in 0..<n { for j in 0..<n { scaled[i * n + j] *= scale[i] * scale[j] } }
            if let hs = try? Matrix(rows: n, columns: n, elements: scaled),
               let factor = try? LAPACK.cholesky(hs), factor.reciprocalCondition > Double(n) * eps,
               let y = try? factor.solve((0..<n).map { -gradient[$0] * scale[$0] }) {
                let s = (0..<n).map { y[$0] * scale[$0] }
                if s.allSatisfy({ $0.isFinite }) { return s }
            }
        }
        let eigen = try LAPACK.symmetricEigen(h, computeVectors: true)
        guard let v = eigen.eigenvectors else { return [Double](repeating: 0, count: n) }
        let values = eigen.eigenvalues
        let largest = values.map { abs($0) }.max() ?? 0
        let cutoff = Double(n) * eps * largest
        let ve = v.elements
        var step = [Double](repeating: 0, count: n)
        for k in 0..<n where values[k] > cutoff {
            var c = 0.0
            for i in 0..<n { c += ve[i * n + k] * gradient[i] }
            c = -c / values[k]
            for i in 0..<n { step[i] += c * ve[i * n + k] }
        }
        return step
    }
}

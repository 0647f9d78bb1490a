/// Why an iterative solver stopped.
public enum StopReason: String, Sendable, Hashable, Codable {
    /// `max |gradient| <= tol` (and, for Newton, half the squared Newton decrement `<= tol`).
    case gradientTolerance
    /// The relative objective decrease of an iteration fell to `64 eps` (scipy's `ftol` that
    /// scikit-learn passes to L-BFGS-B); scikit-learn reports this as converged too.
    case objectiveStalled
    /// No step along the search direction decreased the objective (the objective is flat to
    /// rounding there); the gradient norm tells how close to optimal the point is.
    case lineSearchFailed
    /// `maxIter` iterations ran without meeting the tolerance.
    case maxIterations
}

/// The outcome of a minimisation.
struct OptimizationResult: Sendable {
    var theta: [Double]
    var objective: Double
    var gradient: [Double]
    var iterations: Int
    var evaluations: Int
    var stopReason: StopReason
}

@inline(__always) func maxAbs(_ v: [Double]) -> Double {
    var m = 0.0
    for x in v { let a = abs(x); if a > m || a.isNaN { m = a } }
    return m
}

@inline(__always) func dotProduct(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}

/// Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4 and 7.5) with a line search satisfying
/// the strong Wolfe conditions (`c1 = 1e-4`, `c2 = 0.9`; Algorithms 3.5 and 3.6, cubic
/// interpolation with bisection safeguard, at most 50 evaluations as scikit-learn's `maxls`).
///
/// Stops when `max |g| <= tol` (scipy's `pgtol`, which scikit-learn sets to `tol`), when an
/// iteration's relative decrease `(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= 64 eps` (scipy's
/// `ftol` as scikit-learn sets it), when the line search fails twice in a row (once more after
/// dropping the curvature memory), or after `maxIter` iterations.
struct LBFGS {
    var memory: Int
    var tol: Double
    var maxIter: Int
    /// The quantity compared with `tol`, from the gradient the optimiser sees (default `max |g|`;
    /// under a change of variables, the max |gradient| in the original parameters).
    var measure: ([Double]) -> Double = maxAbs
    /// A positive diagonal inverse Hessian for the very first iteration (direction `-D g`, trial
    /// step 1) instead of a unit-length steepest-descent step; nil: L-BFGS-B's first step.
    var initialInverseHessian: [Double]?

    func minimize(_ theta0: [Double], _ evaluate: ([Double]) throws -> (Double, [Double])) throws -> OptimizationResult {
        var x = theta0
        var (f, g) = try evaluate(x)
        var evaluations = 1
        var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
        var iterations = 0
        let n = x.count
        func result(_ reason: StopReason) -> OptimizationResult {
            OptimizationResult(theta: x, objective: f, gradient: g, iterations: iterations, evaluations: evaluations, stopReason: reason)
        }
        if !f.isFinite { return result(.lineSearchFailed) }
        while true {
            if measure(g) <= tol { return result(.gradientTolerance) }
            if iterations >= maxIter { return result(.maxIterations) }
            // Two-loop recursion: d = -H g.
            var q = g
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for i in stride(from: sHistory.count - 1, through: 0, by: -1) {
                let a = rhoHistory[i] * dotProduct(sHistory[i], q)
                alphas[i] = a
                for j in 0..<n { q[j] -= a * yHistory[i][j] }
            }
            var initialStep = 1.0
            if let s = sHistory.last, let y = yHistory.last {
                let gamma = dotProduct(s, y) / dotProduct(y, y)
                for j in 0..<n { q[j] *= gamma }
            } else if iterations == 0, let diagonal = initialInverseHessian, diagonal.count == n {
                for j in 0..<n { q[j] *= diagonal[j] }
            } else {
                // First step (or after a reset): a unit-length steepest-descent step, as L-BFGS-B.
                let norm = dotProduct(g, g).squareRoot()
                initialStep = norm > 0 ? Swift.min(1, 1 / norm) : 1
            }
            for i in 0..<sHistory.count {
                let b = rhoHistory[i] * dotProduct(yHistory[i], q)
                for j in 0..<n { q[j] += sHistory[i][j] * (alphas[i] - b) }
            }
            var direction = q.map { -$0 }
            var slope = dotProduct(g, direction)
            if !(slope < 0) {  // not a descent direction (rounding): restart from steepest descent
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                direction = g.map { -$0 }
                slope = dotProduct(g, direction)
                let norm = (-slope).squareRoot()
                initialStep = norm > 0 ? Swift.min(1, 1 / norm) : 1
            }
            var search = try strongWolfe(x: x, f: f, slope: slope, direction: direction, step: initialStep, evaluate: evaluate)
            evaluations += search.evaluations
            if search.point == nil && !sHistory.isEmpty {
                // Drop the memory and try steepest descent once before giving up.
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                direction = g.map { -$0 }
                slope = dotProduct(g, direction)
                let norm = (-slope).squareRoot()
                search = try strongWolfe(x: x, f: f, slope: slope, direction: direction,
                                         step: norm > 0 ? Swift.min(1, 1 / norm) : 1, evaluate: evaluate)
                evaluations += search.evaluations
            }
            guard let (xNew, fNew, gNew) = search.point else { return result(.lineSearchFailed) }
            iterations += 1
            var s = [Double](repeating: 0, count: n), y = [Double](repeating: 0, count: n)
            for j in 0..<n { s[j] = xNew[j] - x[j]; y[j] = gNew[j] - g[j] }
            let sy = dotProduct(s, y)
            let reduction = (f - fNew) / Swift.max(abs(f), abs(fNew), 1)
            x = xNew; f = fNew; g = gNew
            if sy > 2.2e-16 * dotProduct(y, y) {
                sHistory.append(s); yHistory.append(y); rhoHistory.append(1 / sy)
                if sHistory.count > memory { sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst() }
            }
            if measure(g) <= tol { return result(.gradientTolerance) }
            if reduction <= 64 * Double.ulpOfOne { return result(.objectiveStalled) }
        }
    }

    struct Search {
        var point: ([Double], Double, [Double])?
        var evaluations: Int
    }

    /// A step length satisfying the strong Wolfe conditions, or `nil` after 50 evaluations.
    /// Non-finite objective values count as "too far" (the step is shortened).
    func strongWolfe(x: [Double], f: Double, slope: Double, direction: [Double], step: Double,
                     evaluate: ([Double]) throws -> (Double, [Double])) throws -> Search {
        let c1 = 1e-4, c2 = 0.9, maxEvaluations = 50
        var evaluations = 0
        func at(_ t: Double) throws -> ([Double], Double, [Double], Double) {
            var point = x
            for j in point.indices { point[j] += t * direction[j] }
            let (fv, gv) = try evaluate(point)
            return (point, fv, gv, dotProduct(gv, direction))
        }
        var tPrev = 0.0, fPrev = f, dPrev = slope
        var t = step
        var best: ([Double], Double, [Double])?
        while evaluations < maxEvaluations {
            let (point, ft, gt, dt) = try at(t)
            evaluations += 1
            if !ft.isFinite {
                t = tPrev + 0.1 * (t - tPrev)
                continue
            }
            if ft > f + c1 * t * slope || (evaluations > 1 && ft >= fPrev) {
                return try zoom(lo: (tPrev, fPrev, dPrev), hi: (t, ft, dt), f: f, slope: slope, at: at,
                                evaluations: &evaluations, best: best, c1: c1, c2: c2, maxEvaluations: maxEvaluations)
            }
            if abs(dt) <= -c2 * slope { return Search(point: (point, ft, gt), evaluations: evaluations) }
            best = (point, ft, gt)
            if dt >= 0 {
                return try zoom(lo: (t, ft, dt), hi: (tPrev, fPrev, dPrev), f: f, slope: slope, at: at,
                                evaluations: &evaluations, best: best, c1: c1, c2: c2, maxEvaluations: maxEvaluations)
            }
            tPrev = t; fPrev = ft; dPrev = dt
            t *= 2
        }
        return Search(point: best, evaluations: evaluations)
    }

    private func zoom(lo loIn: (Double, Double, Double), hi hiIn: (Double, Double, Double), f: Double, slope: Double,
                      at: (Double) throws -> ([Double], Double, [Double], Double), evaluations: inout Int,
                      best bestIn: ([Double], Double, [Double])?, c1: Double, c2: Double, maxEvaluations: Int) throws -> Search {
        var lo = loIn, hi = hiIn
        var best = bestIn
        while evaluations < maxEvaluations {
            let t = Self.cubicMinimizer(lo, hi)
            if abs(hi.0 - lo.0) < 1e-16 * Swift.max(abs(lo.0), 1e-300) { break }
            let (point, ft, gt, dt) = try at(t)
            evaluations += 1
            if !ft.isFinite || ft > f + c1 * t * slope || ft >= lo.1 {
                hi = (t, ft.isFinite ? ft : .greatestFiniteMagnitude, dt.isFinite ? dt : 0)
            } else {
                if abs(dt) <= -c2 * slope { return Search(point: (point, ft, gt), evaluations: evaluations) }
                // Sufficient decrease holds: remember the point as a fallback.
                if ft < best?.1 ?? .infinity { best = (point, ft, gt) }
                if dt * (hi.0 - lo.0) >= 0 { hi = lo }
                lo = (t, ft, dt)
            }
        }
        // A point with sufficient decrease but without the curvature condition is still progress.
        if let best, best.1 < f { return Search(point: best, evaluations: evaluations) }
        return Search(point: nil, evaluations: evaluations)
    }

    /// Minimiser of the cubic through two points with slopes, kept inside the middle 80 % of the
    /// interval (bisection when the cubic is unusable).
    static func cubicMinimizer(_ a: (Double, Double, Double), _ b: (Double, Double, Double)) -> Double {
        let (t0, f0, d0) = a, (t1, f1, d1) = b
        let lower = Swift.min(t0, t1), upper = Swift.max(t0, t1), width = upper - lower
        let d1c = d0 + d1 - 3 * (f0 - f1) / (t0 - t1)
        let radicand = d1c * d1c - d0 * d1
        var t = 0.5 * (t0 + t1)
        if radicand >= 0, radicand.isFinite {
            let d2 = (t1 > t0 ? 1.0 : -1.0) * radicand.squareRoot()
            let candidate = t1 - (t1 - t0) * (d1 + d2 - d1c) / (d1 - d0 + 2 * d2)
            if candidate.isFinite { t = candidate }
        }
        return Swift.min(Swift.max(t, lower + 0.1 * width), upper - 0.1 * width)
    }
}

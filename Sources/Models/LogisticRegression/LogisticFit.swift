import LinearAlgebra

/// The fit itself, on validated `Double` data.
enum LogisticFit {
    static func run(_ config: LogisticRegression, x: [Double], rows: Int, features: Int, classes: [ClassLabel],
                    target: [Int32], weights: [Double], warmStart: LogisticRegressionModel?, threads: Int) throws -> LogisticRegressionModel {
        let model = LogisticValidation.model
        var weightSum = 0.0
        for w in weights { weightSum += w }
        let alpha = config.alpha(weightSum: weightSum)
        guard alpha.isFinite else {
            throw ModelError.invalidParameter(model: model, parameter: "C", reason: "too small: the strength 1 / (C * \(weightSum)) overflows")
        }
        let objective = LogisticObjective(x: x, rows: rows, features: features, target: target, weights: weights,
                                          classCount: classes.count, fitIntercept: config.fitIntercept, alpha: alpha, threads: threads)
        let (outputs, stride) = (objective.outputs, objective.stride)
        var theta0 = [Double](repeating: 0, count: objective.parameterCount)
        if let warm = warmStart {
            guard warm.classes == classes else {
                let missing = warm.classes.first { !classes.contains($0) } ?? classes.first { !warm.classes.contains($0) }
                throw ModelError.unknownClass(model: model, argument: "warmStart", label: missing?.description ?? "?")
            }
            guard warm.featureCount == features else {
                throw ModelError.columnCountMismatch(model: model, expected: features, got: warm.featureCount)
            }
            for k in 0..<outputs {
                for j in 0..<features { theta0[k * stride + j] = warm.coefficients[k][j] }
                if config.fitIntercept { theta0[k * stride + features] = warm.intercepts[k] }
            }
        }
        var result: OptimizationResult
        do {
            switch config.solver {
            case let .lbfgs(memory):
                // L-BFGS runs on standardised columns (ColumnPreconditioner): same objective, same
                // original-scale tolerance test, far better conditioned on badly scaled data.
                let (mean, scale) = try LogisticKernels.columnLocationScale(x: x, rows: rows, columns: features, weights: weights, threads: threads)
                let map = ColumnPreconditioner(mean: mean, scale: scale, outputs: outputs, fitIntercept: config.fitIntercept)
                var solver = LBFGS(memory: memory, tol: config.tol, maxIter: config.maxIter)
                solver.measure = { maxAbs(map.gradientTheta($0)) }
                // The last few evaluations in the original parameters: the returned point is one of
                // them (usually the last), so reporting its objective and gradient costs no pass.
                var recent: [(theta: [Double], value: LogisticObjective.Value)] = []
                let inner = try solver.minimize(map.u(theta0)) { u in
                    let theta = map.theta(u)
                    let v = try objective.evaluate(theta)
                    recent.append((theta, v))
                    if recent.count > 4 { recent.removeFirst() }
                    return (v.objective, map.gradientU(v.gradient))
                }
                // Report the original-scale point with its own objective and gradient: map.theta is
                // deterministic, so the point the solver returns was evaluated at exactly these
                // parameters (same bits); one more pass only if it is not among the recent ones.
                let theta = map.theta(inner.theta)
                var passes = inner.evaluations
                let v: LogisticObjective.Value
                if let hit = recent.last(where: { $0.theta == theta }) {
                    v = hit.value
                } else {
                    v = try objective.evaluate(theta)
                    passes += 1
                }
                result = OptimizationResult(theta: theta, objective: v.objective, gradient: v.gradient, iterations: inner.iterations,
                                            evaluations: passes, stopReason: inner.stopReason)
            case .newtonCholesky:
                result = try NewtonCholesky(tol: config.tol, maxIter: config.maxIter, alwaysPseudoInverse: outputs > 1)
                    .minimize(theta0) { theta, hessian in
                        let v = try objective.evaluate(theta, hessian: hessian)
                        return NewtonCholesky.Evaluation(objective: v.objective, gradient: v.gradient, hessian: v.hessian)
                    }
            }
        } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: model, underlying: error)
        }
        // The multinomial is invariant to adding one vector to every class row (and one constant to
        // every intercept): report the representative whose rows sum to zero (minimum norm), as
        // L-BFGS from zero keeps it. This can only lower the penalty; re-evaluate for honest numbers.
        if outputs > 1 {
            var theta = result.theta
            for j in 0..<stride {
                var mean = 0.0
                for k in 0..<outputs { mean += theta[k * stride + j] }
                mean /= Double(outputs)
                for k in 0..<outputs { theta[k * stride + j] -= mean }
            }
            if theta != result.theta {
                let v = try objective.evaluate(theta)
                if v.objective <= result.objective || !result.objective.isFinite {
                    result.theta = theta; result.objective = v.objective; result.gradient = v.gradient
                }
            }
        }
        // The solvers accept only finite objective values, so a non-finite value here comes from
        // magnitudes that overflow at the starting point (e.g. |x| ~ 1e300): report, never leak NaN.
        guard result.theta.allSatisfy({ $0.isFinite }), result.objective.isFinite,
              result.gradient.allSatisfy({ $0.isFinite }) else {
            throw ModelError.numericalOverflow(
                model: model, detail: "the objective or its gradient is not finite (objective \(result.objective), max |gradient| \(maxAbs(result.gradient))); rescale X (e.g. StandardScaler)")
        }
        let separation = alpha == 0 ? separationStatus(objective, result: result, config: config) : .notChecked
        var coefficients: [[Double]] = []
        var intercepts: [Double] = []
        for k in 0..<outputs {
            coefficients.append(Array(result.theta[(k * stride)..<(k * stride + features)]))
            intercepts.append(config.fitIntercept ? result.theta[k * stride + features] : 0)
        }
        let gradientNorm = maxAbs(result.gradient)
        let converged = result.stopReason == .gradientTolerance || result.stopReason == .objectiveStalled
        let diagnostics = LogisticDiagnostics(
            solver: config.solver.name, iterations: result.iterations, evaluations: result.evaluations,
            objective: result.objective, gradientMaxAbs: gradientNorm, converged: converged,
            stopReason: result.stopReason, separation: separation, l2Strength: alpha, weightSum: weightSum)
        return LogisticRegressionModel(configuration: config, classes: classes, coefficients: coefficients,
                                       intercepts: intercepts, featureCount: features, diagnostics: diagnostics)
    }

    /// Whether the unpenalised maximum-likelihood estimate fails to exist (see `Separation`).
    static func separationStatus(_ objective: LogisticObjective, result: OptimizationResult, config: LogisticRegression) -> Separation {
        // Overflowing decision values (finite data near 1e300): no certificate can be formed.
        guard let z = try? objective.decisionValues(result.theta) else { return .none }
        let k = objective.outputs
        var complete = true
        var saturated = false
        for i in 0..<objective.rows where objective.weights[i] > 0 {
            let y = Int(objective.target[i])
            let margin: Double
            if k == 1 {
                margin = y == 1 ? z[i] : -z[i]
            } else {
                var other = -Double.infinity
                for c in 0..<k where c != y { other = Swift.max(other, z[i * k + c]) }
                margin = z[i * k + y] - other
            }
            if !(margin > 0) { complete = false }
            if margin > 30 { saturated = true }  // probability of the true class within 1e-13 of 1
        }
        if complete { return .complete }
        // Quasi-complete separation: the infimum lies at infinity along a ray, so doubling the
        // coefficients still lowers the objective. At a true (finite) optimum theta*, f(2 theta*)
        // exceeds f(theta*) by about theta*^T H theta* / 2 > 0. Heuristic evidence only.
        var doubled = result.theta
        for j in doubled.indices { doubled[j] *= 2 }
        if let farther = try? objective.evaluate(doubled).objective, farther.isFinite, farther < result.objective {
            return .suspected
        }
        if saturated && result.stopReason != .gradientTolerance { return .suspected }
        return .none
    }
}

import Foundation
import LinearAlgebra

/// The fit itself, on validated `Double` data.
enum LogisticFit {
    static func run(_ config: LogisticRegression, x: [Double], rows: Int, features: Int, classes: [ClassLabel],
                    target: [Int32], weights callerWeights: [Double], weightSum callerWeightSum: Double, unitWeights: Bool,
                    warmStart: LogisticRegressionModel?, threads: Int) throws -> LogisticRegressionModel {
        // `weightSum`: the weights' sum in row order; `unitWeights`: every weight is known to be 1.
        let model = LogisticValidation.model
        let alpha = config.alpha(weightSum: callerWeightSum)
        guard alpha.isFinite else {
            // 1 / (C S): name what is small, C or the total weight S.
            if case let .l2C(c) = config.penalty, (1 / c).isFinite {
                throw ModelError.invalidParameter(
                    model: model, parameter: "sampleWeight",
                    reason: "the total weight \(callerWeightSum) is so small that the strength 1 / (C * total) overflows (C = \(c)): the penalty would pin every coefficient at 0; scale the weights up or raise C")
            }
            throw ModelError.invalidParameter(model: model, parameter: "C", reason: "too small: the strength 1 / (C * \(callerWeightSum)) overflows")
        }
        let (weights, weightSum) = meanPreservingWeights(callerWeights, total: callerWeightSum)
        // Newton on columns of extreme magnitude (1e200, 1e-200) or offset (1e9 + 1..9) solves the
        // rescaled, centred problem (NewtonColumnScaling): same decision values, a Hessian that
        // neither overflows, underflows nor loses its digits to an offset. From here to the end
        // `objective` and `theta` are in its parameters.
        var scaling: NewtonColumnScaling?
        if case .newtonCholesky = config.solver {
            scaling = NewtonColumnScaling.make(x: x, rows: rows, columns: features, weights: weights, weightSum: weightSum,
                                               fitIntercept: config.fitIntercept, alpha: alpha)
        }
        let objective = LogisticObjective(x: scaling.map { $0.scaled(x, columns: features) } ?? x, rows: rows, features: features,
                                          target: target, weights: weights,
                                          classCount: classes.count, fitIntercept: config.fitIntercept, alpha: alpha, threads: threads,
                                          weightSum: weightSum, unitWeights: unitWeights ? true : nil,
                                          penaltyStrengths: scaling?.penaltyStrengths(alpha: alpha))
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
        if let scaling { theta0 = scaling.rescaled(theta0, stride: stride) }
        var result: OptimizationResult
        do {
            switch config.solver {
            case let .lbfgs(memory):
                // L-BFGS runs on standardised columns (ColumnPreconditioner): same objective, same
                // original-scale tolerance test, far better conditioned on badly scaled data.
                // Binary from the constant model (no warm start): the start point is W = 0 with the
                // intercept at the log-odds of the weighted class totals (the optimum over the
                // intercept alone), where every row has the same decision value, so the objective
                // and gradient there need no separate pass: the gradient's column sums come from the
                // preconditioner's pass, which also checks that X is finite (see LogisticRegression.fit).
                let start = warmStart == nil && outputs == 1
                    ? constantStart(weights: weights, target: target, features: features, fitIntercept: config.fitIntercept,
                                    unitWeights: objective.unitWeights) : nil
                let pass = try LogisticKernels.columnStartPass(x: x, rows: rows, columns: features, weights: weights,
                                                               residuals: nil, threads: threads, weightTotal: weightSum,
                                                               residualsByClass: start.map { .init(target: target, zero: $0.residualZero, one: $0.residualOne) })
                guard pass.finite else {
                    try LogisticValidation.checkFinite(x, columns: features)
                    throw ModelError.numericalOverflow(model: model, detail: "X holds a NaN or an infinity")  // invariant: checkFinite throws first
                }
                let share: Double = 1 / Double(classes.count)
                let curvature: Double = start?.curvature ?? share * (1 - share)
                let columnScale = penaltyAwareScale(pass.scale, alpha: alpha, curvature: curvature)
                let map = ColumnPreconditioner(mean: pass.mean, scale: columnScale, outputs: outputs, fitIntercept: config.fitIntercept)
                var solver = LBFGS(memory: memory, tol: config.tol, maxIter: config.maxIter)
                solver.measure = { maxAbs(map.gradientTheta($0)) }
                var seeded: (theta: [Double], value: LogisticObjective.Value)?
                if let start, let columnSums = pass.gradient {
                    theta0 = start.theta
                    // The first step scaled by the inverse Hessian at the start: every row's
                    // curvature there is c = p0 (1 - p0), so on the standardised columns (weighted
                    // mean 0, weighted variance 1) the normalised objective's Hessian is c I, plus the
                    // penalty alpha / sigma_j^2 on the coefficients (without an intercept the columns
                    // are not centred: c (1 + mu_j^2 / sigma_j^2)). The first step is then Newton's
                    // step from the start point instead of a unit-length steepest-descent step;
                    // L-BFGS is unchanged after it (the line search still checks every step).
                    solver.initialInverseHessian = startInverseHessian(curvature: start.curvature, mean: pass.mean, scale: columnScale,
                                                                       sigma: columnScale == pass.scale ? nil : pass.scale,
                                                                       alpha: alpha, fitIntercept: config.fitIntercept)
                    let inverse = 1 / objective.weightSum
                    var gradient = [Double](repeating: 0, count: objective.parameterCount)
                    for j in 0..<features { gradient[j] = columnSums[j] * inverse }
                    if config.fitIntercept { gradient[features] = start.residualSum * inverse }
                    seeded = (start.theta, LogisticObjective.Value(objective: start.loss * inverse, gradient: gradient, hessian: nil))
                }
                // The last few evaluations in the original parameters: the returned point is one of
                // them (usually the last), so reporting its objective and gradient costs no pass.
                var recent: [(theta: [Double], value: LogisticObjective.Value)] = []
                let inner = try solver.minimize(map.u(theta0)) { u in
                    let theta = map.theta(u)
                    let v: LogisticObjective.Value
                    if let first = seeded, first.theta == theta {  // the start point: from the pass above
                        v = first.value
                        seeded = nil
                    } else {
                        v = try objective.evaluate(theta)
                    }
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
                var newton = NewtonCholesky(tol: config.tol, maxIter: config.maxIter, alwaysPseudoInverse: outputs > 1)
                // A Hessian with a read of X of its own (wide binary, multinomial): computed only at
                // accepted points; a rejected t = 1 trial cost a whole Hessian (canonical 100k x 256:
                // 34 iterations, 105 passes).
                newton.defersHessian = objective.hessianTakesOwnPass
                if outputs > 1 {
                    // The multinomial's shift invariance: each unpenalised parameter (the intercept;
                    // a coefficient whose penalty is 0) plus one value in every class.
                    let strengths = objective.penaltyStrengths ?? [Double](repeating: alpha, count: features)
                    newton.gauge = (0..<stride).filter { $0 == features || !(strengths[$0] > 0) }
                        .map { j in (0..<outputs).map { $0 * stride + j } }
                }
                let defers = newton.defersHessian
                result = try newton.minimize(theta0) { theta, hessian in
                        let v = try objective.evaluate(theta, request: !hessian ? .none : defers ? .deferred : .now)
                        return NewtonCholesky.Evaluation(objective: v.objective, gradient: v.gradient, hessian: v.hessian,
                                                         deferredHessian: v.deferredHessian)
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
        if let scaling {
            result.theta = scaling.original(result.theta, stride: stride)
            result.gradient = scaling.originalGradient(result.gradient, stride: stride)
            // A subnormal column without a penalty can have a maximum-likelihood coefficient
            // beyond Double's range (w = w' / c with c down to 2^-1074).
            if let t = result.theta.firstIndex(where: { !$0.isFinite }) {
                let what = t % stride < features ? "the coefficient of X column \(t % stride)" : "the intercept"
                throw ModelError.numericalOverflow(model: model, detail: "\(what) exceeds Double's range; rescale X")
            }
        }
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
            stopReason: result.stopReason, separation: separation, l2Strength: alpha, weightSum: callerWeightSum)
        return LogisticRegressionModel(configuration: config, classes: classes, coefficients: coefficients,
                                       intercepts: intercepts, featureCount: features, diagnostics: diagnostics)
    }

    /// The preconditioner's column scales with the penalty counted where it dominates: a column
    /// whose curvature in the standardised coordinates (`c`, the per-row curvature at the start)
    /// is below its penalty `alpha / sigma_j^2` gets `sqrt(sigma_j^2 + alpha / c)`, so that its
    /// coefficient's curvature is about `c` like the intercept's. Why: with `alpha = 1e20` (C = 1e-21)
    /// the coefficients' curvature was 1e20 times the intercepts', L-BFGS (a scalar initial Hessian
    /// after the first step) could not take a step, and a multinomial fit returned all-zero
    /// intercepts with `converged == false`. Other columns keep `sigma_j` (same bits as before).
    static func penaltyAwareScale(_ sigma: [Double], alpha: Double, curvature c: Double) -> [Double] {
        guard alpha > 0, c > 0 else { return sigma }
        return sigma.map { s in
            let penalty = alpha / c
            guard penalty > s * s, penalty.isFinite else { return s }
            // sqrt(s^2 + alpha / c) without overflow: the larger term dominates.
            let large = penalty.squareRoot()
            let ratio = s / large
            let scaled = large * (1 + ratio * ratio).squareRoot()
            return scaled.isFinite ? scaled : s
        }
    }

    /// Weights whose total `S` is so small that `1 / S` overflows (all near 5e-324) multiplied by a
    /// power of two (exact: it scales them up) to a largest weight in [1, 2), and their new total;
    /// other weights as they are. The objective's loss is the weighted *mean* (`1 / S` times the sum),
    /// which a common factor leaves unchanged, while `1 / S` itself made it infinite and the fit
    /// failed as a numerical overflow ("objective inf, max |gradient| nan"). The penalty's strength
    /// is computed from the caller's total before this.
    static func meanPreservingWeights(_ weights: [Double], total: Double) -> (weights: [Double], total: Double) {
        guard !(1 / total).isFinite, let largest = weights.max(), largest > 0 else { return (weights, total) }
        // w * 2^k through the exponent (2^k itself overflows for k = 1074).
        let scaled = weights.map { Double(sign: .plus, exponent: -largest.exponent, significand: $0) }
        var sum = 0.0
        for w in scaled { sum += w }
        return (scaled, sum)
    }

    /// The binary L-BFGS start: `W = 0`, intercept `b0 = log(W1 / W0)` (0 without an intercept or
    /// when a class has zero total weight), where every row's decision value is `b0`: the residuals
    /// `r_i = s_i (p0 - y_i)` (p0 = sigmoid(b0), `1 - p0` without cancellation, as the fused pass;
    /// given as the two values `p0 - y` the start pass multiplies by `s_i`, not as a per-row array),
    /// their sum, the unnormalised loss `W1 softplus(-b0) + W0 softplus(b0)` and the curvature
    /// `p0 (1 - p0)`. The penalty is 0 there.
    struct ConstantStart {
        var theta: [Double]
        /// `p0 - y` for `y = 0` and `y = 1`.
        var residualZero: Double
        var residualOne: Double
        var residualSum: Double
        var loss: Double
        var curvature: Double
    }

    static func constantStart(weights: [Double], target: [Int32], features d: Int, fitIntercept: Bool, unitWeights: Bool = false) -> ConstantStart {
        var positive = 0.0, negative = 0.0
        if unitWeights && weights.count <= 1 << 53 {
            // Sums of ones in row order: the counts, exactly.
            var count = 0
            for t in target { count &+= Int(t) }  // binary: every target is 0 or 1
            positive = Double(count)
            negative = Double(weights.count - count)
        } else {
            // Without a data-dependent branch (labels in random order mispredict it): binary targets
            // are 0 or 1, w * 1 = w and w * 0 = +0 for finite w >= 0, and adding +0 leaves a sum of
            // non-negative weights (started at +0) unchanged, so the same sums as adding w to one of them.
            for i in weights.indices {
                let w = weights[i], t = Double(target[i])
                positive += w * t
                negative += w * (1 - t)
            }
        }
        var theta = [Double](repeating: 0, count: d + (fitIntercept ? 1 : 0))
        var b0 = 0.0
        if fitIntercept, positive > 0, negative > 0 {
            let b = Foundation.log(positive / negative)
            if b.isFinite { b0 = b; theta[d] = b }
        }
        let t = Foundation.exp(-abs(b0))
        let big = 1 / (1 + t), small = t * big
        let (p, q) = b0 >= 0 ? (big, small) : (small, big)
        func softplus(_ u: Double) -> Double { Swift.max(u, 0) + Foundation.log1p(Foundation.exp(-abs(u))) }
        let loss = positive * softplus(-b0) + negative * softplus(b0)
        return ConstantStart(theta: theta, residualZero: p, residualOne: -q, residualSum: negative * p - positive * q, loss: loss,
                             curvature: small * big)
    }

    /// The diagonal inverse Hessian at the constant start in `ColumnPreconditioner`'s standardised
    /// parameters (see the call site); entries that would not be finite and positive are 1.
    /// `sigma`: the columns' deviations, when `scale` (the preconditioner's) differs from them
    /// (`penaltyAwareScale`): a standardised column's variance is then `sigma^2 / scale^2`.
    static func startInverseHessian(curvature: Double, mean: [Double], scale: [Double], sigma: [Double]? = nil, alpha: Double,
                                    fitIntercept: Bool) -> [Double] {
        let d = scale.count
        let c = Swift.max(curvature, 1e-12)
        var diagonal = [Double](repeating: 1 / c, count: d + (fitIntercept ? 1 : 0))
        for j in 0..<d {
            let sigma2 = scale[j] * scale[j]
            var spread = fitIntercept ? 1 : 1 + mean[j] * mean[j] / sigma2
            if let sigma, sigma[j] != scale[j] {
                let variance = sigma[j] * sigma[j]
                spread = (fitIntercept ? variance : variance + mean[j] * mean[j]) / sigma2
            }
            let h = c * spread + alpha / sigma2
            diagonal[j] = h.isFinite && h > 0 ? 1 / h : 1
        }
        return diagonal
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

import LinearAlgebra
import Testing
@testable import Models

/// Newton's Hessian deferred to the accepted line-search point. For designs whose Hessian takes a
/// read of X of its own (binary wider than the fused pass's in-pass Hessian, every multinomial), a
/// rejected first trial (t = 1) used to cost a whole Hessian, and a point accepted after
/// backtracking was evaluated again to get one (the canonical nearly separable 100k x 256 fit:
/// 34 iterations, 105 passes, slower than scikit-learn's newton-cholesky). Deferred, the iterates
/// are the same bits and the passes fewer.
@Suite struct NewtonDeferredHessianTests {
    /// Nearly separable labels (a steep logistic of a linear score), so that early Newton steps
    /// overshoot and the line search backtracks.
    static func problem(rows: Int, features: Int, classes: Int, seed: UInt64) throws -> LogisticObjective {
        var generator = SeededGenerator(seed: seed)
        let x = try Matrix<Double>.uniform(rows: rows, columns: features, in: -1...1, using: &generator)
        let e = x.elements
        var target = [Int32](repeating: 0, count: rows)
        for i in 0..<rows {
            var score = 0.0
            for j in 0..<features { score += e[i * features + j] * Double((j % 7) - 3) }
            let noise = Double.random(in: -0.5...0.5, using: &generator)
            let scaled = 6 * score / Double(features).squareRoot() + noise
            let level = Int(((scaled + 3) / 6 * Double(classes)).rounded(.down))
            target[i] = Int32(Swift.min(classes - 1, Swift.max(0, level)))
        }
        return LogisticObjective(x: e, rows: rows, features: features, target: target, weights: [Double](repeating: 1, count: rows),
                                 classCount: classes, fitIntercept: true, alpha: 1e-4, threads: 2)
    }

    static func minimize(_ objective: LogisticObjective, defers: Bool) throws -> OptimizationResult {
        var newton = NewtonCholesky(tol: 1e-10, maxIter: 100, alwaysPseudoInverse: objective.outputs > 1)
        newton.defersHessian = defers
        if objective.outputs > 1 {
            newton.gauge = [(0..<objective.outputs).map { $0 * objective.stride + objective.features }]
        }
        // A start far from the optimum (saturated probabilities): the first Newton steps overshoot
        // and the line search backtracks, as on the canonical nearly separable data.
        let start = (0..<objective.parameterCount).map { $0 % 2 == 0 ? 2.0 : -2.0 }
        return try newton.minimize(start) { theta, hessian in
            let v = try objective.evaluate(theta, request: !hessian ? .none : defers ? .deferred : .now)
            return NewtonCholesky.Evaluation(objective: v.objective, gradient: v.gradient, hessian: v.hessian,
                                             deferredHessian: v.deferredHessian)
        }
    }

    @Test("same iterates, fewer passes", arguments: [2, 3])
    func deferredMatchesEager(classes: Int) throws {
        let features = classes == 2 ? 80 : 12  // binary: wider than the in-pass Hessian
        let objective = try Self.problem(rows: 3000, features: features, classes: classes, seed: 41)
        #expect(objective.hessianTakesOwnPass)
        let eager = try Self.minimize(objective, defers: false)
        let deferred = try Self.minimize(objective, defers: true)
        #expect(eager.stopReason == .gradientTolerance && deferred.stopReason == .gradientTolerance)
        #expect(deferred.theta == eager.theta, "the iterates differ")
        #expect(deferred.objective.bitPattern == eager.objective.bitPattern)
        #expect(deferred.iterations == eager.iterations)
        // The data make the line search backtrack: the eager solver re-evaluated those points.
        #expect(deferred.evaluations < eager.evaluations, "\(deferred.evaluations) vs \(eager.evaluations) passes")
    }

    @Test("a deferred Hessian equals the eager one")
    func deferredHessianValues() throws {
        let objective = try Self.problem(rows: 500, features: 70, classes: 2, seed: 5)
        let theta = (0..<objective.parameterCount).map { Double($0 % 5) * 0.01 }
        let eager = try objective.evaluate(theta, request: .now)
        let deferred = try objective.evaluate(theta, request: .deferred)
        let eagerDeferred = eager.deferredHessian != nil, deferredNow = deferred.hessian != nil
        #expect(!eagerDeferred && !deferredNow)
        guard let make = deferred.deferredHessian else { Issue.record("no deferred Hessian"); return }
        let made = try make()
        #expect(made == eager.hessian)
        #expect(deferred.objective.bitPattern == eager.objective.bitPattern && deferred.gradient == eager.gradient)
    }
}

import Foundation
import LinearAlgebra
import Testing
@testable import Models

@Suite("Ridge")
struct RidgeTests {
    @Test("all solvers agree on well-conditioned data", arguments: [0.0, 1e-3, 1.0, 1e4])
    func solversAgree(alpha: Double) throws {
        let (x, y) = try syntheticProblem(rows: 400, columns: 6, seed: 31)
        let fits = try [Ridge.Solver.auto, .cholesky, .qr, .svd].map { try Ridge(alpha: alpha, solver: $0).fit(x: x, y: y) }
        for fit in fits.dropFirst() {
            // Each solver is accurate to about cond * eps (cholesky: cond^2 * eps) with cond ~ 10 here.
            #expect(relativeError(fit.coefficients + [fit.intercept], fits[0].coefficients + [fits[0].intercept]) <= 1e-12, "\(fit.solver)")
        }
        #expect(fits[0].solver == .cholesky)
        if alpha == 0 {
            let ols = try LinearRegression().fit(x: x, y: y)
            #expect(relativeError(fits[2].coefficients, ols.coefficients) <= 1e-12)
        }
    }

    @Test("the normal equations of the ridge objective hold (weighted, intercept not penalised)")
    func optimality() throws {
        let (x, y) = try syntheticProblem(rows: 120, columns: 4, seed: 2)
        let w = (0..<120).map { Double(($0 * 7) % 5) }
        let alpha = 3.5
        for solver in [Ridge.Solver.cholesky, .qr, .svd] {
            let fit = try Ridge(alpha: alpha, solver: solver).fit(x: x, y: y, sampleWeight: w)
            let r = zip(try fit.predict(x), y).map { $1 - $0 }
            // d/db0: sum w r = 0;  d/db_j: sum w x_j r - alpha b_j = 0.
            let g0 = zip(w, r).map { $0 * $1 }.reduce(0, +)
            #expect(abs(g0) <= 1e-9 * y.map(abs).reduce(0, +))
            for j in 0..<4 {
                var g = -alpha * fit.coefficients[j]
                for i in 0..<120 { g += w[i] * x[i, j] * r[i] }
                #expect(abs(g) <= 1e-8 * (alpha * abs(fit.coefficients[j]) + 1), "\(solver) column \(j): \(g)")
            }
        }
    }

    @Test("wide data (n < d) and exactly collinear data with alpha = 0 never give NaN")
    func wideAndCollinear() throws {
        let (x, y) = try syntheticProblem(rows: 10, columns: 30, seed: 13)
        let auto = try Ridge(alpha: 1).fit(x: x, y: y)
        let svd = try Ridge(alpha: 1, solver: .svd).fit(x: x, y: y)
        let chol = try Ridge(alpha: 1, solver: .cholesky).fit(x: x, y: y)
        #expect(auto.solver == .cholesky)  // the dual n x n system (Ridge+Dual.swift)
        #expect(relativeError(auto.coefficients, svd.coefficients) <= 1e-12)
        #expect(relativeError(chol.coefficients, svd.coefficients) <= 1e-10)
        let collinear = try Matrix<Double>((0..<10).map { [Double($0), 2 * Double($0), 1] })
        let fit = try Ridge(alpha: 0, solver: .cholesky).fit(x: collinear, y: (0..<10).map(Double.init))
        #expect(fit.fellBackToSVD && fit.solver == .svd)
        #expect(fit.coefficients.allSatisfy { $0.isFinite })
        // Minimum norm: b1 + 2 b2 = 1 with the smallest norm is (0.2, 0.4).
        #expect(relativeError(fit.coefficients, [0.2, 0.4, 0]) <= 1e-12)
    }

    @Test("wide data: the dual n x n Cholesky agrees with the augmented QR and satisfies the ridge optimality conditions",
          arguments: [true, false])
    func dualWide(fitIntercept: Bool) throws {
        let (x, y) = try syntheticProblem(rows: 40, columns: 150, seed: 71)
        // Weights with zeros: zero-weight rows must not count.
        let w = (0..<40).map { Double(($0 * 5) % 4) }
        for weights in [nil, w] {
            for alpha in [1e-2, 1.0, 1e3] {
                let dual = try Ridge(alpha: alpha, fitIntercept: fitIntercept, solver: .cholesky).fit(x: x, y: y, sampleWeight: weights)
                let qr = try Ridge(alpha: alpha, fitIntercept: fitIntercept, solver: .qr).fit(x: x, y: y, sampleWeight: weights)
                #expect(dual.solver == .cholesky && !dual.fellBackToSVD)
                // .auto: the dual by Cholesky within the condition limit, else the dual by QR.
                let auto = try Ridge(alpha: alpha, fitIntercept: fitIntercept).fit(x: x, y: y, sampleWeight: weights)
                #expect(auto.solver == (dual.reciprocalCondition >= 1 / Ridge.choleskyConditionLimit ? .cholesky : .qr))
                #expect(relativeError(auto.coefficients + [auto.intercept], qr.coefficients + [qr.intercept]) <= 1e-9)
                let data = try TrainingData(model: "Ridge", x: x, y: y, sampleWeight: weights, checkX: true)
                let qrDual = try #require(try Ridge(alpha: alpha, fitIntercept: fitIntercept).fitDual(data, scaledAlpha: alpha / data.weightScale, threads: 1, forceQR: true))
                // The QR form (accuracy ~ eps sqrt(cond)) against the primal augmented QR.
                #expect(relativeError(qrDual.coefficients + [qrDual.intercept], qr.coefficients + [qr.intercept]) <= 1e-11, "alpha \(alpha)")
                // Both accurate to about cond * eps of the regularised system (cond <= ~1e6 here).
                #expect(relativeError(dual.coefficients + [dual.intercept], qr.coefficients + [qr.intercept]) <= 1e-9, "alpha \(alpha)")
                #expect(abs(try #require(dual.rSquared) - (try #require(qr.rSquared))) <= 1e-9)
                // d/db_j: sum w x_j r - alpha b_j = 0 (and sum w r = 0 with an intercept), to the
                // solver's stated accuracy: about cond_1(A A^T + alpha I) * eps (the uncentred
                // columns without an intercept, means up to 149, make that ~1e8 for small alpha).
                let tolerance = Swift.max(1e-9, 100 * Double.ulpOfOne / dual.reciprocalCondition)
                let r = zip(try dual.predict(x), y).map { $1 - $0 }
                let ww = weights ?? [Double](repeating: 1, count: 40)
                if fitIntercept {
                    #expect(abs(zip(ww, r).map { $0 * $1 }.reduce(0, +)) <= 1e-8 * y.map(abs).reduce(0, +))
                }
                // The scale of the terms: |r_i| is bounded by |y_i| + |b0| + sum_k |x_ik b_k| before cancellation.
                let size = (0..<40).map { i in abs(y[i]) + abs(dual.intercept) + (0..<150).map { abs(x[i, $0] * dual.coefficients[$0]) }.reduce(0, +) }
                for j in stride(from: 0, to: 150, by: 7) {
                    var g = -alpha * dual.coefficients[j], scale = alpha * abs(dual.coefficients[j])
                    for i in 0..<40 { g += ww[i] * x[i, j] * r[i]; scale += abs(ww[i] * x[i, j]) * size[i] }
                    #expect(abs(g) <= tolerance * (scale + 1), "column \(j), cond \(1 / dual.reciprocalCondition)")
                }
            }
        }
        // alpha = 0 on wide data is not the dual's (the kernel matrix is singular): minimum norm by SVD.
        let zero = try Ridge(alpha: 0).fit(x: x, y: y)
        #expect(zero.solver != .cholesky && zero.coefficients.allSatisfy { $0.isFinite })
        // NaN in wide X is named, as on every path.
        var broken = x
        broken[3, 120] = .nan
        #expect { try Ridge(alpha: 1).fit(x: broken, y: y) } throws: { error in
            if case ModelError.nonFiniteValue(_, "X", 3, 120, _) = error { return true }
            return false
        }
    }

    @Test("Float agrees with Double; Codable round trip; deterministic across threads")
    func floatCodableThreads() throws {
        let (x, y) = try syntheticProblem(rows: 200, columns: 5, seed: 17)
        let xf = try Matrix<Float>(x.rowArrays.map { $0.map(Float.init) })
        let fromFloat = try Ridge(alpha: 2).fit(x: xf, y: y.map(Float.init))
        let fromDouble = try Ridge(alpha: 2).fit(x: x, y: y)
        #expect(relativeError(fromFloat.coefficients, fromDouble.coefficients) <= 1e-5)
        let data = try JSONEncoder().encode(fromDouble)
        #expect(try JSONDecoder().decode(RidgeFit.self, from: data) == fromDouble)
        #expect(try Ridge(alpha: 2).fit(x: x, y: y, threads: 2) == fromDouble)
    }
}

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
        #expect(auto.solver == .qr)
        #expect(relativeError(auto.coefficients, svd.coefficients) <= 1e-12)
        #expect(relativeError(chol.coefficients, svd.coefficients) <= 1e-10)
        let collinear = try Matrix<Double>((0..<10).map { [Double($0), 2 * Double($0), 1] })
        let fit = try Ridge(alpha: 0, solver: .cholesky).fit(x: collinear, y: (0..<10).map(Double.init))
        #expect(fit.fellBackToSVD && fit.solver == .svd)
        #expect(fit.coefficients.allSatisfy { $0.isFinite })
        // Minimum norm: b1 + 2 b2 = 1 with the smallest norm is (0.2, 0.4).
        #expect(relativeError(fit.coefficients, [0.2, 0.4, 0]) <= 1e-12)
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

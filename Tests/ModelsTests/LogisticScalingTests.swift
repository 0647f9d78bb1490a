import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Badly scaled columns (units from 1e-3 to 1e3, offsets up to 50) with an overlapping target: the
/// case L-BFGS's internal standardisation and Newton's Jacobi-scaled Cholesky are for.
@Suite("LogisticRegression on badly scaled columns")
struct LogisticScalingTests {
    static func scaledProblem(classes: Int) throws -> (Matrix<Double>, [Int]) {
        let (x, y) = try syntheticClassification(rows: 600, columns: 5, classes: classes, seed: 41)
        let scales = [1e-3, 1e3, 1.0, 1e2, 1e-2]
        let offsets = [0.0, 50, -3, 0, 7]
        var scaled = x
        for i in 0..<x.rows {
            for j in 0..<x.columns { scaled[i, j] = x[i, j] * scales[j] + offsets[j] }
        }
        return (scaled, y)
    }

    @Test("L-BFGS and Newton reach the same optimum (relative gap <= 1e-10) at tight tolerance", arguments: [2, 3])
    func sameOptimum(classes: Int) throws {
        let (x, y) = try Self.scaledProblem(classes: classes)
        let newton = try LogisticRegression(C: 1, solver: .newtonCholesky, tol: 1e-12, maxIter: 200).fit(x, y)
        let lbfgs = try LogisticRegression(C: 1, solver: .lbfgs(memory: 10), tol: 1e-10, maxIter: 2000).fit(x, y)
        let f = newton.diagnostics.objective
        // 1e-10: the benchmark's "same objective" criterion; both are finite-precision optima of a
        // strictly convex objective (C = 1), and the tolerances above make both gaps ~1e-14 or less.
        #expect(abs(lbfgs.diagnostics.objective - f) <= 1e-10 * abs(f),
                "lbfgs \(lbfgs.diagnostics.objective) vs newton \(f), \(lbfgs.diagnostics.iterations) iterations, stop \(lbfgs.diagnostics.stopReason)")
        #expect(newton.diagnostics.converged)
        // The reported objective is the objective at the reported (original-scale) coefficients:
        // recomputed here from its definition, with the penalty on the original coefficients.
        if classes == 2 {
            var loss = 0.0
            for i in 0..<x.rows {
                var z = lbfgs.intercepts[0]
                for j in 0..<x.columns { z += x[i, j] * lbfgs.coefficients[0][j] }
                loss += z > 0 ? z + log1p(exp(-z)) - (y[i] == 1 ? z : 0) : log1p(exp(z)) - (y[i] == 1 ? z : 0)
            }
            let norm2 = lbfgs.coefficients[0].reduce(0) { $0 + $1 * $1 }
            let direct = loss / Double(x.rows) + 0.5 / Double(x.rows) * norm2
            #expect(abs(direct - lbfgs.diagnostics.objective) <= 1e-12 * abs(direct))
        }
    }
}

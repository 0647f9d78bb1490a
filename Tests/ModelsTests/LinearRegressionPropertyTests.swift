import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Seeded problems for property tests: `rows x columns` normal data with column scales and offsets,
/// `y = 3 + X b + noise`.
func syntheticProblem(rows: Int, columns: Int, seed: UInt64, noise: Double = 0.1) throws -> (x: Matrix<Double>, y: [Double]) {
    var generator = SeededGenerator(seed: seed)
    var x = try Matrix<Double>.normal(rows: rows, columns: columns, using: &generator)
    for i in 0..<rows { for j in 0..<columns { x[i, j] = x[i, j] * Double(j + 1) + Double(j) } }
    let e = try Matrix<Double>.normal(rows: rows, columns: 1, using: &generator)
    let b = (0..<columns).map { Double($0 % 3) - 1 + 0.25 * Double($0) }
    let y = try BLAS.matrixVectorProduct(x, b).enumerated().map { 3 + $0.element + noise * e[$0.offset, 0] }
    return (x, y)
}

@Suite("LinearRegression properties")
struct LinearRegressionPropertyTests {
    @Test("bit-identical for any thread count (fixed blocks, fixed merge tree)", arguments: [1, 2, 3])
    func deterministic(threads: Int) throws {
        // 70,000 rows: three TSQR groups and several refinement blocks, merged in a fixed order.
        let (x, y) = try syntheticProblem(rows: 70_000, columns: 5, seed: 11)
        for model in [LinearRegression(refinement: .always), LinearRegression(solver: .normalEquations)] {
            let one = try model.fit(x: x, y: y, threads: 1)
            let many = try model.fit(x: x, y: y, threads: threads)
            #expect(one == many)
        }
        let ridge = try Ridge(alpha: 0.5).fit(x: x, y: y, threads: 1)
        #expect(try Ridge(alpha: 0.5).fit(x: x, y: y, threads: threads) == ridge)
    }

    @Test("integer weights equal repeated rows; zero weights equal removed rows")
    func weights() throws {
        let (x, y) = try syntheticProblem(rows: 60, columns: 3, seed: 5)
        let w = (0..<60).map { Double($0 % 3) }  // 0, 1, 2
        var rows: [[Double]] = [], ys: [Double] = []
        for i in 0..<60 { for _ in 0..<Int(w[i]) { rows.append(x.rowArrays[i]); ys.append(y[i]) } }
        let weighted = try LinearRegression().fit(x: x, y: y, sampleWeight: w)
        let repeated = try LinearRegression().fit(x: try Matrix(rows), y: ys)
        // Both are refined to the exact solution of mathematically identical problems.
        #expect(relativeError(weighted.coefficients + [weighted.intercept], repeated.coefficients + [repeated.intercept]) <= 1e-14)
        #expect(abs(weighted.residualSumOfSquares - repeated.residualSumOfSquares) <= 1e-12 * repeated.residualSumOfSquares)
        #expect(weighted.sampleCount == 40)
        // Scaling all weights changes nothing but the weighted RSS.
        let scaled = try LinearRegression().fit(x: x, y: y, sampleWeight: w.map { $0 * 1e200 })
        #expect(relativeError(scaled.coefficients, weighted.coefficients) <= 1e-14)
    }

    @Test("Float input agrees with the Double fit of the same values")
    func floatVersusDouble() throws {
        let (x, y) = try syntheticProblem(rows: 300, columns: 4, seed: 9)
        let xf = try Matrix<Float>(x.rowArrays.map { $0.map(Float.init) })
        let yf = y.map(Float.init)
        let fromFloat = try LinearRegression().fit(x: xf, y: yf)
        let fromDouble = try LinearRegression().fit(x: try Matrix(xf.rowArrays.map { $0.map(Double.init) }), y: yf.map(Double.init))
        #expect(fromFloat == fromDouble)
        let original = try LinearRegression().fit(x: x, y: y)
        // Rounding the data to Float moves the answer by about cond * 6e-8.
        #expect(relativeError(fromFloat.coefficients, original.coefficients) <= 1e-5)
    }

    @Test("normal equations agree with QR on well-conditioned data and refuse ill-conditioned data")
    func normalEquations() throws {
        let (x, y) = try syntheticProblem(rows: 2_000, columns: 6, seed: 3)
        let qr = try LinearRegression().fit(x: x, y: y)
        let ne = try LinearRegression(solver: .normalEquations).fit(x: x, y: y)
        #expect(ne.solver == .normalEquations)
        // cond(A_s) ~ 1 here: Cholesky on the equilibrated Gram matrix loses about cond^2 eps.
        #expect(relativeError(ne.coefficients + [ne.intercept], qr.coefficients + [qr.intercept]) <= 1e-12)
        #expect(abs(ne.residualSumOfSquares - qr.residualSumOfSquares) <= 1e-9 * qr.residualSumOfSquares)
        #expect(relativeError(ne.standardErrors ?? [], qr.standardErrors ?? []) <= 1e-10)
        let reference = try #require(LinearReference.shared)
        let filip = try #require(reference.exact.first { $0.name == "filiplike" })
        #expect {
            try LinearRegression(solver: .normalEquations).fit(x: try hexMatrix(filip.x), y: try hexValues(filip.y))
        } throws: { error in
            guard case let ModelError.illConditioned(_, solver, condition, limit, suggestion) = error else { return false }
            return solver == "normalEquations" && condition > limit && suggestion.contains("qr")
        }
        // Exactly collinear data are not positive definite: refused too, never NaN.
        let collinear = try Matrix<Double>((0..<10).map { [Double($0), 2 * Double($0), 1] })
        #expect(throws: ModelError.self) {
            try LinearRegression(solver: .normalEquations).fit(x: collinear, y: (0..<10).map(Double.init))
        }
    }

    @Test("wide data (n < d): minimum-norm solution that interpolates")
    func wide() throws {
        let (x, y) = try syntheticProblem(rows: 8, columns: 20, seed: 21)
        let fit = try LinearRegression().fit(x: x, y: y)
        #expect(fit.usedSVDFallback && fit.rank == 7)
        let predictions = try fit.predict(x)
        #expect(relativeError(predictions, y) <= 1e-12)
        #expect(fit.residualStandardDeviation == nil)
        // Minimum norm: the coefficients lie in the row space of the centred X (orthogonal to its null space).
        #expect(fit.coefficients.allSatisfy { $0.isFinite })
    }

    @Test("constant column gets coefficient 0; single row; no columns")
    func degenerate() throws {
        let x = try Matrix<Double>((0..<10).map { [Double($0), 5.0] })
        let y = (0..<10).map { 2 * Double($0) + 1 }
        let fit = try LinearRegression().fit(x: x, y: y)
        #expect(abs(fit.coefficients[0] - 2) <= 1e-14 && abs(fit.coefficients[1]) <= 1e-14 && abs(fit.intercept - 1) <= 1e-13)
        #expect(fit.rank == 1)
        let single = try LinearRegression().fit(x: try Matrix([[1.0, 2.0]]), y: [3])
        #expect(single.coefficients == [0, 0] && single.intercept == 3)
        let none = try LinearRegression().fit(x: try Matrix<Double>(rows: 4, columns: 0), y: [1.0, 2, 3, 4])
        #expect(none.coefficients.isEmpty && none.intercept == 2.5)
        let noIntercept = try LinearRegression(fitIntercept: false).fit(x: try Matrix<Double>(rows: 4, columns: 0), y: [1.0, 2, 3, 4])
        #expect(noIntercept.intercept == 0)
    }

    @Test("extreme magnitudes: columns near 1e200 and 1e-200, y ~ 1e50; overflow is an error")
    func extremeMagnitudes() throws {
        let (x, y) = try syntheticProblem(rows: 50, columns: 2, seed: 4)
        var big = x
        for i in 0..<50 { big[i, 0] *= 1e200; big[i, 1] *= 1e-200 }
        let fit = try LinearRegression().fit(x: big, y: y.map { $0 * 1e50 })
        let plain = try LinearRegression().fit(x: x, y: y)
        let expected = [plain.coefficients[0] * 1e-150, plain.coefficients[1] * 1e250]
        #expect(relativeError([fit.coefficients[0]], [expected[0]]) <= 1e-13)
        #expect(relativeError([fit.coefficients[1]], [expected[1]]) <= 1e-13)
        #expect(relativeError([fit.intercept], [plain.intercept * 1e50]) <= 1e-13)
        var tiny = x
        for i in 0..<50 { tiny[i, 0] *= 1e-300 }
        #expect(throws: ModelError.self) { try LinearRegression().fit(x: tiny, y: y.map { $0 * 1e300 }) }
    }

    @Test("values near the overflow threshold take the equilibrated path and stay finite")
    func overflowFallback() throws {
        let (x, y) = try syntheticProblem(rows: 40, columns: 2, seed: 6)
        var huge = x
        // Column 0 spans about +-1e308: x - x0 overflows, so the one-pass kernels refuse it and the
        // equilibrated path (every column scaled by its largest entry first) answers.
        let top = (0..<40).reduce(0.0) { max($0, abs(x[$1, 0])) }
        for i in 0..<40 { huge[i, 0] = x[i, 0] / top * 1.5e308 }
        let plain = try LinearRegression().fit(x: x, y: y)
        for solver in [LinearRegression.Solver.qr, .normalEquations] {
            let fit = try LinearRegression(solver: solver).fit(x: huge, y: y)
            #expect(relativeError([fit.coefficients[0] * 1.5e308 / top], [plain.coefficients[0]]) <= 1e-10, "\(solver)")
            #expect(relativeError([fit.coefficients[1], fit.intercept], [plain.coefficients[1], plain.intercept]) <= 1e-10, "\(solver)")
        }
        let ridge = try Ridge(alpha: 0).fit(x: huge, y: y)
        #expect(relativeError([ridge.coefficients[1], ridge.intercept], [plain.coefficients[1], plain.intercept]) <= 1e-9)
        // NaN after a huge row is still reported by row and column.
        huge[30, 1] = .nan
        #expect { try LinearRegression().fit(x: huge, y: y) } throws: {
            if case .nonFiniteValue(_, "X", 30, 1, _) = $0 as? ModelError { return true }; return false
        }
    }

    @Test("Codable round trip is exact")
    func codable() throws {
        let (x, y) = try syntheticProblem(rows: 100, columns: 3, seed: 8)
        let fit = try LinearRegression().fit(x: x, y: y)
        let data = try JSONEncoder().encode(fit)
        #expect(try JSONDecoder().decode(LinearRegressionFit.self, from: data) == fit)
    }
}

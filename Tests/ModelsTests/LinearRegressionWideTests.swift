import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// The minimum-norm solution of a wide weighted least-squares problem, computed independently of
/// `fitWide`: `b = A^T (A A^T + s s^T)^{-1} v` with `A = sqrt(W) (X - 1 m^T)`, `v = sqrt(W) (y - ȳ)`
/// and `s = sqrt(w)` (with an intercept `A A^T` is singular with null vector `s`, and `v ⟂ s`, so the
/// added `s s^T` makes it invertible without changing the solution on `s`'s complement); without an
/// intercept `b = X^T (X X^T)^{-1} y`. Cholesky of the `n x n` matrix in Double: for the well-
/// conditioned data of these tests (cond(A A^T) < 1e4) accurate to ~1e-12.
func referenceMinimumNorm(x: Matrix<Double>, y: [Double], weights w: [Double]? = nil, fitIntercept: Bool) throws -> (b: [Double], b0: Double) {
    let rows = (0..<x.rows).filter { (w?[$0] ?? 1) > 0 }
    let n = rows.count, d = x.columns
    let weight = rows.map { w?[$0] ?? 1 }, total = weight.reduce(0, +)
    var m = [Double](repeating: 0, count: d), ym = 0.0
    if fitIntercept {
        for (k, i) in rows.enumerated() {
            for j in 0..<d { m[j] += weight[k] * x[i, j] / total }
            ym += weight[k] * y[i] / total
        }
    }
    var a = try Matrix<Double>(rows: n, columns: d)
    var v = [Double](repeating: 0, count: n)
    for (k, i) in rows.enumerated() {
        let s = weight[k].squareRoot()
        for j in 0..<d { a[k, j] = s * (x[i, j] - m[j]) }
        v[k] = s * (y[i] - ym)
    }
    var kernel = try Matrix<Double>(rows: n, columns: n)
    for p in 0..<n {
        for q in 0..<n {
            var sum = fitIntercept ? (weight[p] * weight[q]).squareRoot() : 0
            for j in 0..<d { sum += a[p, j] * a[q, j] }
            kernel[p, q] = sum
        }
    }
    let z = try LAPACK.cholesky(kernel).solve(v)
    let b = try BLAS.matrixVectorProduct(a, z, transpose: .transpose)
    var b0 = ym
    for j in 0..<d { b0 -= m[j] * b[j] }
    return (b, b0)
}

/// LinearRegression on wide data (fewer rows of positive weight than unknowns): the O(n^2 d) path
/// (LinearRegression+Wide.swift) returns the minimum-norm solution in the original units.
///
/// Tolerances: 1e-12 relative to the largest coefficient against the independent Cholesky formula
/// (its own error is about eps cond(A A^T) <= 1e-12 here); predictions on the training rows 1e-12 of
/// the largest |y| (the refined solution interpolates to double-double residuals, rounded).
@Suite("LinearRegression on wide data")
struct LinearRegressionWideTests {
    static func problem(rows: Int, columns: Int, seed: UInt64) throws -> (x: Matrix<Double>, y: [Double]) {
        var generator = SeededGenerator(seed: seed)
        var x = try Matrix<Double>.normal(rows: rows, columns: columns, using: &generator)
        // Column scales 1 .. 10 and offsets up to 5: the original-units minimum norm differs from
        // the equilibrated one.
        for i in 0..<rows { for j in 0..<columns { x[i, j] = x[i, j] * Double(1 + j % 10) + Double(j % 6) } }
        let noise = try Matrix<Double>.normal(rows: rows, columns: 1, using: &generator)
        let y = (0..<rows).map { 2 + 3 * noise[$0, 0] + x[$0, 0] - 0.5 * x[$0, 1] }
        return (x, y)
    }

    @Test("minimum norm in original units equals the independent formula", arguments: [true, false])
    func matchesFormula(fitIntercept: Bool) throws {
        let (x, y) = try Self.problem(rows: 12, columns: 40, seed: 1)
        let fit = try LinearRegression(fitIntercept: fitIntercept).fit(x: x, y: y)
        let (b, b0) = try referenceMinimumNorm(x: x, y: y, fitIntercept: fitIntercept)
        #expect(relativeError(fit.coefficients, b) <= 1e-12, "\(relativeError(fit.coefficients, b))")
        #expect(abs(fit.intercept - b0) <= 1e-12 * max(1, abs(b0)))
        // Interpolation: every training row is fitted.
        #expect(relativeError(try fit.predict(x), y) <= 1e-12)
        #expect(fit.usedSVDFallback && fit.rank == (fitIntercept ? 11 : 12))
        #expect(fit.singularValues.count == 40 && fit.singularValues[12...].allSatisfy { $0 == 0 })
        #expect(fit.singularValues[0] > 0 && fit.reciprocalCondition == 0 && fit.conditionEstimate == .infinity)
        #expect(fit.standardErrors == nil && fit.interceptStandardError == nil && fit.residualStandardDeviation == nil)
        #expect(fit.rSquared.map { abs($0 - 1) <= 1e-12 } ?? false)
        #expect(fit.residualSumOfSquares.isFinite && fit.residualSumOfSquares <= 1e-20 * y.map { $0 * $0 }.reduce(0, +))
        // Not the equilibrated minimum norm: scaling a column changes the answer by more than the scale.
        var scaled = x
        for i in 0..<x.rows { scaled[i, 3] *= 1000 }
        let other = try LinearRegression(fitIntercept: fitIntercept).fit(x: scaled, y: y)
        #expect(abs(other.coefficients[3] * 1000 - fit.coefficients[3]) > 1e-6 * abs(fit.coefficients[3]))
    }

    @Test("y exactly in the row space: the generating coefficients come back", arguments: [true, false])
    func exactRowSpace(fitIntercept: Bool) throws {
        let (x, _) = try Self.problem(rows: 10, columns: 30, seed: 2)
        // b* = X_c^T z (a combination of the centred rows) is the minimum-norm solution of X_c b = X_c b*.
        var mean = [Double](repeating: 0, count: 30)
        if fitIntercept { for j in 0..<30 { for i in 0..<10 { mean[j] += x[i, j] / 10 } } }
        let z: [Double] = (0..<10).map { Double($0 % 4) - 1.5 + 0.1 * Double($0) }
        var target = [Double](repeating: 0, count: 30)
        for j in 0..<30 { for i in 0..<10 { target[j] += (x[i, j] - mean[j]) * z[i] } }
        let y = (0..<10).map { i in (0..<30).reduce(fitIntercept ? 7.0 : 0) { $0 + x[i, $1] * target[$1] } }
        let fit = try LinearRegression(fitIntercept: fitIntercept).fit(x: x, y: y)
        #expect(relativeError(fit.coefficients, target) <= 1e-12, "\(relativeError(fit.coefficients, target))")
        // y = 7 + X b* with an intercept (which is then 7), y = X b* without.
        if fitIntercept { #expect(abs(fit.intercept - 7) <= 1e-12 * 7) }
    }

    @Test("sample weights: zero weights drop rows, integer weights act as repeated rows; matches the formula")
    func weighted() throws {
        let (x, y) = try Self.problem(rows: 9, columns: 35, seed: 3)
        let w: [Double] = [2, 1, 0, 3, 1, 0.5, 0, 1, 2]
        let fit = try LinearRegression().fit(x: x, y: y, sampleWeight: w)
        let (b, b0) = try referenceMinimumNorm(x: x, y: y, weights: w, fitIntercept: true)
        #expect(relativeError(fit.coefficients, b) <= 1e-12)
        #expect(abs(fit.intercept - b0) <= 1e-12 * max(1, abs(b0)))
        #expect(fit.sampleCount == 7 && fit.rank == 6)
        // Rows of weight 0 do not count; weights scaled by a constant do not change the answer.
        let scaled = try LinearRegression().fit(x: x, y: y, sampleWeight: w.map { $0 * 1e6 })
        #expect(relativeError(scaled.coefficients, fit.coefficients) <= 1e-13)
        // A wide problem with weights among tall rows: 50 rows, 45 of weight 0, 20 columns.
        let (tall, target) = try Self.problem(rows: 50, columns: 20, seed: 4)
        let sparse = (0..<50).map { $0 % 10 == 0 ? 1.5 : 0 }
        let few = try LinearRegression().fit(x: tall, y: target, sampleWeight: sparse)
        let reference = try referenceMinimumNorm(x: tall, y: target, weights: sparse, fitIntercept: true)
        #expect(relativeError(few.coefficients, reference.b) <= 1e-12 && few.sampleCount == 5 && few.rank == 4)
    }

    @Test("Float input is the Double fit of the widened values; bit-identical across threads and calls", arguments: [1, 2, 3])
    func floatAndDeterminism(threads: Int) throws {
        let (x, y) = try Self.problem(rows: 30, columns: 300, seed: 5)
        let xf = try Matrix<Float>(x.rowArrays.map { $0.map(Float.init) }), yf = y.map(Float.init)
        let single = try LinearRegression().fit(x: xf, y: yf, threads: threads)
        let widened = try LinearRegression().fit(x: try xf.widened(), y: yf.map(Double.init), threads: 1)
        #expect(single == widened)
        let a = try LinearRegression().fit(x: x, y: y, threads: threads)
        let b = try LinearRegression().fit(x: x, y: y, threads: 1)
        #expect(a == b)
        let (reference, _) = try referenceMinimumNorm(x: x, y: y, fitIntercept: true)
        #expect(relativeError(a.coefficients, reference) <= 1e-11)
    }

    @Test("larger wide problem (60 x 1500): formula, interpolation, refinement policy")
    func larger() throws {
        let (x, y) = try Self.problem(rows: 60, columns: 1_500, seed: 6)
        let (b, _) = try referenceMinimumNorm(x: x, y: y, fitIntercept: true)
        for policy in [RefinementPolicy.automatic, .always, .never] {
            let fit = try LinearRegression(refinement: policy).fit(x: x, y: y)
            // Without refinement, the seminormal form's error is about eps cond(A)^2 (cond ~ 10 here).
            #expect(relativeError(fit.coefficients, b) <= (policy == .never ? 1e-10 : 1e-12), "\(policy)")
            #expect(policy != .never || fit.refinementSteps == 0)
            #expect(fit.rank == 59)
        }
    }

    @Test("tiny rankCutoff (0, 1e-300): centring's structural null direction is never amplified", arguments: [0.0, 1e-300, 1e-17])
    func tinyCutoff(cutoff: Double) throws {
        for (rows, columns) in [(12, 40), (5, 6), (60, 1_500)] {
            let (x, y) = try Self.problem(rows: rows, columns: columns, seed: 1)
            let (b, b0) = try referenceMinimumNorm(x: x, y: y, fitIntercept: true)
            let fit = try LinearRegression(rankCutoff: cutoff).fit(x: x, y: y)
            #expect(relativeError(fit.coefficients + [fit.intercept], b + [b0]) <= 1e-12, "\(rows) x \(columns)")
            #expect(fit.rank == rows - 1)
        }
    }

    @Test("degenerate wide data: constant columns, duplicate rows, single row, huge and tiny scales, no NaN")
    func degenerate() throws {
        // All columns constant: zero coefficients, the mean as intercept.
        let constant = try Matrix<Double>(rows: 3, columns: 8, repeating: 4)
        let c = try LinearRegression().fit(x: constant, y: [1, 2, 6])
        #expect(c.coefficients.allSatisfy { $0 == 0 } && c.intercept == 3 && c.rank == 0)
        #expect(abs(c.rSquared ?? 1) <= 1e-14 && c.residualStandardDeviation != nil)
        // Duplicate rows with different y: least squares, not interpolation; rank 2 of 4 rows.
        let rows: [[Double]] = [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [0, 1, 0, 1, 0], [2, 2, 2, 2, 3]]
        let dup = try LinearRegression().fit(x: try Matrix(rows), y: [1, 3, 0, 5])
        let rowsMerged = try LinearRegression().fit(x: try Matrix([rows[0], rows[2], rows[3]]), y: [2, 0, 5], sampleWeight: [2, 1, 1])
        #expect(relativeError(dup.coefficients, rowsMerged.coefficients) <= 1e-13 && dup.rank == 2)
        #expect(abs(dup.residualSumOfSquares - 2) <= 1e-12)
        // Extreme scales: the answer scales exactly (powers of ten are not exact, so 1e-13).
        let (x, y) = try Self.problem(rows: 6, columns: 15, seed: 7)
        let plain = try LinearRegression().fit(x: x, y: y)
        var big = x
        for i in 0..<6 { for j in 0..<15 { big[i, j] *= 1e250 } }
        let huge = try LinearRegression().fit(x: big, y: y.map { $0 * 1e-40 })
        #expect(relativeError(huge.coefficients.map { $0 * 1e290 }, plain.coefficients) <= 1e-12)
        #expect(abs(huge.intercept * 1e40 - plain.intercept) <= 1e-12 * abs(plain.intercept))
        let small = try LinearRegression().fit(x: x.scaledCopy { $0 * 1e-200 }, y: y)
        #expect(relativeError(small.coefficients.map { $0 * 1e-200 }, plain.coefficients) <= 1e-12)
        // Near the overflow threshold (centring 1e308-sized values would overflow without the
        // power-of-two scaling) and a subnormal column: finite, scaled answers, still interpolating.
        let nearMax = try LinearRegression().fit(x: x.scaledCopy { $0 * 2e306 }, y: y)
        #expect(relativeError(nearMax.coefficients.map { $0 * 2e306 }, plain.coefficients) <= 1e-12)
        var subnormal = x
        for i in 0..<6 { subnormal[i, 4] *= 0x1p-1030 }
        let sub = try LinearRegression().fit(x: subnormal, y: y)
        #expect(sub.coefficients.allSatisfy { $0.isFinite } && sub.rank == 5)
        #expect(relativeError(try sub.predict(subnormal), y) <= 1e-12)
        // NaN is named; normal equations refuse wide data as rank deficient.
        var bad = x
        bad[2, 9] = .nan
        guard case .nonFiniteValue(_, "X", 2, 9, _)? = wideFitError({ try LinearRegression().fit(x: bad, y: y) }) else {
            Issue.record("NaN not named"); return
        }
        guard case .illConditioned? = wideFitError({ try LinearRegression(solver: .normalEquations).fit(x: x, y: y) }) else {
            Issue.record("normal equations accepted wide data"); return
        }
    }
}

private func wideFitError(_ body: () throws -> LinearRegressionFit) -> ModelError? {
    do { _ = try body(); return nil } catch let error as ModelError { return error } catch { return nil }
}

extension Matrix where Scalar == Double {
    fileprivate func scaledCopy(_ transform: (Double) -> Double) throws -> Matrix<Double> {
        try Matrix(rows: rows, columns: columns, elements: elements.map(transform))
    }
}

/// `exactwide` of data/reference/linear.json: ill-conditioned wide data with the exact minimum-norm
/// solution (rational arithmetic on the stored doubles) and scikit-learn 1.9.1's answer.
struct ExactWideReference: Decodable {
    struct Case: Decodable {
        let delta: Double
        let fit_intercept: Bool
        let x: [[String]]
        let y: [String]
        let coef: [String]
        let intercept: String
        let sklearn_coef: [String]
        let sklearn_intercept: String
    }
    let exactwide: [Case]

    static let shared: ExactWideReference? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../data/reference/linear.json").standardizedFileURL
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(ExactWideReference.self, from: data)
    }()
}

@Suite("LinearRegression on ill-conditioned wide data against exact answers")
struct LinearRegressionWideExactTests {
    /// Two rows `delta` apart with different y: the minimum-norm solution grows like `1 / delta`
    /// and any double-precision method loses about `log10(cond)` digits (cond ~ 1e1 / delta here).
    /// Tolerances: `1e-14 / delta` relative to the exact answer (measured at most `4.5e-16 / delta`,
    /// i.e. about eps cond); where scikit-learn keeps the direction (delta = 1e-4), no worse than its
    /// `dgelsd` (measured 2x to 9x better). At delta = 1e-8 scikit-learn 1.9 drops the direction: its
    /// `LinearRegression(tol=1e-6)` passes `cond=1e-6` to `scipy.linalg.lstsq`, while FeatureKit's
    /// default `rankCutoff` is `eps * max(n, d)`; with `rankCutoff: 1e-6` FeatureKit gives
    /// scikit-learn's truncated answer (1e-10: that truncated problem is well conditioned).
    @Test("exact minimum norm on ill-conditioned wide data; rankCutoff 1e-6 reproduces scikit-learn's truncation", arguments: 0..<4)
    func exactWide(index: Int) throws {
        let reference = try #require(ExactWideReference.shared, "data/reference/linear.json: run make reference")
        try #require(reference.exactwide.count == 4)
        let c = reference.exactwide[index]
        let x = try hexMatrix(c.x), y = try hexValues(c.y)
        let exact = try hexValues(c.coef) + [try #require(Double(c.intercept))]
        let sklearn = try hexValues(c.sklearn_coef) + [try #require(Double(c.sklearn_intercept))]
        let fit = try LinearRegression(fitIntercept: c.fit_intercept).fit(x: x, y: y)
        let ours = relativeError(fit.coefficients + [fit.intercept], exact)
        let theirs = relativeError(sklearn, exact)
        #expect(ours <= 1e-14 / c.delta, "delta \(c.delta), intercept \(c.fit_intercept): \(ours)")
        if c.delta > 1e-6 { #expect(ours <= theirs, "delta \(c.delta): \(ours) vs scikit-learn \(theirs)") }
        #expect(fit.rank == (c.fit_intercept ? 19 : 20))
        let truncated = try LinearRegression(fitIntercept: c.fit_intercept, rankCutoff: 1e-6).fit(x: x, y: y)
        let agreement = relativeError(truncated.coefficients + [truncated.intercept], sklearn)
        #expect(agreement <= 1e-10, "delta \(c.delta), intercept \(c.fit_intercept): \(agreement)")
    }
}

import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Wide (more than 62 columns), unweighted data build the centred Gram matrix from the raw moments
/// (one dsyrk on X) unless centring would cancel; weighted data keep the shifted pass. Both must
/// describe the same problem.
@Suite("CentredGram: direct raw moments on wide data")
struct WideGramTests {
    @Test("direct (unweighted) and shifted (unit weights) give the same centred Gram", arguments: [true, false])
    func directMatchesShifted(fitIntercept: Bool) throws {
        let (x, y) = try syntheticProblem(rows: 6_000, columns: 70, seed: 61)
        let direct = try CentredGram(try TrainingData(model: "LinearRegression", x: x, y: y, sampleWeight: nil, checkX: true),
                                     fitIntercept: fitIntercept, threads: 2)
        let ones = [Double](repeating: 1, count: 6_000)
        let shifted = try CentredGram(try TrainingData(model: "LinearRegression", x: x, y: y, sampleWeight: ones, checkX: true),
                                      fitIntercept: fitIntercept, threads: 2)
        #expect(direct.usedRawMoments && !shifted.usedRawMoments)
        let d = 70
        // Centred entries agree to the centring's rounding: a few hundred eps of the diagonal scale
        // (columns have |mean| <= spread here, so the raw moments are at most ~2x the centred ones).
        for j in 0..<d {
            for k in 0..<d {
                let scale = (direct.gram[j, j] * direct.gram[k, k]).squareRoot()
                #expect(abs(direct.gram[j, k] - shifted.gram[j, k]) <= 1e-13 * scale)
            }
            let scale = (direct.gram[j, j] * direct.yty).squareRoot()
            #expect(abs(direct.xty[j] - shifted.xty[j]) <= 1e-13 * scale)
            #expect(abs(direct.means[j] - shifted.means[j]) <= 1e-13 * (abs(shifted.means[j]) + (direct.gram[j, j] / 6_000).squareRoot()))
        }
        #expect(abs(direct.totalSumOfSquares - shifted.totalSumOfSquares) <= 1e-13 * shifted.totalSumOfSquares)
        #expect(abs(direct.yty - shifted.yty) <= 1e-13 * shifted.yty)
    }

    @Test("a column whose mean dwarfs its spread takes the shifted pass: the answer stays accurate")
    func largeMeanColumn() throws {
        var (x, y0) = try syntheticProblem(rows: 3_000, columns: 66, seed: 62)
        let target = y0
        // Column 5 moved by 1e7 (spread ~6): raw centring would lose ~12 digits of its variance.
        var moved = x
        for i in 0..<3_000 { moved[i, 5] = x[i, 5] + 1e7 }
        let data = { (x: Matrix<Double>) in try TrainingData(model: "LinearRegression", x: x, y: target, sampleWeight: nil, checkX: true) }
        #expect(try CentredGram(data(x), fitIntercept: true, threads: 1).usedRawMoments)
        #expect(try !CentredGram(data(moved), fitIntercept: true, threads: 1).usedRawMoments)
        // Without an intercept nothing is centred: the raw moments are exact enough.
        #expect(try CentredGram(data(moved), fitIntercept: false, threads: 1).usedRawMoments)
        for model in [LinearRegression(solver: .normalEquations), LinearRegression()] {
            let base = try model.fit(x: x, y: target)
            let fit = try model.fit(x: moved, y: target)
            // Same slopes; the intercept absorbs 1e7 * b_5.
            #expect(relativeError(fit.coefficients, base.coefficients) <= 1e-9)
            #expect(abs(fit.intercept + 1e7 * fit.coefficients[5] - base.intercept) <= 1e-6 * abs(base.intercept) + 1e-6)
        }
        // A constant non-zero column: rank deficient, never NaN (the default path answers with the minimum norm).
        for i in 0..<3_000 { x[i, 7] = 4.5 }
        let constant = try LinearRegression().fit(x: x, y: target)
        #expect(constant.rank == 65 && constant.coefficients.allSatisfy { $0.isFinite })
    }

    @Test("NaN and Inf in wide data name the row and column")
    func nonFinite() throws {
        let (x, y) = try syntheticProblem(rows: 2_000, columns: 70, seed: 63)
        for bad in [Double.nan, .infinity] {
            var broken = x
            broken[1_234, 66] = bad
            for model in [LinearRegression(solver: .normalEquations), LinearRegression()] {
                do {
                    _ = try model.fit(x: broken, y: y)
                    Issue.record("expected an error for \(bad)")
                } catch let ModelError.nonFiniteValue(_, argument, row, column, _) {
                    #expect(argument == "X" && row == 1_234 && column == 66)
                }
            }
            do {
                _ = try Ridge(alpha: 1).fit(x: broken, y: y)
                Issue.record("expected an error for \(bad)")
            } catch let ModelError.nonFiniteValue(_, argument, row, column, _) {
                #expect(argument == "X" && row == 1_234 && column == 66)
            }
        }
    }
}

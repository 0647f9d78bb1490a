import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// The Gram-preconditioned shortcut of the default (`.qr`) path: well-conditioned data take it,
/// and it lands on the same refined solution as the TSQR path.
@Suite("LinearRegression Gram-preconditioned refinement")
struct LinearRegressionGramPathTests {
    /// The TSQR path's refined answer (what `.qr` returned before the shortcut existed).
    static func tsqrFit(_ x: Matrix<Double>, _ y: [Double], weights: [Double]? = nil, fitIntercept: Bool = true) throws -> LinearRegressionFit {
        let data = try TrainingData(model: "LinearRegression", x: x, y: y, sampleWeight: weights, checkX: true)
        let qr = try LinearModelQR(data, fitIntercept: fitIntercept, threads: 1)
        return try qr.fit(refinement: .always, rankCutoff: nil, maxSteps: LinearRegression.maxRefinementSteps, threads: 1)
    }

    @Test("well-conditioned data take the shortcut and agree with refined TSQR", arguments: [true, false])
    func agreesWithTSQR(fitIntercept: Bool) throws {
        let (x, y) = try syntheticProblem(rows: 5_000, columns: 12, seed: 21)
        let weights = (0..<5_000).map { 0.5 + Double($0 % 7) / 4 }
        for w in [nil, weights] {
            let data = try TrainingData(model: "LinearRegression", x: x, y: y, sampleWeight: w, checkX: true)
            let model = LinearRegression(fitIntercept: fitIntercept)
            let gram = try #require(try model.fitGramPreconditioned(data, threads: 1))
            #expect(try model.fit(x: x, y: y, sampleWeight: w) == gram)
            let tsqr = try Self.tsqrFit(x, y, weights: w, fitIntercept: fitIntercept)
            // Both are refined to the fixed point of the double-double normal equations: they agree
            // to a few ulps (the stopping rule allows 2 eps of relative correction per path).
            #expect(relativeError(gram.coefficients + [gram.intercept], tsqr.coefficients + [tsqr.intercept]) <= 1e-14)
            #expect(gram.refinementSteps >= 1 && gram.rank == 12 && !gram.usedSVDFallback && gram.solver == .qr)
            // Diagnostics from the Cholesky factor: relative error about eps cond^2 (cond ~ 1 here).
            #expect(relativeError(gram.singularValues, tsqr.singularValues) <= 1e-12)
            #expect(relativeError(try #require(gram.standardErrors), try #require(tsqr.standardErrors)) <= 1e-12)
            if fitIntercept {
                let a = try #require(gram.interceptStandardError), b = try #require(tsqr.interceptStandardError)
                #expect(abs(a - b) <= 1e-12 * b)
            }
            #expect(abs(gram.residualSumOfSquares - tsqr.residualSumOfSquares) <= 1e-12 * tsqr.residualSumOfSquares)
            #expect(abs(try #require(gram.rSquared) - (try #require(tsqr.rSquared))) <= 1e-12)
        }
    }

    @Test("bit-identical across thread counts", arguments: [2, 3])
    func deterministic(threads: Int) throws {
        // 20,000 rows x 70 columns: several refinement blocks (and Gram blocks).
        let (x, y) = try syntheticProblem(rows: 20_000, columns: 70, seed: 3)
        let one = try LinearRegression().fit(x: x, y: y, threads: 1)
        #expect(try LinearRegression().fit(x: x, y: y, threads: threads) == one)
        let data = try TrainingData(model: "LinearRegression", x: x, y: y, sampleWeight: nil, checkX: true)
        #expect(try LinearRegression().fitGramPreconditioned(data, threads: threads) == one)
    }

    @Test("ill-conditioned, rank-deficient, too-few-rows and .never go to TSQR")
    func declines() throws {
        // Filip-like degree 10: equilibrated, centred cond ~2e9 (Longley's is only ~110: it takes the shortcut).
        let reference = try #require(LinearReference.shared)
        let filip = try #require(reference.exact.first { $0.name == "filiplike" })
        let hard = try TrainingData(model: "LinearRegression", x: try hexMatrix(filip.x), y: try hexValues(filip.y), sampleWeight: nil, checkX: true)
        #expect(try LinearRegression().fitGramPreconditioned(hard, threads: 1) == nil)
        let longley = try TrainingData(model: "LinearRegression", x: try Matrix<Double>(NIST.longleyX), y: NIST.longleyY, sampleWeight: nil, checkX: true)
        #expect(try LinearRegression().fitGramPreconditioned(longley, threads: 1) != nil)
        let (x, y) = try syntheticProblem(rows: 200, columns: 4, seed: 8)
        var collinear = x
        for i in 0..<200 { collinear[i, 3] = 2 * x[i, 1] - x[i, 0] }
        let data = try TrainingData(model: "LinearRegression", x: collinear, y: y, sampleWeight: nil, checkX: true)
        #expect(try LinearRegression().fitGramPreconditioned(data, threads: 1) == nil)
        let plain = try TrainingData(model: "LinearRegression", x: x, y: y, sampleWeight: nil, checkX: true)
        #expect(try LinearRegression(refinement: .never).fitGramPreconditioned(plain, threads: 1) == nil)
        // A rank cutoff above the smallest singular-value ratio sends the rank decision to TSQR.
        #expect(try LinearRegression(rankCutoff: 0.9).fitGramPreconditioned(plain, threads: 1) == nil)
        #expect(try LinearRegression().fitGramPreconditioned(plain, threads: 1) != nil)
        let few = try TrainingData(model: "LinearRegression", x: try Matrix(rows: 5, columns: 4, elements: Array(x.elements[0..<20])), y: Array(y[0..<5]), sampleWeight: nil, checkX: true)
        #expect(try LinearRegression().fitGramPreconditioned(few, threads: 1) == nil)
    }
}

import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// LinearRegression and Ridge against scikit-learn 1.9.1 (data/reference/linear.json).
///
/// Tolerances, and why:
/// - double cases, coefficients and intercept: 1e-10 relative to the largest |coefficient| or
///   |intercept| (predictions: to the largest |prediction|); measured worst 6e-12 (weighted
///   synthetic data, columns of scale 0.1 .. 1e3), most cases below 1e-14. scikit-learn solves the *unscaled* centred
///   problem with `dgelsd` (LinearRegression) or Cholesky on the Gram matrix (Ridge), whose errors
///   are up to cond * eps resp. cond^2 * eps; the worst condition among these datasets (unscaled,
///   ~1e4 for the synthetic columns of scale 0.1 .. 1e3) puts scikit-learn's own error near 1e-12 .. 1e-10;
/// - rank-deficient and wide LinearRegression (minimum-norm answers): the same 1e-10: the minimum
///   norm solution is unique and well conditioned on the identifiable subspace;
/// - float32: scikit-learn fits in float32 (eps 1.2e-7) and FeatureKit in Double from the widened
///   floats, so they differ by scikit-learn's float32 error: 1e-4 relative (measured 3.4e-5).
@Suite("LinearRegression and Ridge match scikit-learn")
struct LinearRegressionGoldenTests {
    static var cases: [LinearReference.Case] { LinearReference.shared?.cases ?? [] }

    @Test("reference file is present and complete")
    func referencePresent() throws {
        let reference = try #require(LinearReference.shared, "data/reference/linear.json missing: run make reference")
        #expect(reference.sklearn == "1.9.1")
        #expect(reference.cases.count >= 40)
        #expect(reference.exact.count == 4)
    }

    @Test("coefficients, intercept and predictions", arguments: cases.indices)
    func goldenCase(index: Int) throws {
        let reference = try #require(LinearReference.shared)
        let c = reference.cases[index]
        let dataset = try #require(reference.datasets[c.dataset])
        let x = try hexMatrix(dataset.x), y = try hexValues(dataset.y)
        let w = try dataset.w.map(hexValues)
        let expectedCoef = try hexValues(c.coef), expectedIntercept = try #require(Double(c.intercept))
        let expectedPredictions = try hexValues(c.predictions)
        let coefficients: [Double], intercept: Double, predictions: [Double]
        if c.model == "LinearRegression" {
            let model = LinearRegression(fitIntercept: c.params.fit_intercept)
            let fit: LinearRegressionFit
            if c.dataset == "float32" {
                fit = try model.fit(x: try Matrix<Float>(x.rowArrays.map { $0.map(Float.init) }), y: y.map(Float.init))
            } else {
                fit = try model.fit(x: x, y: y, sampleWeight: w)
            }
            (coefficients, intercept, predictions) = (fit.coefficients, fit.intercept, try fit.predict(x))
        } else {
            let solver: Ridge.Solver = c.params.solver == "svd" ? .svd : .cholesky
            let model = Ridge(alpha: try #require(c.params.alpha), fitIntercept: c.params.fit_intercept, solver: solver)
            let fit = try model.fit(x: x, y: y, sampleWeight: w)
            (coefficients, intercept, predictions) = (fit.coefficients, fit.intercept, try fit.predict(x))
        }
        let tolerance = c.dataset == "float32" ? 1e-4 : 1e-10
        let context = "\(c.model) \(c.params) on \(c.dataset)"
        let coefError = relativeError(coefficients + [intercept], expectedCoef + [expectedIntercept])
        let predictionError = relativeError(predictions, expectedPredictions)
        #expect(coefError <= tolerance, "\(context): coefficient error \(coefError)")
        #expect(predictionError <= tolerance, "\(context): prediction error \(predictionError)")
    }

    @Test("exactly linear y gives the exact answer")
    func exactlyLinear() throws {
        let reference = try #require(LinearReference.shared)
        let dataset = try #require(reference.datasets["exactlinear"])
        let fit = try LinearRegression().fit(x: try hexMatrix(dataset.x), y: try hexValues(dataset.y))
        #expect(relativeError(fit.coefficients, [1, -2, 0.5]) <= 4 * Double.ulpOfOne, "\(fit.coefficients)")
        #expect(abs(fit.intercept - 2) <= 8 * Double.ulpOfOne, "\(fit.intercept)")
        #expect(fit.residualSumOfSquares <= 1e-24)
        #expect(fit.rSquared == 1 || abs((fit.rSquared ?? 0) - 1) <= 1e-15)
    }

    @Test("rank-deficient data: minimum-norm answer, reported rank, no NaN")
    func collinear() throws {
        let reference = try #require(LinearReference.shared)
        let dataset = try #require(reference.datasets["collinear"])
        let fit = try LinearRegression().fit(x: try hexMatrix(dataset.x), y: try hexValues(dataset.y))
        #expect(fit.rank == 2 && fit.usedSVDFallback)
        #expect(fit.coefficients.allSatisfy { $0.isFinite })
        // The duplicate column shares the weight equally; the doubled column takes 2/5 of the
        // weight of the pair (minimum norm of b1 + 2 b3 fixed).
        #expect(abs(fit.coefficients[0] - fit.coefficients[2]) <= 1e-12 * abs(fit.coefficients[0]))
        #expect(abs(fit.coefficients[3] - 2 * fit.coefficients[1]) <= 1e-12 * abs(fit.coefficients[3]))
        #expect(fit.standardErrors == nil)
    }
}

import Foundation
import LinearAlgebra
import Testing
@testable import Features

/// PowerTransformer against scikit-learn 1.9.1 (data/reference/shape.json): Yeo-Johnson with and
/// without standardisation on iris, diabetes, wine and three seeded synthetic sets (skewed,
/// all-negative, Cauchy tails, zeros, NaN holes, a constant column, values near 1e6 and 1e150),
/// Box-Cox on the strictly positive sets.
///
/// Tolerances, and why:
/// - lambdas: `2e-7 (1 + |l|)`. Both searches stop when the bracket is below ~`1.5e-8 (1 + |l|)`
///   (SciPy's `xtol`); our likelihood agrees with SciPy's to a few ulps (NumPy's pairwise sums
///   reproduced bit for bit, glibc's log/expm1 against NumPy's), which can flip a comparison of
///   two nearly equal likelihoods in the last steps and move the answer by up to a few `xtol`.
/// - transformed values with scikit-learn's own lambdas and scaler (the map in isolation):
///   `1e-12 (1 + |y|)`: a few libm ulps, magnified by the standardisation;
/// - transformed values end to end: the map's sensitivity to lambda times the lambda tolerance,
///   bounded by `1e-5 (1 + |y|)` (|dy/dl| = |y log(1 + x)| - ish stays below ~20 |y| here);
/// - inverse(transform(x)) = x: `1e-9 (1 + |x|)` (the inverse of a power with exponent `1/l`
///   magnifies the relative error of y by `1/l`).
@Suite("PowerTransformer matches scikit-learn")
struct PowerGoldenTests {
    @Test("reference file is present")
    func referencePresent() throws {
        let reference = try #require(ShapeReference.shared, "data/reference/shape.json missing: run make reference")
        #expect(reference.sklearn == "1.9.1")
        #expect(ShapeReference.cases("PowerTransformer").count >= 18)
    }

    @Test("lambdas, scaler and transformed rows", arguments: ShapeReference.cases("PowerTransformer"))
    func goldenCase(index: Int) throws {
        let reference = try #require(ShapeReference.shared)
        let c = reference.cases[index]
        let dataset = try #require(reference.datasets[c.dataset])
        let x = try parseHex(dataset.x), probe = try parseHex(dataset.probe)
        let method: PowerTransformer.Method = c.text("method") == "box-cox" ? .boxCox : .yeoJohnson
        let standardize = c.bool("standardize") ?? true
        let config = PowerTransformer(method: method, standardize: standardize)
        if c.error != nil {
            // scikit-learn refuses (values near 1e150 of both signs): so must we, with a typed error.
            #expect(throws: FeatureError.self, "\(c.label) should be refused") {
                try config.fit(x, columnNames: dataset.columns)
            }
            return
        }
        let fitted = try config.fit(x, columnNames: dataset.columns)
        let lambdas = try #require(c.fittedValues("lambdas_"))
        #expect(fitted.lambdas.count == lambdas.count)
        // Columns whose likelihood is flat to rounding near the optimum (a column that is constant
        // to 1e-6: the lambda is then noise in both libraries); checked by likelihood instead.
        var flat = Set<Int>()
        for j in lambdas.indices {
            if abs(fitted.lambdas[j] - lambdas[j]) <= 2e-7 * (1 + abs(lambdas[j])) { continue }
            let values = try x.column(j).array.filter { !$0.isNaN }
            let ours = Self.negativeLogLikelihood(values, fitted.lambdas[j], method)
            let theirs = Self.negativeLogLikelihood(values, lambdas[j], method)
            #expect(ours <= theirs + 1e-11 * abs(theirs),
                    "\(c.label): lambda[\(j)] = \(fitted.lambdas[j]), scikit-learn \(lambdas[j]); likelihood \(ours) vs \(theirs)")
            flat.insert(j)
        }

        // The map in isolation: scikit-learn's lambdas and scaler (when scikit-learn's scaler is
        // finite: on a Box-Cox column transformed to ~1e304 its variance overflows and it returns NaN).
        let expected = try parseHex(try #require(c.transformed))
        var exactScaler: StandardScaler.Fitted?
        var sklearnFinite = true
        if standardize, let mean = c.fittedValues("_scaler.mean_"), let scale = c.fittedValues("_scaler.scale_") {
            let ours = try #require(fitted.scaler)
            sklearnFinite = (mean + scale).allSatisfy(\.isFinite)
            exactScaler = StandardScaler.Fitted(
                configuration: StandardScaler(), inputSchema: fitted.inputSchema, mean: mean, variance: ours.variance,
                scale: scale, samplesSeen: ours.samplesSeen,
                affine: ColumnAffine(offset: mean, factor: scale.map { 1 / $0 }, shift: mean.map { _ in 0 }, inverseFactor: scale))
            for j in mean.indices where !flat.contains(j) && mean[j].isFinite && scale[j].isFinite {
                // The scaler sees data transformed with our lambdas: the lambda tolerance, propagated.
                #expect(sameOrClose(try #require(ours.mean)[j], mean[j], tolerance: 1e-5 * (1 + abs(mean[j]))), "\(c.label): mean[\(j)]")
                #expect(sameOrClose(try #require(ours.scale)[j], scale[j], tolerance: 1e-5 * (1 + abs(scale[j]))), "\(c.label): scale[\(j)]")
            }
        }
        let ours = try fitted.transform(x)
        #expect(ours.elements.indices.allSatisfy { !ours.elements[$0].isInfinite && (ours.elements[$0].isNaN == x.elements[$0].isNaN) },
                "\(c.label): NaN exactly where the input has NaN, nothing infinite")
        if sklearnFinite {
            let exact = PowerTransformer.Fitted(configuration: config, inputSchema: fitted.inputSchema, lambdas: lambdas, scaler: exactScaler)
            // An ulp of log1p(x) becomes |l log1p(x)| ulps of y; standardising magnifies the
            // relative error of y by |mean| / scale (a nearly constant transformed column).
            let means = exactScaler?.affine.offset ?? lambdas.map { _ in 0 }
            let scales = exactScaler?.affine.inverseFactor ?? lambdas.map { _ in 1 }
            let mapTolerance: (Int, Int, Double) -> Double = { i, j, e in
                let v = abs(x[i, j])
                let growth = 1 + abs(lambdas[j] * log1p(v)) + abs(log(Swift.max(v, 1e-300)))
                return 1e-12 * (1 + abs(e)) + 8 * Double.ulpOfOne * growth * (abs(e) + abs(means[j]) / scales[j])
            }
            try expectClose(try exact.transform(x, columnNames: dataset.columns), expected, "\(c.label) map with scikit-learn's lambdas", tolerance: mapTolerance)
            if let probeRows = c.probe_transformed {
                let expectedProbe = try parseHex(probeRows)
                if expectedProbe.elements.indices.contains(where: { expectedProbe.elements[$0].isInfinite && probe.elements[$0].isFinite }) {
                    // scikit-learn overflows to infinity silently; we name the value.
                    #expect(throws: FeatureError.self, "\(c.label): probe overflow") { try exact.transform(probe) }
                } else {
                    try expectClose(try exact.transform(probe), expectedProbe, "\(c.label) probe with scikit-learn's lambdas") { i, j, e in
                        let v = abs(probe[i, j])
                        let growth = 1 + abs(lambdas[j] * log1p(v)) + abs(log(Swift.max(v, 1e-300)))
                        return 1e-12 * (1 + abs(e)) + 8 * Double.ulpOfOne * growth * (abs(e) + abs(means[j]) / scales[j])
                    }
                }
            }
            if let inverse = c.inverse {
                try expectClose(try exact.inverseTransform(expected), try parseHex(inverse), "\(c.label) inverse with scikit-learn's lambdas") { _, _, v in
                    1e-9 * (1 + abs(v))
                }
            }
        }

        // Columns where scikit-learn returned NaN from non-NaN input (its scaler overflowed): ours
        // are finite (checked above), so they are not compared.
        for j in 0..<x.columns where (0..<x.rows).contains(where: { expected[$0, j].isNaN && !x[$0, j].isNaN }) { flat.insert(j) }
        // End to end, on the columns with a well-determined lambda.
        try expectClose(ours, expected, "\(c.label) end to end") { _, j, e in flat.contains(j) ? .infinity : 1e-5 * (1 + abs(e)) }

        // inverse(transform(x)) = x.
        let roundTrip = try fitted.inverseTransform(ours)
        try expectClose(roundTrip, x, "\(c.label) inverse round trip") { _, j, v in flat.contains(j) ? 1e-6 * (1 + abs(v)) : 1e-9 * (1 + abs(v)) }
    }

    static func negativeLogLikelihood(_ values: [Double], _ l: Double, _ method: PowerTransformer.Method) -> Double {
        switch method {
        case .yeoJohnson:
            var scratch = values
            return PowerMath.yeoJohnsonNegativeLogLikelihood(values, l, signedLogSum: PowerMath.yeoJohnsonSignedLogSum(values), scratch: &scratch)
        case .boxCox:
            let logs = values.map { log($0) }
            return -PowerMath.boxCoxLogLikelihood(l, logData: logs, logDataSum: PowerMath.pairwiseSum(logs))
        }
    }
}

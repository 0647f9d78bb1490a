import LinearAlgebra
import Testing
@testable import Features

/// PolynomialFeatures against scikit-learn 1.9.1 (data/reference/shape.json) on iris, wine and a
/// synthetic set with zeros, -0.0, 1e-200 and ±1e100: output names, `powers_` and values.
///
/// Tolerance: none. Each term is computed as scikit-learn's dense path computes it (a lower-degree
/// term times one input, in the same order), so the values are bit-identical, underflow to 0 and
/// products near 1e300 included.
@Suite("PolynomialFeatures matches scikit-learn")
struct PolynomialGoldenTests {
    @Test("names, powers and values", arguments: ShapeReference.cases("PolynomialFeatures"))
    func goldenCase(index: Int) throws {
        let reference = try #require(ShapeReference.shared)
        let c = reference.cases[index]
        let dataset = try #require(reference.datasets[c.dataset])
        let x = try parseHex(dataset.x)
        let config = PolynomialFeatures(degree: try #require(c.int("degree")), minDegree: c.int("minDegree") ?? 0,
                                        interactionOnly: c.bool("interactionOnly") ?? false, includeBias: c.bool("includeBias") ?? true)
        let fitted = try config.fit(x, columnNames: dataset.columns)
        #expect(fitted.outputNames == c.names, "\(c.label): names")
        #expect(fitted.powers == c.powers, "\(c.label): powers")
        let expected = try parseHex(try #require(c.transformed))
        for threads in [1, 2, 3] {
            let ours = try fitted.transform(x, columnNames: dataset.columns, threads: threads)
            #expect(ours.shape == expected.shape)
            #expect(ours.elements.map(\.bitPattern) == expected.elements.map(\.bitPattern), "\(c.label): bit-identical, \(threads) threads")
        }
        // Anonymous input gets scikit-learn's x0, x1, ... names.
        let anonymous = try config.fit(x)
        #expect(anonymous.outputNames.count == fitted.outputNames.count)
        #expect(anonymous.outputNames.first == (config.includeBias ? "1" : (config.minDegree <= 1 && config.degree >= 1 ? "x0" : anonymous.outputNames.first)))
    }

    @Test("feature names as scikit-learn's get_feature_names_out")
    func names() throws {
        let x = try Matrix<Double>([[1, 2]])
        #expect(try PolynomialFeatures().fit(x).outputNames == ["1", "x0", "x1", "x0^2", "x0 x1", "x1^2"])
        #expect(try PolynomialFeatures(degree: 3, includeBias: false).fit(x, columnNames: ["a", "b"]).outputNames
                == ["a", "b", "a^2", "a b", "b^2", "a^3", "a^2 b", "a b^2", "b^3"])
        #expect(try PolynomialFeatures(degree: 3, interactionOnly: true).fit(try Matrix<Double>([[1, 2, 3]])).outputNames
                == ["1", "x0", "x1", "x2", "x0 x1", "x0 x2", "x1 x2", "x0 x1 x2"])
        #expect(try PolynomialFeatures(degree: 0).fit(x).outputNames == ["1"])
    }
}

/// Normalizer against scikit-learn 1.9.1 on iris, diabetes, wine and rows with a zero row, a row
/// of 1e-17 (norm below 10 eps: unchanged), rows near 1e150 and 1e-150, heavy tails.
///
/// Tolerance: `4 eps |y|` (plus `1e-300` absolute): the norm is a sum in another order than
/// NumPy's pairwise sum (a few ulps relative), and one division.
@Suite("Normalizer matches scikit-learn")
struct NormalizerGoldenTests {
    @Test("transformed rows", arguments: ShapeReference.cases("Normalizer"))
    func goldenCase(index: Int) throws {
        let reference = try #require(ShapeReference.shared)
        let c = reference.cases[index]
        let dataset = try #require(reference.datasets[c.dataset])
        let x = try parseHex(dataset.x), probe = try parseHex(dataset.probe)
        let normName = try #require(c.text("norm"))
        let norm = try #require(Normalizer.Norm(rawValue: normName))
        let fitted = try Normalizer(norm: norm).fit(x, columnNames: dataset.columns)
        #expect(fitted.outputNames == dataset.columns)
        let tolerance: (Int, Int, Double) -> Double = { _, _, e in 4 * Double.ulpOfOne * abs(e) + 1e-300 }
        try expectClose(try fitted.transform(x, columnNames: dataset.columns), try parseHex(try #require(c.transformed)), c.label, tolerance: tolerance)
        try expectClose(try fitted.transform(probe, columnNames: nil, threads: 2), try parseHex(try #require(c.probe_transformed)),
                        "\(c.label) probe", tolerance: tolerance)
    }
}

/// FunctionTransformer (log1p/expm1, log/exp, sqrt/square) against scikit-learn 1.9.1 with NumPy's
/// functions.
///
/// Tolerance: `2 eps |y|` (plus `1e-300`): glibc's and NumPy's log1p/log/expm1/exp differ by at
/// most an ulp; sqrt and square are correctly rounded in both.
@Suite("FunctionTransformer matches scikit-learn")
struct FunctionGoldenTests {
    @Test("transform and inverse", arguments: ShapeReference.cases("FunctionTransformer"))
    func goldenCase(index: Int) throws {
        let reference = try #require(ShapeReference.shared)
        let c = reference.cases[index]
        let dataset = try #require(reference.datasets[c.dataset])
        let x = try parseHex(dataset.x)
        let functionName = try #require(c.text("function"))
        let function = try #require(FunctionTransformer.Function(rawValue: functionName))
        let fitted = try FunctionTransformer(function).fit(x, columnNames: dataset.columns)
        let tolerance: (Int, Int, Double) -> Double = { _, _, e in 2 * Double.ulpOfOne * abs(e) + 1e-300 }
        let expected = try parseHex(try #require(c.transformed))
        try expectClose(try fitted.transform(x, columnNames: dataset.columns), expected, c.label, tolerance: tolerance)
        try expectClose(try fitted.inverseTransform(expected), try parseHex(try #require(c.inverse)), "\(c.label) inverse", tolerance: tolerance)
    }
}

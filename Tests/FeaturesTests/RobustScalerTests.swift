import Foundation
import LinearAlgebra
import Testing
@testable import Features

/// RobustScaler against scikit-learn 1.9.1 (data/reference/quantile.json) and its properties.
///
/// Tolerances, and why:
/// - `center_` and `scale_`: exact (the same order statistics, NumPy's interpolation and the same
///   subtraction), except with `unitVariance`, where the normal quantiles come from our own `ppf`
///   (Acklam + Halley on `erfc`, whose own rounding limits it) against scipy's `ndtri`: 8 eps
///   relative (measured: up to 4 ulps);
/// - transformed rows: `4 eps (|z| + 1)` relative: we multiply by the stored reciprocal `1/scale`
///   where scikit-learn divides (one rounding each).
@Suite("RobustScaler")
struct RobustScalerTests {
    static var cases: [[String: Any]] { QuantileGolden.cases("robust") }

    @Test("matches scikit-learn", arguments: cases.indices)
    func golden(index: Int) throws {
        let file = try #require(QuantileGolden.shared)
        let c = Self.cases[index]
        let name = try #require(c["dataset"] as? String)
        let params = try #require(c["params"] as? [String: Any])
        let (columns, x, probe) = try file.dataset(name, drop: c["dropColumn"] as? String)
        let range = try #require(QuantileGolden.vector(params["quantileRange"]))
        let unitVariance = params["unitVariance"] as? Bool ?? false
        let scaler = RobustScaler(withCentering: params["withCentering"] as? Bool ?? true,
                                  withScaling: params["withScaling"] as? Bool ?? true,
                                  quantileRange: (range[0], range[1]), unitVariance: unitVariance)
        let context = "RobustScaler \(params) on \(name)"
        let fitted = try scaler.fit(x, columnNames: columns, threads: 2)
        let expectedCenter = QuantileGolden.vector(c["center_"])
        let expectedScale = QuantileGolden.vector(c["scale_"])
        #expect((fitted.center == nil) == (expectedCenter == nil), "\(context): center presence")
        #expect((fitted.scale == nil) == (expectedScale == nil), "\(context): scale presence")
        if let ours = fitted.center, let expected = expectedCenter { #expect(ours == expected, "\(context): center_") }
        if let ours = fitted.scale, let expected = expectedScale {
            for j in ours.indices {
                let tolerance = unitVariance ? 8 * Double.ulpOfOne * abs(expected[j]) : 0
                #expect(abs(ours[j] - expected[j]) <= tolerance, "\(context): scale_[\(j)] \(ours[j]) vs \(expected[j])")
            }
        }
        let tolerance: (Double) -> Double = { 4 * Double.ulpOfOne * (abs($0) + 1) }
        expectClose(try fitted.transform(x, columnNames: columns), try #require(QuantileGolden.matrix(c["transformed"])), context, tolerance: tolerance)
        if let expected = QuantileGolden.matrix(c["probe_transformed"]) {
            expectClose(try fitted.transform(probe), expected, context + " probe", tolerance: tolerance)
        }
    }

    // Inverse: x = z * scale + center, both roundings relative to |x| and the centre.
    @Test("inverse round trip, in place, thread counts, Float vs Double")
    func properties() throws {
        var g = SeededGenerator(seed: 12)
        var x = try Matrix<Double>.normal(rows: 5000, columns: 6, using: &g)
        for i in stride(from: 0, to: 5000, by: 13) { x[i, 2] = .nan }
        for i in 0..<5000 { x[i, 4] = x[i, 4] * 1e6 + 3e7 }
        let f1 = try RobustScaler().fit(x, threads: 1)
        let f2 = try RobustScaler().fit(x, threads: 2)
        #expect(f1 == f2)
        let z = try f1.transform(x, columnNames: nil, threads: 2)
        let back = try f1.inverseTransform(z, threads: 2)
        for i in 0..<x.rows {
            for j in 0..<x.columns {
                #expect(sameOrClose(back[i, j], x[i, j], tolerance: 8 * Double.ulpOfOne * (abs(x[i, j]) + abs(f1.center![j]))))
            }
        }
        var inPlace = x
        try f1.transformInPlace(&inPlace, threads: 2)
        #expect(inPlace.elements.elementsEqual(z.elements) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        // Float: the fit on the same (rounded) values agrees within Float precision.
        let xf = try Matrix<Float>(rows: x.rows, columns: x.columns, elements: x.elements.map { Float($0) })
        let ff = try RobustScaler().fit(xf)
        let fd = try RobustScaler().fit(try Matrix<Double>(rows: x.rows, columns: x.columns, elements: xf.elements.map { Double($0) }))
        #expect(ff.center == fd.center && ff.scale == fd.scale)
        let zf = try ff.transform(xf)
        for k in stride(from: 0, to: zf.elements.count, by: 7) {
            let (a, b) = (Double(zf.elements[k]), z.elements[k])
            #expect(sameOrClose(a, b, tolerance: 1e-5 * (abs(b) + 1)))
        }
    }

    @Test("errors and edge cases")
    func edges() throws {
        let x = try Matrix<Double>([[1, 5], [2, 5], [3, 5], [.nan, 5]])
        let f = try RobustScaler().fit(x, columnNames: ["a", "b"])
        #expect(f.scale == [1, 1])           // constant column: zero IQR -> 1
        #expect(f.center == [2, 5])
        let t = try f.transform(x)
        #expect(t[3, 0].isNaN)               // NaN kept
        #expect(throws: FeatureError.self) { try RobustScaler(quantileRange: (80, 20)).fit(x) }
        #expect(throws: FeatureError.self) { try RobustScaler(quantileRange: (-1, 20)).fit(x) }
        #expect(throws: FeatureError.self) { try RobustScaler(quantileRange: (0, 100), unitVariance: true).fit(x) }
        #expect(throws: FeatureError.self) { try RobustScaler(quantileRange: (50, 50), unitVariance: true).fit(x) }
        #expect(throws: FeatureError.self) { try RobustScaler().fit(try Matrix<Double>(rows: 0, columns: 2)) }
        #expect(throws: FeatureError.self) { try RobustScaler().fit(try Matrix<Double>([[1, .nan], [2, .nan]])) }
        #expect {
            try RobustScaler().fit(try Matrix<Double>([[1, 2], [.infinity, 3]]), columnNames: ["p", "q"])
        } throws: { error in
            guard case let FeatureError.infiniteValue(_, row, column, _) = error else { return false }
            return row == 1 && column == "p"
        }
        #expect(throws: FeatureError.self) { try f.transform(try Matrix<Double>([[1, 2, 3]])) }
        #expect(throws: FeatureError.self) { try f.transform(x, columnNames: ["a", "c"]) }
        #expect(throws: FeatureError.self) { try f.transform(try Matrix<Double>([[.infinity, 1]])) }
        let one = try RobustScaler().fit(try Matrix<Double>([[4]]))
        #expect(try one.transform(try Matrix<Double>([[6]])).elements == [2])
        // Extreme magnitudes: finite scale, finite output.
        let huge = try Matrix<Double>([[-1e300], [0], [1e300], [5e299]])
        let h = try RobustScaler().fit(huge)
        #expect(h.scale!.allSatisfy { $0.isFinite })
        #expect(try h.transform(huge).elements.allSatisfy { $0.isFinite })
        #expect(throws: FeatureError.self) {
            try RobustScaler(quantileRange: (0, 100)).fit(try Matrix<Double>([[-1.7e308], [1.7e308]]))
        }
        // unit variance: the normal IQR is 1.3489795003921634 (scipy).
        let u = try RobustScaler(unitVariance: true).fit(try Matrix<Double>([[0], [1], [2], [3], [4]]))
        #expect(abs(u.scale![0] - 2 / 1.3489795003921634) <= 8 * Double.ulpOfOne * 1.5)
    }

    @Test("Codable round trip")
    func codable() throws {
        let f = try RobustScaler(quantileRange: (10, 90)).fit(try Matrix<Double>([[1, 2], [3, 5], [4, 4]]))
        let data = try JSONEncoder().encode(f)
        #expect(try JSONDecoder().decode(RobustScaler.Fitted.self, from: data) == f)
    }
}

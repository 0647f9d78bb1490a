import LinearAlgebra
import Testing
@testable import Features

/// Every scaler and option against scikit-learn 1.9.1 (data/reference/scalers.json), on iris,
/// diabetes, wine and seeded synthetic data with NaN, a constant column, heavy tails, a large
/// offset, a tiny scale and magnitudes near 1e150.
///
/// Tolerances, and why:
/// - fitted means, minima, maxima, ranges, max-abs: 1e-14 relative (summation order differs; the
///   extremes are exact);
/// - variances and scales: 1e-12 relative plus the conditioning term `(n eps mean/std)^2`: a column
///   with mean 1e8 and spread 1e-3 has a variance that no double-precision algorithm knows to
///   better than that, and scikit-learn and FeatureKit round differently;
/// - transformed values: `1e-12 (|z| + 1) + 8 eps (|x| + |offset|) factor`: the subtraction
///   `x - offset` carries an absolute error of a few ulps of its operands, magnified by the factor;
///   for StandardScaler plus `|z|` times the variance's conditioning term (z inherits the relative
///   error of the standard deviation it is divided by).
@Suite("Scalers match scikit-learn")
struct ScalerGoldenTests {
    static var cases: [ScalerReference.Case] { ScalerReference.shared?.cases ?? [] }

    @Test("reference file is present and complete")
    func referencePresent() throws {
        let reference = try #require(ScalerReference.shared, "data/reference/scalers.json missing: run make reference")
        #expect(reference.sklearn == "1.9.1")
        #expect(reference.cases.count >= 32)
    }

    @Test("fitted parameters and transformed rows", arguments: cases.indices)
    func goldenCase(index: Int) throws {
        let reference = try #require(ScalerReference.shared)
        let c = reference.cases[index]
        let dataset = try #require(reference.datasets[c.dataset])
        let x = try parseHex(dataset.x), probe = try parseHex(dataset.probe)
        let context = "\(c.transform) \(c.params.keys.sorted()) on \(c.dataset)"
        let fitted: any InvertibleTransform
        var parameters: [String: [Double]?] = [:]
        var affineParts: (offset: [Double], factor: [Double])
        switch c.transform {
        case "StandardScaler":
            guard case let .bool(withMean)? = c.params["withMean"], case let .bool(withStd)? = c.params["withStd"] else {
                Issue.record("bad params"); return
            }
            let f = try StandardScaler(withMean: withMean, withStd: withStd).fit(x, columnNames: dataset.columns)
            fitted = f
            parameters = ["mean_": f.mean, "var_": f.variance, "scale_": f.scale]
            affineParts = (f.affine.offset, f.affine.factor)
            #expect(f.samplesSeen == c.fitted["n_samples_seen_"]??.compactMap { $0.double }.map { Int($0) } ?? [])
        case "MinMaxScaler":
            guard case let .list(range)? = c.params["featureRange"], case let .bool(clip)? = c.params["clip"] else {
                Issue.record("bad params"); return
            }
            let f = try MinMaxScaler(featureRange: range[0]...range[1], clip: clip).fit(x, columnNames: dataset.columns)
            fitted = f
            parameters = ["data_min_": f.dataMin, "data_max_": f.dataMax, "data_range_": f.dataRange, "scale_": f.scale, "min_": f.min]
            affineParts = (f.affine.offset, f.affine.factor)
        case "MaxAbsScaler":
            let f = try MaxAbsScaler().fit(x, columnNames: dataset.columns)
            fitted = f
            parameters = ["max_abs_": f.maxAbs, "scale_": f.scale]
            affineParts = (f.affine.offset, f.affine.factor)
        default:
            Issue.record("unknown transform \(c.transform)"); return
        }

        // Conditioning of each column's variance: (n eps |mean| / std)^2.
        let moments = try MomentsFor.columns(x)
        for (name, ours) in parameters {
            let expected = try c.fitted[name].flatMap { $0 }.map(parseHex)
            #expect((ours == nil) == (expected == nil), "\(context): presence of \(name)")
            guard let ours, let expected else { continue }
            #expect(ours.count == expected.count)
            for j in ours.indices {
                let isSpread = name == "var_" || (name == "scale_" && c.transform == "StandardScaler")
                let conditioning = isSpread ? moments[j].conditioning : 0
                let tolerance = (isSpread ? 1e-12 : 1e-14) * abs(expected[j]) + conditioning * abs(expected[j])
                #expect(sameOrClose(ours[j], expected[j], tolerance: tolerance),
                        "\(context): \(name)[\(j)] = \(ours[j]), scikit-learn \(expected[j])")
            }
        }

        for (input, expectedRows, label) in [(x, c.transformed, "transform"), (probe, c.probe_transformed, "probe")] {
            let ours = try fitted.transform(input, columnNames: dataset.columns)
            let expected = try parseHex(expectedRows)
            #expect(ours.shape == expected.shape)
            for i in 0..<ours.rows {
                for j in 0..<ours.columns {
                    let (o, e, v) = (try ours.element(row: i, column: j), try expected.element(row: i, column: j), try input.element(row: i, column: j))
                    let scaleError = c.transform == "StandardScaler" ? moments[j].conditioning : 0
                    let tolerance = 1e-12 * (abs(e) + 1) + 8 * Double.ulpOfOne * (abs(v) + abs(affineParts.offset[j])) * abs(affineParts.factor[j])
                        + scaleError * abs(e)
                    #expect(sameOrClose(o, e, tolerance: tolerance), "\(context) \(label) row \(i) column \(j): \(o) vs \(e)")
                }
            }
        }

        // inverse(transform(x)) = x, and agrees with scikit-learn's inverse.
        let roundTrip = try fitted.inverseTransform(fitted.transform(x, columnNames: dataset.columns))
        let expectedInverse = try parseHex(c.inverse)
        for i in 0..<x.rows {
            for j in 0..<x.columns {
                let (r, v, e) = (try roundTrip.element(row: i, column: j), try x.element(row: i, column: j), try expectedInverse.element(row: i, column: j))
                let tolerance = 1e-12 * (abs(v) + 1) + 16 * Double.ulpOfOne * (abs(v) + abs(affineParts.offset[j]))
                if !(c.transform == "MinMaxScaler" && c.params["clip"].map({ if case .bool(true) = $0 { return true } else { return false } }) == true) {
                    #expect(sameOrClose(r, v, tolerance: tolerance), "\(context) inverse row \(i) column \(j): \(r) vs \(v)")
                }
                #expect(sameOrClose(r, e, tolerance: tolerance), "\(context) inverse vs scikit-learn row \(i) column \(j)")
            }
        }
    }
}

/// Per-column conditioning of the variance, from a plain two-pass computation.
enum MomentsFor {
    struct Column { let conditioning: Double }

    static func columns(_ x: Matrix<Double>) throws -> [Column] {
        try (0..<x.columns).map { j in
            let values = try x.column(j).array.filter { !$0.isNaN }
            let n = Double(values.count)
            let mean = values.reduce(0, +) / n
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            let kappa = variance > 0 ? abs(mean) / variance.squareRoot() : 0
            let term = n * Double.ulpOfOne * kappa
            return Column(conditioning: 4 * term * term)
        }
    }
}

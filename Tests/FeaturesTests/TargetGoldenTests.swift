import LinearAlgebra
import Tabular
import Testing
@testable import Features

/// TargetEncoder against scikit-learn 1.9.1 (data/reference/encoding.json), continuous, binary and
/// multiclass targets, smoothing "auto" and fixed, explicit categories:
/// - `encodings_`, `target_mean_`, `transform` of the training and probe rows: bit-identical
///   (numpy's pairwise summation is reproduced, and per-category sums run in row order as
///   scikit-learn's Cython loop);
/// - `fit_transform` with `shuffle: false` against scikit-learn with `cv=KFold(5)` /
///   `StratifiedKFold(5)`: bit-identical (the folds are the same).
/// Shuffled folds use our own generator and are tested as properties (TargetPropertyTests).
@Suite("TargetEncoder matches scikit-learn")
struct TargetGoldenTests {
    static var cases: [EncodingReference.Case] { EncodingReference.shared?.target ?? [] }

    static func configuration(_ params: [String: EncodingReference.Value], shuffle: Bool) -> TargetEncoder {
        let smooth: TargetEncoder.Smooth = params["smooth"]?.text == "auto" ? .auto : .value(params["smooth"]?.number ?? 0)
        let type: TargetEncoder.TargetType
        switch params["target_type"]?.text {
        case "binary"?: type = .binary
        case "multiclass"?: type = .multiclass
        default: type = .continuous
        }
        return TargetEncoder(categories: EncodingReference.explicitCategories(params), targetType: type, smooth: smooth,
                             cv: 5, shuffle: shuffle, randomState: 7)
    }

    @Test("reference cases are present")
    func present() { #expect(Self.cases.count >= 12) }

    @Test("encodings, target mean, transform and unshuffled cross fitting", arguments: cases.indices)
    func golden(index: Int) throws {
        let reference = try #require(EncodingReference.shared)
        let c = reference.target[index]
        let context = "Target \(c.params) on \(c.dataset)"
        let table = try reference.table(c.dataset)
        let y = try (c.target ?? []).map { try #require(Double($0)) }
        let encoder = Self.configuration(c.params, shuffle: false)
        let (fitted, crossFitted) = try encoder.fitTransform(table, target: y, columns: c.columns)
        #expect(fitted.columns.map(\.categories.names) == c.categories, "\(context)")
        let encodings = try (c.encodings ?? []).map { try $0.map { try #require(Double($0)) } }
        // scikit-learn's encodings_ list: per column, per class.
        let ours = fitted.columns.flatMap(\.classEncodings)
        #expect(ours.count == encodings.count, "\(context)")
        for (j, expected) in encodings.enumerated() where j < ours.count {
            let got = ours[j]
            #expect(got.count == expected.count, "\(context)")
            for (a, b) in zip(got, expected) where !(a == b || (a.isNaN && b.isNaN)) {
                Issue.record("\(context): column \(j) encoding \(a) != \(b)")
                break
            }
        }
        #expect(fitted.targetMeans == (c.target_mean ?? []).compactMap { Double($0) }, "\(context)")
        #expect(fitted.outputNames == c.feature_names, "\(context)")
        expectIdentical(try fitted.transform(table), try matrix(c.transformed), "\(context) transform")
        expectIdentical(crossFitted, try matrix(hex: c.fit_transform ?? []), "\(context) fit_transform")
        if let rows = c.probe_transformed {
            expectIdentical(try fitted.transform(try reference.table("synth_probe")), try matrix(rows), "\(context) probe")
        }
        // `fit` alone gives the same fitted encoder.
        #expect(try encoder.fit(table, target: y, columns: c.columns) == fitted)
    }
}

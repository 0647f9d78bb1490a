import LinearAlgebra
import Tabular
import Testing
@testable import Features

/// OneHotEncoder against scikit-learn 1.9.1 (data/reference/encoding.json): categories_,
/// infrequent_categories_, drop_idx_, get_feature_names_out and transformed rows, on seeded
/// synthetic data (string categories including "é" and "e\u{301}", integer and numeric
/// categories, missing values, rare categories, unknown values in a probe table) and on
/// categorical versions of iris and wine. Tolerance: none — outputs are 0/1 and must be equal.
@Suite("OneHotEncoder matches scikit-learn")
struct OneHotGoldenTests {
    static var cases: [EncodingReference.Case] { EncodingReference.shared?.onehot ?? [] }

    @Test("reference file is present")
    func referencePresent() throws {
        let reference = try #require(EncodingReference.shared, "data/reference/encoding.json missing: run make reference")
        #expect(reference.sklearn == "1.9.1")
        #expect(reference.onehot.count >= 15)
    }

    static func configuration(_ params: [String: EncodingReference.Value]) -> OneHotEncoder {
        let drop: OneHotEncoder.Drop
        switch params["drop"] {
        case .text("first")?: drop = .first
        case .text("if_binary")?: drop = .ifBinary
        case let .list(values)?: drop = .categories(values.map { $0.text == "nan" ? nil : $0.text })
        default: drop = .none
        }
        let handle: OneHotEncoder.HandleUnknown
        switch params["handle_unknown"]?.text {
        case "ignore"?: handle = .ignore
        case "infrequent_if_exist"?: handle = .infrequentIfExist
        default: handle = .error
        }
        return OneHotEncoder(categories: EncodingReference.explicitCategories(params), drop: drop, handleUnknown: handle,
                             minFrequency: EncodingReference.minFrequency(params),
                             maxCategories: params["max_categories"]?.number.map { Int($0) })
    }

    @Test("fitted categories, names and rows", arguments: cases.indices)
    func golden(index: Int) throws {
        let reference = try #require(EncodingReference.shared)
        let c = reference.onehot[index]
        let context = "OneHot \(c.params.keys.sorted()) on \(c.dataset)"
        let table = try reference.table(c.dataset)
        let fitted = try Self.configuration(c.params).fit(table, columns: c.columns)
        #expect(fitted.columns.map(\.categories.names) == c.categories, "\(context)")
        if let infrequent = c.infrequent {
            #expect(fitted.columns.map(\.infrequentNames) == infrequent, "\(context)")
        }
        if let drop = c.drop_idx {
            #expect(fitted.columns.map(\.dropIndex) == drop, "\(context)")
        } else {
            #expect(fitted.columns.allSatisfy { $0.dropIndex == nil }, "\(context)")
        }
        #expect(fitted.outputNames == c.feature_names, "\(context)")
        let expected = try matrix(c.transformed)
        for threads in [1, 3] {
            expectIdentical(try fitted.transform(table, threads: threads), expected, "\(context) threads \(threads)")
        }
        // dtype=np.uint8 / np.float32: the same ones.
        #expect(try fitted.transformUInt8(table, threads: 2).elements.map { Double($0) } == expected.elements, "\(context) uint8")
        #expect(try fitted.transformFloat(table).elements.map { Double($0) } == expected.elements, "\(context) float32")
        // The sparse form holds the same ones.
        expectIdentical(try fitted.transformIndices(table).dense(), expected, "\(context) sparse")
        if c.dataset == "synth" {
            let probe = try reference.table("synth_probe")
            if let probeRows = c.probe_transformed {
                expectIdentical(try fitted.transform(probe), try matrix(probeRows), "\(context) probe")
            }
            if let error = c.probe_error {
                do {
                    _ = try fitted.transform(probe)
                    Issue.record("\(context): expected an unknown-category error")
                } catch let FeatureError.unknownCategory(transform, column, value, row) {
                    #expect(transform == "OneHotEncoder")
                    #expect(column == error.column && value == error.value && row == error.row, "\(context)")
                }
            }
        }
    }
}

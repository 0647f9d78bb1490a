import LinearAlgebra
import Tabular
import Testing
@testable import Features

/// OrdinalEncoder against scikit-learn 1.9.1 (data/reference/encoding.json): categories_,
/// infrequent_categories_ and transformed rows (missing and unknown codes included). Tolerance:
/// none — the codes are small integers or NaN and must be identical.
@Suite("OrdinalEncoder matches scikit-learn")
struct OrdinalGoldenTests {
    static var cases: [EncodingReference.Case] { EncodingReference.shared?.ordinal ?? [] }

    static func configuration(_ params: [String: EncodingReference.Value]) -> OrdinalEncoder {
        var handle = OrdinalEncoder.HandleUnknown.error
        if let value = params["handle_unknown"]?.object?["use_encoded_value"] {
            handle = .useEncodedValue(value.number ?? .nan)
        }
        return OrdinalEncoder(categories: EncodingReference.explicitCategories(params), handleUnknown: handle,
                              encodedMissingValue: params["encoded_missing_value"]?.number ?? .nan,
                              minFrequency: EncodingReference.minFrequency(params),
                              maxCategories: params["max_categories"]?.number.map { Int($0) })
    }

    @Test("reference cases are present")
    func present() { #expect(Self.cases.count >= 8) }

    @Test("fitted categories and rows", arguments: cases.indices)
    func golden(index: Int) throws {
        let reference = try #require(EncodingReference.shared)
        let c = reference.ordinal[index]
        let context = "Ordinal \(c.params.keys.sorted()) on \(c.dataset)"
        let table = try reference.table(c.dataset)
        let fitted = try Self.configuration(c.params).fit(table, columns: c.columns)
        #expect(fitted.columns.map(\.categories.names) == c.categories, "\(context)")
        if let infrequent = c.infrequent {
            #expect(fitted.columns.map(\.infrequentNames) == infrequent, "\(context)")
        }
        #expect(fitted.outputNames == c.columns)
        for threads in [1, 2] {
            expectIdentical(try fitted.transform(table, threads: threads), try matrix(c.transformed), "\(context) threads \(threads)")
        }
        if c.dataset == "synth" {
            let probe = try reference.table("synth_probe")
            if let rows = c.probe_transformed {
                expectIdentical(try fitted.transform(probe), try matrix(rows), "\(context) probe")
            }
            if let error = c.probe_error {
                #expect {
                    _ = try fitted.transform(probe)
                } throws: { thrown in
                    guard case let FeatureError.unknownCategory(_, column, value, row) = thrown else { return false }
                    return column == error.column && value == error.value && row == error.row
                }
            }
        }
    }
}

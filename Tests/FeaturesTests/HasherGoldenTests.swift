import LinearAlgebra
import Tabular
import Testing
@testable import Features

/// FeatureHasher and MurmurHash3 against scikit-learn 1.9.1 (data/reference/encoding.json):
/// `murmurhash3_32(s, seed=0, positive=False)` for ASCII, accented (precomposed and combining),
/// CJK, emoji and long strings; `FeatureHasher(input_type='dict')` on the synthetic, iris and wine
/// tables (categorical columns as "name=value", numeric columns as values) at 8 to 2^20 features,
/// with and without alternate signs; `input_type='string'`. Tolerance: none — the hash is exact
/// and the sums are of ±1 or of one numeric value per bucket and row in the same order.
@Suite("FeatureHasher matches scikit-learn")
struct HasherGoldenTests {
    static var cases: [EncodingReference.HasherCase] { EncodingReference.shared?.hasher ?? [] }

    @Test("MurmurHash3_x86_32 matches murmurhash3_32")
    func murmur() throws {
        let reference = try #require(EncodingReference.shared)
        #expect(reference.murmur.count >= 10)
        for item in reference.murmur {
            #expect(MurmurHash3.hash32(item.text) == item.hash, "\(item.text.debugDescription)")
        }
    }

    @Test("hashed tables", arguments: cases.indices)
    func golden(index: Int) throws {
        let reference = try #require(EncodingReference.shared)
        let c = reference.hasher[index]
        let table = try reference.table(c.dataset)
        let hasher = FeatureHasher(nFeatures: c.n_features, alternateSign: c.alternate_sign)
        let sparse = try hasher.transformSparse(table)
        #expect(sparse.rowStarts == c.row_starts, "\(c.dataset) \(c.n_features)")
        #expect(sparse.indices == c.indices, "\(c.dataset) \(c.n_features)")
        let values = try c.values.map { try #require(Double($0)) }
        #expect(sparse.values.count == values.count)
        for (a, b) in zip(sparse.values, values) where !(a == b || (a.isNaN && b.isNaN)) {
            Issue.record("\(c.dataset) \(c.n_features): value \(a) != \(b)")
            break
        }
        if c.n_features <= 64 {
            let expected = try SparseRows(columns: c.n_features, rowStarts: c.row_starts, indices: c.indices, values: values).dense()
            expectIdentical(try hasher.transform(table, threads: 2), expected, "\(c.dataset) dense")
        }
    }

    @Test("input_type='string'")
    func strings() throws {
        let reference = try #require(EncodingReference.shared)
        let c = reference.hasher_strings
        let sparse = try FeatureHasher(nFeatures: c.n_features).transform(strings: c.rows)
        #expect(sparse.rowStarts == c.row_starts)
        #expect(sparse.indices == c.indices)
        #expect(sparse.values == (try c.values.map { try #require(Double($0)) }))
    }
}

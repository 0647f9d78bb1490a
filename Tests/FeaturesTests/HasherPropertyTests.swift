import LinearAlgebra
import Tabular
import Testing
@testable import Features

@Suite("FeatureHasher properties and errors")
struct HasherPropertyTests {
    @Test("MurmurHash3 reference vectors (Appleby's SMHasher verification values)")
    func vectors() {
        #expect(MurmurHash3.hash32(bytes: [], seed: 0) == 0)
        #expect(MurmurHash3.hash32(bytes: [], seed: 1) == 0x514E_28B7)
        #expect(MurmurHash3.hash32(bytes: [], seed: 0xFFFF_FFFF) == 0x81F1_6F39)
        #expect(MurmurHash3.hash32(bytes: [0x21, 0x43, 0x65, 0x87], seed: 0) == 0xF55B_516B)
        #expect(MurmurHash3.hash32(bytes: [0x21, 0x43, 0x65], seed: 0) == 0x7E4A_8634)
        #expect(MurmurHash3.hash32(bytes: [0x21, 0x43], seed: 0) == 0xA0F7_B07A)
        #expect(MurmurHash3.hash32(bytes: [0x21], seed: 0) == 0x7266_1CF4)
    }

    @Test("dense equals sparse; the same for any thread count; rows are independent")
    func dense() throws {
        let table = try categoricalTable(rows: 3000, seed: 17)
        let hasher = FeatureHasher(nFeatures: 32)
        let sparse = try hasher.transformSparse(table).dense()
        expectIdentical(try hasher.transform(table), sparse, "dense vs sparse (NaN in grade)")
        let categorical = try table.selecting(["colour", "size"])
        let one = try hasher.transform(categorical, threads: 1)
        #expect(try hasher.transform(categorical, threads: 3) == one)
        #expect(try hasher.transformSparse(categorical).dense() == one)
        let head = try hasher.transform(try categorical.rows(0..<10))
        #expect(head.rowArrays == Array(one.rowArrays.prefix(10)))
    }

    @Test("missing values and zeros contribute nothing; NaN is kept as scikit-learn keeps it")
    func missing() throws {
        let table = try Table([try .categorical("c", [nil, "a"]), .numeric("x", [0, .nan])])
        let sparse = try FeatureHasher(nFeatures: 8).transformSparse(table)
        #expect(sparse.rowStarts == [0, 0, 2])
        #expect(sparse.values.contains { $0.isNaN })
    }

    @Test("bad parameters, infinity and oversized dense output are errors")
    func errors() throws {
        let table = try Table([try .categorical("c", ["a"]), .numeric("x", [.infinity])])
        #expect(throws: FeatureError.self) { try FeatureHasher(nFeatures: 0).transform(strings: [["a"]]) }
        #expect(throws: FeatureError.self) { try FeatureHasher(nFeatures: Int(Int32.max) + 1).transform(strings: [["a"]]) }
        #expect {
            _ = try FeatureHasher(nFeatures: 4).transformSparse(table)
        } throws: { error in
            guard case let FeatureError.infiniteValue(_, row, column, _) = error else { return false }
            return row == 0 && column == "x"
        }
        #expect(throws: FeatureError.self) { try FeatureHasher(nFeatures: 4).transform(pairs: [[("f", -.infinity)]]) }
        let big = try Table([try .categorical("c", Array(repeating: "a", count: 1000))])
        #expect(throws: FeatureError.self) { try FeatureHasher(nFeatures: Int(Int32.max)).transform(big) }
        // Int32.min hashes to the documented bucket: no trap on abs().
        let (index, _) = FeatureHasher(nFeatures: 7).bucket("")
        #expect(index == 0)
    }

    @Test("pairs: signed values, duplicates summed")
    func pairs() throws {
        let hasher = FeatureHasher(nFeatures: 1 << 20, alternateSign: false)
        let rows = try hasher.transform(pairs: [[("a", 2), ("a", 3), ("b", 0)]])
        #expect(rows.rowStarts == [0, 1] && rows.values == [5])
        #expect(rows.indices == [hasher.bucket("a").index])
    }
}

import Foundation
import LinearAlgebra
import Tabular
import Testing
@testable import Features

@Suite("OrdinalEncoder properties and errors")
struct OrdinalPropertyTests {
    @Test("the same output for any thread count; row order; Codable")
    func determinism() throws {
        let table = try categoricalTable(rows: 10_000, seed: 21)
        let encoder = OrdinalEncoder(handleUnknown: .useEncodedValue(-1), encodedMissingValue: -2, maxCategories: 6)
        let fitted = try encoder.fit(table)
        let one = try fitted.transform(table, threads: 1)
        for threads in [2, 5] { #expect(try fitted.transform(table, threads: threads) == one) }
        var generator = SeededGenerator(seed: 1)
        var order = Array(0..<table.rowCount)
        order.shuffle(using: &generator)
        let shuffled = try fitted.transform(try reordered(table, order)).rowArrays
        let rows = one.rowArrays
        #expect(order.indices.allSatisfy { shuffled[$0] == rows[order[$0]] })
        let back = try JSONDecoder().decode(OrdinalEncoder.Fitted.self, from: try JSONEncoder().encode(fitted))
        #expect(back == fitted)
    }

    @Test("JSON round trip with NaN codes (missing and unknown values)")
    func nanCodable() throws {
        let table = try Table([try .categorical("c", ["b", nil, "a"])])
        let fitted = try OrdinalEncoder(handleUnknown: .useEncodedValue(.nan)).fit(table)
        let data = try JSONEncoder().encode(fitted)
        #expect(String(decoding: data, as: UTF8.self).contains("\"nan\""))
        let back = try JSONDecoder().decode(OrdinalEncoder.Fitted.self, from: data)
        let probe = try Table([try .categorical("c", ["a", nil, "zz"])])
        expectIdentical(try back.transform(probe), try fitted.transform(probe), "round trip")
        #expect(back.columns[0].codes[2].isNaN && back.configuration.encodedMissingValue.isNaN)
        if case let .useEncodedValue(value) = back.configuration.handleUnknown { #expect(value.isNaN) } else { Issue.record("lost handleUnknown") }
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(OrdinalEncoder.self, from: Data(#"{"categories":{"auto":{}},"handleUnknown":{"error":true},"encodedMissingValue":"bogus"}"#.utf8))
        }
    }

    @Test("codes follow category order; missing is NaN by default; unknowns")
    func codes() throws {
        let train = try Table([try .categorical("c", ["b", "a", nil, "c"])])
        let fitted = try OrdinalEncoder().fit(train)
        let y = try fitted.transform(train)
        #expect(y[0, 0] == 1 && y[1, 0] == 0 && y[2, 0].isNaN && y[3, 0] == 2)
        let test = try Table([try .categorical("c", ["a", "zz"])])
        #expect {
            _ = try fitted.transform(test)
        } throws: { error in
            guard case let FeatureError.unknownCategory(transform, column, value, row) = error else { return false }
            return transform == "OrdinalEncoder" && column == "c" && value == "zz" && row == 1
                && error.localizedDescription.isEmpty == false
        }
        let lenient = try OrdinalEncoder(handleUnknown: .useEncodedValue(.nan)).fit(train)
        let z = try lenient.transform(test)
        #expect(z[0, 0] == 0 && z[1, 0].isNaN)
    }

    @Test("codes that collide with known categories, and non-integer codes, are refused")
    func collisions() throws {
        let train = try Table([try .categorical("c", ["b", "a", nil, "c"])])
        func message(_ encoder: OrdinalEncoder) -> String {
            do { _ = try encoder.fit(train); return "" } catch { return "\(error)" }
        }
        #expect(message(OrdinalEncoder(handleUnknown: .useEncodedValue(1))).contains("unknownValue"))
        #expect(message(OrdinalEncoder(handleUnknown: .useEncodedValue(0.5))).contains("integer"))
        #expect(message(OrdinalEncoder(handleUnknown: .useEncodedValue(.infinity))).contains("unknownValue"))
        #expect(message(OrdinalEncoder(encodedMissingValue: 2)).contains("encodedMissingValue"))
        #expect(message(OrdinalEncoder(encodedMissingValue: 2.5)).contains("encodedMissingValue"))
        #expect(message(OrdinalEncoder(handleUnknown: .useEncodedValue(3), encodedMissingValue: 3)) == "")
        #expect(message(OrdinalEncoder(minFrequency: .count(-1))).contains("minFrequency"))
        #expect(message(OrdinalEncoder(maxCategories: 0)).contains("maxCategories"))
        // A collision only matters for columns with missing values.
        let complete = try Table([try .categorical("c", ["a", "b"])])
        #expect(try OrdinalEncoder(encodedMissingValue: 0).fit(complete).columns[0].codes == [0, 1])
    }

    @Test("empty input, 1x1 and all-missing columns")
    func tiny() throws {
        #expect(throws: FeatureError.self) { try OrdinalEncoder().fit(try Table([.numeric("x", [])])) }
        let one = try Table([.numeric("x", [4.5])])
        #expect(try OrdinalEncoder().fit(one).transform(one) == Matrix([[0]]))
        let missing = try Table([.numeric("x", [.nan, .nan])])
        let fitted = try OrdinalEncoder(encodedMissingValue: -1).fit(missing)
        #expect(fitted.columns[0].categories.names == ["nan"])
        #expect(try fitted.transform(missing) == Matrix([[-1], [-1]]))
    }
}

import Foundation
import LinearAlgebra
import Statistics
import Tabular
import Testing
@testable import Features

/// A seeded table of `rows` rows: a string column (with missing values and rare levels), an
/// integer column and a numeric one.
func categoricalTable(rows: Int, seed: UInt64, cardinality: Int = 40) throws -> Table {
    var generator = SeededGenerator(seed: seed)
    var colour: [String?] = [], size: [String?] = [], grade: [Double] = []
    for _ in 0..<rows {
        let u = generator.nextUniform()
        colour.append(u < 0.05 ? nil : "c\(Int(generator.next() % UInt64(cardinality)) * Int(generator.next() % 2 + 1))")
        size.append(String(Int(generator.next() % 7) - 3))
        grade.append(generator.nextUniform() < 0.03 ? .nan : Double(generator.next() % 5) / 2)
    }
    return try Table([try .categorical("colour", colour), try .categorical("size", size, kind: .integer), .numeric("grade", grade)])
}

/// `table` with its rows in the order `order`, categorical columns re-encoded (so their levels
/// are in another first-seen order).
func reordered(_ table: Table, _ order: [Int]) throws -> Table {
    try Table(table.columns.map { column in
        switch column.values {
        case let .numeric(values): return .numeric(column.name, order.map { values[$0] })
        case let .categorical(values):
            return try .categorical(column.name, order.map { values.value(at: $0) }, kind: values.kind)
        }
    })
}

@Suite("OneHotEncoder properties and errors")
struct OneHotPropertyTests {
    @Test("the same output for any thread count", arguments: [2, 3, 8])
    func threads(threads: Int) throws {
        let table = try categoricalTable(rows: 20_000, seed: 11)
        let fitted = try OneHotEncoder(handleUnknown: .infrequentIfExist, minFrequency: .count(300)).fit(table, threads: threads)
        #expect(fitted == (try OneHotEncoder(handleUnknown: .infrequentIfExist, minFrequency: .count(300)).fit(table, threads: 1)))
        let expected = try fitted.transform(table, threads: 1)
        #expect(try fitted.transform(table, threads: threads) == expected)
        // Into a reused output (dirty from an earlier call): the same values.
        var output = try Matrix<Double>(rows: table.rowCount, columns: fitted.outputCount, repeating: 7)
        try fitted.transform(table, into: &output, threads: threads)
        #expect(output == expected)
        var wrong = try Matrix<Double>(rows: 2, columns: 2)
        #expect(throws: FeatureError.self) { try fitted.transform(table, into: &wrong) }
    }

    @Test("the streamed kernel path (scratch block + non-temporal copy) equals the direct one", arguments: [1, 3])
    func streaming(threads: Int) throws {
        let rows = 2_000
        let codes: [[Int32]] = [(0..<rows).map { Int32($0 % 11) - 1 }, (0..<rows).map { Int32(($0 * 7) % 100) }]
        let targets: [[Int32]] = [(0..<11).map { $0 == 3 ? -1 : Int32($0) }, (0..<101).map { Int32(11 + $0 % 99) }]
        let values: [[Double]] = [(0..<11).map { Double($0) - 4.5 }, (0..<101).map { Double($0) }]
        for v in [nil, values] {
            let direct = try ColumnKernels.scatterCodes(rows: rows, width: 110, codes: codes, targets: targets, values: v,
                                                        blockRows: 64, threads: threads, streamingBytes: .max)
            let streamed = try ColumnKernels.scatterCodes(rows: rows, width: 110, codes: codes, targets: targets, values: v,
                                                          blockRows: 64, threads: threads, streamingBytes: 0)
            #expect(streamed == direct)
            var reused = try Matrix<Double>(rows: rows, columns: 110, repeating: -3)
            try ColumnKernels.scatterCodes(into: &reused, codes: codes, targets: targets, values: v, blockRows: 64,
                                           threads: threads, streamingBytes: 0)
            #expect(reused == direct)
        }
        // A code outside its table is reported, on both paths.
        let bad: [[Int32]] = [codes[0], codes[1].enumerated().map { $0.offset == 1321 ? 500 : $0.element }]
        for streamingBytes in [0, Int.max] {
            #expect {
                _ = try ColumnKernels.scatterCodes(rows: rows, width: 110, codes: bad, targets: targets, blockRows: 64,
                                                   threads: threads, streamingBytes: streamingBytes)
            } throws: { error in
                guard let error = error as? ColumnKernels.CodeOutOfRange else { return false }
                return error.column == 1 && error.row == 1321 && error.code == 500
            }
        }
    }

    @Test("row order: permuted rows (and re-encoded levels) give permuted output rows")
    func rowOrder() throws {
        let table = try categoricalTable(rows: 3000, seed: 5)
        var generator = SeededGenerator(seed: 9)
        var order = Array(0..<table.rowCount)
        order.shuffle(using: &generator)
        let shuffled = try reordered(table, order)
        let encoder = OneHotEncoder(drop: .ifBinary, maxCategories: 12)
        let fitted = try encoder.fit(table)
        #expect(try encoder.fit(shuffled) == fitted)
        let a = try fitted.transform(table).rowArrays, b = try fitted.transform(shuffled).rowArrays
        #expect(order.indices.allSatisfy { b[$0] == a[order[$0]] })
    }

    @Test("each row has exactly one 1 per column without drop or unknowns; sparse form agrees")
    func oneHot() throws {
        let table = try categoricalTable(rows: 500, seed: 2)
        let fitted = try OneHotEncoder().fit(table)
        let y = try fitted.transform(table)
        for row in y.rowArrays { #expect(row.reduce(0, +) == 3) }
        #expect(try fitted.transformIndices(table).dense() == y)
        #expect(fitted.outputNames.count == y.columns)
        #expect(fitted.outputNames.contains("colour_nan") && fitted.outputNames.contains("grade_nan"))
    }

    @Test("Codable round trip gives the same fitted value and output")
    func codable() throws {
        let table = try categoricalTable(rows: 400, seed: 4)
        let fitted = try OneHotEncoder(drop: .first, handleUnknown: .ignore, minFrequency: .fraction(0.02)).fit(table)
        let data = try JSONEncoder().encode(fitted)
        let back = try JSONDecoder().decode(OneHotEncoder.Fitted.self, from: data)
        #expect(back == fitted)
        #expect(try back.transform(table) == fitted.transform(table))
    }

    @Test("a fitted summary merged from blocks gives the same encoder as one pass")
    func summaryFit() throws {
        let table = try categoricalTable(rows: 1000, seed: 8)
        var summary = CategorySummary(names: table.names)
        for block in ParallelRows.blocks(rows: 1000, blockRows: 333) {
            var part = CategorySummary(names: table.names)
            try part.add(table, rows: block)
            try summary.merge(part)
        }
        let encoder = OneHotEncoder(maxCategories: 5)
        #expect(try encoder.fit(summary: summary, schema: FeatureSchema(names: table.names)) == encoder.fit(table))
    }

    @Test("the matrix form treats numbers as categories")
    func matrixInput() throws {
        let x = try Matrix<Double>([[1, 2], [3, 2], [1, 5]])
        let fitted = try OneHotEncoder().fit(try Table(x, names: ["a", "b"]))
        #expect(fitted.outputNames == ["a_1.0", "a_3.0", "b_2.0", "b_5.0"])
        #expect(try fitted.transform(x) == Matrix([[1, 0, 1, 0], [0, 1, 1, 0], [1, 0, 0, 1]]))
        #expect(throws: FeatureError.self) { try fitted.transform(try Matrix<Double>([[1, 2, 3]])) }
    }

    @Test("unknown categories: error names column, value and row; ignore gives zeros")
    func unknown() throws {
        let train = try Table([try .categorical("colour", ["red", "blue"]), try .categorical("flag", ["y", "n"])])
        let test = try Table([try .categorical("colour", ["red", "blue", "pink"]), try .categorical("flag", ["y", nil, "n"])])
        let fitted = try OneHotEncoder().fit(train)
        do {
            _ = try fitted.transform(test)
            Issue.record("expected an error")
        } catch let error as FeatureError {
            guard case let .unknownCategory(_, column, value, row) = error else { Issue.record("\(error)"); return }
            #expect(column == "colour" && value == "pink" && row == 2)
            let text = error.description
            #expect(text.contains("'pink'") && text.contains("row 2") && text.contains("'colour'") && text.contains("OneHotEncoder"))
        }
        let ignoring = try OneHotEncoder(handleUnknown: .ignore).fit(train)
        #expect(try ignoring.transform(test) == Matrix([[0, 1, 0, 1], [1, 0, 0, 0], [0, 0, 1, 0]]))
        // A missing value where fit saw none is unknown too, named "nan".
        let flagOnly = try OneHotEncoder().fit(train, columns: ["flag"])
        #expect {
            _ = try flagOnly.transform(test)
        } throws: { error in
            guard case let FeatureError.unknownCategory(_, column, value, row) = error else { return false }
            return column == "flag" && value == "nan" && row == 1
        }
    }

    @Test("infrequent_if_exist sends unknowns to the infrequent column, or zeros when there is none")
    func infrequentUnknown() throws {
        let train = try Table([try .categorical("c", ["a", "a", "a", "b", "b", "b", "x", "y"])])
        let fitted = try OneHotEncoder(handleUnknown: .infrequentIfExist, minFrequency: .count(2)).fit(train)
        #expect(fitted.outputNames == ["c_a", "c_b", "c_infrequent_sklearn"])
        #expect(fitted.columns[0].infrequentNames == ["x", "y"])
        let test = try Table([try .categorical("c", ["zzz", "y", "a"])])
        #expect(try fitted.transform(test) == Matrix([[0, 0, 1], [0, 0, 1], [1, 0, 0]]))
        let none = try OneHotEncoder(handleUnknown: .infrequentIfExist, minFrequency: .count(1)).fit(train)
        #expect(try none.transform(test).rowArrays[0] == [0, 0, 0, 0])
    }

    @Test("drop first on a single-category column removes it; if_binary only on two")
    func dropping() throws {
        let table = try Table([try .categorical("one", ["k", "k"]), try .categorical("two", ["a", "b"]), try .categorical("three", ["a", "b"])])
        let first = try OneHotEncoder(drop: .first).fit(table, columns: ["one", "two"])
        #expect(first.outputNames == ["two_b"])
        #expect(try first.transform(table) == Matrix([[0], [1]]))
        let binary = try OneHotEncoder(drop: .ifBinary).fit(table)
        #expect(binary.outputNames == ["one_k", "two_b", "three_b"])
        #expect(binary.columns.map(\.dropIndex) == [nil, 0, 0])
    }

    @Test("empty and 1x1 input")
    func tiny() throws {
        let empty = try Table([try .categorical("c", [])])
        #expect(throws: FeatureError.self) { try OneHotEncoder().fit(empty) }
        let one = try Table([try .categorical("c", ["only"])])
        let fitted = try OneHotEncoder().fit(one)
        #expect(try fitted.transform(one) == Matrix([[1]]))
        #expect(try fitted.transform(empty).rows == 0)
        let allMissing = try Table([try .categorical("c", [nil, nil])])
        let missingFit = try OneHotEncoder().fit(allMissing)
        #expect(missingFit.outputNames == ["c_nan"])
        #expect(try missingFit.transform(allMissing) == Matrix([[1], [1]]))
    }

    @Test("invalid parameters and categories are named")
    func invalid() throws {
        let table = try Table([try .categorical("c", ["a", "b", "a"]), .numeric("x", [1, 2, 3]), try .categorical("n", ["1", "2", "1"], kind: .integer)])
        func expectError(_ encoder: OneHotEncoder, columns: [String]? = nil, _ check: (FeatureError) -> Bool,
                         sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try encoder.fit(table, columns: columns)
                Issue.record("expected an error", sourceLocation: sourceLocation)
            } catch let error as FeatureError {
                #expect(check(error), "\(error)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(error)", sourceLocation: sourceLocation)
            }
        }
        expectError(OneHotEncoder(minFrequency: .count(0))) { $0.description.contains("minFrequency") }
        expectError(OneHotEncoder(minFrequency: .fraction(1))) { $0.description.contains("minFrequency") }
        expectError(OneHotEncoder(minFrequency: .fraction(.nan))) { $0.description.contains("minFrequency") }
        expectError(OneHotEncoder(maxCategories: 0)) { $0.description.contains("maxCategories") }
        expectError(OneHotEncoder(), columns: ["c", "nope"]) { $0.description.contains("'nope'") }
        expectError(OneHotEncoder(categories: .explicit([["a"]])), columns: ["c", "x"]) { $0.description.contains("categories") }
        expectError(OneHotEncoder(categories: .explicit([["a", "a", "b"]])), columns: ["c"]) { $0.description.contains("'a' is listed twice") }
        expectError(OneHotEncoder(categories: .explicit([[nil, "a", "b"]])), columns: ["c"]) { $0.description.contains("last") }
        expectError(OneHotEncoder(categories: .explicit([[]])), columns: ["c"]) { $0.description.contains("empty") }
        expectError(OneHotEncoder(categories: .explicit([["2", "1"]])), columns: ["x"]) { $0.description.contains("sorted") }
        expectError(OneHotEncoder(categories: .explicit([["1", "inf"]])), columns: ["x"]) { $0.description.contains("'inf'") }
        expectError(OneHotEncoder(categories: .explicit([["1", "x"]])), columns: ["n"]) { $0.description.contains("not an integer") }
        expectError(OneHotEncoder(categories: .explicit([["a"]])), columns: ["c"]) {
            guard case let .unknownCategory(_, column, value, row) = $0 else { return false }
            return column == "c" && value == "b" && row == 1
        }
        expectError(OneHotEncoder(drop: .categories(["zzz"])), columns: ["c"]) { $0.description.contains("'zzz'") && $0.description.contains("'c'") }
        expectError(OneHotEncoder(drop: .categories(["a", "b"])), columns: ["c"]) { $0.description.contains("drop") }
        expectError(OneHotEncoder(drop: .categories(["b"]), minFrequency: .count(2)), columns: ["c"]) { $0.description.contains("infrequent") }
        // Explicit drop of the missing value, and of an integer given with leading zeros.
        let t2 = try Table([try .categorical("c", ["a", nil]), try .categorical("n", ["7", "8"], kind: .integer)])
        let dropped = try OneHotEncoder(drop: .categories([nil, "007"])).fit(t2)
        #expect(dropped.outputNames == ["c_a", "n_8"])
    }

    @Test("kind changes and infinity at transform are errors")
    func transformErrors() throws {
        let train = try Table([try .categorical("c", ["a", "b"]), .numeric("x", [1, 2])])
        let fitted = try OneHotEncoder(handleUnknown: .ignore).fit(train)
        let wrongKind = try Table([.numeric("c", [1, 2]), .numeric("x", [1, 2])])
        #expect {
            _ = try fitted.transform(wrongKind)
        } throws: { error in
            guard case let FeatureError.categoryKindMismatch(_, column, expected, got) = error else { return false }
            return column == "c" && expected == "string" && got == "numeric"
        }
        let infinite = try Table([try .categorical("c", ["a", "b"]), .numeric("x", [1, .infinity])])
        #expect {
            _ = try fitted.transform(infinite)
        } throws: { error in
            guard case let FeatureError.infiniteValue(_, row, column, _) = error else { return false }
            return row == 1 && column == "x"
        }
        #expect(throws: FeatureError.self) { try OneHotEncoder().fit(infinite) }
        let missingColumn = try Table([try .categorical("c", ["a"])])
        #expect {
            _ = try fitted.transform(missingColumn)
        } throws: { error in
            guard case let FeatureError.schemaMismatch(_, missing, _, _) = error else { return false }
            return missing == ["x"]
        }
    }
}

import LinearAlgebra
import Tabular
import Testing
@testable import Statistics

/// Category counts: sklearn's order, exact-string identity, merges of any split equal one pass,
/// thread-count independence, numeric columns, error paths.
@Suite("Category counts")
struct CategoryCountsTests {
    static func randomColumn(rows: Int, seed: UInt64, levels: [String], missingRate: Double = 0.1) throws -> CategoricalValues {
        var generator = SeededGenerator(seed: seed)
        let values: [String?] = (0..<rows).map { _ in
            generator.nextUniform() < missingRate ? nil : levels[Int(generator.next() % UInt64(levels.count))]
        }
        return try CategoricalValues(values)
    }

    @Test("strings sort by code point; é and e+combining accent stay apart; missing counted apart")
    func order() throws {
        let values = try CategoricalValues(["b", "\u{e9}", "e\u{301}", nil, "B", "a", "b", "\u{e9}"])
        var counts = CategoryCounts()
        try counts.add(values)
        let (levels, c) = counts.sorted()
        #expect(levels == .strings(["B", "a", "b", "e\u{301}", "\u{e9}"]))
        #expect(levels.names.map { Array($0.unicodeScalars) } == ["B", "a", "b", "e\u{301}", "\u{e9}"].map { Array($0.unicodeScalars) })
        #expect(c == [1, 1, 2, 1, 2])
        #expect(counts.missing == 1 && counts.rows == 8 && counts.distinctCount == 5)
    }

    @Test("integer categories sort numerically")
    func integers() throws {
        var counts = CategoryCounts()
        try counts.add(try CategoricalValues(["10", "-2", "3", "10", nil], kind: .integer))
        let (levels, c) = counts.sorted()
        #expect(levels == .integers([-2, 3, 10]))
        #expect(c == [1, 1, 2])
        #expect(levels.names == ["-2", "3", "10"])
    }

    @Test("numeric columns: NaN is missing, -0 equals 0, names as Python prints floats")
    func numbers() throws {
        var counts = CategoryCounts()
        try counts.add(numbers: [2.5, .nan, -0.0, 0.0, 1e16, 2.5, 1e-5])
        let (levels, c) = counts.sorted()
        #expect(levels == .numbers([0, 1e-5, 2.5, 1e16]))
        #expect(c == [2, 1, 2, 1])
        #expect(levels.names == ["0.0", "1e-05", "2.5", "1e+16"])
        #expect(counts.missing == 1)
    }

    @Test("infinity in a numeric column is an error naming the row")
    func infinity() throws {
        var counts = CategoryCounts()
        #expect(throws: StatisticsError.self) { try counts.add(numbers: [1, 2, -.infinity], firstRow: 10, column: 3) }
        do {
            try counts.add(numbers: [1, .infinity], firstRow: 10, column: 3)
        } catch let StatisticsError.infiniteValue(row, column, value) {
            #expect(row == 11 && column == 3 && value == .infinity)
        }
        #expect(counts == CategoryCounts())  // unchanged
    }

    @Test("kinds cannot be mixed")
    func kindMismatch() throws {
        var counts = CategoryCounts()
        try counts.add(try CategoricalValues(["a"]))
        #expect(throws: StatisticsError.self) { try counts.add(numbers: [1]) }
        var other = CategoryCounts()
        try other.add(try CategoricalValues(["1"], kind: .integer))
        do {
            try counts.merge(other, column: 2)
            Issue.record("expected a kind mismatch")
        } catch let StatisticsError.categoryKindMismatch(column, expected, got) {
            #expect(column == 2 && expected == "string" && got == "integer")
        }
        #expect(String(describing: StatisticsError.categoryKindMismatch(column: 2, expected: "string", got: "integer")).contains("column 2"))
    }

    @Test("a row range outside the column is an error")
    func badRange() throws {
        var counts = CategoryCounts()
        #expect(throws: StatisticsError.self) { try counts.add(try CategoricalValues(["a", "b"]), rows: 1..<3) }
    }

    @Test("merging the counts of any split equals one pass", arguments: [1, 7, 100, 999])
    func merge(split: Int) throws {
        let column = try Self.randomColumn(rows: 1000, seed: UInt64(split), levels: ["x", "y", "z", "\u{e9}", "e\u{301}"])
        var whole = CategoryCounts()
        try whole.add(column)
        var left = CategoryCounts(), right = CategoryCounts()
        try left.add(column, rows: 0..<split)
        try right.add(column, rows: split..<1000)
        #expect(try left.merged(with: right) == whole)
        #expect(try right.merged(with: left) == whole)  // order does not matter: integer counts
        #expect(try left.merged(with: right).sorted() == whole.sorted())
        // Numeric: the same.
        let numbers = (0..<1000).map { Double($0 % 13) / 4 }
        var n1 = CategoryCounts(), n2 = CategoryCounts(), n = CategoryCounts()
        try n.add(numbers: numbers)
        try n1.add(numbers: numbers[0..<split])
        try n2.add(numbers: numbers[split...], firstRow: split)
        #expect(try n1.merged(with: n2) == n)
    }

    @Test("threads do not change the counts", arguments: [1, 2, 5])
    func threads(threads: Int) throws {
        var generator = SeededGenerator(seed: 3)
        let codes = (0..<300_000).map { _ in Int32(generator.next() % 301) - 1 }  // 5 chunks of 65,536 rows
        let column = try CategoricalValues(levels: (0..<300).map { "level\($0)" }, codes: codes)
        var one = CategoryCounts(), many = CategoryCounts()
        try one.add(column, threads: 1)
        try many.add(column, threads: threads)
        #expect(one == many)
        #expect(one.rows == 300_000)
    }

    @Test("a table summary: every column, merge of row blocks equals one pass")
    func summary() throws {
        let table = try Table([
            try .categorical("colour", ["red", nil, "blue", "red"]),
            .numeric("grade", [1.5, 2, .nan, 1.5]),
            try .categorical("size", ["3", "10", "3", "3"], kind: .integer),
        ])
        let whole = try CategorySummary.fit(table, columns: ["colour", "grade", "size"])
        var parts = CategorySummary(names: ["colour", "grade", "size"])
        try parts.add(table, rows: 0..<1)
        var rest = CategorySummary(names: ["colour", "grade", "size"])
        try rest.add(table, rows: 1..<4)
        try parts.merge(rest)
        #expect(parts == whole)
        #expect(whole.rows == 4)
        #expect(whole.columns[1].sorted().levels == .numbers([1.5, 2]))
        #expect(whole.columns[0].missing == 1)
        #expect(throws: TableError.self) { try CategorySummary.fit(table, columns: ["nope"]) }
        #expect(throws: StatisticsError.self) { try parts.merge(CategorySummary(names: ["a"])) }
    }
}

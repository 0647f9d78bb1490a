import LinearAlgebra
import Testing
@testable import Tabular

@Suite struct TableTests {
    func sample() throws -> Table {
        try Table([
            .numeric("a", [1, .nan, 3]),
            try .categorical("colour", ["red", nil, "blue"]),
            .numeric("b", [4, 5, 6]),
        ])
    }

    @Test func validatesNamesAndLengths() throws {
        #expect(throws: TableError.duplicateColumnName("a")) { try Table([.numeric("a", [1]), .numeric("a", [2])]) }
        #expect(throws: TableError.emptyColumnName(index: 1)) { try Table([.numeric("a", [1]), .numeric("", [2])]) }
        #expect(throws: TableError.columnLengthMismatch(column: "b", expected: 1, got: 2)) {
            try Table([.numeric("a", [1]), .numeric("b", [2, 3])])
        }
        let empty = try Table([])
        #expect(empty.rowCount == 0 && empty.columnCount == 0)
    }

    @Test func lookupErrorsNameTheColumn() throws {
        let table = try sample()
        #expect(throws: TableError.unknownColumn("c", available: ["a", "colour", "b"])) { try table.column(named: "c") }
        #expect(throws: TableError.wrongColumnKind(column: "colour", expected: .numeric, got: .categorical)) {
            try table.numeric("colour")
        }
        #expect(throws: TableError.rowRangeOutOfBounds(lower: 2, upper: 4, rowCount: 3)) { try table.rows(2..<4) }
        #expect(table.names(of: .numeric) == ["a", "b"])
    }

    @Test func numericMatrixIsRowMajorWithNaNForMissing() throws {
        let table = try sample()
        let m = try table.numericMatrix(columns: ["b", "a"], rows: 1..<3)
        #expect(m.rows == 2 && m.columns == 2)
        #expect(m[0, 0] == 5 && m[0, 1].isNaN && m[1, 0] == 6 && m[1, 1] == 3)
        let back = try Table(try Matrix<Double>([[1, 2], [3, 4]]), names: ["p", "q"])
        #expect(try back.numeric("q") == [2, 4])
    }

    @Test("a matrix becomes columns across the 4096-row blocks, from Double and from Float")
    func tableFromMatrixAcrossBlocks() throws {
        let (rows, width) = (9000, 3)
        let values = (0..<(rows * width)).map { Double($0) * 0.5 - 7 }
        let table = try Table(try Matrix<Double>(rows: rows, columns: width, elements: values), names: ["a", "b", "c"])
        let fromFloat = try Table(try Matrix<Float>(rows: rows, columns: width, elements: values.map { Float($0) }), names: ["a", "b", "c"])
        for (j, name) in ["a", "b", "c"].enumerated() {
            let expected = (0..<rows).map { values[$0 * width + j] }
            #expect(try table.numeric(name) == expected)
            #expect(try fromFloat.numeric(name) == expected.map { Double(Float($0)) })
        }
        #expect(throws: TableError.self) { try Table(try Matrix<Double>(rows: 2, columns: 2, repeating: 0), names: ["x"]) }
        #expect(try Table(try Matrix<Double>(rows: 0, columns: 2), names: ["x", "y"]).rowCount == 0)
    }

    @Test func categoriesAreDictionaryEncodedAndSortedLikeNumpy() throws {
        let column = try CategoricalValues(["b", "a", nil, "b", "Z", "é", "e\u{301}"])
        #expect(column.levels == ["b", "a", "Z", "é", "e\u{301}"])
        #expect(column.codes == [0, 1, -1, 0, 2, 3, 4])
        #expect(column.value(at: 2) == nil && column.value(at: 3) == "b")
        // Code point order (Python's): "Z" < "a" < "b" < "e\u{301}" < "é"; Swift's String < would call
        // the last two equal.
        #expect(column.sortedLevels == ["Z", "a", "b", "e\u{301}", "é"])
        let integers = try CategoricalValues(["10", "9", "-3", "100"], kind: .integer)
        #expect(integers.sortedLevels == ["-3", "9", "10", "100"])
        #expect(throws: TableError.invalidCategories(column: "zip", reason: "'x1' is not an integer")) {
            try Column.categorical("zip", ["1", "x1"], kind: .integer)
        }
        #expect(throws: (any Error).self) { try CategoricalValues(levels: ["a"], codes: [0, 1]) }
        #expect(throws: (any Error).self) { try CategoricalValues(levels: ["a", "a"], codes: [0]) }
    }

    @Test func rowsAndSelectionKeepValues() throws {
        let table = try sample()
        let tail = try table.rows(1..<3)
        #expect(tail.rowCount == 2)
        #expect(try tail.categorical("colour").value(at: 1) == "blue")
        let picked = try table.selecting(["b", "colour"])
        #expect(picked.names == ["b", "colour"])
        let replaced = try table.with(.numeric("a", [7, 8, 9]))
        #expect(try replaced.numeric("a") == [7, 8, 9] && replaced.names == table.names)
        #expect(throws: TableError.columnLengthMismatch(column: "z", expected: 3, got: 1)) { try table.with(.numeric("z", [1])) }
    }
}

/// A numeric column read as text because of one stray value (a letter, a NUL byte) among numbers:
/// the error names the row and the value, not only the column, so one bad cell in a million rows
/// can be found.
@Suite struct AdversarialNumericKindTests {
    @Test(arguments: [(["1", "2", "x", "4"], 2, "x"), (["1", "5\0", "3"], 1, "5\0"), ([nil, "2", " 7 ", "n/a"], 3, "n/a")])
    func theFirstNonNumberIsNamed(values: [String?], row: Int, value: String) throws {
        let table = try Table([try .categorical("b", values)])
        // Before: "column 'b' is categorical, expected numeric" (no row, no value).
        #expect(throws: TableError.notNumeric(column: "b", row: row, value: value)) { try table.numeric("b") }
        #expect(throws: TableError.notNumeric(column: "b", row: row, value: value)) { try table.numericMatrix(columns: ["b"]) }
    }

    @Test func genuineCategoricalColumnsAreStillWrongKind() throws {
        for values in [["1", "2", nil], ["red", "green", nil]] as [[String?]] {
            let table = try Table([try .categorical("b", values)])
            #expect(throws: TableError.wrongColumnKind(column: "b", expected: .numeric, got: .categorical)) { try table.numeric("b") }
        }
    }
}

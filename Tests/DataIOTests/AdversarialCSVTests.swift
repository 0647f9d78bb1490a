import Foundation
import Testing
@testable import DataIO
import Tabular

/// Hostile CSV files: every one must either read into a well-formed table or throw a `CSVError`
/// naming the problem — never trap, hang or allocate absurdly.
@Suite struct AdversarialCSVTests {
    /// Reads `bytes` with `options` at 1 and 2 threads; returns the table (same at both) or the CSVError.
    /// Any other error type fails the test.
    func outcome(_ bytes: [UInt8], options: CSVReadOptions = CSVReadOptions(), sourceLocation: SourceLocation = #_sourceLocation) throws -> Result<Table, CSVError> {
        let scratch = try Scratch()
        let path = try scratch.file("x.csv", bytes: bytes)
        var results: [Result<Table, CSVError>] = []
        for threads in [1, 2] {
            do {
                results.append(.success(try CSVReader(options: options).read(path, threads: threads)))
            } catch let error as CSVError {
                results.append(.failure(error))
            } catch {
                Issue.record("not a CSVError: \(type(of: error)) \(error)", sourceLocation: sourceLocation)
                throw error
            }
            // The streaming reader must agree on failure vs success too (it may infer differently).
            do {
                try CSVReader(options: options).forEachBlock(path, threads: threads) { _ in }
            } catch is CSVError {
            } catch {
                Issue.record("forEachBlock: not a CSVError: \(type(of: error)) \(error)", sourceLocation: sourceLocation)
            }
        }
        withExtendedLifetime(scratch) {}
        switch (results[0], results[1]) {
        case let (.success(a), .success(b)): #expect(sameTable(a, b), sourceLocation: sourceLocation)
        case let (.failure(a), .failure(b)): #expect(a == b, sourceLocation: sourceLocation)
        default: Issue.record("1 and 2 threads disagree: \(results)", sourceLocation: sourceLocation)
        }
        return results[0]
    }

    func outcome(_ text: String, options: CSVReadOptions = CSVReadOptions(), sourceLocation: SourceLocation = #_sourceLocation) throws -> Result<Table, CSVError> {
        try outcome(Array(text.utf8), options: options, sourceLocation: sourceLocation)
    }

    func kind(_ result: Result<Table, CSVError>) -> CSVError.Kind? {
        if case let .failure(error) = result { return error.kind }
        return nil
    }

    @Test func emptyAndBOMOnlyAreEmptyFile() throws {
        #expect(kind(try outcome([])) == .emptyFile)
        #expect(kind(try outcome([0xEF, 0xBB, 0xBF])) == .emptyFile)
    }

    @Test func headerOnlyGivesZeroRows() throws {
        for text in ["a,b", "a,b\n", "a,b\r\n"] {
            let table = try outcome(text).get()
            #expect(table.rowCount == 0)
            #expect(table.names == ["a", "b"])
        }
    }

    @Test func quoteErrors() throws {
        // A lone quote: the quoted header field never closes.
        if case let .unterminatedQuote(column)? = kind(try outcome("\"")) { #expect(column.isEmpty || true) } else {
            Issue.record("lone quote: \(try outcome("\""))")
        }
        // Unterminated quote at EOF in a data row names the column and the line where it opened.
        let result = try outcome("a,b\n1,\"abc")
        guard case let .failure(error) = result, case let .unterminatedQuote(column) = error.kind else {
            Issue.record("unterminated: \(result)"); return
        }
        #expect(column == "b")
        #expect(error.line == 2)
        #expect(kind(try outcome("a\n\"\"\"")) != nil)
        #expect(kind(try outcome("a,b\n1,x\"y\n")) == .quoteInUnquotedField(column: "b", token: "x\"y"))
        #expect(kind(try outcome("a,b\n1,\"x\"y\n")) == .textAfterClosingQuote(column: "b", token: "y"))
    }

    @Test func nulBytesAndInvalidUTF8() throws {
        // NUL in a categorical value is kept verbatim or refused; never a trap.
        _ = try outcome(Array("a,b\n1,x".utf8) + [0] + Array("y\n".utf8))
        // NUL in the header.
        _ = try outcome([0x61, 0x00, 0x62, 0x0A, 0x31, 0x0A])
        // Invalid UTF-8 in a value and in the header is a typed error naming the column (or header).
        #expect(kind(try outcome(Array("a,b\n1,".utf8) + [0xFF, 0xFE] + Array("\n".utf8))) == .invalidUTF8(column: "b"))
        #expect(kind(try outcome([0xC3, 0x28, 0x2C, 0x62, 0x0A, 0x31, 0x2C, 0x32, 0x0A])) == .invalidUTF8(column: nil))
        // A truncated multi-byte sequence at EOF.
        #expect(kind(try outcome(Array("a\n".utf8) + [0xE2, 0x82])) == .invalidUTF8(column: "a"))
    }

    @Test func hugeSingleFieldAndWideHeader() throws {
        // A 10 MB field: read (as a category) with a block size smaller than the record.
        var bytes = Array("a,b\n1,".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20)
        bytes += Array("\n".utf8)
        var options = CSVReadOptions()
        options.blockBytes = 1 << 20
        let scratch = try Scratch()
        let table = try CSVReader(options: options).read(try scratch.file("big.csv", bytes: bytes), threads: 2)
        #expect(table.rowCount == 1)
        #expect(try table.categorical("b").levels.first?.utf8.count == 10 << 20)
        // 100k columns in one header, one data row.
        let names = (0..<100_000).map { "c\($0)" }.joined(separator: ",")
        let values = [String](repeating: "1", count: 100_000).joined(separator: ",")
        let wide = try CSVReader().read(try scratch.file("wide.csv", names + "\n" + values + "\n"))
        #expect(wide.columnCount == 100_000)
        #expect(wide.rowCount == 1)
    }

    @Test func headerNames() throws {
        #expect(kind(try outcome("a,a\n1,2\n")) == .duplicateColumnName("a"))
        #expect(kind(try outcome("a,\n1,2\n")) == .emptyColumnName(index: 1))
        #expect(kind(try outcome(",\n")) == .emptyColumnName(index: 0))
        #expect(kind(try outcome("\n1\n")) == .emptyColumnName(index: 0))
        // Trailing delimiter in the header is an empty last name.
        #expect(kind(try outcome("a,b,\n1,2,\n")) == .emptyColumnName(index: 2))
        // Names equal under Unicode canonical equivalence are duplicates (Table keys by String):
        // a CSVError naming the file and line, not a TableError.
        let result = try outcome("e\u{301},\u{E9}\n1,2\n")
        if case .duplicateColumnName? = kind(result) {} else { Issue.record("\(result)") }
    }

    @Test func raggedRowsAndLineEndings() throws {
        let result = try outcome("a,b\n1,2\n3\n")
        #expect(kind(result) == .raggedRow(expected: 2, found: 1))
        if case let .failure(error) = result { #expect(error.line == 3) }
        #expect(kind(try outcome("a,b\n1,2,3\n")) == .raggedRow(expected: 2, found: 3))
        // Trailing delimiter in a data row only.
        #expect(kind(try outcome("a,b\n1,2,\n")) == .raggedRow(expected: 2, found: 3))
        // CR-only line endings: a bare CR is refused, naming the column.
        if case .bareCarriageReturn? = kind(try outcome("a,b\r1,2\r")) {} else { Issue.record("CR-only: \(try outcome("a,b\r1,2\r"))") }
        // A blank line in a two-column file is a ragged row.
        #expect(kind(try outcome("a,b\n1,2\n\n3,4\n")) == .raggedRow(expected: 2, found: 1))
        // No newline at EOF is fine.
        #expect(try outcome("a,b\n1,2").get().rowCount == 1)
    }

    @Test(arguments: ["1e400", "-1e400", "0x10", "1,5", "+.5", ".", "1e", "e5", "--1", "1e-", "١٢", "1_000",
                      "99999999999999999999999999999999999999", "inf", "-Infinity", "nan(0x1)", " ", "1 2"])
    func oddNumbersInInferredColumnNeverTrap(token: String) throws {
        let text = "a,b\n1,\"\(token)\"\n2,3\n"
        switch try outcome(text) {
        case let .success(table):
            #expect(table.rowCount == 2)
        case let .failure(error):
            Issue.record("inferred column refused \(token): \(error)")
        }
    }

    @Test(arguments: [("1e400", true), ("-1e400", true), ("0x10", false), ("1,5", false), ("+.5", nil), (".", false),
                      ("1e-400", nil), ("99999999999999999999999999999999999999", nil), ("inf", false), ("1e", false)] as [(String, Bool?)])
    func oddNumbersInNumericColumn(token: String, rangeError: Bool?) throws {
        var options = CSVReadOptions()
        options.columnTypes = ["b": .numeric]
        let result = try outcome("a,b\n1,\"\(token)\"\n", options: options)
        switch (result, rangeError) {
        case let (.success(table), nil):
            let value = try table.numeric("b")[0]
            #expect(value.isFinite, "\(token) -> \(value)")
        case let (.failure(error), true?):
            #expect(error.kind == .numberOutOfRange(column: "b", token: token))
            #expect(error.line == 2)
        case let (.failure(error), false?):
            #expect(error.column == "b", "\(error)")
            #expect(error.line == 2)
        default:
            Issue.record("\(token): \(result)")
        }
    }

    @Test func subnormalUnderflowReadsAsZeroOrSubnormal() throws {
        var options = CSVReadOptions()
        options.columnTypes = ["b": .numeric]
        let table = try outcome("a,b\n1,1e-400\n2,4.9e-324\n", options: options).get()
        let b = try table.numeric("b")
        #expect(b[0] == 0)
        #expect(b[1] == .leastNonzeroMagnitude)
    }

    @Test(arguments: ["99999999999999999999", "-9223372036854775809", "9223372036854775808", "1.5", "0x1", ""])
    func categoricalIntegerOutOfRange(token: String) throws {
        var options = CSVReadOptions()
        options.columnTypes = ["b": .categoricalInteger]
        let result = try outcome("a,b\n1,\(token)\n", options: options)
        if token.isEmpty {
            #expect(try result.get().categorical("b").codes == [CategoricalValues.missing])
        } else {
            #expect(kind(result) == .notAnInteger(column: "b", token: token), "\(result)")
        }
    }

    @Test func hugeIntegersInIntegerCategoriesAtTheLimits() throws {
        var options = CSVReadOptions()
        options.columnTypes = ["b": .categoricalInteger]
        let table = try outcome("a,b\n1,9223372036854775807\n2,-9223372036854775808\n", options: options).get()
        #expect(try table.categorical("b").levels.count == 2)
    }

    @Test func badOptionsAreTyped() throws {
        for options in [CSVReadOptions(delimiter: 10), CSVReadOptions(delimiter: 200), CSVReadOptions(delimiter: 34),
                        CSVReadOptions(blockBytes: 0), CSVReadOptions(blockBytes: -5), CSVReadOptions(maxErrors: 0),
                        CSVReadOptions(maxErrors: Int.min), CSVReadOptions(missingValues: ["a,b"])] {
            if case .invalidOption? = kind(try outcome("a\n1\n", options: options)) {} else {
                Issue.record("\(options) accepted")
            }
        }
        // A column type for a column the header lacks.
        if case .schemaMismatch? = kind(try outcome("a\n1\n", options: CSVReadOptions(columnTypes: ["zz": .numeric]))) {} else {
            Issue.record("unknown columnTypes name accepted")
        }
    }

    @Test func oddDelimitersDoNotTrap() throws {
        for delimiter in [UInt8(0), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "1"), UInt8(ascii: ".")] {
            _ = try outcome("a\(Character(Unicode.Scalar(delimiter)))b\n1\(Character(Unicode.Scalar(delimiter)))2\n",
                            options: CSVReadOptions(delimiter: delimiter))
        }
    }

    @Test func manyErrorsWithHugeLimit() throws {
        var options = CSVReadOptions()
        options.maxErrors = Int.max
        options.columnTypes = ["a": .numeric]
        let result = try outcome("a\nx\ny\n1\n", options: options)
        guard case let .manyErrors(errors, truncated)? = kind(result) else { Issue.record("\(result)"); return }
        #expect(errors.count == 2)
        #expect(!truncated)
    }

    @Test func pathsThatAreNotFiles() throws {
        let scratch = try Scratch()
        for path in [scratch.folder, scratch.folder + "/missing.csv", "", "/dev/null"] {
            do {
                _ = try CSVReader().read(path)
                Issue.record("\(path) read")
            } catch let error as CSVError {
                switch error.kind {
                case .io, .emptyFile: break
                default: Issue.record("\(path): \(error)")
                }
            }
        }
    }

    @Test func streamingSchemaMismatchAndLaterNonNumber() throws {
        let scratch = try Scratch()
        let path = try scratch.file("s.csv", "a,b\n1,2\n")
        let schema = CSVSchema([.init(name: "a", type: .numeric)])
        #expect(throws: CSVError.self) { try CSVReader().forEachBlock(path, schema: schema) { _ in } }
        // A later block breaks the schema inferred from the first: error names line and column.
        var text = "a\n"
        for k in 0..<2000 { text += "\(k)\n" }
        text += "oops\n"
        let long = try scratch.file("l.csv", text)
        var options = CSVReadOptions()
        options.blockBytes = 1024
        do {
            try CSVReader(options: options).forEachBlock(long) { _ in }
            Issue.record("no error")
        } catch let error as CSVError {
            #expect(error.line == 2002)
            #expect(error.column == "a")
        }
    }
}

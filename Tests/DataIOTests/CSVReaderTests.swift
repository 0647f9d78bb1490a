import Foundation
import Testing
@testable import DataIO
import Tabular

@Suite struct CSVReaderTests {
    @Test func infersNumericAndCategoricalColumns() throws {
        let table = try readCSV("x,colour,n\n1.5,red,3\n-2,blue,\n,red,7\n")
        #expect(table.names == ["x", "colour", "n"])
        #expect(table.rowCount == 3)
        #expect(bits(try table.numeric("x")) == bits([1.5, -2, .nan]))
        #expect(bits(try table.numeric("n")) == bits([3, .nan, 7]))
        let colour = try table.categorical("colour")
        #expect(colour.levels == ["red", "blue"])
        #expect(colour.codes == [0, 1, 0])
    }

    /// A caller that reports absent columns itself (drift) reads with `allowsAbsentTypedColumns`:
    /// the absent names are skipped, the present ones keep their declared types, in `read` and in
    /// `forEachBlock`; by default an absent name is still refused.
    @Test func absentTypedColumnsSkippedOnlyWhenAllowed() throws {
        let scratch = try Scratch()
        let path = try scratch.file("a.csv", "zip,x\n0042,1.5\n7,2\n")
        let types: [String: CSVColumnType] = ["zip": .categoricalInteger, "gone": .numeric, "x": .numeric]
        var options = CSVReadOptions(columnTypes: types)
        options.allowsAbsentTypedColumns = true
        let allowing = CSVReader(options: options)
        let table = try allowing.read(path, threads: 2)
        #expect(table.names == ["zip", "x"])
        #expect(try table.categorical("zip").levels.sorted() == ["0042", "7"])  // kept as text, not inferred numeric
        #expect(try table.numeric("x") == [1.5, 2])
        let schema = try allowing.forEachBlock(path) { _ in }
        #expect(schema.fields.map(\.type) == [.categoricalInteger, .numeric])
        let refusal = csvError { _ = try CSVReader(options: CSVReadOptions(columnTypes: types)).read(path) }
        guard case let .schemaMismatch(reason)? = refusal?.kind else { Issue.record("absent 'gone' accepted"); return }
        #expect(reason.contains("'gone'"))
        withExtendedLifetime(scratch) {}
    }

    @Test func rfc4180Quoting() throws {
        let text = "name,note,v\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\",\"1.25\"\nplain,\"\",\"  3 \"\n"
        let table = try readCSV(text)
        #expect(table.rowCount == 2)
        let name = try table.categorical("name")
        #expect(name.value(at: 0) == "Smith, J")
        #expect(name.value(at: 1) == "plain")
        let note = try table.categorical("note")
        #expect(note.value(at: 0) == "said \"hi\"\nthen left")
        #expect(note.value(at: 1) == nil)  // "" quoted is missing
        #expect(try table.numeric("v") == [1.25, 3])  // quoted numbers, spaces around numbers allowed
    }

    @Test func crlfLfAndByteOrderMarkGiveTheSameTable() throws {
        let lf = try readCSV("a,b\n1,x\n2,y\n")
        let crlf = try readCSV("a,b\r\n1,x\r\n2,y\r\n")
        let bom = try readCSV("\u{FEFF}a,b\r\n1,x\r\n2,y")
        #expect(lf == crlf)
        #expect(lf == bom)
        #expect(bom.names == ["a", "b"])
    }

    @Test func configurableDelimiterAndMissingValues() throws {
        var options = CSVReadOptions(delimiter: UInt8(ascii: ";"), missingValues: ["", "-", "?"])
        let table = try readCSV("a;b\n1,5;-\n?;x\n", options: options)
        #expect(try table.categorical("a").value(at: 0) == "1,5")  // comma is data here
        #expect(try table.categorical("a").value(at: 1) == nil)
        #expect(try table.categorical("b").value(at: 0) == nil)
        options = CSVReadOptions(delimiter: UInt8(ascii: "\t"))
        let tab = try readCSV("a\tb\nNA\tnull\n2\tNaN\n", options: options)
        #expect(bits(try tab.numeric("a")) == bits([.nan, 2]))
        #expect(bits(try tab.numeric("b")) == bits([.nan, .nan]))
    }

    @Test func columnTypeOverrides() throws {
        let options = CSVReadOptions(columnTypes: ["zip": .categoricalInteger, "code": .categorical, "x": .numeric])
        let table = try readCSV("zip,code,x\n02139,7,1\n10001,8,\n02139,7,2\n", options: options)
        let zip = try table.categorical("zip")
        #expect(zip.kind == .integer)
        #expect(zip.levels == ["02139", "10001"])
        #expect(try table.categorical("code").levels == ["7", "8"])
        #expect(bits(try table.numeric("x")) == bits([1, .nan, 2]))
        // Unknown column in overrides.
        let error = csvError { _ = try readCSV("a\n1\n", options: CSVReadOptions(columnTypes: ["b": .numeric])) }
        #expect(error?.description.contains("'b'") == true)
    }

    @Test func emptyLinesAreNotSkipped() throws {
        let one = try readCSV("a\n1\n\n3\n")
        #expect(bits(try one.numeric("a")) == bits([1, .nan, 3]))
        let error = csvError { _ = try readCSV("a,b\n1,2\n\n3,4\n", name: "blank.csv") }
        #expect(error?.line == 3)
        #expect(error?.description.contains("blank.csv:3") == true)
        #expect(error?.description.contains("expected 2 fields") == true)
        #expect(error?.description.contains("found 1") == true)
    }

    @Test func headerOnlyFileGivesNoRows() throws {
        let table = try readCSV("a,b\n")
        #expect(table.rowCount == 0 && table.names == ["a", "b"])
    }

    // MARK: - Errors

    @Test func raggedRowsNameFileLineAndCounts() throws {
        let short = csvError { _ = try readCSV("a,b,c\n1,2,3\n4,5\n", name: "ragged.csv") }
        #expect(short?.kind == .raggedRow(expected: 3, found: 2))
        #expect(short?.line == 3)
        #expect(short?.description == "\(short!.file):3: expected 3 fields (as the header), found 2")
        #expect(short?.file.hasSuffix("ragged.csv") == true)
        let long = csvError { _ = try readCSV("a,b\n1,2\n3,4,5\n") }
        #expect(long?.kind == .raggedRow(expected: 2, found: 3))
        // A trailing delimiter is one more (empty) field.
        let trailing = csvError { _ = try readCSV("a,b\n1,2,\n") }
        #expect(trailing?.kind == .raggedRow(expected: 2, found: 3))
    }

    @Test func nonNumericTokenInForcedNumericColumn() throws {
        let options = CSVReadOptions(columnTypes: ["price": .numeric])
        let error = csvError { _ = try readCSV("id,price\n1,2.5\n2,abc\n", options: options, name: "prices.csv") }
        #expect(error?.line == 3)
        #expect(error?.column == "price")
        let message = error?.description ?? ""
        #expect(message.contains("prices.csv:3"))
        #expect(message.contains("'price'"))
        #expect(message.contains("'abc'"))
    }

    @Test func overflowAndNonFiniteTokensAreErrorsInNumericColumns() throws {
        let numeric = CSVReadOptions(columnTypes: ["x": .numeric])
        let overflow = csvError { _ = try readCSV("x\n1\n1e400\n", options: numeric) }
        #expect(overflow?.kind == .numberOutOfRange(column: "x", token: "1e400"))
        #expect(overflow?.line == 3)
        let negative = csvError { _ = try readCSV("x\n-1e400\n", options: numeric) }
        #expect(negative?.kind == .numberOutOfRange(column: "x", token: "-1e400"))
        for token in ["inf", "-inf", "Infinity", "+inf", "NAN"] {
            let error = csvError { _ = try readCSV("x\n1\n\(token)\n", options: numeric) }
            #expect(error?.kind == .nonFiniteNumber(column: "x", token: token), "\(token)")
        }
        // Inferred: a NaN spelling that is not a missing value makes the column categorical (never
        // silently missing); an infinity is a number, as in pandas (CSVFastPathTests has more).
        #expect(try readCSV("x\n1\nNAN\n").categorical("x").levels == ["1", "NAN"])
        #expect(bits(try readCSV("x\n1\n-inf\n").numeric("x")) == bits([1, -.infinity]))
        // An overflowing literal in an inferred column is +-infinity, as in pandas and polars (not a
        // categorical column that a numeric selection would silently drop); the transforms refuse it.
        #expect(bits(try readCSV("x\n1\n1e400\n -1e400 \n+1e999\n").numeric("x")) == bits([1, .infinity, -.infinity, .infinity]))
        // Underflow is not an error: it rounds to the nearest subnormal or zero.
        #expect(try readCSV("x\n1e-400\n-1e-400\n").numeric("x").map(\.bitPattern) == [0, (-0.0).bitPattern])
    }

    /// Random small files from a hostile alphabet: `read` never crashes, and its result (table or
    /// error message) is the same for every thread count and block size.
    @Test func randomFilesGiveTheSameResultForAnyThreadsAndBlockSize() throws {
        let alphabet: [[UInt8]] = [[0x61], [0x31], [0x2C], [0x22], [0x0A], [0x0D, 0x0A], [0x0D], [0x20], [0x2E], [0x65], [0x2D],
                                   Array("NA".utf8), Array("inf".utf8), Array("1e400".utf8), [0xFF], [0xC3, 0xA9], [0x2C, 0x2C]]
        var generator = SystemRandomNumberGeneratorSeeded(seed: 99)
        let scratch = try Scratch()
        var outcomes: [String: Int] = [:]
        for case_ in 0..<150 {
            var bytes = Array("a,b\n".utf8)
            let length = Int(generator.next() % 60)
            for _ in 0..<length { bytes += alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            if case_ % 3 == 0 {  // mostly well-formed numbers, sometimes
                bytes = Array("a,b\n".utf8)
                for r in 0..<Int(generator.next() % 40) { bytes += Array("\(r),\(Double(r) / 3)\n".utf8) }
                bytes += alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
            let path = try scratch.file("r\(case_).csv", bytes: bytes)
            func outcome(threads: Int, blockBytes: Int, maxErrors: Int = 1) -> String {
                var options = CSVReadOptions(blockBytes: blockBytes, maxErrors: maxErrors)
                options.minimumSplitBytes = 2
                do {
                    let table = try CSVReader(options: options).read(path, threads: threads)
                    return "table " + table.columns.map { column -> String in
                        switch column.values {
                        case let .numeric(v): return "\(column.name)=\(bits(v))"
                        case let .categorical(c): return "\(column.name)=\(c.levels)\(c.codes)"
                        }
                    }.joined(separator: ";")
                } catch let error as CSVError {
                    return "error \(error)"
                } catch {
                    return "other \(error)"
                }
            }
            let reference = outcome(threads: 1, blockBytes: 1 << 20)
            #expect(!reference.hasPrefix("other"), "\(bytes)")
            for (threads, blockBytes) in [(2, 1 << 20), (2, 7), (1, 3), (3, 16)] {
                #expect(outcome(threads: threads, blockBytes: blockBytes) == reference, "case \(case_): \(bytes)")
            }
            let collected = outcome(threads: 1, blockBytes: 1 << 20, maxErrors: 3)
            #expect(!collected.hasPrefix("other"))
            for (threads, blockBytes) in [(2, 5), (3, 11)] {
                #expect(outcome(threads: threads, blockBytes: blockBytes, maxErrors: 3) == collected, "case \(case_) collected: \(bytes)")
            }
            outcomes[String(reference.prefix(5)), default: 0] += 1
        }
        #expect(outcomes["table", default: 0] > 3)
        #expect(outcomes["error", default: 0] > 30)
    }

    @Test func unterminatedQuoteNamesTheLineWhereItOpened() throws {
        let error = csvError { _ = try readCSV("a,b\n1,\"ok\"\n2,\"never\nclosed\n3,4\n", name: "q.csv") }
        #expect(error?.kind == .unterminatedQuote(column: "b"))
        #expect(error?.line == 3)
        #expect(error?.description.contains("q.csv:3") == true)
    }

    @Test func quoteErrors() throws {
        let stray = csvError { _ = try readCSV("a,b\n1,ab\"c\n") }
        #expect(stray?.kind == .quoteInUnquotedField(column: "b", token: "ab\"c"))
        let after = csvError { _ = try readCSV("a,b\n1,\"ab\"c\n") }
        #expect(after?.kind == .textAfterClosingQuote(column: "b", token: "c"))
        let cr = csvError { _ = try readCSV("a,b\n1,2\r3,4\n") }
        #expect(cr?.kind == .bareCarriageReturn(column: "b"))
        #expect(cr?.line == 2)
    }

    @Test func headerErrors() throws {
        #expect(csvError { _ = try readCSV("a,b,a\n1,2,3\n") }?.kind == .duplicateColumnName("a"))
        #expect(csvError { _ = try readCSV("a,,c\n1,2,3\n") }?.kind == .emptyColumnName(index: 1))
        #expect(csvError { _ = try readCSV("") }?.kind == .emptyFile)
        #expect(csvError { _ = try readCSV("\u{FEFF}") }?.kind == .emptyFile)
        let badHeader = csvError {
            let scratch = try Scratch()
            _ = try CSVReader().read(try scratch.file("h.csv", bytes: [0x61, 0xFF, 0x0A, 0x31, 0x0A]))
        }
        #expect(badHeader?.kind == .invalidUTF8(column: nil))
        let missingFile = csvError { _ = try CSVReader().read("/nonexistent/file.csv") }
        #expect(missingFile?.description.contains("/nonexistent/file.csv") == true)
    }

    @Test func invalidUTF8InACategoricalValue() throws {
        let scratch = try Scratch()
        let path = try scratch.file("u.csv", bytes: Array("name\nok\n".utf8) + [0x62, 0xC3, 0x28, 0x0A])
        let error = csvError { _ = try CSVReader().read(path) }
        #expect(error?.kind == .invalidUTF8(column: "name"))
        #expect(error?.line == 3)
    }

    @Test func lineNumbersCountLinesInsideQuotedFields() throws {
        let options = CSVReadOptions(columnTypes: ["v": .numeric])
        let error = csvError { _ = try readCSV("t,v\n\"two\nlines\",1\n\"x\",bad\n", options: options) }
        #expect(error?.line == 4)
    }

    @Test func collectsAllBadLinesUpToTheLimit() throws {
        let options = CSVReadOptions(columnTypes: ["v": .numeric], maxErrors: 3)
        let text = "k,v\n1,2\n1,x\n1\n1,y\n1,z\n"
        let error = csvError { _ = try readCSV(text, options: options) }
        guard case let .manyErrors(errors, truncated)? = error?.kind else {
            Issue.record("expected manyErrors, got \(String(describing: error))")
            return
        }
        #expect(errors.map(\.line) == [3, 4, 5])
        #expect(truncated)
        #expect(error?.description.contains("'x'") == true)
        let all = csvError { _ = try readCSV(text, options: CSVReadOptions(columnTypes: ["v": .numeric], maxErrors: 10)) }
        guard case let .manyErrors(every, more)? = all?.kind else { Issue.record("expected manyErrors"); return }
        #expect(every.map(\.line) == [3, 4, 5, 6])
        #expect(!more)
        let exact = csvError { _ = try readCSV(text, options: CSVReadOptions(columnTypes: ["v": .numeric], maxErrors: 4)) }
        guard case let .manyErrors(four, truncatedAtFour)? = exact?.kind else { Issue.record("expected manyErrors"); return }
        #expect(four.count == 4 && !truncatedAtFour)
    }

    @Test func invalidOptionsAreRefused() throws {
        #expect(csvError { _ = try readCSV("a\n1\n", options: CSVReadOptions(delimiter: UInt8(ascii: "\""))) }?.description.contains("delimiter") == true)
        #expect(csvError { _ = try readCSV("a\n1\n", options: CSVReadOptions(blockBytes: 0)) } != nil)
        #expect(csvError { _ = try readCSV("a\n1\n", options: CSVReadOptions(blockBytes: Int.max)) }?.description.contains("blockBytes") == true)
        #expect(csvError { _ = try readCSV("a\n1\n", options: CSVReadOptions(maxErrors: 0)) } != nil)
    }

    // MARK: - Numbers

    static let hardNumbers: [String] = [
        "0.1", "0.2", "0.3", "2.2250738585072011e-308", "2.2250738585072014e-308", "9007199254740993",
        "9007199254740992", "1.7976931348623157e308", "4.9406564584124654e-324", "5e-324", "2.4703282292062328e-324",
        "2.4703282292062327e-324", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "3.14159265358979323846264338327950288419716939937510",
        "123456789012345678901234567890", "0.000000000000000000000000000001", "+1", ".5", "5.", "1E5", "1e+05", "-0",
        "-0.0", "0", "00012", "7.2057594037927933e16", "8.98846567431158e307", "1.7976931348623158e308",
    ]

    @Test(arguments: hardNumbers)
    func numbersAreCorrectlyRounded(_ token: String) throws {
        let table = try readCSV("x\n\(token)\n \(token)\t\n")
        let values = try table.numeric("x")
        let expected = try #require(Double(token))  // Swift's parser (strtod) is correctly rounded too
        #expect(values.map(\.bitPattern) == [expected.bitPattern, expected.bitPattern], "\(token)")
    }

    @Test(arguments: ["0x10", "1e", "e5", "1.2.3", "--1", "+-1", "1_000", "1,5", "1 2", "+", "-", "."])
    func malformedNumbersAreNotNumbers(_ token: String) throws {
        let quoted = "\"\(token)\""
        let error = csvError { _ = try readCSV("x\n\(quoted)\n", options: CSVReadOptions(columnTypes: ["x": .numeric])) }
        #expect(error?.kind == .notANumber(column: "x", token: token, reason: "the column is numeric"), "\(token)")
        // Inferred: the column becomes categorical.
        let table = try readCSV("x\n1\n\(quoted)\n")
        #expect(try table.categorical("x").levels == ["1", token])
    }

    // MARK: - Inference, streaming, threads

    /// A ~3 MB file with numbers, categories and quoted multi-line fields, so blocks split into pieces.
    static func bigText(rows: Int, lateText: Bool = false) -> String {
        var generator = SystemRandomNumberGeneratorSeeded(seed: 11)
        var text = "id,x,y,cat,note\n"
        for i in 0..<rows {
            let x = Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF) * (i % 2 == 0 ? 1 : -1)
            let y = Double(generator.next() % 1_000_000) / 1000
            let cat = ["a", "b,c", "d\"e", "é"][Int(generator.next() % 4)]
            let note = i % 97 == 0 ? "\"multi\nline, \"\"quoted\"\"\"" : (i % 13 == 0 ? "" : "n\(i % 7)")
            let quotedCat = cat.contains(",") || cat.contains("\"") ? "\"" + cat.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cat
            let yText = lateText && i == rows - 3 ? "oops" : "\(y)"
            text += "\(i),\(x),\(yText),\(quotedCat),\(note)\n"
        }
        return text
    }

    @Test func outputDoesNotDependOnThreadsOrBlockSize() throws {
        let scratch = try Scratch()
        let path = try scratch.file("big.csv", Self.bigText(rows: 6_000))
        let reference = try CSVReader().read(path, threads: 1)
        #expect(reference.rowCount == 6_000)
        for (threads, blockBytes) in [(2, 16 << 20), (2, 100_000), (3, 150_000), (1, 4096), (2, 100)] {
            var options = CSVReadOptions(blockBytes: blockBytes)
            options.minimumSplitBytes = 1_000
            let table = try CSVReader(options: options).read(path, threads: threads)
            #expect(table == reference, "threads \(threads), blockBytes \(blockBytes)")
            #expect(bits(try table.numeric("x")) == bits(try reference.numeric("x")))
        }
        #expect(try reference.categorical("cat").levels.count == 4)
        #expect(try reference.categorical("note").value(at: 97) == "multi\nline, \"quoted\"")
    }

    @Test func lateNonNumericTokenRestartsInferenceInRead() throws {
        let scratch = try Scratch()
        let path = try scratch.file("late.csv", Self.bigText(rows: 5_000, lateText: true))
        var options = CSVReadOptions(blockBytes: 32 << 10)
        options.minimumSplitBytes = 1_000
        let table = try CSVReader(options: options).read(path, threads: 2)
        let y = try table.categorical("y")
        #expect(y.value(at: 5_000 - 3) == "oops")
        #expect(table == (try CSVReader().read(path, threads: 1)))
        // The schema pass agrees.
        let schema = try CSVReader(options: options).inferSchema(path, threads: 2)
        #expect(schema.fields.map(\.type) == [.numeric, .numeric, .categorical, .categorical, .categorical])
    }

    @Test func streamingBlocksConcatenateToTheWholeFile() throws {
        let scratch = try Scratch()
        let path = try scratch.file("s.csv", Self.bigText(rows: 2_000))
        let whole = try CSVReader().read(path)
        var blocks: [Table] = []
        let schema = try CSVReader(options: CSVReadOptions(blockBytes: 8 << 10)).forEachBlock(path, threads: 2) { blocks.append($0) }
        #expect(blocks.count > 5)
        #expect(blocks.reduce(0) { $0 + $1.rowCount } == whole.rowCount)
        #expect(schema.names == whole.names)
        var x: [Double] = []
        for block in blocks { x += try block.numeric("x") }
        #expect(bits(x) == bits(try whole.numeric("x")))
        // Codes are stable across blocks: the last block's levels extend every earlier block's.
        let last = try blocks.last!.categorical("note")
        for block in blocks {
            let levels = try block.categorical("note").levels
            #expect(Array(last.levels.prefix(levels.count)) == levels)
        }
    }

    @Test func streamingSchemaFromTheFirstBlockIsEnforced() throws {
        let scratch = try Scratch()
        let path = try scratch.file("late.csv", Self.bigText(rows: 5_000, lateText: true))
        let reader = CSVReader(options: CSVReadOptions(blockBytes: 32 << 10))
        let error = csvError { try reader.forEachBlock(path) { _ in } }
        #expect(error?.column == "y")
        #expect(error?.line == 5_000 - 3 + 2 + (5_000 - 3 + 96) / 97)  // header + 1-based + multi-line notes before it
        #expect(error?.description.contains("'oops'") == true)
        #expect(error?.description.contains("inferred numeric from the first block") == true)
        // An explicit schema reads it.
        let schema = CSVSchema([.init(name: "id", type: .numeric), .init(name: "x", type: .numeric), .init(name: "y", type: .categorical),
                                .init(name: "cat", type: .categorical), .init(name: "note", type: .categorical)])
        var rows = 0
        try reader.forEachBlock(path, schema: schema) { rows += $0.rowCount }
        #expect(rows == 5_000)
        let mismatch = csvError { try reader.forEachBlock(path, schema: CSVSchema([.init(name: "id", type: .numeric)])) { _ in } }
        if case .schemaMismatch? = mismatch?.kind {} else { Issue.record("expected schemaMismatch, got \(String(describing: mismatch))") }
    }

    @Test func streamingReportsTheEarliestBadLineFirst() throws {
        let head = "a,b\n" + String(repeating: "1,2\n", count: 50)
        let reader = CSVReader(options: CSVReadOptions(blockBytes: 64))
        // A schema break (line 53) before a ragged row (line 54), both in a later block.
        let scratch = try Scratch()
        let breakPath = try scratch.file("b.csv", head + "1,2\nx,2\n1\n")
        let raggedPath = try scratch.file("r.csv", head + "1\nx,2\n")
        let breakFirst = csvError { try reader.forEachBlock(breakPath) { _ in } }
        #expect(breakFirst?.line == 53)
        #expect(breakFirst?.column == "a")
        let raggedFirst = csvError { try reader.forEachBlock(raggedPath) { _ in } }
        #expect(raggedFirst?.line == 52)
        #expect(raggedFirst?.kind == .raggedRow(expected: 2, found: 1))
    }

    @Test(arguments: ["iris", "diabetes", "wine"])
    func readsTheBundledDatasets(_ name: String) throws {
        let path = repositoryRoot + "/data/\(name).csv"
        let table = try CSVReader().read(path, threads: 2)
        let expectedRows = ["iris": 150, "diabetes": 442, "wine": 178][name]!
        #expect(table.rowCount == expectedRows)
        #expect(table.names(of: .categorical).isEmpty)
        // Round trip through the writer.
        let scratch = try Scratch()
        let copy = scratch.folder + "/\(name).csv"
        try CSVWriter().write(table, to: copy)
        #expect(try CSVReader().read(copy) == table)
    }
}

/// SplitMix64, for test data (LinearAlgebra's SeededGenerator is for library use).
struct SystemRandomNumberGeneratorSeeded: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

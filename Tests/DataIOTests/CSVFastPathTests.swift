import Foundation
import Testing
@testable import DataIO
import Tabular

/// The whole-line numeric fast path (`fk_parse_numeric_lines`) and its boundaries with the general
/// RFC 4180 tokenizer: every outcome (table bit for bit, or error text with its line and column)
/// must be the one the general path alone gives, for any thread count and block size.
@Suite struct CSVFastPathTests {
    /// The outcome of `read` as text: the columns' bit patterns / levels and codes, or the error.
    static func outcome(_ path: String, threads: Int, blockBytes: Int = 16 << 20, fastPath: Bool = true,
                        maxErrors: Int = 1, columnTypes: [String: CSVColumnType] = [:], streaming: Bool = false) -> String {
        var options = CSVReadOptions(columnTypes: columnTypes, blockBytes: blockBytes, maxErrors: maxErrors)
        options.minimumSplitBytes = 2
        return CSVPieceParser.$lineFastPathEnabled.withValue(fastPath) {
            outcomeText(path, threads: threads, options: options, streaming: streaming)
        }
    }

    static func outcomeText(_ path: String, threads: Int, options: CSVReadOptions, streaming: Bool) -> String {
        do {
            let reader = CSVReader(options: options)
            var tables: [Table] = []
            if streaming {
                try reader.forEachBlock(path, threads: threads) { tables.append($0) }
            } else {
                tables = [try reader.read(path, threads: threads)]
            }
            // Blocks joined (their boundaries depend on the block size; the concatenation must not).
            guard let first = tables.first else { return "table none" }
            return "table " + first.columns.indices.map { k -> String in
                switch first.columns[k].values {
                case .numeric:
                    let values = tables.flatMap { table -> [UInt64] in
                        if case let .numeric(v) = table.columns[k].values { return bits(v) } else { return [] } }
                    return "\(first.columns[k].name)=\(values)"
                case .categorical:
                    let codes = tables.flatMap { table -> [Int32] in
                        if case let .categorical(c) = table.columns[k].values { return c.codes } else { return [] } }
                    guard case let .categorical(last) = tables[tables.count - 1].columns[k].values else { return "?" }
                    return "\(first.columns[k].name)=\(last.levels)\(codes)"
                }
            }.joined(separator: ";")
        } catch {
            return "error \(error)"
        }
    }

    /// Equality without the two (long) texts in a failure message.
    static func same(_ a: String, _ b: String) -> Bool { a == b }

    /// Numeric lines (shortest round-trip digits of seeded doubles of many magnitudes) with `edits`
    /// applied: line index (0 = first data line) -> replacement text of that line.
    static func numericText(rows: Int, width: Int, seed: UInt64, crlf: Bool = false, edits: [Int: String] = [:]) -> (String, [[Double]]) {
        var generator = SystemRandomNumberGeneratorSeeded(seed: seed)
        var text = (0..<width).map { "c\($0)" }.joined(separator: ",") + (crlf ? "\r\n" : "\n")
        var values: [[Double]] = Array(repeating: [], count: width)
        for r in 0..<rows {
            var fields: [String] = []
            for c in 0..<width {
                let raw = generator.next()
                let value: Double
                switch raw % 4 {
                case 0: value = Double(bitPattern: raw & 0x7FEF_FFFF_FFFF_FFFF) * (raw & 1 == 0 ? 1 : -1)  // any finite magnitude
                case 1: value = Double(Int64(bitPattern: raw) % 100_000)
                case 2: value = Double(raw % 1_000_000_007) / 1_000_003
                default: value = (Double(raw >> 11) * 0x1p-53 - 0.5) * 1e-5
                }
                values[c].append(value)
                fields.append(value.description)
            }
            text += (edits[r] ?? fields.joined(separator: ",")) + (crlf ? "\r\n" : "\n")
        }
        return (text, values)
    }

    static let configurations: [(threads: Int, blockBytes: Int)] = [(1, 16 << 20), (2, 16 << 20), (3, 1000), (2, 97)]

    @Test func plainNumericFileReadsBitForBitForAnyThreadsAndBlockSize() throws {
        let scratch = try Scratch()
        let (text, values) = Self.numericText(rows: 1_000, width: 5, seed: 1)
        let path = try scratch.file("plain.csv", text)
        let table = try CSVReader().read(path, threads: 2)
        for c in 0..<5 { #expect(bits(try table.numeric("c\(c)")) == bits(values[c])) }
        let reference = Self.outcome(path, threads: 1, fastPath: false)
        #expect(reference.hasPrefix("table"))
        for (threads, blockBytes) in Self.configurations {
            #expect(Self.same(Self.outcome(path, threads: threads, blockBytes: blockBytes), reference), "\(threads) threads, \(blockBytes) bytes")
        }
    }

    /// Lines the fast path must hand to the general path, in the middle of a file of plain lines.
    static let lineEdits: [(label: String, line: String)] = [
        ("quoted number", "\"3.5\",1,2,3,4"),
        ("quoted last number", "1,2,3,4,\"-0.25\""),
        ("missing token", "1,,2,3,4"),
        ("missing last token", "1,2,3,4,"),
        ("NA token", "NA,1,2,3,4"),
        ("spaces around a number", " 1.5 ,2,3,4,5"),
        ("infinity", "1,-inf,2,3,Infinity"),
        ("overflow", "1,1e400,2,3,4"),
        ("text token", "1,2,abc,3,4"),
        ("number then text", "1,2,3.5x,3,4"),
        ("too few fields", "1,2,3,4"),
        ("too many fields", "1,2,3,4,5,6"),
        ("empty line", ""),
        ("bare carriage return", "1,2\r3,4,5,6"),
        ("carriage return after last", "1,2,3,4,5\r"),
        ("quote in unquoted field", "1,2,3\"4,5,6"),
        ("exponent without digits", "1e,2,3,4,5"),
        ("plus sign", "+1,+.5,2,3,4"),
    ]

    @Test(arguments: 0..<lineEdits.count)
    func aLineTheFastPathRefusesReadsAsTheGeneralPathReadsIt(_ edit: Int) throws {
        let scratch = try Scratch()
        for at in [0, 1, 77, 149] {  // first line, second, mid-file, last
            let (text, _) = Self.numericText(rows: 150, width: 5, seed: UInt64(10 + edit), edits: [at: Self.lineEdits[edit].line])
            let path = try scratch.file("e\(edit)_\(at).csv", text)
            for streaming in [false, true] {
                for types in [[:], ["c1": CSVColumnType.numeric, "c2": .numeric]] {
                    let whole = Self.outcome(path, threads: 1, fastPath: false, columnTypes: types)
                    for (threads, blockBytes) in Self.configurations {
                        // Streaming fixes the schema from the first block, so its outcome may depend on
                        // the block size; the fast path must not change it at any one size.
                        let reference = streaming
                            ? Self.outcome(path, threads: threads, blockBytes: blockBytes, fastPath: false, columnTypes: types, streaming: true)
                            : whole
                        let got = Self.outcome(path, threads: threads, blockBytes: blockBytes, columnTypes: types, streaming: streaming)
                        #expect(Self.same(got, reference), "\(got.prefix(200)) vs \(reference.prefix(200)): \(Self.lineEdits[edit].label) at \(at): \(threads) threads, \(blockBytes) bytes, streaming \(streaming), \(types)")
                    }
                }
            }
        }
    }

    @Test func badTokenMidFileNamesItsLineAndColumn() throws {
        let scratch = try Scratch()
        let (text, _) = Self.numericText(rows: 1_500, width: 5, seed: 3, edits: [1_234: "1,2,3,abc,4"])
        let path = try scratch.file("bad.csv", text)
        for (threads, blockBytes) in Self.configurations {
            var options = CSVReadOptions(columnTypes: ["c3": .numeric], blockBytes: blockBytes)
            options.minimumSplitBytes = 2
            let error = csvError { _ = try CSVReader(options: options).read(path, threads: threads) }
            // Data line 1,234 (0-based) is file line 1,236 (the header is line 1).
            #expect(error?.line == 1_236, "\(threads) threads, \(blockBytes) bytes")
            #expect(error?.kind == .notANumber(column: "c3", token: "abc", reason: "the column is numeric"))
            #expect(error?.description.contains("bad.csv:1236") == true)
        }
        // Inferred instead: the column becomes categorical, with the same result at any split.
        let reference = Self.outcome(path, threads: 1, fastPath: false)
        #expect(reference.contains("c3=[\""))
        for (threads, blockBytes) in Self.configurations {
            #expect(Self.same(Self.outcome(path, threads: threads, blockBytes: blockBytes), reference))
        }
    }

    @Test func crlfFileReadsLikeTheLFFile() throws {
        let scratch = try Scratch()
        let (lf, values) = Self.numericText(rows: 800, width: 4, seed: 5)
        let (crlf, _) = Self.numericText(rows: 800, width: 4, seed: 5, crlf: true)
        let lfPath = try scratch.file("lf.csv", lf)
        let crlfPath = try scratch.file("crlf.csv", crlf)
        let reference = Self.outcome(lfPath, threads: 1)
        for (threads, blockBytes) in Self.configurations {
            #expect(Self.same(Self.outcome(crlfPath, threads: threads, blockBytes: blockBytes), reference))
        }
        #expect(bits(try CSVReader().read(crlfPath, threads: 2).numeric("c3")) == bits(values[3]))
    }

    @Test func lastLineWithoutLineEndAndSingleColumn() throws {
        #expect(bits(try readCSV("a,b\n1,2\n3,4").numeric("b")) == bits([2, 4]))
        #expect(bits(try readCSV("a,b\r\n1,2\r\n3,4\r\n").numeric("b")) == bits([2, 4]))
        // One column: an empty line is a missing value (the general path), not the end of the data.
        #expect(bits(try readCSV("a\n1\n\n3\n").numeric("a")) == bits([1, .nan, 3]))
        #expect(bits(try readCSV("a\n1\n2", threads: 2).numeric("a")) == bits([1, 2]))
    }

    /// Many short ragged lines in a wide file: an error per line, no huge allocation, no crash.
    @Test func manyShortLinesInAWideFile() throws {
        let header = (0..<500).map { "c\($0)" }.joined(separator: ",")
        let text = header + "\n" + String(repeating: "\n", count: 20_000)
        let error = csvError { _ = try readCSV(text, threads: 2) }
        #expect(error?.line == 2)
        #expect(error?.kind == .raggedRow(expected: 500, found: 1))
        var options = CSVReadOptions(maxErrors: 3)
        options.minimumSplitBytes = 2
        let many = csvError { _ = try readCSV(text, options: options, threads: 2) }
        #expect(many?.description.contains("ragged") == true || many?.description.contains("fields") == true)
    }

    /// Many records whose lines straddle the per-core split points and the block ends, with a
    /// sprinkling of lines the fast path refuses: the same outcome as the general path alone.
    @Test func linesStraddlingTheSplitsAndBlockEnds() throws {
        let scratch = try Scratch()
        var edits: [Int: String] = [:]
        for k in stride(from: 13, to: 1_500, by: 131) { edits[k] = Self.lineEdits[k % 8].line }
        let (text, _) = Self.numericText(rows: 1_500, width: 5, seed: 7, edits: edits)
        let path = try scratch.file("straddle.csv", text)
        let reference = Self.outcome(path, threads: 1, fastPath: false, maxErrors: 50)
        for (threads, blockBytes) in Self.configurations + [(2, 1 << 12 + 1), (4, 20_000), (1, 7)] {
            #expect(Self.same(Self.outcome(path, threads: threads, blockBytes: blockBytes, maxErrors: 50), reference), "\(threads) threads, \(blockBytes) bytes")
        }
    }

    /// Blocks of 2 MiB and more are read by several concurrent `pread`s: the same bytes in order.
    @Test func parallelBlockReadsGiveTheSameTable() throws {
        let scratch = try Scratch()
        let (text, values) = Self.numericText(rows: 24_000, width: 5, seed: 21, edits: [23_000: "1,\"2\",,4,5"])
        let path = try scratch.file("parallel.csv", text)
        #expect(text.utf8.count > (2 << 20) + 12_345)
        let reference = Self.outcome(path, threads: 1, blockBytes: (2 << 20) + 12_345)
        for (threads, blockBytes) in [(2, (2 << 20) + 12_345), (2, 16 << 20)] {
            #expect(Self.same(Self.outcome(path, threads: threads, blockBytes: blockBytes), reference), "\(threads) threads, \(blockBytes) bytes")
        }
        let table = try CSVReader(options: CSVReadOptions(blockBytes: 2 << 20)).read(path, threads: 2)
        #expect(bits(Array(try table.numeric("c4").prefix(23_000))) == bits(Array(values[4].prefix(23_000))))
    }

    /// Random hostile files of mostly numbers: the fast path changes nothing.
    @Test func randomFilesReadTheSameWithAndWithoutTheFastPath() throws {
        let pieces = ["1", "-2.5", "3e2", ",", "\n", "\r\n", "\"", "NA", "", " ", "x", "inf", ".", "1e400", "\r", "+"]
        var generator = SystemRandomNumberGeneratorSeeded(seed: 2026)
        let scratch = try Scratch()
        for case_ in 0..<60 {
            var text = "a,b,c\n"
            for _ in 0..<Int(generator.next() % 30) {
                if generator.next() % 3 != 0 {
                    text += "\(Double(Int64(bitPattern: generator.next()) % 1000) / 8),\(generator.next() % 100),-\(generator.next() % 7)e-3\n"
                } else {
                    for _ in 0..<Int(generator.next() % 8) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
                }
            }
            let path = try scratch.file("r\(case_).csv", text)
            for maxErrors in [1, 4] {
                let reference = Self.outcome(path, threads: 1, fastPath: false, maxErrors: maxErrors)
                for (threads, blockBytes) in [(1, 1 << 20), (2, 1 << 20), (2, 9), (3, 31)] {
                    #expect(Self.same(Self.outcome(path, threads: threads, blockBytes: blockBytes, maxErrors: maxErrors), reference), "case \(case_): \(text.debugDescription)")
                }
            }
        }
    }

    // MARK: - Infinities in inferred columns

    @Test(arguments: ["inf", "-inf", "Infinity", "+inf", "-Infinity", "INF", " inf "])
    func infinityTokensAreNumbersInInferredColumns(_ token: String) throws {
        let expected: Double = token.contains("-") ? -.infinity : .infinity
        let table = try readCSV("x,y\n1,2\n\(token),3\n")
        #expect(bits(try table.numeric("x")) == bits([1, expected]))
        // The same whatever the block size (no block-dependent categorical flip).
        let scratch = try Scratch()
        let (text, _) = Self.numericText(rows: 300, width: 3, seed: 9, edits: [290: "1,\(token),2"])
        let path = try scratch.file("inf.csv", text)
        let reference = Self.outcome(path, threads: 1)
        #expect(reference.contains("c1=[") && reference.contains("\(expected.bitPattern)"))
        for (threads, blockBytes) in Self.configurations {
            #expect(Self.same(Self.outcome(path, threads: threads, blockBytes: blockBytes), reference))
            #expect(Self.outcome(path, threads: threads, blockBytes: blockBytes, streaming: true).hasPrefix("table"))
        }
        // Declared numeric: still an error naming the cell.
        let error = csvError { _ = try readCSV("x\n1\n\(token)\n", options: CSVReadOptions(columnTypes: ["x": .numeric])) }
        #expect(error?.line == 3)
        #expect(error?.kind == .nonFiniteNumber(column: "x", token: token))
    }

    @Test func nanSpellingsOutsideMissingValuesStillMakeTheColumnCategorical() throws {
        let table = try readCSV("x\n1\nNAN\n")
        #expect(try table.categorical("x").levels == ["1", "NAN"])
    }
}

import CFastFloat
import Foundation
import Testing

/// The line-at-a-time loop of `fk_parse_numeric_lines` (on CPUs with AVX2: separators queued 64
/// bytes at a time, then the digits of a batch of up to 64 fields, then their values) against the
/// field-by-field loop it replaced (`fk_parse_numeric_lines_by_field`) and the C library's `strtod`,
/// on seeded buffers of lines with every number shape and line fault near the path's limits. Both
/// loops must take the same lines, consume the same bytes and newlines, and give every value of a
/// taken line bit for bit; and every such value must be `strtod`'s of its token (tolerance: none,
/// both are correctly rounded). Lines wider than a batch (65, 130 fields) and widths 1-3 are
/// included, and the first fields of each buffer lie within 33 bytes of its start (where the SIMD
/// digits step may not read and the fallback parsers take over).
@Suite struct CSVLineBatchTests {
    struct Outcome: Equatable {
        var used: Int
        var rows: Int
        var newlines: Int
        var values: [[UInt64]]  // [column][row] of the rows taken
    }

    /// Runs one loop over `bytes` (the whole buffer), with room for every line.
    static func run(_ bytes: [UInt8], delimiter: UInt8, width: Int, maxRows: Int, byField: Bool) -> Outcome {
        let capacity = bytes.reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
        let columns = (0..<width).map { _ in UnsafeMutablePointer<Double>.allocate(capacity: capacity) }
        defer { for column in columns { column.deallocate() } }
        var rows = 0
        var newlines = 0
        let used = bytes.withUnsafeBufferPointer { buffer -> Int in
            let first = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)  // invariant: non-empty
            let last = first + buffer.count
            let targets: [UnsafeMutablePointer<Double>?] = columns
            return targets.withUnsafeBufferPointer { pointers in
                byField
                    ? fk_parse_numeric_lines_by_field(first, last, CChar(bitPattern: delimiter), width, pointers.baseAddress, 0,
                                                      Swift.min(maxRows, capacity), &rows, &newlines)
                    : fk_parse_numeric_lines(first, last, CChar(bitPattern: delimiter), width, pointers.baseAddress, 0,
                                             Swift.min(maxRows, capacity), &rows, &newlines)
            }
        }
        let values = columns.map { column in (0..<rows).map { column[$0].bitPattern } }
        return Outcome(used: used, rows: rows, newlines: newlines, values: values)
    }

    /// A number token: plain decimals of 1-25 digits with leading zeros and the '.' anywhere ('.5',
    /// '5.'), signs, exponents (e/E, signed, up to overflow and below the subnormals), shortest round
    /// trips of any magnitude, halfway cases; or, with `noise`, something that is not a number.
    static func token(_ generator: inout SystemRandomNumberGeneratorSeeded, noise: Bool) -> String {
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(generator.next() % 10)) }) }
        func sign() -> String { ["", "", "-", "", "-", "+"][Int(generator.next() % 6)] }
        if noise {
            return ["", " 1", "1 ", "\"1\"", "NA", "inf", "-inf", "nan", "1.2.3", "--1", "1-", "1e", "1e+", ".", "-", "x", "1e400",
                    "-1e309", "0x10", "1,5", "+", "-.", "1..", "\t2"][Int(generator.next() % 24)]
        }
        switch generator.next() % 10 {
        case 0:
            let count = Int(generator.next() % 25) + 1  // every digit count 1-25
            var text = digits(count)
            text.insert(".", at: text.index(text.startIndex, offsetBy: Int(generator.next() % UInt64(count + 1))))
            return sign() + text
        case 1: return sign() + String(repeating: "0", count: Int(generator.next() % 12)) + digits(Int(generator.next() % 21) + 1)
        case 2: return sign() + "0." + String(repeating: "0", count: Int(generator.next() % 30)) + digits(Int(generator.next() % 20) + 1)
        case 3: return "\(Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF))"  // shortest round trip, any magnitude
        case 4: return "-\(Double(bitPattern: generator.next() % 0x0010_0000_0000_0000))"  // subnormals
        case 5:  // finite: below 10^(count + exponent) <= 10^308
            let count = Int(generator.next() % 19) + 1
            let exponent = Int(generator.next() % UInt64(659 - count)) - 350
            return sign() + digits(count) + (generator.next() & 1 == 0 ? "e" : "E") + (generator.next() % 4 == 0 && exponent >= 0 ? "+" : "") + String(exponent)
        case 6:
            var halfway = String(generator.next() % 9_000_000_000_000_000 + 1_000_000_000_000_000) + "5"
            halfway.insert(".", at: halfway.index(halfway.startIndex, offsetBy: Int(generator.next() % UInt64(halfway.count + 1))))
            return sign() + halfway
        case 7: return ["0", "-0", "0.0", "-0.0", ".5", "5.", "-.5", "-5.", "1e-400", "-1e-400", "5e-324", "2.4703282292062327e-324",
                        "1.7976931348623157e308", "9007199254740993", "4.9406564584124654e-324", "0.1", "1e22", "1e23"][Int(generator.next() % 18)]
        default:  // the benchmark file's shape
            return (generator.next() & 1 == 0 ? "-" : "") + digits(Int(generator.next() % 5) + 1) + "." + digits(Int(generator.next() % 17) + 1)
        }
    }

    /// A buffer of lines (and the tokens of each), with rare faults: a non-number token, a ragged or
    /// empty line, a bare '\r' added or in place of a delimiter, a '\n' in place of a delimiter (two
    /// short lines), a trailing delimiter, CRLF line ends, no line end after the last line.
    static func buffer(width: Int, lines: Int, delimiter: UInt8, faults: Bool, crlf: Bool,
                       _ generator: inout SystemRandomNumberGeneratorSeeded) -> (bytes: [UInt8], tokens: [[String]]) {
        var bytes: [UInt8] = []
        var tokens: [[String]] = []
        let separator = String(UnicodeScalar(delimiter))
        for line in 0..<lines {
            let fault = faults && generator.next() % 12 == 0 ? Int(generator.next() % 8) : -1
            var fields = (0..<width).map { _ in token(&generator, noise: fault == 0 && generator.next() % UInt64(width) == 0) }
            if fault == 1 { fields.append(token(&generator, noise: false)) }
            if fault == 2, width > 1 { fields.removeLast() }
            if fault == 3 { fields = [] }
            var text = fields.joined(separator: separator)
            if fault == 4 { text.insert("\r", at: text.index(text.startIndex, offsetBy: Int(generator.next() % UInt64(text.count + 1)))) }
            if fault == 5 { text += separator }
            if fault >= 6, let at = text.indices.filter({ text[$0] == Character(separator) }).randomElement(using: &generator) {
                text.replaceSubrange(at...at, with: fault == 6 ? "\r" : "\n")  // a line end where a delimiter is due
            }
            tokens.append(fields)
            if line + 1 < lines || generator.next() & 1 == 0 { text += crlf ? "\r\n" : "\n" }
            bytes += Array(text.utf8)
        }
        return (bytes, tokens)
    }

    /// Both loops on one buffer: the same outcome, and strtod's value for every token of a taken line.
    static func check(_ bytes: [UInt8], tokens: [[String]], delimiter: UInt8, width: Int, maxRows: Int) -> [String] {
        guard !bytes.isEmpty else { return [] }
        let batched = run(bytes, delimiter: delimiter, width: width, maxRows: maxRows, byField: false)
        let byField = run(bytes, delimiter: delimiter, width: width, maxRows: maxRows, byField: true)
        var failures: [String] = []
        if batched != byField {
            failures.append("width \(width): batched (used \(batched.used), rows \(batched.rows), newlines \(batched.newlines)) vs by field (used \(byField.used), rows \(byField.rows), newlines \(byField.newlines))")
        }
        for row in 0..<Swift.min(batched.rows, tokens.count) {
            for (column, text) in tokens[row].enumerated() where column < width {
                let expected = strtod(text, nil).bitPattern
                if batched.values[column][row] != expected {
                    failures.append("line \(row + 1), column \(column): '\(text)' read as \(Double(bitPattern: batched.values[column][row])), strtod \(Double(bitPattern: expected))")
                }
            }
        }
        return failures
    }

    static let widths = [1, 2, 3, 5, 31, 32, 33, 63, 64, 65, 130]

    @Test(arguments: widths)
    func batchedLinesMatchTheFieldLoopAndStrtod(_ width: Int) {
        var generator = SystemRandomNumberGeneratorSeeded(seed: 20261127 &+ UInt64(width))
        var failures: [String] = []
        var taken = 0
        var lines = 0
        let buffers = Swift.max(6, 1200 / width)
        for k in 0..<buffers {
            let delimiter = Array(",;\t|".utf8)[k % 4]
            let count = Int(generator.next() % 40) + 1
            let faults = k % 3 != 0
            let (bytes, tokens) = Self.buffer(width: width, lines: count, delimiter: delimiter, faults: faults, crlf: k % 5 == 4, &generator)
            let maxRows = k % 7 == 6 ? Int(generator.next() % UInt64(count + 1)) : Int.max
            failures += Self.check(bytes, tokens: tokens, delimiter: delimiter, width: width, maxRows: maxRows)
            if !faults, maxRows == Int.max {
                taken += Self.run(bytes, delimiter: delimiter, width: width, maxRows: maxRows, byField: false).rows
                lines += count
            }
        }
        // Not vacuous: fault-free buffers of numbers are read whole (1e400 and the like aside, which
        // only noisy lines carry).
        #expect(taken == lines)
        #expect(failures.isEmpty, "\(failures.prefix(8))")
    }

    /// Each hard token in every position of a line of plain numbers, far from and near the buffer's start.
    @Test func hardTokensInEveryColumn() {
        var generator = SystemRandomNumberGeneratorSeeded(seed: 41)
        let hard = CSVPlainNumberTests.hardCases + ["1234567890123456789", "12345678901234567890", "0.1234567890123456789",
                                                     "-0.00000000000000000000000000001", "99999999999999999999e-1", "+0.5",
                                                     "5.", ".5", "-5.", "-.5", "1e-320", "-2.2250738585072011e-308", "00000000000000000000000001.5"]
        var failures: [String] = []
        for text in hard {
            for width in [1, 4, 40] {
                let column = Int(generator.next() % UInt64(width))
                var lines: [[String]] = []
                for _ in 0..<3 {
                    var fields = (0..<width).map { _ in Self.token(&generator, noise: false) }
                    fields[column] = text
                    lines.append(fields)
                }
                let bytes = Array(lines.map { $0.joined(separator: ",") + "\n" }.joined().utf8)
                failures += Self.check(bytes, tokens: lines, delimiter: 44, width: width, maxRows: Int.max)
                // Every hard token that is a finite number (fast_float's whole-token status) must be taken.
                var value = 0.0
                let finite = fk_parse_double(text, text.utf8.count, &value) == Int32(FK_PARSE_OK)
                let outcome = Self.run(bytes, delimiter: 44, width: width, maxRows: Int.max, byField: false)
                if finite, !text.hasPrefix("+"), outcome.rows != 3 { failures.append("'\(text)' (width \(width)) was not taken: \(outcome.rows) rows") }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(8))")
    }
}

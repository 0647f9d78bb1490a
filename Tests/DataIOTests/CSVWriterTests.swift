import Foundation
import LinearAlgebra
import Tabular
import Testing
@testable import DataIO

@Suite struct CSVWriterTests {
    @Test func seededDoublesRoundTripBitForBit() throws {
        var generator = SystemRandomNumberGeneratorSeeded(seed: 2026)
        var values: [Double] = [0.1, -0.0, 0, Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude, 2.2250738585072014e-308, Double(sign: .plus, exponent: -1022, significand: 1).nextDown,  // the largest subnormal
                                1.7976931348623157e308, -1.7976931348623157e308, 9007199254740992, 1e23, 123456789012345683968]
        while values.count < 20_000 {
            let pattern = generator.next()
            let value = Double(bitPattern: pattern)
            if value.isFinite { values.append(value) }
            // Subnormals and values near 1 too.
            values.append(Double(bitPattern: pattern & 0x000F_FFFF_FFFF_FFFF))
            values.append(Double(generator.next() >> 11) * 0x1p-53)
        }
        let scratch = try Scratch()
        let table = try Table([.numeric("v", values), .numeric("w", values.reversed())])
        let path = scratch.folder + "/r.csv"
        try CSVWriter().write(table, to: path, threads: 2)
        let back = try CSVReader().read(path, threads: 2)
        #expect(bits(try back.numeric("v")) == bits(values))
        #expect(bits(try back.numeric("w")) == bits(values.reversed()))
        #expect(scratch.contents == ["r.csv"])  // atomic: no temporary file left
    }

    @Test func tableToCSVToTableWithCategoriesAndMissingValues() throws {
        let table = try Table([
            .numeric("x", [1.5, .nan, -2, 1e-300]),
            try .categorical("name, full", ["Smith, J", "say \"hi\"", nil, " padded "]),
            try .categorical("multi", ["a\nb", "c\r\nd", "é", "NA!"]),
            try .categorical("zip", ["02139", "10001", nil, "02139"], kind: .integer),
        ])
        let writer = CSVWriter()
        let text = String(decoding: try writer.bytes(table), as: UTF8.self)
        #expect(text.hasPrefix("x,\"name, full\",multi,zip\n1.5,\"Smith, J\",\"a\nb\",02139\n"))
        let scratch = try Scratch()
        let path = try scratch.file("t.csv", text)
        let back = try CSVReader(options: CSVReadOptions(columnTypes: ["zip": .categoricalInteger])).read(path)
        #expect(sameTable(back, table))
        // Write -> read -> write gives the same bytes.
        #expect(try writer.bytes(back) == (try writer.bytes(table)))
    }

    @Test func refusesValuesThatWouldNotReadBack() throws {
        let inf = try Table([.numeric("x", [1, .infinity])])
        let error = csvError { _ = try CSVWriter().bytes(inf) }
        #expect(error?.kind == .unwritableValue(column: "x", row: 1, reason: "inf is not finite (the reader refuses infinities)"))
        let na = try Table([try .categorical("c", ["ok", "NA"])])
        let naError = csvError { _ = try CSVWriter().bytes(na) }
        #expect(naError?.column == "c")
        #expect(naError?.description.contains("row 1") == true)
        let empty = try Table([try .categorical("c", [""])])
        #expect(csvError { _ = try CSVWriter().bytes(empty) } != nil)
        #expect(csvError { _ = try CSVWriter(missingToken: "?").bytes(na) }?.kind == .invalidOption(name: "missingToken", reason: "'?' is not one of missingValues, so it would not read back as missing"))
    }

    @Test(arguments: [".", "e", "5", "-", ";", "\t", " "])
    func anyDelimiterRoundTrips(_ delimiter: String) throws {
        let d = try #require(delimiter.utf8.first)
        let table = try Table([.numeric("a", [1.5, -2e-5, .nan, 12345]), .numeric("b", [0.25, 7, -0.0, 1e300]),
                               try .categorical("c", ["x.y", "e-5", "1 2", nil])])
        let text = try CSVWriter(delimiter: d).bytes(table)
        let scratch = try Scratch()
        let path = try scratch.file("d.csv", bytes: text)
        let back = try CSVReader(options: CSVReadOptions(delimiter: d)).read(path)
        #expect(sameTable(back, table), "delimiter \(delimiter): \(String(decoding: text, as: UTF8.self))")
    }

    @Test func aTableWithoutColumnsIsRefused() throws {
        #expect(csvError { _ = try CSVWriter().bytes(try Table([])) }?.kind == .invalidOption(name: "table", reason: "has no columns (a CSV file needs a header)"))
    }

    @Test func failedWriteLeavesTheTargetUntouched() throws {
        let scratch = try Scratch()
        let path = try scratch.file("keep.csv", "a\n1\n")
        let bad = try Table([.numeric("x", [1, .infinity])])
        #expect(csvError { try CSVWriter().write(bad, to: path) } != nil)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a\n1\n")
        #expect(scratch.contents == ["keep.csv"])
        let missingFolder = csvError { try CSVWriter().write(bad, to: "/nonexistent-dir/x.csv") }
        #expect(missingFolder?.description.contains("/nonexistent-dir/x.csv") == true)
    }

    @Test func outputDoesNotDependOnThreads() throws {
        let x = try Matrix<Double>(rows: 20_000, columns: 3, elements: (0..<60_000).map { Double($0) / 7 })
        let table = try Table(x, names: ["a", "b", "c"])
        let scratch = try Scratch()
        try CSVWriter().write(table, to: scratch.folder + "/1.csv", threads: 1)
        try CSVWriter().write(table, to: scratch.folder + "/2.csv", threads: 2)
        let one = try Data(contentsOf: URL(fileURLWithPath: scratch.folder + "/1.csv"))
        let two = try Data(contentsOf: URL(fileURLWithPath: scratch.folder + "/2.csv"))
        #expect(one == two)
    }

    @Test(arguments: ["0.1", "1e-05", "5e-324", "-0.0", "1.7976931348623157e+308"])
    func numberSyntaxParsesWhatTheWriterWrites(_ text: String) throws {
        let value = try #require(CSVNumberSyntax.parse(Substring(text)))
        #expect(value.description == text)
        #expect(CSVNumberSyntax.parse("inf") == nil)
        #expect(CSVNumberSyntax.parse("1e400") == nil)
        #expect(CSVNumberSyntax.parse(" 2 ") == 2)
    }
}

import Foundation
import Testing
@testable import DataIO
import Tabular

/// Hostile tables through the writer: each either round-trips through the reader exactly or is a
/// `CSVError` naming the column (and row), never a file that reads back differently.
@Suite struct AdversarialCSVWriterTests {
    @Test func hostileValuesRoundTripOrAreRefused() throws {
        let tables: [Table] = [
            try Table([try .categorical("a,b", ["x\"y", "line\nbreak", "cr\rhere", ",", "\"", " lead", "trail "])]),
            try Table([try .categorical("s", ["NA", "x", nil, "", "nan", "null", "NaN"])]),
            try Table([.numeric("n", [.nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, Double.leastNonzeroMagnitude, -0.0, 0, 0x1p-1030])]),
            try Table([.numeric("inf", [.infinity, 1, 2, 3, 4, 5, 6])]),
            try Table([try .categorical("\u{FEFF}bom", ["é", "e\u{301}", "😀", "\u{0}", "tab\t", "x", "y"])]),
            try Table([try .categorical("i", ["1", "-9223372036854775808", nil, "9223372036854775807", "0", "2", "3"], kind: .integer)]),
        ]
        for table in tables {
            let scratch = try Scratch()
            let path = scratch.folder + "/w.csv"
            do {
                try CSVWriter().write(table, to: path)
            } catch let error as CSVError {
                #expect(error.column != nil || error.kind != .emptyFile, "\(error)")
                continue
            }
            var types: [String: CSVColumnType] = [:]
            for column in table.columns {
                if case let .categorical(values) = column.values { types[column.name] = values.kind == .integer ? .categoricalInteger : .categorical }
                else { types[column.name] = .numeric }
            }
            do {
                let back = try CSVReader(options: CSVReadOptions(columnTypes: types)).read(path)
                #expect(sameTable(back, table), "\(table.names): \(back) vs \(table)")
            } catch {
                Issue.record("\(table.names): written but not readable: \(error)")
            }
        }
    }

    @Test func badWriterOptionsAndPaths() throws {
        let table = try Table([.numeric("a", [1, 2])])
        let scratch = try Scratch()
        for writer in [CSVWriter(delimiter: 10), CSVWriter(quote: UInt8(ascii: ",")), CSVWriter(missingToken: "zzz"),
                       CSVWriter(delimiter: 200)] {
            #expect(throws: CSVError.self) { try writer.write(table, to: scratch.folder + "/o.csv") }
        }
        #expect(throws: CSVError.self) { try CSVWriter().write(table, to: scratch.folder) }
        #expect(throws: CSVError.self) { try CSVWriter().write(table, to: scratch.folder + "/no/such/o.csv") }
    }
}

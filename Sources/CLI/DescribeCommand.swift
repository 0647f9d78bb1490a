import ArgumentParser
import DataIO
import Foundation
import Tabular

/// `featurekit describe`: read a CSV file strictly, in blocks, and summarise its columns.
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Read a CSV file strictly (streaming, in blocks) and summarise each column: kind, missing, range, levels.",
        discussion: """
        A quick check that a file reads as expected before training on it: the first bad line (or,
        with --max-errors N, up to N of them) is reported with its line, column and token. Types are
        inferred from the first block and then fixed (give --numeric / --categorical to override).

        Examples:
          featurekit describe --data data/wine.csv
          featurekit describe --data big.csv --categorical zip --max-errors 20
        """
    )

    @Option(help: "The data (CSV with a header row).")
    var data: String

    @Option(help: "Read this column as numeric (repeatable).")
    var numeric: [String] = []

    @Option(help: "Read this column as categorical text (repeatable).")
    var categorical: [String] = []

    @Option(help: "Collect up to this many bad lines before stopping (default 1).")
    var maxErrors = 1

    @OptionGroup var common: CommonOptions

    func run() throws {
        try runReportingErrors(common) {
            var types: [String: CSVColumnType] = [:]
            for name in numeric { types[name] = .numeric }
            for name in categorical { types[name] = .categorical }
            let reader = CSVReader(options: CSVReadOptions(columnTypes: types, maxErrors: max(1, maxErrors)))
            var rows = 0
            var summaries: [ColumnSummary] = []
            let start = Date()
            let schema = try reader.forEachBlock(data, threads: common.threadCount) { block in
                if summaries.isEmpty { summaries = block.columns.map { ColumnSummary(name: $0.name) } }
                for (k, column) in block.columns.enumerated() { summaries[k].add(column) }
                rows += block.rowCount
            }
            let seconds = Date().timeIntervalSince(start)
            print("\(data): \(rows) rows, \(schema.fields.count) columns, read in \(String(format: "%.3f", seconds)) s")
            for summary in summaries { print("  " + summary.line(rows: rows)) }
        }
    }

    struct ColumnSummary {
        let name: String
        var kind = ColumnKind.numeric
        var missing = 0
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var levels = 0

        init(name: String) { self.name = name }

        mutating func add(_ column: Column) {
            switch column.values {
            case let .numeric(values):
                for value in values {
                    if value.isNaN { missing += 1; continue }
                    minimum = min(minimum, value)
                    maximum = max(maximum, value)
                }
            case let .categorical(values):
                kind = .categorical
                missing += values.codes.lazy.filter { $0 == CategoricalValues.missing }.count
                levels = values.levels.count  // levels accumulate across blocks
            }
        }

        func line(rows: Int) -> String {
            let missingText = "missing \(missing)" + (rows > 0 && missing > 0 ? String(format: " (%.1f%%)", 100 * Double(missing) / Double(rows)) : "")
            switch kind {
            case .numeric:
                let range = minimum <= maximum ? "range [\(minimum), \(maximum)]" : "no values"
                return pad(name, 28) + " numeric      " + missingText + ", " + range
            case .categorical:
                return pad(name, 28) + " categorical  " + missingText + ", \(levels) levels"
            }
        }
    }
}

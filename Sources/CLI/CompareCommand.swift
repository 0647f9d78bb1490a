import ArgumentParser
import DataIO
import Features
import Foundation
import Lifecycle

/// `featurekit compare`: a challenger model against the champion on the same data.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a challenger model with the champion on the same data (shadow mode, A/B).",
        discussion: """
        Both model files run their own features pipeline and model on every row of the data. Printed:
        how far the predictions differ (regression: RMS, largest and mean difference; classification:
        the fraction of rows given the same class and the largest and mean probability difference),
        the rows that differ most, and, when the data hold the target column, both models' metrics
        (r2, rmse, mae or accuracy, log_loss) and which is better on the primary metric (r2 for
        regressors, log_loss for classifiers).
        Exit status 0, or 3 with --fail-if-worse when the challenger is not better than the champion
        (for a retraining job that must not replace a better model). The data are read into memory.

        Examples:
          featurekit compare --champion build/iris.model.json --challenger build/iris-c01.model.json --data data/iris.csv
          featurekit compare --champion prod.json --challenger retrained.json --data holdout.csv --fail-if-worse
          featurekit compare --champion prod.json --challenger retrained.json --data today.csv --json
        """
    )

    @Option(help: "The model file in production.")
    var champion: String

    @Option(help: "The candidate model file.")
    var challenger: String

    @Option(help: "The data both models score (CSV with a header row; with the target column for metrics).")
    var data: String

    @Flag(help: "Exit with status 3 unless the challenger is better on the primary metric (needs the target column).")
    var failIfWorse = false

    @Flag(help: "Print the comparison as JSON instead of text.")
    var json = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        var better: Bool?
        try runReportingErrors(common) {
            let first = try ModelDocument.decode(try readFile(champion, what: "champion model file"))
            let second = try ModelDocument.decode(try readFile(challenger, what: "challenger model file"))
            let table = try CSVReader(options: CSVReadOptions(columnTypes: try Self.columnTypes(first, second)))
                .read(data, threads: common.threadCount)
            let comparison = try ModelComparison(champion: first, challenger: second, table: table, threads: common.threadCount)
            if failIfWorse && comparison.championMetrics == nil {
                throw ValidationError("--fail-if-worse needs the target column '\(comparison.target)' in \(data)")
            }
            better = comparison.challengerIsBetter
            if json {
                print(String(decoding: try SpecCoding.encoder().encode(comparison), as: UTF8.self))
            } else {
                print(text(comparison))
            }
        }
        if failIfWorse && better != true { throw ExitCode(3) }
    }

    /// The CSV column types both models' schemas ask for; a column one model reads as numeric and the
    /// other as categorical is an error naming it.
    static func columnTypes(_ a: ModelDocument, _ b: ModelDocument) throws -> [String: CSVColumnType] {
        var types = PredictCommand.columnTypes(a.inputSchema, id: nil)
        for (name, type) in PredictCommand.columnTypes(b.inputSchema, id: nil) {
            if let other = types[name], other != type {
                throw ValidationError("column '\(name)' is \(other) for the champion but \(type) for the challenger")
            }
            types[name] = type
        }
        return types
    }

    func text(_ c: ModelComparison) -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "-" }
        var lines = ["challenger \(challenger) against champion \(champion) on \(data) (\(c.rows) rows, \(c.kind.rawValue))"]
        lines.append("  agreement:")
        for key in c.agreement.keys.sorted() { lines.append("    " + pad(key, 34) + " " + number(c.agreement[key])) }
        if let a = c.championMetrics, let b = c.challengerMetrics {
            lines.append("  metrics on '\(c.target)':" + String(repeating: " ", count: 4) + pad("champion", 14, right: true) + pad("challenger", 14, right: true))
            for key in Set(a.keys).union(b.keys).sorted() {
                lines.append("    " + pad(key, 24) + pad(number(a[key]), 14, right: true) + pad(number(b[key]), 14, right: true))
            }
            let verdict = c.challengerIsBetter.map { $0 ? "better" : "not better" } ?? "undecided"
            lines.append("  challenger is \(verdict) on \(c.primaryMetric)")
        } else {
            lines.append("  no '\(c.target)' column in the data: no metrics")
        }
        if !c.largestDifferences.isEmpty {
            lines.append("  largest differences (row: champion -> challenger):")
            for d in c.largestDifferences {
                let label = d.classLabel.map { " (P[\($0)])" } ?? ""
                lines.append("    row \(d.row)\(label): \(number(d.champion)) -> \(number(d.challenger))")
            }
        }
        return lines.joined(separator: "\n")
    }
}

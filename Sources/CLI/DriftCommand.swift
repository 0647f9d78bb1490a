import ArgumentParser
import DataIO
import Features
import Foundation
import Lifecycle

/// `featurekit drift`: new data compared with the training data profile a model file keeps.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare new data with the training data profile in a model file (PSI per column, missing rates).",
        discussion: """
        Per input column: the population stability index over the training quantile bins (numeric) or
        categories (categorical), the missing rate now and in training, and the mean shift in training
        standard deviations. PSI < 0.1 stable, 0.1-0.25 moderate, > 0.25 significant. A model input
        column absent from the data is reported as `missing`, with the other columns' drift.
        Exit status: 0; 3 when a model input column is missing from the data (the model cannot score
        it), with or without --fail-on; 3 with --fail-on when a column's drift reaches that level
        (for scheduled checks); 1 when the command fails (e.g. a file cannot be read).

        Examples:
          featurekit drift --model build/iris.model.json --data data/iris.csv
          featurekit drift --model model.json --data today.csv --fail-on significant
          featurekit drift --model model.json --data today.csv --json | jq '.columns[] | select(.status != "compared")'
        """
    )

    @Option(help: "The model file.")
    var model: String

    @Option(help: "The new data (CSV with a header row).")
    var data: String

    @Option(help: "Exit with status 3 when some column's drift reaches this level: moderate or significant.")
    var failOn: String?

    @Flag(help: "Print the report as JSON instead of text (per column: name, status, level, psi, rates, note).")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let failOn, DriftReport.Level(rawValue: failOn) == nil || failOn == "stable" {
            throw ValidationError("--fail-on takes moderate or significant, got '\(failOn)'")
        }
    }

    func run() throws {
        var report: DriftReport?
        try runReportingErrors(common) {
            let document = try loadModel(model)
            // A model input absent from the data is a finding of the report, not a read error.
            var options = CSVReadOptions(columnTypes: PredictCommand.columnTypes(document.inputSchema, id: nil))
            options.allowsAbsentTypedColumns = true
            let table = try CSVReader(options: options).read(data, threads: common.threadCount)
            let result = try DriftReport(profile: document.profile, table: table)
            if json {
                print(String(decoding: try SpecCoding.encoder().encode(result), as: UTF8.self))
            } else {
                print(Self.text(result, data: data, model: model, trainingRows: document.profile.rowCount))
            }
            report = result
        }
        guard let report else { return }
        let threshold = failOn.flatMap(DriftReport.Level.init(rawValue:))
        if Self.fails(report, threshold: threshold) { throw ExitCode(3) }
    }

    /// Whether the check fails (exit status 3): a model input is missing or changed kind, or a
    /// column's drift reaches `threshold`.
    static func fails(_ report: DriftReport, threshold: DriftReport.Level?) -> Bool {
        if !report.missingColumns.isEmpty || !report.changedKindColumns.isEmpty { return true }
        guard let threshold else { return false }
        return report.level >= threshold
    }

    /// The report as a table, one line per column (a column that could not be compared shows its
    /// status where the level goes), and a closing line naming the columns the data lacks.
    static func text(_ report: DriftReport, data: String, model: String, trainingRows: Int) -> String {
        var lines = ["drift of \(data) (\(report.rowCount) rows) against the training data of \(model) (\(trainingRows) rows)"]
        lines.append("  " + pad("column", 24) + " " + pad("level", 12) + " " + pad("PSI", 8, right: true) + " "
                     + pad("missing", 9, right: true) + " " + pad("mean shift", 11, right: true) + "  note")
        for column in report.columns {
            let level = column.status == .compared ? column.level.rawValue : column.status.rawValue
            lines.append("  " + pad(column.name, 24) + " " + pad(level, 12) + " "
                         + pad(column.psi.map { String(format: "%.4f", $0) } ?? "-", 8, right: true) + " "
                         + pad(column.missingRate.map { String(format: "%.1f%%", 100 * $0) } ?? "-", 9, right: true) + " "
                         + pad(column.meanShift.map { String(format: "%+.3f sd", $0) } ?? "-", 11, right: true) + "  " + (column.note ?? ""))
        }
        let quoted = { (names: [String]) in names.map { "'\($0)'" }.joined(separator: ", ") }
        if !report.missingColumns.isEmpty {
            lines.append("missing from the data: \(quoted(report.missingColumns)) (the model cannot score these rows)")
        }
        if !report.changedKindColumns.isEmpty {
            lines.append("of another kind than in training: \(quoted(report.changedKindColumns)) (the model cannot score these rows)")
        }
        return lines.joined(separator: "\n")
    }
}

import ArgumentParser
import DataIO
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
        standard deviations. PSI < 0.1 stable, 0.1-0.25 moderate, > 0.25 significant.
        Exit status 0, or 3 with --fail-on when a column reaches that level (for scheduled checks).

        Examples:
          featurekit drift --model build/iris.model.json --data data/iris.csv
          featurekit drift --model model.json --data today.csv --fail-on significant
        """
    )

    @Option(help: "The model file.")
    var model: String

    @Option(help: "The new data (CSV with a header row).")
    var data: String

    @Option(help: "Exit with status 3 when some column's drift reaches this level: moderate or significant.")
    var failOn: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let failOn, DriftReport.Level(rawValue: failOn) == nil || failOn == "stable" {
            throw ValidationError("--fail-on takes moderate or significant, got '\(failOn)'")
        }
    }

    func run() throws {
        var worst = DriftReport.Level.stable
        try runReportingErrors(common) {
            let document = try loadModel(model)
            let types = PredictCommand.columnTypes(document.inputSchema, id: nil)
            let table = try CSVReader(options: CSVReadOptions(columnTypes: types)).read(data, threads: common.threadCount)
            let report = try DriftReport(profile: document.profile, table: table)
            print("drift of \(data) (\(report.rowCount) rows) against the training data of \(model) (\(document.profile.rowCount) rows)")
            print("  " + pad("column", 24) + " " + pad("level", 12) + " " + pad("PSI", 8, right: true) + " "
                  + pad("missing", 9, right: true) + " " + pad("mean shift", 11, right: true) + "  note")
            for column in report.columns {
                print("  " + pad(column.name, 24) + " " + pad(column.level.rawValue, 12) + " "
                      + pad(column.psi.map { String(format: "%.4f", $0) } ?? "-", 8, right: true) + " "
                      + pad(column.missingRate.map { String(format: "%.1f%%", 100 * $0) } ?? "-", 9, right: true) + " "
                      + pad(column.meanShift.map { String(format: "%+.3f sd", $0) } ?? "-", 11, right: true) + "  " + (column.note ?? ""))
            }
            worst = report.level
        }
        if let failOn, let level = DriftReport.Level(rawValue: failOn), worst >= level { throw ExitCode(3) }
    }
}

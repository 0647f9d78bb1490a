import ArgumentParser
import DataIO
import Features
import Foundation
import Lifecycle
import Tabular

/// `featurekit train`: fit the pipeline and model a spec declares on a CSV file; write the model file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit a training spec (columns -> transforms -> model) on a CSV file and write the model file.",
        discussion: """
        The spec names the target column, the features pipeline and the model (see docs/spec.md).
        The model file is one versioned JSON document: schema, every fitted step, coefficients, solver
        diagnostics, training metrics, a training data profile for drift checks, and a content hash.
        It is written atomically: a failed run leaves no file behind.

        Examples:
          featurekit train --spec examples/iris-logistic.json --data data/iris.csv --out build/iris.model.json
          featurekit train --spec examples/diabetes-ridge.json --data data/diabetes.csv --out build/diabetes.model.json --threads 1
        """
    )

    @Option(help: "The training spec (JSON).")
    var spec: String

    @Option(help: "The training data (CSV with a header row).")
    var data: String

    @Option(help: "Where to write the model file (JSON).")
    var out: String

    @OptionGroup var common: CommonOptions

    func run() throws {
        try runReportingErrors(common) {
            try refuseOverwritingInputs(out: out, inputs: [("--spec", spec), ("--data", data)])
            let progress = Progress()
            let trainingSpec = try TrainingSpec.read(json: try readFile(spec, what: "spec"))
            progress.stage("read \(data)")
            let (table, lines) = try CSVReader().readLocated(data, threads: common.threadCount)
            progress.done()
            progress.stage("fit")
            let document = try locatingDataRows(in: data, lines: lines) {
                try Trainer.train(trainingSpec, on: table, threads: common.threadCount)
            }
            progress.done()
            try AtomicOutput.write(try document.encoded(), to: out)
            let used = Set(document.inputSchema.map(\.name) + [trainingSpec.target] + [trainingSpec.sampleWeight].compactMap { $0 })
            let ignored = table.columns.filter { !used.contains($0.name) }.map { "\($0.name) (\($0.kind))" }
            printStatus(Report.training(document, data: data, out: out, ignored: ignored), out: out)
        }
    }
}

/// The short text reports the commands print.
enum Report {
    /// `ignored`: columns of the data the pipeline does not read, with their kinds (a numeric-looking
    /// column read as categorical because of one bad token shows up here rather than silently).
    static func training(_ document: ModelDocument, data: String, out: String, ignored: [String] = []) -> String {
        var lines = ["trained \(document.model.typeName) on \(document.training.rows) rows of \(data)"]
        lines.append("  inputs   \(document.inputSchema.count) columns -> \(document.features.outputNames.count) features")
        if !ignored.isEmpty { lines.append("  ignored  " + ignored.joined(separator: ", ")) }
        lines.append("  target   \(document.target.name)" + (document.target.classes.map { " (classes \($0.map(CSVFormat.label).joined(separator: ", ")))" } ?? ""))
        lines.append("  solver   " + diagnostics(document.model))
        let metrics = document.training.metrics.sorted { $0.key < $1.key }.map { String(format: "%@ %.6g", $0.key, $0.value) }
        lines.append("  metrics  " + metrics.joined(separator: ", ") + " (training data)")
        lines.append("  hash     \(document.contentHash)")
        lines.append("  wrote    \(out)")
        return lines.joined(separator: "\n")
    }

    static func diagnostics(_ model: FittedModel) -> String {
        switch model {
        case let .linearRegression(fit):
            return "\(fit.solver.rawValue)\(fit.usedSVDFallback ? " (rank-deficient: SVD, minimum norm)" : ""), rank \(fit.rank), condition \(String(format: "%.3g", fit.conditionEstimate)), refinement steps \(fit.refinementSteps)"
        case let .ridge(fit):
            return "\(fit.solver.rawValue)\(fit.fellBackToSVD ? " (fell back to SVD)" : ""), alpha \(fit.alpha)"
        case let .logisticRegression(model):
            let d = model.diagnostics
            return "\(d.solver), \(d.iterations) iterations, \(d.converged ? "converged" : "NOT converged (\(d.stopReason))"), objective \(String(format: "%.10g", d.objective)), max |gradient| \(String(format: "%.3g", d.gradientMaxAbs))\(d.separation.rawValue == "none" ? "" : ", separation: \(d.separation.rawValue)")"
        }
    }
}

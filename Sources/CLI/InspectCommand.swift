import ArgumentParser
import DataIO
import Features
import Foundation
import Lifecycle
import Models

/// `featurekit inspect`: what a model file holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a model file holds: schema, steps, fitted parameters, coefficients, diagnostics, hash.",
        discussion: """
        The file is fully checked while it is read (format version, fields, content hash, finite
        coefficients), so `inspect` is also how to verify a model file. The content hash covers the
        fitted state only: a CI job can retrain and compare hashes to check the model is reproduced
        bit for bit.

        Examples:
          featurekit inspect build/iris.model.json
          featurekit inspect build/iris.model.json --json | jq .content_hash
        """
    )

    @Argument(help: "The model file.")
    var model: String

    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        try runReportingErrors(common) {
            let document = try loadModel(model)
            if json {
                let encoder = SpecCoding.encoder()
                let summary = Summary(document)
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else {
                print(Self.text(document))
            }
        }
    }

    /// A compact JSON view: the fields a script wants, the full fitted state under "features" and "model".
    struct Summary: Encodable {
        let content_hash: String
        let format_version: Int
        let library_version: String
        let input_schema: [ModelDocument.InputColumn]
        let target: String
        let classes: [String]?
        let output_features: [String]
        let model_type: String
        let training_rows: Int
        let training_metrics: [String: Double]
        let spec: TrainingSpec
        let features: FittedPipeline
        let model: FittedModel

        init(_ d: ModelDocument) {
            content_hash = d.contentHash
            format_version = d.formatVersion
            library_version = d.libraryVersion
            input_schema = d.inputSchema
            target = d.target.name
            classes = d.target.classes?.map(CSVFormat.label)
            output_features = d.features.outputNames
            model_type = d.model.typeName
            training_rows = d.training.rows
            training_metrics = d.training.metrics
            spec = d.spec
            features = d.features
            model = d.model
        }
    }

    static func text(_ d: ModelDocument) -> String {
        var lines = ["\(d.model.typeName) model, format \(d.formatVersion), FeatureKit \(d.libraryVersion)"]
        lines.append("hash      \(d.contentHash)")
        lines.append("inputs    " + d.inputSchema.map { "\($0.name) (\($0.kind))" }.joined(separator: ", "))
        lines.append("target    \(d.target.name)" + (d.target.classes.map { ", classes " + $0.map(CSVFormat.label).joined(separator: ", ") } ?? ""))
        lines.append("pipeline")
        for group in d.features.groups {
            let steps = group.steps.map(\.typeName)
            lines.append("  \(group.name): \(group.inputColumns.joined(separator: ", ")) -> \(steps.isEmpty ? "passthrough" : steps.joined(separator: " -> "))")
        }
        if !d.features.remainderColumns.isEmpty { lines.append("  remainder: \(d.features.remainderColumns.joined(separator: ", "))") }
        for step in d.features.steps { lines.append("  then \(step.typeName)") }
        lines.append("features  \(d.features.outputNames.count): " + d.features.outputNames.joined(separator: ", "))
        lines.append("solver    " + Report.diagnostics(d.model))
        lines.append("coefficients")
        switch d.model {
        case let .linearRegression(fit):
            lines.append(contentsOf: coefficientLines(d.features.outputNames, fit.coefficients, errors: fit.standardErrors))
            lines.append("  " + pad("(intercept)", 28) + " " + String(format: "%.10g", fit.intercept))
        case let .ridge(fit):
            lines.append(contentsOf: coefficientLines(d.features.outputNames, fit.coefficients, errors: nil))
            lines.append("  " + pad("(intercept)", 28) + " " + String(format: "%.10g", fit.intercept))
        case let .logisticRegression(model):
            let rows = model.coefficients.count == 1 ? [model.classes.last].compactMap { $0 } : model.classes
            for (k, label) in rows.enumerated() {
                lines.append("  class \(CSVFormat.label(label)):")
                lines.append(contentsOf: coefficientLines(d.features.outputNames, model.coefficients[k], errors: nil).map { "  " + $0 })
                lines.append("    " + pad("(intercept)", 28) + " " + String(format: "%.10g", model.intercepts[k]))
            }
        }
        let metrics = d.training.metrics.sorted { $0.key < $1.key }.map { String(format: "%@ %.6g", $0.key, $0.value) }
        lines.append("training  \(d.training.rows) rows; " + metrics.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    static func coefficientLines(_ names: [String], _ values: [Double], errors: [Double]?) -> [String] {
        values.indices.map { j in
            let name = j < names.count ? names[j] : "x\(j)"
            if let errors, j < errors.count {
                return "  " + pad(name, 28) + " " + String(format: "%.10g  (se %.3g)", values[j], errors[j])
            }
            return "  " + pad(name, 28) + " " + String(format: "%.10g", values[j])
        }
    }
}

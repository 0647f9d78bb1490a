import ArgumentParser
import DataIO
import Features
import Foundation
import Lifecycle
import Tabular

/// `featurekit transform`: the features a pipeline makes from a CSV file, as CSV.
struct TransformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Write the features a pipeline makes from a CSV file: fit it from a spec, or apply a model file's.",
        discussion: """
        With --spec, the pipeline is fitted on the data and applied to it (scikit-learn's fit_transform).
        The spec is either a features pipeline ({"columns": ..., "steps": ...}) or a training spec,
        whose "features" part is used (its target and sample_weight columns are left out).
        With --model, the model file's fitted pipeline is applied (its model is not).
        Columns are named as scikit-learn's get_feature_names_out (<group>__<column>).

        Examples:
          featurekit transform --spec examples/iris-logistic.json --data data/iris.csv --out build/iris.features.csv
          featurekit transform --model build/iris.model.json --data data/iris.csv --out build/iris.features.csv --id target
        """
    )

    @Option(help: "A features pipeline spec or a training spec (JSON) to fit on the data.")
    var spec: String?

    @Option(help: "A model file whose fitted pipeline is applied.")
    var model: String?

    @Option(help: "The data (CSV with a header row).")
    var data: String

    @Option(help: "Where to write the features (CSV).")
    var out: String

    @Option(help: "A column of the data to copy into the output as the first column.")
    var id: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (spec == nil) != (model == nil) else { throw ValidationError("give exactly one of --spec and --model") }
    }

    func run() throws {
        try runReportingErrors(common) {
            try refuseOverwritingInputs(out: out, inputs: [("--spec", spec), ("--model", model), ("--data", data)])
            let fitted: FittedPipeline
            let table: Table
            let lines: CSVLineMap
            if let spec {
                let json = try readFile(spec, what: "spec")
                (table, lines) = try CSVReader().readLocated(data, threads: common.threadCount)
                if let training = try? TrainingSpec.read(json: json) {
                    let inputs = try table.selecting(table.names.filter { $0 != training.target && $0 != training.sampleWeight })
                    let target = try table.column(named: training.target)
                    fitted = try locatingDataRows(in: data, lines: lines) {
                        try training.features.fit(inputs, target: Trainer.encoderTarget(target), threads: common.threadCount)
                    }
                } else {
                    fitted = try locatingDataRows(in: data, lines: lines) { try Pipeline.spec(json: json).fit(table, threads: common.threadCount) }
                }
            } else {
                let document = try loadModel(model ?? "")
                let types = PredictCommand.columnTypes(document.inputSchema, id: id)
                (table, lines) = try CSVReader(options: CSVReadOptions(columnTypes: types)).readLocated(data, threads: common.threadCount)
                try document.checkSchema(table)
                fitted = document.features
            }
            let x = try locatingDataRows(in: data, lines: lines) { try fitted.transform(table, threads: common.threadCount) }
            let ids = try id.map { try table.column(named: $0) }
            let output = try AtomicOutput(path: out)
            try output.append(CSVFormat.line((id.map { [CSVFormat.text($0)] } ?? []) + fitted.outputNames.map(CSVFormat.text)))
            var text = ""
            for i in 0..<x.rows {
                var fields: [String] = ids.map { [CSVFormat.cell($0, i)] } ?? []
                for j in 0..<x.columns { fields.append(CSVFormat.number(x[i, j])) }
                text += fields.joined(separator: ",") + "\n"
                if text.utf8.count > 1 << 20 {
                    try output.append(text.utf8)
                    text = ""
                }
            }
            try output.append(text.utf8)
            try output.commit()
            printStatus("wrote \(x.rows) rows x \(x.columns) features to \(out)", out: out)
        }
    }
}

import ArgumentParser
import DataIO
import Foundation
import Lifecycle
import LinearAlgebra
import Tabular

/// `featurekit predict`: a model file applied to a CSV file, block by block, row order kept.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with a model file on a CSV file, streaming it in blocks; write predictions as CSV.",
        discussion: """
        The data must hold the model's input columns (by name, of the same kind); other columns are
        ignored, or copied through with --id. Regression writes one column, `prediction`; a classifier
        writes `prediction` (the most probable class) and `probability_<class>` for every class.
        The file is read and predicted in blocks, so memory stays bounded whatever its size, and the
        output is written atomically.

        Examples:
          featurekit predict --model build/iris.model.json --data data/iris.csv --out build/iris.predictions.csv
          featurekit predict --model model.json --data new.csv --out predictions.csv --id customer_id
        """
    )

    @Option(help: "The model file written by `featurekit train`.")
    var model: String

    @Option(help: "The data to predict (CSV with a header row).")
    var data: String

    @Option(help: "Where to write the predictions (CSV).")
    var out: String

    @Option(help: "A column of the data to copy into the output as the first column (e.g. a row id).")
    var id: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        try runReportingErrors(common) {
            try refuseOverwritingInputs(out: out, inputs: [("--model", model), ("--data", data)])
            let document = try loadModel(model)
            let reader = CSVReader(options: CSVReadOptions(columnTypes: Self.columnTypes(document.inputSchema, id: id)))
            let output = try AtomicOutput(path: out)
            var header: [String] = id.map { [CSVFormat.text($0)] } ?? []
            header.append("prediction")
            if let classes = document.target.classes {
                header += classes.map { "probability_" + CSVFormat.label($0) }
            }
            try output.append(CSVFormat.line(header))
            var rows = 0
            let progress = Progress()
            progress.stage("predict \(data)")
            try reader.forEachLocatedBlock(data, threads: common.threadCount) { block, lines in
                let ids = try id.map { try block.column(named: $0) }
                let prediction = try locatingDataRows(in: data, lines: lines) {
                    try document.predict(block, threads: common.threadCount, firstRow: rows)
                }
                // The block's rows formatted in `threads` fixed row ranges in parallel, each into one
                // byte array, appended in order (the same bytes for any thread count).
                let count = block.rowCount
                let parts = count >= 4096 ? Swift.max(1, common.threadCount) : 1
                let bounds = (0...parts).map { count * $0 / parts }
                let chunks = try ParallelRows.map(count: parts, threads: parts) { k -> [UInt8] in
                    var out: [UInt8] = []
                    out.reserveCapacity((bounds[k + 1] - bounds[k]) * 24)
                    for i in bounds[k]..<bounds[k + 1] {
                        if let ids {
                            out.append(contentsOf: CSVFormat.cell(ids, i).utf8)
                            out.append(44)  // ,
                        }
                        switch prediction {
                        case let .values(values):
                            out.append(contentsOf: CSVFormat.number(values[i]).utf8)
                        case let .classes(labels, probabilities):
                            out.append(contentsOf: CSVFormat.label(labels[i]).utf8)
                            for c in 0..<probabilities.columns {
                                out.append(44)
                                out.append(contentsOf: CSVFormat.number(probabilities[i, c]).utf8)
                            }
                        }
                        out.append(10)  // \n
                    }
                    return out
                }
                for chunk in chunks { try output.append(chunk) }
                rows += block.rowCount
                progress.update(done: rows)
            }
            try output.commit()
            progress.done()
            printStatus("predicted \(rows) rows with \(document.model.typeName) (\(document.contentHash.prefix(19))...) -> \(out)", out: out)
        }
    }

    /// The model's input columns are read as the kinds it was trained on; the id column as text.
    static func columnTypes(_ schema: [ModelDocument.InputColumn], id: String?) -> [String: CSVColumnType] {
        var types: [String: CSVColumnType] = [:]
        for column in schema {
            switch (column.kind, column.categoryKind) {
            case (.numeric, _): types[column.name] = .numeric
            case (.categorical, .integer?): types[column.name] = .categoricalInteger
            case (.categorical, _): types[column.name] = .categorical
            }
        }
        if let id, types[id] == nil { types[id] = .categorical }
        return types
    }
}

import Features
import Foundation
import LinearAlgebra
import Models
import Tabular

/// Fits a training spec on a table: the features pipeline, then the model on its output, then the
/// training metrics and the data profile, all into one `ModelDocument`.
public enum Trainer {
    /// - Throws: `LifecycleError.invalidTarget` (missing column, wrong kind, missing value naming the
    ///   row), `TableError` for columns the spec names but the table lacks, the pipeline's
    ///   `FeatureError`s and the model's `ModelError`s.
    /// - Complexity: the pipeline's fit and one fused transform, the model's fit, one predict.
    public static func train(_ spec: TrainingSpec, on table: Table, threads: Int = 1) throws -> ModelDocument {
        guard table.rowCount > 0 else { throw LifecycleError.emptyTable(what: "train") }
        let targetColumn = try table.column(named: spec.target)
        var weights: [Double]?
        if let name = spec.sampleWeight {
            weights = try table.numeric(name)
        }
        let inputs = try table.selecting(table.names.filter { $0 != spec.target && $0 != spec.sampleWeight })
        let features = try spec.features.fit(inputs, target: encoderTarget(targetColumn), threads: threads)
        let x = try features.transform(inputs, threads: threads)

        let (model, target): (FittedModel, ModelDocument.Target) = try ErrorRestatement.namingFeatures(features.outputNames) {
            switch spec.model {
            case let .linearRegression(configuration):
                let y = try regressionTarget(targetColumn)
                return (.linearRegression(try configuration.fit(x: x, y: y, sampleWeight: weights, threads: threads)),
                        .init(name: spec.target, classes: nil))
            case let .ridge(configuration):
                let y = try regressionTarget(targetColumn)
                return (.ridge(try configuration.fit(x: x, y: y, sampleWeight: weights, threads: threads)),
                        .init(name: spec.target, classes: nil))
            case let .logisticRegression(configuration):
                let y = try classTarget(targetColumn)
                let fitted = try configuration.fit(x, y, sampleWeight: weights, threads: threads)
                return (.logisticRegression(fitted), .init(name: spec.target, classes: fitted.classes))
            }
        }
        let metrics = try Metrics.training(model: model, x: x, target: targetColumn, threads: threads)
        let used = try inputs.selecting(features.inputColumns)
        let schema = used.columns.map { column -> ModelDocument.InputColumn in
            if case let .categorical(values) = column.values {
                return .init(name: column.name, kind: .categorical, categoryKind: values.kind)
            }
            return .init(name: column.name, kind: .numeric, categoryKind: nil)
        }
        return try ModelDocument(
            spec: spec, inputSchema: schema, target: target, features: features, model: model,
            training: .init(rows: table.rowCount, metrics: metrics), profile: try DataProfile(used))
    }

    /// The target as numbers for a TargetEncoder in the features pipeline: a numeric column as it is,
    /// a categorical one as the index of each label in sorted order (classes 0, 1, ...). Nil when a
    /// value is missing or not finite (the model's own target checks then report it by row).
    public static func encoderTarget(_ column: Column) -> [Double]? {
        switch column.values {
        case let .numeric(values):
            return values.allSatisfy(\.isFinite) ? values : nil
        case let .categorical(values):
            guard !values.codes.contains(CategoricalValues.missing) else { return nil }
            let sorted = values.sortedLevels
            var rank: [ExactString: Double] = [:]
            for (k, level) in sorted.enumerated() { rank[ExactString(level)] = Double(k) }
            let byCode = values.levels.map { rank[ExactString($0)] ?? 0 }
            return values.codes.map { byCode[Int($0)] }
        }
    }

    static func regressionTarget(_ column: Column) throws -> [Double] {
        guard case let .numeric(values) = column.values else {
            throw LifecycleError.invalidTarget(column: column.name, row: nil, reason: "a regression target must be numeric, this column is categorical")
        }
        if let row = values.firstIndex(where: { !$0.isFinite }) {
            throw LifecycleError.invalidTarget(column: column.name, row: row, reason: "value \(values[row]) is not a finite number")
        }
        return values
    }

    /// Class labels: strings for a categorical column; integers for a numeric column, whose values
    /// must all be integers (as `np.unique` of an integer array).
    /// - Throws: `LifecycleError.invalidTarget` naming the first missing, non-finite or non-integer
    ///   value (a continuous target, as scikit-learn's "Unknown label type: continuous").
    static func classTarget(_ column: Column) throws -> [ClassLabel] {
        switch column.values {
        case let .categorical(values):
            if let row = values.codes.firstIndex(of: CategoricalValues.missing) {
                throw LifecycleError.invalidTarget(column: column.name, row: row, reason: "the class label is missing")
            }
            let labels = values.levels.map { level -> ClassLabel in
                if values.kind == .integer, let i = Int(level) { return .integer(i) }
                return .string(level)
            }
            return values.codes.map { labels[Int($0)] }
        case let .numeric(values):
            if let row = values.firstIndex(where: { !$0.isFinite }) {
                throw LifecycleError.invalidTarget(column: column.name, row: row, reason: "value \(values[row]) is not a finite class label")
            }
            // A value that is not an integer makes the target continuous (scikit-learn's
            // `type_of_target`), which a classifier refuses ("Unknown label type: continuous"):
            // fitting one class per distinct real would silently turn a regression target into
            // dozens of classes.
            if let row = values.firstIndex(where: { !($0 == $0.rounded() && abs($0) < 9.0e15) }) {
                throw LifecycleError.invalidTarget(
                    column: column.name, row: row,
                    reason: "value \(values[row]) is not an integer class label: the target is continuous (a regression target?); use a regression model, or a categorical or integer column")
            }
            return values.map { .integer(Int($0)) }
        }
    }
}

/// Training-set metrics, recorded in the model file (and compared by later evaluations).
public enum Metrics {
    /// Regression: `r2`, `rmse`, `mae` (computed on rescaled values when the plain sums overflow,
    /// and left out when even the rescaled value overflows). Classification: `accuracy`, `log_loss` (probabilities
    /// clipped to [1e-15, 1 - 1e-15] as scikit-learn's `log_loss` does).
    static func training(model: FittedModel, x: Matrix<Double>, target: Column, threads: Int) throws -> [String: Double] {
        switch try model.predict(x, threads: threads) {
        case let .values(predictions):
            let y = try Trainer.regressionTarget(target)
            return regression(y: y, predictions: predictions)
        case let .classes(labels, probabilities):
            let y = try Trainer.classTarget(target)
            guard let classes = model.classes else { return [:] }
            return classification(y: y, labels: labels, probabilities: probabilities, classes: classes)
        }
    }

    public static func regression(y: [Double], predictions: [Double]) -> [String: Double] {
        let n = Double(y.count)
        guard y.count > 0, predictions.count == y.count else { return [:] }
        let mean = y.reduce(0) { $0 + $1 / n }
        var residual = 0.0, total = 0.0, absolute = 0.0
        for (value, prediction) in zip(y, predictions) {
            residual += (value - prediction) * (value - prediction)
            total += (value - mean) * (value - mean)
            absolute += abs(value - prediction)
        }
        var out = ["rmse": (residual / n).squareRoot(), "mae": absolute / n]
        if total > 0 { out["r2"] = 1 - residual / total }
        if out.values.contains(where: { !$0.isFinite }) || !(residual.isFinite && total.isFinite) {
            // Values near the largest doubles: the sums overflowed. Recompute on values divided by
            // their largest magnitude (the ratio r2 is scale-free), and leave out what still overflows.
            let scale = zip(y, predictions).reduce(0.0) { Swift.max($0, abs($1.0), abs($1.1)) }
            let scaledMean = y.reduce(0) { $0 + ($1 / scale) / n }
            residual = 0; total = 0; absolute = 0
            for (value, prediction) in zip(y, predictions) {
                let r = value / scale - prediction / scale, d = value / scale - scaledMean
                residual += r * r
                total += d * d
                absolute += abs(r) / n
            }
            out = ["rmse": (residual / n).squareRoot() * scale, "mae": absolute * scale]
            if total > 0 { out["r2"] = 1 - residual / total }
            out = out.filter { $0.value.isFinite }
        }
        return out
    }

    public static func classification(y: [ClassLabel], labels: [ClassLabel], probabilities: Matrix<Double>, classes: [ClassLabel]) -> [String: Double] {
        guard y.count > 0, labels.count == y.count, probabilities.rows == y.count else { return [:] }
        var index: [ClassLabel: Int] = [:]
        for (k, label) in classes.enumerated() { index[label] = k }
        var correct = 0, loss = 0.0
        let width = probabilities.columns, p = probabilities.elements
        for i in y.indices {
            if y[i] == labels[i] { correct += 1 }
            if let k = index[y[i]] {
                let probability = Swift.min(Swift.max(p[i * width + k], 1e-15), 1 - 1e-15)
                loss -= log(probability)
            }
        }
        return ["accuracy": Double(correct) / Double(y.count), "log_loss": loss / Double(y.count)]
    }
}

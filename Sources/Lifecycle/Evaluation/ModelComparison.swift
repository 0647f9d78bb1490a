import Foundation
import LinearAlgebra
import Models
import Tabular

/// A challenger compared with the champion on the same rows: the check before a swap, in shadow
/// mode (both score production traffic, only the champion's answer is used) or on an A/B sample.
///
/// Both models run their own features pipeline on the same table. The comparison reports how far
/// their predictions differ and, when the rows carry the target column, each model's metrics
/// (the same metrics as a model file's training report: `r2`, `rmse`, `mae` for regressors,
/// `accuracy`, `log_loss` for classifiers), and whether the challenger is better on the primary
/// metric (`r2` for regressors, `log_loss` for classifiers). No scikit-learn equivalent (its
/// nearest is scoring two estimators on one held-out set by hand).
public struct ModelComparison: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case regression, classification }

    /// One row where the predictions differ: the values compared (regression: the predictions;
    /// classification: both models' probabilities of `classLabel`, the class where they differ most).
    public struct Difference: Sendable, Hashable, Codable {
        public let row: Int
        public let champion: Double
        public let challenger: Double
        public let classLabel: ClassLabel?
    }

    public let kind: Kind
    public let rows: Int
    /// Regression: `rms_difference`, `max_abs_difference` and `mean_difference` (challenger minus
    /// champion; computed scale-safe, and left out when the value itself exceeds `Double.max`). Classification: `label_agreement` (the fraction of rows predicted the same class),
    /// `max_probability_difference` and `mean_abs_probability_difference` (over rows and classes).
    public let agreement: [String: Double]
    /// The target column's name (the champion's), and each model's metrics on these rows when the
    /// table holds it; nil otherwise.
    public let target: String
    public let championMetrics: [String: Double]?
    public let challengerMetrics: [String: Double]?
    /// Up to `ModelComparison.reportedDifferences` rows with the largest differences, largest first
    /// (ties by row number); empty when the predictions are identical.
    public let largestDifferences: [Difference]

    public static let reportedDifferences = 5

    /// The metric that decides "better": `r2` (higher is better) for regressors, `log_loss` (lower is
    /// better) for classifiers.
    public var primaryMetric: String { kind == .regression ? "r2" : "log_loss" }

    /// Whether the challenger beats the champion on the primary metric (a tie is not better); nil
    /// without the target column (or when the metric is undefined, e.g. `r2` of a constant target).
    public var challengerIsBetter: Bool? {
        guard let a = championMetrics?[primaryMetric], let b = challengerMetrics?[primaryMetric] else { return nil }
        return kind == .regression ? b > a : b < a
    }

    /// Runs both models on `table` (its rows, in order) and compares them.
    /// - Throws: `LifecycleError.emptyTable`; `.incomparableModels` when one is a regressor and the
    ///   other a classifier, their classes differ, or they predict different target columns;
    ///   `.schemaMismatch` naming the columns a model needs and the table lacks; `.invalidTarget`
    ///   naming the row of a missing or non-finite target value; the pipelines' and models' errors.
    /// - Complexity: both models' predict (features pipeline and model) over the table.
    public init(champion: ModelDocument, challenger: ModelDocument, table: Table, threads: Int = 1) throws {
        guard table.rowCount > 0 else { throw LifecycleError.emptyTable(what: "compare") }
        guard champion.target.name == challenger.target.name else {
            throw LifecycleError.incomparableModels(reason: "the champion predicts '\(champion.target.name)', the challenger '\(challenger.target.name)'")
        }
        guard (champion.target.classes == nil) == (challenger.target.classes == nil) else {
            let kinds = [champion, challenger].map { $0.target.classes == nil ? "a regressor" : "a classifier" }
            throw LifecycleError.incomparableModels(reason: "the champion is \(kinds[0]), the challenger \(kinds[1])")
        }
        if let a = champion.target.classes, let b = challenger.target.classes, a != b {
            throw LifecycleError.incomparableModels(reason: "the champion's classes \(a.map(\.description)) differ from the challenger's \(b.map(\.description))")
        }
        target = champion.target.name
        rows = table.rowCount
        let first = try champion.predict(table, threads: threads)
        let second = try challenger.predict(table, threads: threads)
        let targetColumn = table[target]
        switch (first, second) {
        case let (.values(a), .values(b)):
            kind = .regression
            (agreement, largestDifferences) = Self.compareValues(a, b)
            if let column = targetColumn {
                let y = try Trainer.regressionTarget(column)
                championMetrics = Metrics.regression(y: y, predictions: a)
                challengerMetrics = Metrics.regression(y: y, predictions: b)
            } else {
                (championMetrics, challengerMetrics) = (nil, nil)
            }
        case let (.classes(labelsA, pA), .classes(labelsB, pB)):
            kind = .classification
            let classes = champion.target.classes ?? []
            (agreement, largestDifferences) = Self.compareClasses(labelsA, pA, labelsB, pB, classes: classes)
            if let column = targetColumn {
                let y = try Trainer.classTarget(column)
                championMetrics = Metrics.classification(y: y, labels: labelsA, probabilities: pA, classes: classes)
                challengerMetrics = Metrics.classification(y: y, labels: labelsB, probabilities: pB, classes: classes)
            } else {
                (championMetrics, challengerMetrics) = (nil, nil)
            }
        default:
            // invariant: the target checks above make both predictions the same kind.
            throw LifecycleError.incomparableModels(reason: "the models predict different kinds of output")
        }
    }

    /// The largest entries of `scores` (with their rows), largest first, ties by row.
    static func top(_ scores: [Double]) -> [Int] {
        var best: [Int] = []
        for (i, s) in scores.enumerated() where s > 0 {
            if best.count == reportedDifferences, let last = best.last, scores[last] >= s { continue }
            let at = best.firstIndex { scores[$0] < s } ?? best.count
            best.insert(i, at: at)
            if best.count > reportedDifferences { best.removeLast() }
        }
        return best
    }

    static func compareValues(_ a: [Double], _ b: [Double]) -> ([String: Double], [Difference]) {
        let n = Double(a.count)
        var squares = 0.0, largest = 0.0, sum = 0.0
        var gaps = [Double](repeating: 0, count: a.count)
        for i in a.indices {
            let d = b[i] - a[i]
            gaps[i] = abs(d)
            squares += d * d / n
            sum += d / n
            largest = Swift.max(largest, abs(d))
        }
        var statistics = ["rms_difference": squares.squareRoot(), "max_abs_difference": largest, "mean_difference": sum]
        if !(squares.isFinite && largest.isFinite && sum.isFinite) {
            // Differences beyond 1e154 overflow their squares (beyond Double.max, themselves):
            // recompute from half differences (which never overflow) divided by the largest, and
            // leave out what still overflows, as the metrics do.
            var half = 0.0
            for i in a.indices { half = Swift.max(half, abs(b[i] / 2 - a[i] / 2)) }
            var scaled = 0.0, halfMean = 0.0
            for i in a.indices {
                let h = b[i] / 2 - a[i] / 2
                scaled += (h / half) * (h / half) / n
                halfMean += h / n
            }
            statistics = ["rms_difference": 2 * (scaled.squareRoot() * half), "max_abs_difference": 2 * half, "mean_difference": 2 * halfMean]
                .filter { $0.value.isFinite }
        }
        let rows = top(gaps).map { Difference(row: $0, champion: a[$0], challenger: b[$0], classLabel: nil) }
        return (statistics, rows)
    }

    static func compareClasses(_ labelsA: [ClassLabel], _ pA: Matrix<Double>, _ labelsB: [ClassLabel], _ pB: Matrix<Double>,
                               classes: [ClassLabel]) -> ([String: Double], [Difference]) {
        let width = pA.columns, n = labelsA.count
        var same = 0, largest = 0.0, sum = 0.0
        var gaps = [Double](repeating: 0, count: n), worstClass = [Int](repeating: 0, count: n)
        let a = pA.elements, b = pB.elements
        for i in 0..<n {
            if labelsA[i] == labelsB[i] { same += 1 }
            for k in 0..<width {
                let d = abs(b[i * width + k] - a[i * width + k])
                sum += d
                if d > gaps[i] { gaps[i] = d; worstClass[i] = k }
            }
            largest = Swift.max(largest, gaps[i])
        }
        let rows = top(gaps).map { i in
            Difference(row: i, champion: a[i * width + worstClass[i]], challenger: b[i * width + worstClass[i]],
                       classLabel: worstClass[i] < classes.count ? classes[worstClass[i]] : nil)
        }
        return (["label_agreement": Double(same) / Double(n), "max_probability_difference": largest,
                 "mean_abs_probability_difference": sum / Double(n * Swift.max(width, 1))], rows)
    }
}

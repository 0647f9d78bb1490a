import Foundation
import LinearAlgebra
import Tabular

/// A feature pipeline as data: column groups (each a selection of table columns and the steps that
/// transform them, side by side as scikit-learn's `ColumnTransformer`), then steps over the joined
/// result (as a scikit-learn `Pipeline` after it).
///
/// JSON spec (the form the CLI reads and the tests reuse):
/// ```json
/// {
///   "columns": [
///     {"name": "num", "select": {"kind": "numeric"}, "steps": [{"type": "StandardScaler"}]},
///     {"name": "raw", "select": ["petal_width"], "steps": []}
///   ],
///   "remainder": "drop",
///   "steps": [{"type": "MaxAbsScaler"}]
/// }
/// ```
/// Output columns are named `<group>__<name>` as scikit-learn's `ColumnTransformer` does
/// (`verbose_feature_names_out=True`), and remainder columns `remainder__<name>`.
///
/// scikit-learn equivalent: `make_pipeline(ColumnTransformer([...], remainder=...), *steps)`.
public struct Pipeline: Sendable, Hashable, Codable {
    /// One `ColumnTransformer` entry: a name, the columns, and the steps applied to them in order
    /// (no steps = passthrough).
    public struct ColumnGroup: Sendable, Hashable, Codable {
        public let name: String
        public let select: ColumnSelector
        public let steps: [TransformSpec]

        public init(name: String, select: ColumnSelector, steps: [TransformSpec]) {
            self.name = name
            self.select = select
            self.steps = steps
        }
    }

    /// What happens to numeric columns no group selects (scikit-learn's `remainder`).
    public enum Remainder: String, Sendable, Hashable, Codable {
        case drop
        case passthrough
    }

    public let columns: [ColumnGroup]
    public let remainder: Remainder
    public let steps: [TransformSpec]

    /// - Throws: `FeatureError.invalidSpec` for an empty or repeated group name (names make the
    ///   output column names).
    public init(columns: [ColumnGroup], remainder: Remainder = .drop, steps: [TransformSpec] = []) throws {
        self.columns = columns
        self.remainder = remainder
        self.steps = steps
        try validate()
    }

    enum Keys: String, CodingKey { case columns, remainder, steps }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where Keys(rawValue: key.stringValue) == nil {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [key],
                debugDescription: "unknown key '\(key.stringValue)' in a pipeline (known: columns, remainder, steps)"))
        }
        let keyed = try decoder.container(keyedBy: Keys.self)
        columns = try keyed.decode([ColumnGroup].self, forKey: .columns)
        remainder = try keyed.decodeIfPresent(Remainder.self, forKey: .remainder) ?? .drop
        steps = try keyed.decodeIfPresent([TransformSpec].self, forKey: .steps) ?? []
        do {
            try validate()
        } catch let error as FeatureError {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Reads a spec from JSON (snake_case or camelCase keys).
    /// - Throws: `FeatureError.invalidSpec` with the JSON path and the problem.
    public static func spec(json: Data) throws -> Pipeline {
        do {
            return try SpecCoding.decoder().decode(Pipeline.self, from: json)
        } catch {
            throw FeatureError.invalidSpec(path: "", reason: SpecCoding.describe(error))
        }
    }

    private func validate() throws {
        for (k, step) in steps.enumerated() where step.readsTable {
            throw FeatureError.invalidSpec(path: "steps[\(k)]", reason: "\(step.typeName) reads table columns: use it inside a column group")
        }
        guard !columns.isEmpty else { throw FeatureError.invalidSpec(path: "columns", reason: "a pipeline needs at least one column group") }
        var seen = Set<String>()
        for (index, group) in columns.enumerated() {
            guard !group.name.isEmpty, !group.name.contains("__") else {
                throw FeatureError.invalidSpec(path: "columns[\(index)].name", reason: "group names must be non-empty and must not contain '__'")
            }
            guard group.name != "remainder", seen.insert(group.name).inserted else {
                throw FeatureError.invalidSpec(path: "columns[\(index)].name", reason: "'\(group.name)' is used twice or reserved")
            }
            for (k, step) in group.steps.enumerated() where k > 0 && step.readsTable {
                throw FeatureError.invalidSpec(path: "columns[\(index)].steps[\(k)]",
                                               reason: "\(step.typeName) reads table columns: it must be the first step of its group")
            }
        }
    }

    /// Fits every step on `table`: each group's steps in order on its columns, then the pipeline's
    /// steps on the joined matrix. Fitting a step needs the previous steps' output over all rows.
    /// In a numeric group, a step whose fit is a mergeable reduction (StandardScaler, MinMaxScaler,
    /// MaxAbsScaler, SimpleImputer mean or constant) or needs no data (PolynomialFeatures) is fitted
    /// by streaming 4,096-row blocks of the table through the steps fitted before it into its
    /// `MomentsSummary` (`fitStreamed`): no intermediate matrix, and the same block boundaries and
    /// merge order as `MomentsSummary.fit`, so the fitted state is bit-identical to fitting on the
    /// materialised matrix. From the first step that needs all values (median, quantiles, ...), the
    /// group's intermediate matrix is materialised once, as are the groups' outputs when the
    /// pipeline has steps of its own (transform never materialises: see `FittedPipeline.transform`).
    /// - Throws: `TableError` for missing columns or a categorical column where a numeric one is
    ///   needed; the steps' `FeatureError`s (naming rows of the table and columns by name);
    ///   `FeatureError.emptyInput` for a table without rows.
    public func fit(_ table: Table, target: [Double]? = nil, threads: Int = 1) throws -> FittedPipeline {
        guard table.rowCount > 0 else { throw FeatureError.emptyInput(transform: "Pipeline") }
        var fittedGroups: [FittedPipeline.FittedGroup] = []
        var selected = Set<String>()
        var joinedParts: [Matrix<Double>] = []
        var joinedNames: [String] = []
        for group in columns {
            let names = try group.select.resolve(in: table, group: group.name)
            selected.formUnion(names)
            var x: Matrix<Double>
            var currentNames: [String]
            var steps: [FittedStep] = []
            var remaining = group.steps[...]
            if let first = group.steps.first, first.readsTable {
                let (fitted, output) = try first.fit(table, columns: names, target: target, threads: threads)
                steps.append(fitted)
                x = output
                currentNames = fitted.outputNames
                remaining = group.steps.dropFirst()
            } else {
                // Numeric group: steps whose fit is a mergeable reduction (or needs no data) are
                // fitted by streaming row blocks through the steps before them (`fitStreamed`);
                // the group's matrix is materialised only for the first step that needs it.
                currentNames = names
                for name in names { _ = try table.numeric(name) }  // numeric columns only, by name
                var pending: [FittedStep] = []  // fitted, not yet applied to a materialised x
                var materialised: Matrix<Double>?
                for step in remaining {
                    let fitted: FittedStep
                    if materialised == nil, let streamed = try Self.fitStreamed(
                        step, table: table, columns: names, prefix: steps, inputNames: currentNames, threads: threads) {
                        fitted = streamed
                    } else {
                        let m = try Self.apply(pending, to: materialised ?? table.numericMatrix(columns: names), threads: threads)
                        pending = []
                        materialised = m
                        fitted = try step.fit(m, columnNames: currentNames, threads: threads)
                    }
                    pending.append(fitted)
                    currentNames = fitted.outputNames
                    steps.append(fitted)
                }
                // A group's output is only needed to fit the pipeline's own steps: without them,
                // the last step is fitted but not applied (for PolynomialFeatures that skips the
                // largest matrix).
                if self.steps.isEmpty {
                    x = try materialised ?? Matrix(rows: 0, columns: 0)
                } else {
                    x = try Self.apply(pending, to: materialised ?? table.numericMatrix(columns: names), threads: threads)
                }
            }
            if let first = group.steps.first, first.readsTable {
                // A group's output is only needed to fit the pipeline's own steps: without them, the last
                // step is fitted but not applied (for PolynomialFeatures that skips the largest matrix).
                for (k, step) in remaining.enumerated() {
                    let fitted = try step.fit(x, columnNames: currentNames, threads: threads)
                    if k < remaining.count - 1 || !self.steps.isEmpty {
                        x = try fitted.transform.transform(x, columnNames: currentNames, threads: threads)
                    }
                    currentNames = fitted.outputNames
                    steps.append(fitted)
                }
            }
            fittedGroups.append(.init(name: group.name, inputColumns: names, steps: steps))
            joinedParts.append(x)
            joinedNames += currentNames.map { "\(group.name)__\($0)" }
        }
        var remainderColumns: [String] = []
        if remainder == .passthrough {
            remainderColumns = table.names(of: .numeric).filter { !selected.contains($0) }
            if !remainderColumns.isEmpty {
                joinedParts.append(try table.numericMatrix(columns: remainderColumns))
                joinedNames += remainderColumns.map { "remainder__\($0)" }
            }
        }
        var currentNames = joinedNames
        var steps: [FittedStep] = []
        if !self.steps.isEmpty {
            var x = try Self.join(joinedParts, rows: table.rowCount)
            for (k, step) in self.steps.enumerated() {
                let fitted = try step.fit(x, columnNames: currentNames, threads: threads)
                if k < self.steps.count - 1 {
                    x = try fitted.transform.transform(x, columnNames: currentNames, threads: threads)
                }
                currentNames = fitted.outputNames
                steps.append(fitted)
            }
        }
        let used = fittedGroups.flatMap(\.inputColumns) + remainderColumns
        var inputNames: [String] = []
        var seen = Set<String>()
        for name in used where seen.insert(name).inserted { inputNames.append(name) }
        return FittedPipeline(
            spec: self, inputColumns: inputNames, groups: fittedGroups, remainderColumns: remainderColumns,
            steps: steps, outputNames: currentNames)
    }

    /// `x` through fitted numeric steps, each over the whole matrix.
    private static func apply(_ steps: [FittedStep], to x: Matrix<Double>, threads: Int) throws -> Matrix<Double> {
        var x = x
        for step in steps { x = try step.transform.transform(x, columnNames: step.inputSchema.names, threads: threads) }
        return x
    }

    /// Side-by-side concatenation of matrices with `rows` rows.
    static func join(_ parts: [Matrix<Double>], rows: Int) throws -> Matrix<Double> {
        if parts.count == 1 { return parts[0] }
        let width = parts.reduce(0) { $0 + $1.columns }
        var elements = [Double]()
        elements.reserveCapacity(rows * width)
        let sources = parts.map { ($0.elements, $0.columns) }
        for i in 0..<rows {
            for (source, columns) in sources {
                elements.append(contentsOf: source[(i * columns)..<((i + 1) * columns)])
            }
        }
        return try Matrix(rows: rows, columns: width, elements: elements)
    }
}

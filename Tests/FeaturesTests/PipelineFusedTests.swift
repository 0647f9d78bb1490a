import Foundation
import LinearAlgebra
import Tabular
import Testing
@testable import Features

/// The fast paths of a pipeline (`FusedExecution.swift`) against the step-by-step path they
/// replace: the fused transform and the streamed fit must give the same bits, and the same errors.
@Suite struct PipelineFusedTests {
    /// `rows` rows of five numeric columns on mixed scales with NaN holes (column e entirely NaN
    /// when `emptyColumn`), and a categorical column.
    static func table(rows: Int, seed: UInt64 = 5, emptyColumn: Bool = false) throws -> Table {
        var generator = SeededGenerator(seed: seed)
        func column(_ scale: Double, holes: Int) -> [Double] {
            (0..<rows).map { i in
                let v = Double.random(in: -1...1, using: &generator) * scale
                return holes > 0 && (i * 7919) % holes == 3 ? .nan : v
            }
        }
        return try Table([
            .numeric("a", column(1e3, holes: 13)), .numeric("b", column(1e-3, holes: 0)),
            .numeric("c", column(1, holes: 5)), .numeric("d", column(5, holes: 0)),
            .numeric("e", emptyColumn ? Array(repeating: .nan, count: rows) : column(2, holes: 3)),
            try .categorical("k", (0..<rows).map { $0 % 3 == 0 ? "x" : "y" }),
        ])
    }

    /// Specs the fused program covers: every fused operation, indicators, dropped columns,
    /// polynomial with and without bias / interactions / a minimum degree, passthrough groups,
    /// remainder columns and pipeline-level steps.
    static let specs: [String] = [
        #"{"columns": [{"name": "x", "select": {"kind": "numeric"}, "steps": [{"type": "SimpleImputer"}, {"type": "StandardScaler"}, {"type": "PolynomialFeatures", "degree": 2}]}]}"#,
        #"{"columns": [{"name": "g", "select": ["a", "b"], "steps": [{"type": "SimpleImputer", "add_indicator": true}, {"type": "StandardScaler"}, {"type": "MinMaxScaler", "feature_range": [-1, 2]}]}, {"name": "h", "select": ["c"], "steps": []}], "remainder": "passthrough", "steps": [{"type": "MaxAbsScaler"}]}"#,
        #"{"columns": [{"name": "p", "select": ["a", "b", "c", "d"], "steps": [{"type": "SimpleImputer", "strategy": "constant", "fill_value": 0.5}, {"type": "PolynomialFeatures", "degree": 3, "interaction_only": true, "include_bias": false}]}, {"name": "q", "select": ["e"], "steps": [{"type": "SimpleImputer", "strategy": "median"}, {"type": "RobustScaler"}]}]}"#,
        #"{"columns": [{"name": "p", "select": {"kind": "numeric"}, "steps": [{"type": "SimpleImputer"}, {"type": "MaxAbsScaler"}, {"type": "PolynomialFeatures", "degree": [2, 3]}]}], "steps": [{"type": "StandardScaler", "with_mean": false}]}"#,
        #"{"columns": [{"name": "x", "select": {"kind": "numeric"}, "steps": [{"type": "SimpleImputer", "keep_empty_features": true}, {"type": "StandardScaler"}]}, {"name": "y", "select": ["a"], "steps": [{"type": "SimpleImputer", "strategy": "most_frequent"}]}], "steps": [{"type": "PolynomialFeatures", "degree": 2}]}"#,
    ]

    /// The step-by-step transform: each group's matrix through its steps over all rows, joined,
    /// then the pipeline's steps (what scikit-learn does, and what the fused path must equal).
    static func stepByStep(_ fitted: FittedPipeline, _ table: Table) throws -> Matrix<Double> {
        var parts: [Matrix<Double>] = []
        for group in fitted.groups {
            var x = try table.numericMatrix(columns: group.inputColumns)
            for step in group.steps { x = try step.transform.transform(x) }
            parts.append(x)
        }
        if !fitted.remainderColumns.isEmpty { parts.append(try table.numericMatrix(columns: fitted.remainderColumns)) }
        var x = try Pipeline.join(parts, rows: table.rowCount)
        for step in fitted.steps { x = try step.transform.transform(x) }
        return x
    }

    /// The step-by-step fit: each step fitted on the materialised output of the steps before it.
    static func fitStepByStep(_ pipeline: Pipeline, _ table: Table) throws -> [[FittedStep]] {
        var result: [[FittedStep]] = []
        var parts: [Matrix<Double>] = []
        var joinedNames: [String] = []
        for group in pipeline.columns {
            let names = try group.select.resolve(in: table, group: group.name)
            var x = try table.numericMatrix(columns: names)
            var current = names
            var steps: [FittedStep] = []
            for step in group.steps {
                let fitted = try step.fit(x, columnNames: current, threads: 1)
                x = try fitted.transform.transform(x)
                current = fitted.outputNames
                steps.append(fitted)
            }
            result.append(steps)
            parts.append(x)
            joinedNames += current.map { "\(group.name)__\($0)" }
        }
        if pipeline.remainder == .passthrough {
            let selected = Set(try pipeline.columns.flatMap { try $0.select.resolve(in: table, group: $0.name) })
            let rest = table.names(of: .numeric).filter { !selected.contains($0) }
            if !rest.isEmpty {
                parts.append(try table.numericMatrix(columns: rest))
                joinedNames += rest.map { "remainder__\($0)" }
            }
        }
        var x = try Pipeline.join(parts, rows: table.rowCount)
        var steps: [FittedStep] = []
        for step in pipeline.steps {
            let fitted = try step.fit(x, columnNames: joinedNames, threads: 1)
            x = try fitted.transform.transform(x)
            joinedNames = fitted.outputNames
            steps.append(fitted)
        }
        return result + [steps]
    }

    static func encoded(_ steps: [FittedStep]) throws -> String {
        String(decoding: try SpecCoding.encoder().encode(steps), as: UTF8.self)
    }

    /// 9,000 rows: three 4,096-row fit blocks (the last partial), several 1,024-row transform
    /// blocks and many tiles; 1 and 3 rows: a single partial tile.
    @Test(arguments: Array(0..<specs.count), [9_000, 1, 3])
    func fusedTransformEqualsStepByStepBitForBit(index: Int, rows: Int) throws {
        let table = try Self.table(rows: rows, emptyColumn: index == 4)
        let pipeline = try Pipeline.spec(json: Data(Self.specs[index].utf8))
        let fitted = try pipeline.fit(table)
        // Every spec here is fused (a fitted median or most-frequent imputer fills like the mean
        // one; RobustScaler is affine); MinMaxScaler with clip, Normalizer and the others are not.
        #expect(fitted.fusedProgram() != nil, "spec \(index)")
        let reference = try Self.stepByStep(fitted, table)
        for threads in [1, 2, 3] {
            let out = try fitted.transform(table, threads: threads)
            #expect(out.shape == reference.shape)
            #expect(out.elements.map(\.bitPattern) == reference.elements.map(\.bitPattern), "spec \(index), \(threads) threads")
        }
    }

    /// Steps without a fused kernel keep the block-by-block path, with the same values as step by step.
    @Test(arguments: [
        #"{"columns": [{"name": "x", "select": ["a", "b"], "steps": [{"type": "SimpleImputer"}, {"type": "MinMaxScaler", "clip": true}]}]}"#,
        #"{"columns": [{"name": "x", "select": ["a", "b"], "steps": [{"type": "SimpleImputer"}, {"type": "Normalizer"}]}]}"#,
        #"{"columns": [{"name": "x", "select": ["a", "b"], "steps": [{"type": "SimpleImputer"}]}, {"name": "k", "select": ["k"], "steps": [{"type": "OneHotEncoder"}]}]}"#,
    ])
    func unfusedStepsKeepTheBlockPath(spec: String) throws {
        let table = try Self.table(rows: 2_500)
        let fitted = try Pipeline.spec(json: Data(spec.utf8)).fit(table)
        #expect(fitted.fusedProgram() == nil)
        if fitted.groups.count == 1 {
            #expect(try fitted.transform(table, threads: 2).elements.map(\.bitPattern) == Self.stepByStep(fitted, table).elements.map(\.bitPattern))
        }
    }

    /// The streamed fit (moments of each block through the fitted prefix) gives exactly the fitted
    /// state of fitting every step on the materialised output of the steps before it, for any
    /// thread count.
    @Test(arguments: Array(0..<specs.count))
    func streamedFitEqualsMaterialisedFitBitForBit(index: Int) throws {
        let table = try Self.table(rows: 9_000, emptyColumn: index == 4)
        let pipeline = try Pipeline.spec(json: Data(Self.specs[index].utf8))
        let expected = try Self.fitStepByStep(pipeline, table).map(Self.encoded)
        for threads in [1, 2] {
            let fitted = try pipeline.fit(table, threads: threads)
            let got = try (fitted.groups.map(\.steps) + [fitted.steps]).map(Self.encoded)
            #expect(got == expected, "spec \(index), \(threads) threads")
        }
    }

    /// An infinity or an overflow found by the fused program is reported exactly as the
    /// step-by-step path reports it: the first bad 1,024-row block, the first failing step in it,
    /// the table's row and the column by name.
    @Test func errorsMatchTheStepByStepPath() throws {
        let clean = try Self.table(rows: 5_000)
        let fitted = try Pipeline.spec(json: Data(Self.specs[0].utf8)).fit(clean)
        func with(_ changes: [(String, Int, Double)]) throws -> Table {
            var table = clean
            for (name, row, value) in changes {
                var column = try table.numeric(name)
                column[row] = value
                table = try table.with(.numeric(name, column))
            }
            return table
        }
        // +inf deep in the third block: the imputer (first step) refuses it.
        for threads in [1, 2] {
            #expect(throws: FeatureError.infiniteValue(transform: "SimpleImputer", row: 2_100, column: "c", value: .infinity)) {
                try fitted.transform(try with([("c", 2_100, .infinity)]), threads: threads)
            }
        }
        // A finite value whose square overflows: the polynomial names the output column; the
        // value is the largest factor (the scaled value).
        guard case let .standardScaler(scaler) = fitted.groups[0].steps[1] else { Issue.record("not a scaler"); return }
        let scaled = (1e200 - scaler.affine.offset[0]) * scaler.affine.factor[0] + scaler.affine.shift[0]
        #expect(throws: FeatureError.overflow(transform: "PolynomialFeatures", row: 4_321, column: "a^2", value: scaled)) {
            try fitted.transform(try with([("a", 4_321, 1e200)]), threads: 2)
        }
        // Two problems in one block: the earlier step wins (the overflow's row is earlier, but
        // the imputer runs first over the block), as in the block-by-block path.
        let both = try with([("a", 1_030, 1e200), ("d", 2_000, -.infinity)])
        #expect(throws: FeatureError.infiniteValue(transform: "SimpleImputer", row: 2_000, column: "d", value: -.infinity)) {
            try fitted.transform(both)
        }
        // Two bad blocks: the first block's error.
        let twoBlocks = try with([("a", 10, 1e200), ("d", 4_000, -.infinity)])
        #expect(throws: FeatureError.overflow(transform: "PolynomialFeatures", row: 10, column: "a^2", value: scaled)) {
            try fitted.transform(twoBlocks, threads: 2)
        }
    }

    /// Fit errors of the streamed path name the table's row (beyond the first 4,096-row block) and
    /// the column; a categorical column in a group whose only step reads no data is still refused.
    @Test func streamedFitErrorsNameTableRowsAndColumns() throws {
        var c = try Self.table(rows: 9_000).numeric("c")
        c[8_500] = -.infinity
        let bad = try Self.table(rows: 9_000).with(.numeric("c", c))
        for threads in [1, 2] {
            #expect(throws: FeatureError.infiniteValue(transform: "SimpleImputer", row: 8_500, column: "c", value: -.infinity)) {
                try Pipeline.spec(json: Data(Self.specs[0].utf8)).fit(bad, threads: threads)
            }
        }
        let scalerFirst = #"{"columns": [{"name": "x", "select": ["a", "c"], "steps": [{"type": "StandardScaler"}, {"type": "PolynomialFeatures"}]}]}"#
        #expect(throws: FeatureError.infiniteValue(transform: "StandardScaler", row: 8_500, column: "c", value: -.infinity)) {
            try Pipeline.spec(json: Data(scalerFirst.utf8)).fit(bad, threads: 2)
        }
        let polyOnCategories = #"{"columns": [{"name": "x", "select": ["a", "k"], "steps": [{"type": "PolynomialFeatures"}]}]}"#
        #expect(throws: TableError.wrongColumnKind(column: "k", expected: .numeric, got: .categorical)) {
            try Pipeline.spec(json: Data(polyOnCategories.utf8)).fit(bad)
        }
        // A column with no observed value: the scaler after a passthrough-free group says so.
        let empty = try Self.table(rows: 100, emptyColumn: true)
        let scaleEmpty = #"{"columns": [{"name": "x", "select": ["a", "e"], "steps": [{"type": "StandardScaler"}]}]}"#
        #expect(throws: FeatureError.noObservedValues(transform: "StandardScaler", column: "e")) {
            try Pipeline.spec(json: Data(scaleEmpty.utf8)).fit(empty)
        }
    }
}

import DataIO
import Foundation
import LinearAlgebra
import Tabular
import Testing
@testable import Features

/// data/reference/pipeline.json, written by data/reference/make_pipeline.py with the pinned scikit-learn.
struct PipelineReference: Decodable {
    struct Case: Decodable {
        let dataset: String
        let spec: JSONValue
        let output_names: [String]
        let transformed: [[String]]
    }
    let sklearn: String
    let cases: [Case]

    static let shared: PipelineReference? = {
        guard let data = try? Data(contentsOf: dataURL("reference/pipeline.json")) else { return nil }
        return try? JSONDecoder().decode(PipelineReference.self, from: data)
    }()
}

func dataURL(_ relative: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../data/\(relative)").standardizedFileURL
}

/// A numeric CSV of data/ (clean files: header, then numbers) as a Table. The real reader lives in
/// DataIO; this keeps the Features tests independent of it.
func loadNumericCSV(_ name: String) throws -> Table {
    let text = try String(contentsOf: dataURL("\(name).csv"), encoding: .utf8)
    let lines = text.split(whereSeparator: \.isNewline)
    let header = lines[0].split(separator: ",").map(String.init)
    var columns = Array(repeating: [Double](), count: header.count)
    for line in lines.dropFirst() {
        for (j, token) in line.split(separator: ",").enumerated() { columns[j].append(try #require(Double(token))) }
    }
    return try Table(zip(header, columns).map { Column.numeric($0, $1) })
}

@Suite struct PipelineGoldenTests {
    @Test func referencePresent() throws {
        let reference = try #require(PipelineReference.shared, "data/reference/pipeline.json missing: run make reference")
        #expect(reference.sklearn == "1.9.1")
        #expect(reference.cases.count == 6)
    }

    /// The spec JSON written by the script is read by `Pipeline.spec` as is; output names must equal
    /// scikit-learn's exactly; values within 1e-12 relative (each step is a few correctly rounded
    /// operations per element; moments and quantiles are computed differently, in the last bits),
    /// or 1e-6 with a PowerTransformer (its lambdas come from Brent's method to scipy's tolerance).
    /// Cases 0-2 are mixed numeric and categorical data with missing values (every transform kind,
    /// encoders included); 3-5 the bundled real datasets.
    @Test(arguments: 0..<6)
    func specMatchesScikitLearn(index: Int) throws {
        let reference = try #require(PipelineReference.shared)
        let golden = reference.cases[index]
        let specJSON = try JSONEncoder().encode(golden.spec)
        let pipeline = try Pipeline.spec(json: specJSON)
        let table = golden.dataset == "pipeline_mixed"
            ? try CSVReader().read(dataURL("reference/pipeline_mixed.csv").path)
            : try loadNumericCSV(golden.dataset)
        let tolerance = String(decoding: specJSON, as: UTF8.self).contains("PowerTransformer") ? 1e-6 : 1e-12
        let fitted = try pipeline.fit(table)
        #expect(fitted.outputNames == golden.output_names)
        let out = try fitted.transform(table)
        let expected = try parseHex(golden.transformed)
        #expect(out.shape == expected.shape)
        for i in 0..<out.rows {
            for j in 0..<out.columns {
                let a = out[i, j], b = expected[i, j]
                #expect(abs(a - b) <= tolerance * max(1, abs(b)) || (a.isNaN && b.isNaN), "row \(i), \(golden.output_names[j]): \(a) vs \(b)")
            }
        }
    }
}

@Suite struct PipelineBehaviourTests {
    static let spec = """
    {"columns": [{"name": "g", "select": ["a", "b"], "steps": [{"type": "StandardScaler"}, {"type": "MinMaxScaler", "feature_range": [-1, 2]}]},
                 {"name": "h", "select": ["c"], "steps": []}],
     "remainder": "passthrough", "steps": [{"type": "MaxAbsScaler"}]}
    """

    /// 2,500 rows: not a multiple of the 1,024-row block, with NaN holes and a categorical column.
    static func table(rows: Int = 2_500) throws -> Table {
        var generator = SeededGenerator(seed: 11)
        func column(_ scale: Double) -> [Double] {
            (0..<rows).map { _ in Double.random(in: -1...1, using: &generator) * scale }
        }
        var a = column(1e3)
        for row in [17, 1_500] where row < rows { a[row] = .nan }
        return try Table([
            .numeric("a", a), .numeric("b", column(1e-3)), .numeric("c", column(1)), .numeric("d", column(5)),
            try .categorical("k", (0..<rows).map { $0 % 3 == 0 ? "x" : "y" }),
        ])
    }

    @Test func fusedBlocksEqualStepByStepForAnyThreadCount() throws {
        let table = try Self.table()
        let fitted = try Pipeline.spec(json: Data(Self.spec.utf8)).fit(table)
        #expect(fitted.outputNames == ["g__a", "g__b", "h__c", "remainder__d"])
        #expect(fitted.inputColumns == ["a", "b", "c", "d"])
        // Step by step over the whole matrix, as scikit-learn would.
        var g = try table.numericMatrix(columns: ["a", "b"])
        for step in fitted.groups[0].steps { g = try step.transform.transform(g) }
        let joined = try Pipeline.join([g, try table.numericMatrix(columns: ["c"]), try table.numericMatrix(columns: ["d"])], rows: table.rowCount)
        let reference = try fitted.steps[0].transform.transform(joined)
        let one = try fitted.transform(table, threads: 1)
        let two = try fitted.transform(table, threads: 2)
        #expect(one.elements.map(\.bitPattern) == reference.elements.map(\.bitPattern))
        #expect(two.elements.map(\.bitPattern) == one.elements.map(\.bitPattern))
        #expect(one[17, 0].isNaN && one[1_500, 0].isNaN && !one[17, 1].isNaN)
    }

    @Test func fittedPipelineRoundTripsThroughJSON() throws {
        let table = try Self.table(rows: 300)
        let fitted = try Pipeline.spec(json: Data(Self.spec.utf8)).fit(table)
        let data = try SpecCoding.encoder().encode(fitted)
        let decoded = try SpecCoding.decoder().decode(FittedPipeline.self, from: data)
        #expect(try decoded.transform(table).elements.map(\.bitPattern) == fitted.transform(table).elements.map(\.bitPattern))
        #expect(decoded.outputNames == fitted.outputNames)
        // The spec re-encodes to a spec that reads back the same.
        let specData = try SpecCoding.encoder().encode(fitted.spec)
        #expect(try Pipeline.spec(json: specData) == fitted.spec)
    }

    @Test func corruptedFittedStateIsRefusedByName() throws {
        let table = try Self.table(rows: 50)
        let fitted = try Pipeline.spec(json: Data(Self.spec.utf8)).fit(table)
        let text = String(decoding: try SpecCoding.encoder().encode(fitted), as: UTF8.self)
        // A non-finite number cannot even be written in JSON; a wrong-length parameter can.
        let shortened = text.replacingOccurrences(of: "\"outputNames\" : [\n    \"g__a\",", with: "\"outputNames\" : [")
        #expect(shortened != text)
        #expect(throws: DecodingError.self) { try SpecCoding.decoder().decode(FittedPipeline.self, from: Data(shortened.utf8)) }
        let wrongType = text.replacingOccurrences(of: "\"type\" : \"MaxAbsScaler\"", with: "\"type\" : \"Eval\"")
        do {
            _ = try SpecCoding.decoder().decode(FittedPipeline.self, from: Data(wrongType.utf8))
            Issue.record("an unknown step type was accepted")
        } catch {
            #expect(SpecCoding.describe(error).contains("type 'Eval'"), "\(error)")
        }
    }

    @Test(arguments: [
        (#"{"columns": [{"name": "g", "select": ["a"], "steps": [{"type": "StandardScaler", "with_meen": false}]}]}"#,
         "unknown parameter 'with_meen' for StandardScaler (its parameters: with_mean, with_std)"),
        (#"{"columns": [{"name": "g", "select": ["a"], "steps": [{"type": "StandardScalar"}]}]}"#,
         "unknown transform type 'StandardScalar'"),
        (#"{"columns": [{"name": "g", "select": ["a"], "steps": [{"type": "StandardScaler", "with_mean": "yes"}]}]}"#,
         "columns[0].steps[0].with_mean: StandardScaler parameter 'with_mean' must be true or false"),
        (#"{"columns": [], "steps": []}"#, "at least one column group"),
        (#"{"columns": [{"name": "a__b", "select": ["a"], "steps": []}]}"#, "must not contain '__'"),
        (#"{"columns": [{"name": "g", "select": ["a"], "steps": []}], "stepz": []}"#, "unknown key 'stepz'"),
        (#"{"columns": [{"name": "g", "select": {"kind": "text"}, "steps": []}]}"#, "columns[0].select.kind"),
        (#"{"columns": [{"name": "g", "select": ["a"], "steps": [{"type": "MinMaxScaler", "feature_range": [1]}]}]}"#, "feature_range"),
        ("{", "invalid pipeline spec"),
    ])
    func badSpecsAreNamed(json: String, message: String) {
        do {
            _ = try Pipeline.spec(json: Data(json.utf8))
            Issue.record("accepted: \(json)")
        } catch {
            #expect(String(describing: error).contains(message), "\(error)")
        }
    }

    @Test func transformErrorsNameTableRowsAndColumns() throws {
        let table = try Self.table()
        let fitted = try Pipeline.spec(json: Data(Self.spec.utf8)).fit(table)
        // A missing column, by name.
        #expect(throws: TableError.unknownColumn("d", available: ["a", "b", "c"])) {
            try fitted.transform(try table.selecting(["a", "b", "c"]))
        }
        // +inf deep in the second block: the error names the table's row, not the block's.
        var a = try table.numeric("a")
        a[2_000] = .infinity
        let bad = try table.with(.numeric("a", a))
        #expect(throws: FeatureError.infiniteValue(transform: "StandardScaler", row: 2_000, column: "a", value: .infinity)) {
            try fitted.transform(bad, threads: 2)
        }
        // A categorical column where the pipeline needs numbers.
        let spec = #"{"columns": [{"name": "g", "select": ["k"], "steps": []}]}"#
        #expect(throws: TableError.wrongColumnKind(column: "k", expected: .numeric, got: .categorical)) {
            try Pipeline.spec(json: Data(spec.utf8)).fit(table)
        }
        #expect(throws: FeatureError.emptyInput(transform: "Pipeline")) {
            try Pipeline.spec(json: Data(Self.spec.utf8)).fit(try table.rows(0..<0))
        }
    }
}

@Suite struct PipelineRoundTripTests {
    /// Every golden spec (all transform kinds) re-encodes to a spec that reads back equal, and the
    /// fitted pipeline written as JSON and read back transforms bit for bit as the original.
    @Test(arguments: 0..<6)
    func specAndFittedStateRoundTrip(index: Int) throws {
        let golden = try #require(PipelineReference.shared).cases[index]
        let pipeline = try Pipeline.spec(json: try JSONEncoder().encode(golden.spec))
        let again = try Pipeline.spec(json: try SpecCoding.encoder().encode(pipeline))
        // Compared as JSON: a NaN parameter (OrdinalEncoder's encoded_missing_value) is never == itself.
        #expect(try SpecCoding.encoder().encode(again) == SpecCoding.encoder().encode(pipeline))
        let table = golden.dataset == "pipeline_mixed"
            ? try CSVReader().read(dataURL("reference/pipeline_mixed.csv").path)
            : try loadNumericCSV(golden.dataset)
        let fitted = try pipeline.fit(table)
        let decoded = try SpecCoding.decoder().decode(FittedPipeline.self, from: try SpecCoding.encoder().encode(fitted))
        let a = try fitted.transform(table), b = try decoded.transform(table, threads: 2)
        #expect(a.elements.map(\.bitPattern) == b.elements.map(\.bitPattern))
    }

    @Test func encodersMustComeFirstInTheirGroup() {
        let late = #"{"columns": [{"name": "g", "select": ["a"], "steps": [{"type": "StandardScaler"}, {"type": "OneHotEncoder"}]}]}"#
        let top = #"{"columns": [{"name": "g", "select": ["a"], "steps": []}], "steps": [{"type": "OrdinalEncoder"}]}"#
        for (json, message) in [(late, "columns[0].steps[1]"), (top, "use it inside a column group")] {
            do {
                _ = try Pipeline.spec(json: Data(json.utf8))
                Issue.record("accepted \(json)")
            } catch {
                #expect(String(describing: error).contains(message), "\(error)")
            }
        }
    }
}

import Foundation
import Testing

/// The built `featurekit` binary, run end to end on the bundled data (`swift build --build-tests`
/// builds it next to the test bundle).
enum CLI {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("featurekit").path
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL.path

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs the binary with `arguments`; `wrapper` (a command and its arguments, e.g. `setpriv ...`)
    /// runs it under another program when given.
    static func run(_ arguments: [String], wrapper: [String] = []) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrapper.first ?? binary)
        process.arguments = wrapper.isEmpty ? arguments : Array(wrapper.dropFirst()) + [binary] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var environment = ProcessInfo.processInfo.environment
        if environment["OPENBLAS_CORETYPE"] == nil { environment["OPENBLAS_CORETYPE"] = "Haswell" }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "featurekit-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

@Suite(.serialized) struct CLITests {
    @Test func binaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: CLI.binary), "build with swift build --build-tests")
    }

    @Test func trainPredictInspectOnIris() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let train = try CLI.run(["train", "--spec", "examples/iris-logistic.json", "--data", "data/iris.csv", "--out", "\(dir)/m.json"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("trained LogisticRegression on 150 rows"))
        let hash = try #require(train.stdout.split(separator: "\n").first { $0.contains("hash") }?.split(separator: " ").last)
        // Retraining (another thread count) reproduces the same model, bit for bit.
        let again = try CLI.run(["train", "--spec", "examples/iris-logistic.json", "--data", "data/iris.csv", "--out", "\(dir)/m2.json", "--threads", "1"])
        #expect(again.stdout.contains(String(hash)))
        let predict = try CLI.run(["predict", "--model", "\(dir)/m.json", "--data", "data/iris.csv", "--out", "\(dir)/p.csv", "--id", "target"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = try String(contentsOfFile: "\(dir)/p.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "target,prediction,probability_0,probability_1,probability_2")
        #expect(lines.count == 151)
        // Row order kept: the id column is the file's target column, in order; most predictions right.
        let rows = lines.dropFirst().map { $0.split(separator: ",") }
        let correct = rows.filter { Double($0[0]) == Double($0[1]) }.count
        #expect(correct >= 140)
        #expect(rows.allSatisfy { row in abs(row[2...].compactMap { Double($0) }.reduce(0, +) - 1) < 1e-12 })
        let inspect = try CLI.run(["inspect", "\(dir)/m.json", "--json"])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("\"content_hash\" : \"\(hash)\""))
    }

    @Test func compareChallengerWithChampion() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let weak = try String(contentsOfFile: "\(CLI.root)/examples/iris-logistic.json", encoding: .utf8)
            .replacingOccurrences(of: "\"C\": 1.0", with: "\"C\": 0.01")
        try weak.write(toFile: "\(dir)/weak.json", atomically: true, encoding: .utf8)
        for (spec, out) in [("examples/iris-logistic.json", "champion"), ("\(dir)/weak.json", "challenger")] {
            let train = try CLI.run(["train", "--spec", spec, "--data", "data/iris.csv", "--out", "\(dir)/\(out).json"])
            #expect(train.status == 0, "\(train.stderr)")
        }
        let arguments = ["compare", "--champion", "\(dir)/champion.json", "--challenger", "\(dir)/challenger.json", "--data", "data/iris.csv"]
        let text = try CLI.run(arguments)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("150 rows, classification") && text.stdout.contains("challenger is not better on log_loss"))
        #expect(try CLI.run(arguments + ["--fail-if-worse"]).status == 3)
        let swapped = ["compare", "--champion", "\(dir)/challenger.json", "--challenger", "\(dir)/champion.json", "--data", "data/iris.csv", "--fail-if-worse"]
        #expect(try CLI.run(swapped).status == 0)
        let json = try CLI.run(arguments + ["--json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let agreement = try #require(decoded?["agreement"] as? [String: Double])
        #expect((agreement["label_agreement"] ?? 0) > 0.5 && (agreement["label_agreement"] ?? 1) < 1)
        // Without the target column there are no metrics, and --fail-if-worse is refused.
        let csv = try String(contentsOfFile: "\(CLI.root)/data/iris.csv", encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",").dropLast().joined(separator: ",") }
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(dir)/blind.csv", atomically: true, encoding: .utf8)
        let blind = ["compare", "--champion", "\(dir)/champion.json", "--challenger", "\(dir)/challenger.json", "--data", "\(dir)/blind.csv"]
        #expect(try CLI.run(blind).stdout.contains("no 'target' column in the data"))
        let refused = try CLI.run(blind + ["--fail-if-worse"])
        #expect(refused.status != 0 && refused.status != 3 && refused.stderr.contains("needs the target column 'target'"), "\(refused.stderr)")
    }

    /// Production data without one of the model's input columns: drift reports that column as
    /// missing next to the others' drift (text and JSON) and exits 3, with or without --fail-on
    /// (it failed with "columnTypes names 'sepal_width_cm', which the header lacks", status 1).
    @Test func driftReportsAMissingColumnAndExitsThree() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = "\(dir)/m.json"
        #expect(try CLI.run(["train", "--spec", "examples/iris-logistic.json", "--data", "data/iris.csv", "--out", model]).status == 0)
        let full = try CLI.run(["drift", "--model", model, "--data", "data/iris.csv"])
        #expect(full.status == 0 && !full.stdout.contains("missing from the data"), "\(full.stderr)")
        let csv = try String(contentsOfFile: "\(CLI.root)/data/iris.csv", encoding: .utf8).split(separator: "\n")
            .map { line in line.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { $0.offset != 1 }.map(\.element).joined(separator: ",") }
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(dir)/narrow.csv", atomically: true, encoding: .utf8)
        let arguments = ["drift", "--model", model, "--data", "\(dir)/narrow.csv"]
        let text = try CLI.run(arguments)
        #expect(text.status == 3, "\(text.stderr)")
        let rows = text.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains { $0.first == "sepal_width_cm" && $0.dropFirst().first == "missing" }, "\(text.stdout)")
        for name in ["sepal_length_cm", "petal_length_cm", "petal_width_cm"] {
            #expect(rows.contains { $0.first == name && $0.dropFirst().first == "stable" }, "\(name): \(text.stdout)")
        }
        #expect(text.stdout.contains("missing from the data: 'sepal_width_cm'"))
        for level in ["moderate", "significant"] { #expect(try CLI.run(arguments + ["--fail-on", level]).status == 3) }
        let json = try CLI.run(arguments + ["--json"])
        #expect(json.status == 3)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let columns = try #require(decoded?["columns"] as? [[String: Any]])
        #expect(columns.map { $0["name"] as? String } == ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"])
        #expect(columns.map { $0["status"] as? String } == ["compared", "missing", "compared", "compared"])
        #expect(try CLI.run(["drift", "--help"]).stdout.contains("missing from the data"))
    }

    @Test func transformWithSpecAndWithModelAgree() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spec = try CLI.run(["transform", "--spec", "examples/diabetes-ridge.json", "--data", "data/diabetes.csv", "--out", "\(dir)/a.csv"])
        #expect(spec.status == 0, "\(spec.stderr)")
        _ = try CLI.run(["train", "--spec", "examples/diabetes-ridge.json", "--data", "data/diabetes.csv", "--out", "\(dir)/m.json"])
        let model = try CLI.run(["transform", "--model", "\(dir)/m.json", "--data", "data/diabetes.csv", "--out", "\(dir)/b.csv"])
        #expect(model.status == 0, "\(model.stderr)")
        let a = try String(contentsOfFile: "\(dir)/a.csv", encoding: .utf8)
        #expect(a == (try String(contentsOfFile: "\(dir)/b.csv", encoding: .utf8)))
        #expect(a.hasPrefix("body__age,body__bmi,body__bp,serum__s1"))
    }

    @Test func failuresExitNonZeroWithOneLineAndNoOutputFile() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let badSpec = "\(dir)/spec.json"
        try #"{"target": "target", "features": {"columns": [{"name": "a", "select": ["bmi"], "steps": [{"type": "StandardScaler", "with_mena": true}]}]}, "model": {"type": "Ridge"}}"#
            .write(toFile: badSpec, atomically: true, encoding: .utf8)
        let spec = try CLI.run(["train", "--spec", badSpec, "--data", "data/diabetes.csv", "--out", "\(dir)/m.json"])
        #expect(spec.status == 1)
        #expect(spec.stderr.hasPrefix("featurekit: error: invalid training spec: features.columns[0].steps[0].with_mena: unknown parameter"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/m.json"))
        let missing = try CLI.run(["predict", "--model", "\(dir)/none.json", "--data", "data/iris.csv", "--out", "\(dir)/p.csv"])
        #expect(missing.status == 1 && missing.stderr.contains("model file '\(dir)/none.json' does not exist"))
        // A prediction that fails halfway (a non-finite value deep in the file) leaves no file.
        _ = try CLI.run(["train", "--spec", "examples/iris-logistic.json", "--data", "data/iris.csv", "--out", "\(dir)/m.json"])
        var csv = try String(contentsOfFile: "\(CLI.root)/data/iris.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        csv[120] = "inf,3.0,5.0,1.8,2.0"
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(dir)/bad.csv", atomically: true, encoding: .utf8)
        let bad = try CLI.run(["predict", "--model", "\(dir)/m.json", "--data", "\(dir)/bad.csv", "--out", "\(dir)/p.csv"])
        #expect(bad.status == 1, "\(bad.stdout)")
        #expect(bad.stderr.contains("sepal_length_cm"), "\(bad.stderr)")
        // A value the reader takes (a missing value) but the model refuses: the message names the data
        // row (0-based, header not counted) and the file line a user opens (1-based, header line 1).
        csv[120] = "nan,3.0,5.0,1.8,2.0"
        try (csv.joined(separator: "\n") + "\n").write(toFile: "\(dir)/gap.csv", atomically: true, encoding: .utf8)
        let gap = try CLI.run(["predict", "--model", "\(dir)/m.json", "--data", "\(dir)/gap.csv", "--out", "\(dir)/p.csv"])
        #expect(gap.status == 1 && gap.stderr.contains("row 119") && gap.stderr.contains("gap.csv line 121"), "\(gap.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/p.csv"))
        let verbose = try CLI.run(["predict", "--model", "\(dir)/m.json", "--data", "\(dir)/bad.csv", "--out", "\(dir)/p.csv", "--verbose"])
        #expect(verbose.stderr.contains("details:"))
        let usage = try CLI.run(["transform", "--data", "data/iris.csv", "--out", "\(dir)/x.csv"])
        #expect(usage.status != 0 && usage.stderr.contains("exactly one of --spec and --model"))
    }

    @Test func helpHasExamples() throws {
        for command in ["train", "predict", "transform", "inspect", "drift", "compare", "describe", "bench"] {
            let help = try CLI.run([command, "--help"])
            #expect(help.status == 0 && help.stdout.contains("Examples:"), "\(command)")
        }
    }
}

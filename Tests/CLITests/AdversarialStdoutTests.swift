import Foundation
import Testing

/// `--out /dev/stdout`, the usual way to pipe a command's output: the data arrives on stdout, the
/// device or symlink is left alone, and the closing status line goes to stderr instead of being
/// appended to the CSV or JSON (which a reader of the pipe would take for a data row).
@Suite(.serialized) struct AdversarialStdoutTests {
    @Test func outputToStandardOutputIsDataOnly() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = directory + "/model.json"
        #expect(try CLI.run(["train", "--spec", "examples/iris-logistic.json", "--data", "data/iris.csv", "--out", model]).status == 0)

        let predict = try CLI.run(["predict", "--model", model, "--data", "data/iris.csv", "--out", "/dev/stdout"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let lines = predict.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        // Before: a 152nd line "predicted 150 rows with LogisticRegression (...) -> /dev/stdout".
        #expect(lines.count == 151, "\(lines.suffix(2))")
        #expect(!predict.stdout.contains("predicted"), "\(predict.stdout.suffix(200))")
        #expect(predict.stderr.contains("predicted 150 rows"), "\(predict.stderr)")

        let transform = try CLI.run(["transform", "--model", model, "--data", "data/iris.csv", "--out", "/dev/stdout"])
        #expect(transform.status == 0 && !transform.stdout.contains("wrote"), "\(transform.stdout.suffix(200))")

        let train = try CLI.run(["train", "--spec", "examples/iris-logistic.json", "--data", "data/iris.csv", "--out", "/dev/stdout"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect((try? JSONSerialization.jsonObject(with: Data(train.stdout.utf8))) != nil, "stdout is not the model JSON alone: \(train.stdout.suffix(300))")

        var info = stat()
        #expect(lstat("/dev/stdout", &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK, "/dev/stdout is no longer a symlink")
    }
}

import Foundation
import Testing

/// Paths that are not readable files, given where a command takes a model, a spec or data: the
/// message says what is true of the path (a directory, a device, empty, absent), and only a file the
/// user may not read is said to lack permission. (`inspect /dev/null` said "You don't have
/// permission", Foundation's text for any failure to read a non-regular file.)
@Suite(.serialized) struct InputPathTests {
    static let spec = "examples/iris-logistic.json"
    static let data = "data/iris.csv"

    /// A prepared directory: a good model (readable by anyone), an empty file, a subdirectory, a
    /// FIFO and a file nobody but root may read.
    struct Fixture {
        let dir: String
        var good: String { "\(dir)/good.json" }
        var empty: String { "\(dir)/empty.json" }
        var subdirectory: String { "\(dir)/sub" }
        var fifo: String { "\(dir)/fifo" }
        var unreadable: String { "\(dir)/unreadable.json" }

        init() throws {
            dir = try CLI.temporaryDirectory()
            let train = try CLI.run(["train", "--spec", InputPathTests.spec, "--data", InputPathTests.data, "--out", "\(dir)/good.json"])
            #expect(train.status == 0, "\(train.stderr)")
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: "\(dir)/good.json")
            FileManager.default.createFile(atPath: "\(dir)/empty.json", contents: Data())
            try FileManager.default.createDirectory(atPath: "\(dir)/sub", withIntermediateDirectories: false)
            #expect(mkfifo("\(dir)/fifo", 0o600) == 0)
            try FileManager.default.copyItem(atPath: "\(dir)/good.json", toPath: "\(dir)/unreadable.json")
            try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: "\(dir)/unreadable.json")
        }
    }

    /// The commands that read a model or spec file at `path` (with good other inputs).
    static func modelAndSpecReaders(_ path: String, _ f: Fixture) -> [[String]] {
        [["inspect", path],
         ["predict", "--model", path, "--data", data, "--out", "\(f.dir)/p.csv"],
         ["drift", "--model", path, "--data", data],
         ["compare", "--champion", path, "--challenger", f.good, "--data", data],
         ["compare", "--champion", f.good, "--challenger", path, "--data", data],
         ["transform", "--model", path, "--data", data, "--out", "\(f.dir)/t.csv"],
         ["train", "--spec", path, "--data", data, "--out", "\(f.dir)/m.json"],
         ["transform", "--spec", path, "--data", data, "--out", "\(f.dir)/t.csv"]]
    }

    /// The commands that read a data file at `path`.
    static func dataReaders(_ path: String, _ f: Fixture) -> [[String]] {
        [["predict", "--model", f.good, "--data", path, "--out", "\(f.dir)/p.csv"],
         ["drift", "--model", f.good, "--data", path],
         ["compare", "--champion", f.good, "--challenger", f.good, "--data", path],
         ["transform", "--model", f.good, "--data", path, "--out", "\(f.dir)/t.csv"],
         ["train", "--spec", spec, "--data", path, "--out", "\(f.dir)/m.json"],
         ["describe", "--data", path]]
    }

    /// Runs `arguments` while a writer opens `fifo`, writes `contents` (a file's path) into it and
    /// closes it; the writer is stopped afterwards if the command never opened the FIFO.
    func runFeedingFIFO(_ arguments: [String], fifo: String, contents: String) throws -> CLI.Result {
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "exec cat \"$1\" > \"$2\"", "sh", contents, fifo]
        try writer.run()
        let result = try CLI.run(arguments)
        if writer.isRunning { writer.terminate() }
        writer.waitUntilExit()
        return result
    }

    func expectFailure(_ result: CLI.Result, _ arguments: [String], saying expected: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "\(arguments): status \(result.status)\n\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("featurekit: error:"), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(expected), "\(arguments): expected '\(expected)' in \(result.stderr)", sourceLocation: sourceLocation)
        if !expected.contains("ermission") {
            #expect(!result.stderr.lowercased().contains("permission"), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func modelAndSpecPathsThatAreNotReadableFiles() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        for (path, expected) in [("/dev/null", "is a character device, not a regular file"),
                                 (f.subdirectory, "is a directory"),
                                 (f.empty, "is empty"),
                                 ("\(f.dir)/absent.json", "does not exist")] {
            for arguments in Self.modelAndSpecReaders(path, f) {
                expectFailure(try CLI.run(arguments), arguments, saying: expected)
            }
        }
        // A FIFO is read to its end, as a process substitution `<(...)` is: empty, or a model.
        for arguments in Self.modelAndSpecReaders(f.fifo, f) {
            expectFailure(try runFeedingFIFO(arguments, fifo: f.fifo, contents: "/dev/null"), arguments, saying: "is empty")
        }
        let piped = try runFeedingFIFO(["inspect", f.fifo], fifo: f.fifo, contents: f.good)
        #expect(piped.status == 0 && piped.stdout.hasPrefix("LogisticRegression model"), "\(piped.stderr)")
    }

    @Test func dataPathsThatAreNotReadableFiles() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        for (path, expected) in [("/dev/null", "empty"), (f.subdirectory, "directory"), (f.empty, "empty"),
                                 ("\(f.dir)/absent.csv", "absent.csv")] {
            for arguments in Self.dataReaders(path, f) {
                expectFailure(try CLI.run(arguments), arguments, saying: expected)
            }
        }
        for arguments in Self.dataReaders(f.fifo, f) {
            expectFailure(try runFeedingFIFO(arguments, fifo: f.fifo, contents: "/dev/null"), arguments, saying: "empty")
        }
    }

    /// A file without read permission, read by a user who lacks it: root reads any file, so under
    /// root the binary runs as `nobody` through setpriv (the case is skipped when neither works).
    @Test func aFileWithoutReadPermissionSaysSo() throws {
        let f = try Fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        var wrapper: [String] = []
        if geteuid() == 0 {
            let setpriv = "/usr/bin/setpriv"
            guard FileManager.default.isExecutableFile(atPath: setpriv) else { return }
            wrapper = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        }
        for arguments in Self.modelAndSpecReaders(f.unreadable, f) {
            // The other inputs are readable by anyone; only the output cannot be written by
            // nobody, and every command fails on its input before it writes.
            expectFailure(try CLI.run(arguments, wrapper: wrapper), arguments, saying: "permission denied")
        }
        for arguments in Self.dataReaders(f.unreadable, f) {
            expectFailure(try CLI.run(arguments, wrapper: wrapper), arguments, saying: "Permission denied")
        }
    }
}

import ArgumentParser
import DataIO
import Features
import Foundation
import Lifecycle

/// Options every data command takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "Threads for parsing, transforming and fitting (default: all cores). Results do not depend on it.")
    var threads: Int?

    @Flag(help: "On failure, explain the error at length (its type and every detail) after the one-line message.")
    var verbose = false

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }
}

/// Runs a command body: on failure, one line on stderr that names the problem (file, line, column,
/// parameter — whatever the error carries), the details with --verbose, and exit status 1.
func runReportingErrors(_ options: CommonOptions, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        let message: String
        if let error = error as? DecodingError {
            message = SpecCoding.describe(error)
        } else {
            message = String(describing: error)
        }
        FileHandle.standardError.write(Data("featurekit: error: \(message)\n".utf8))
        if options.verbose {
            FileHandle.standardError.write(Data("details: \(type(of: error)): \(String(reflecting: error))\n".utf8))
        } else {
            FileHandle.standardError.write(Data("(run with --verbose for details)\n".utf8))
        }
        throw ExitCode.failure
    }
}

/// Refuses an output path that is one of the command's input files (the same file by identity:
/// `./d.csv`, a symlink or a hard link count), which the atomic write would silently replace.
/// - Throws: `CLIError` naming both options.
func refuseOverwritingInputs(out: String, inputs: [(option: String, path: String?)]) throws {
    func identity(_ path: String) -> (UInt64, UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
    let target = identity(out)
    let standardized = URL(fileURLWithPath: out).standardizedFileURL.path
    for (option, path) in inputs {
        guard let path else { continue }
        let same: Bool
        if let target, let source = identity(path) {
            same = target == source
        } else {
            same = URL(fileURLWithPath: path).standardizedFileURL.path == standardized
        }
        if same { throw CLIError("--out '\(out)' is the \(option) file '\(path)': writing would replace it; choose another output path") }
    }
}

/// Reads and checks a model file; a refusal names the file (`path: reason`).
func loadModel(_ path: String) throws -> ModelDocument {
    let data = try readFile(path, what: "model file")
    do {
        return try ModelDocument.decode(data)
    } catch let error as LifecycleError {
        throw CLIError("\(path): \(error)")
    }
}

/// An error of the command line itself (a missing file, a bad combination of options).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Progress on stderr for work longer than a second, and only on a terminal (never in a pipe or a
/// log): a line rewritten in place with the rows done, the rate and, when the total size is known,
/// a bar; each finished stage is printed with its time.
final class Progress {
    private let start = Date()
    private var stageStart = Date()
    private var lastDraw = Date.distantPast
    private var current = ""
    private var drawn = false
    private let enabled = isatty(2) != 0

    func stage(_ name: String) {
        stageStart = Date()
        current = name
    }

    /// `done` of `total` units (rows, bytes) processed in the current stage.
    func update(done: Int, total: Int? = nil, unit: String = "rows") {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(start) > 1, now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        let rate = Double(done) / max(now.timeIntervalSince(stageStart), 1e-9)
        var line = "\r  \(current): \(done) \(unit) (\(String(format: "%.3g", rate))/s)"
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let filled = Int(fraction * 30)
            line += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] "
                + String(format: "%3.0f%%", 100 * fraction)
        }
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
        drawn = true
    }

    func done() {
        guard enabled else { return }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)); drawn = false }
        guard Date().timeIntervalSince(start) > 1 else { return }
        let seconds = Date().timeIntervalSince(stageStart)
        FileHandle.standardError.write(Data(String(format: "  %@ %.2f s\n", current, seconds).utf8))
    }
}

/// Prints a command's closing status line on stdout, or on stderr when `--out` is this process's
/// own stdout (`--out /dev/stdout`, `/dev/fd/1`): the line would otherwise be appended to the
/// CSV or JSON written there, corrupting the data a pipe reads.
func printStatus(_ line: String, out: String) {
    var target = stat(), standardOutput = stat()
    if stat(out, &target) == 0, fstat(1, &standardOutput) == 0,
       target.st_dev == standardOutput.st_dev, target.st_ino == standardOutput.st_ino {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    } else {
        print(line)
    }
}

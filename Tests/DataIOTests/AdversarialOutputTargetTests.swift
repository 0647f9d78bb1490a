import Foundation
import Testing
@testable import DataIO
#if canImport(Glibc)
import Glibc
#endif

/// Output paths that are not regular files. An atomic write renames a temporary file over its
/// target; over a pipe, a device or `/dev/stdout` (a symlink to `/proc/self/fd/1`) that replaced
/// the node itself with a regular file (as root, `featurekit predict --out /dev/stdout` printed
/// nothing and left a regular file at /dev/stdout). Such targets are written directly instead;
/// a directory is refused.
@Suite(.serialized) struct AdversarialOutputTargetTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "featurekit-output-target-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func isFIFO(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
    }

    /// Writes `text` to `target` while a thread reads `fifo`; returns what the reader got.
    static func writeThroughFIFO(_ fifo: String, target: String, _ text: String) throws -> String {
        nonisolated(unsafe) var received = Data()
        // Signalled after `received` is written: the semaphore orders that write before our read
        // (polling `Thread.isFinished` did not; ThreadSanitizer reported the pair as a data race).
        let finished = DispatchSemaphore(value: 0)
        let reader = Thread {
            if let handle = FileHandle(forReadingAtPath: fifo) { received = handle.readDataToEndOfFile() }
            finished.signal()
        }
        reader.start()
        try AtomicOutput.write(Array(text.utf8), to: target)
        // A reader that never sees a writer (the pipe was replaced) would wait for ever: give up
        // after 10 s, unblocking it by opening the pipe for writing (if it still exists).
        if finished.wait(timeout: .now() + .seconds(10)) == .timedOut {
            let unblock = open(fifo, O_WRONLY | O_NONBLOCK)
            if unblock >= 0 { close(unblock) }
            return "<no data: the reader never saw a writer>"
        }
        return String(decoding: received, as: UTF8.self)
    }

    @Test func aPipeIsWrittenNotReplaced() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/out.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(try Self.writeThroughFIFO(fifo, target: fifo, "a,b\n1,2\n") == "a,b\n1,2\n")
        #expect(Self.isFIFO(fifo), "the pipe was replaced by a regular file")
    }

    @Test func aSymlinkToAPipeIsWrittenThrough() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/out.fifo", link = directory + "/stdout"
        #expect(mkfifo(fifo, 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fifo)
        #expect(try Self.writeThroughFIFO(fifo, target: link, "x\n") == "x\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == fifo, "the symlink was replaced")
    }

    /// A symlink to a regular file (e.g. `latest.model.json -> v3.model.json`): the file it points
    /// to gets the new contents, atomically, and the link stays a link (it used to become a plain file).
    @Test func aSymlinkToARegularFileIsFollowed() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/versions", withIntermediateDirectories: true)
        let file = directory + "/versions/v3.json", link = directory + "/latest.json"
        try AtomicOutput.write(Array("old".utf8), to: file)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "versions/v3.json")
        try AtomicOutput.write(Array("new".utf8), to: link)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == "versions/v3.json", "the symlink was replaced")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/versions") == ["v3.json"])
    }

    @Test func aDirectoryIsRefusedAndRegularFilesStayAtomic() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: FileWriteError.self) { try AtomicOutput.write(Array("x".utf8), to: directory) }
        let file = directory + "/out.csv"
        try AtomicOutput.write(Array("old".utf8), to: file)
        try AtomicOutput.write(Array("new".utf8), to: file)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["out.csv"])
    }
}

/// The mode of a written file. mkstemp creates its temporary file 0600 whatever the umask, and the
/// rename kept that: a model trained by one user could not be read by another (the one that serves
/// it). A new file gets 0666 less the umask, as `open(O_CREAT, 0666)` or a shell's `>` gives; a file
/// written over keeps its own mode.
@Suite struct OutputFileModeTests {
    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o7777
    }

    @Test func aNewFileGetsTheUmasksMode() throws {
        let directory = try AdversarialOutputTargetTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/model.json"
        try AtomicOutput.write(Array("{}".utf8), to: file)
        let mask = AtomicFile.currentUmask()
        #expect(Self.mode(file) == 0o666 & ~mask, "mode \(String(Self.mode(file), radix: 8)), umask \(String(mask, radix: 8))")
        // The umask read from /proc agrees with the one umask(2) reports.
        let reported = umask(mask)
        umask(reported)
        #expect(reported == mask)
    }

    @Test func aFileWrittenOverKeepsItsMode() throws {
        let directory = try AdversarialOutputTargetTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/model.json"
        try AtomicOutput.write(Array("old".utf8), to: file)
        for mode: mode_t in [0o640, 0o604, 0o600] {
            #expect(chmod(file, mode) == 0)
            try AtomicOutput.write(Array("new".utf8), to: file)
            #expect(Self.mode(file) == mode, "mode \(String(Self.mode(file), radix: 8)), expected \(String(mode, radix: 8))")
        }
    }
}

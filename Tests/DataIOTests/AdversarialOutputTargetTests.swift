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

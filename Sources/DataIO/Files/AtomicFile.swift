#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the operating system while writing; each format turns it into its own typed error.
struct IOFailure: Error {
    let operation: String
    let reason: String
}

/// Writes a file atomically: into a temporary file in the same directory (so the rename stays on one
/// file system), flushed with fsync, then renamed over the target. A failure removes the temporary
/// file and leaves any existing target untouched, so no reader ever sees a half-written file.
///
/// A target that exists and is not a regular file — a terminal, a pipe, a device, `/dev/stdout`
/// (a symlink to `/proc/self/fd/1`), `/dev/null` — is written directly instead: renaming over it
/// would replace the device node or the symlink with a regular file (as root, `--out /dev/stdout`
/// printed nothing and left a file at /dev/stdout), and atomicity means nothing for a stream.
/// A directory is refused.
///
/// A symlink to a regular file is followed: the file it points to is replaced (atomically, through a
/// temporary file in that file's directory) and the link is kept, as `cp` or a shell's `>` would
/// write through it; renaming over the link would turn it into a plain file.
final class AtomicFile {
    let path: String
    /// Where the temporary file is renamed to: `path`, or the regular file a symlink `path` points to.
    private let target: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var pending: [UInt8] = []
    private var committed = false
    /// Writing straight to an existing non-regular target (no temporary file, no rename).
    private let direct: Bool

    init(path: String) throws(IOFailure) {
        self.path = path
        var info = stat()
        if !path.isEmpty, stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            guard (info.st_mode & S_IFMT) != S_IFDIR else { throw IOFailure(operation: "write the file", reason: "the path names a directory") }
            descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw IOFailure(operation: "open it for writing", reason: String(cString: strerror(errno))) }
            temporaryPath = ""
            target = path
            direct = true
            return
        }
        direct = false
        var link = stat()
        var destination = path
        if !path.isEmpty, lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(path, nil) {
            destination = String(cString: resolved)  // a symlink to an existing regular file (checked above)
            free(resolved)
        }
        target = destination
        let slash = destination.lastIndex(of: "/")
        let directory = slash.map { String(destination[...$0]) } ?? ""
        let base = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        guard !base.isEmpty else { throw IOFailure(operation: "write the file", reason: "the path names a directory") }
        var template = Array((directory + "." + base + ".tmp-XXXXXX").utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // invariant: non-empty array
        guard descriptor >= 0 else {
            temporaryPath = ""
            throw IOFailure(operation: "create a temporary file next to it", reason: String(cString: strerror(errno)))
        }
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }  // invariant: non-empty array
        // mkstemp creates the file 0600 whatever the umask: the renamed file would be readable by its
        // owner only (a model trained by one user, unreadable by the one that serves it). Give it the
        // mode a plain `open(O_CREAT, 0666)` or a shell's `>` would: an existing target's own mode,
        // else 0666 less the umask.
        var existing = stat()
        let mode = stat(destination, &existing) == 0 ? existing.st_mode & 0o7777 : 0o666 & ~Self.currentUmask()
        guard fchmod(descriptor, mode) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(temporaryPath)
            throw IOFailure(operation: "set the temporary file's permissions", reason: reason)
        }
        pending.reserveCapacity(1 << 20)
    }

    /// The process's file-creation mask, read without changing it: Linux reports it in
    /// /proc/self/status ("Umask:\t0022"); reading it with `umask(2)` means setting it, which races
    /// with files other threads create meanwhile. Elsewhere, or if that line is missing, the
    /// set-and-restore fallback.
    static func currentUmask() -> mode_t {
        if let file = fopen("/proc/self/status", "r") {
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 256)
            while fgets(&line, Int32(line.count), file) != nil {
                let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if text.hasPrefix("Umask:"), let mask = mode_t(String(text.dropFirst(6).filter { !$0.isWhitespace }), radix: 8) { return mask }
            }
        }
        let mask = umask(0o022)
        umask(mask)
        return mask
    }

    deinit {
        if direct {
            if descriptor >= 0 { close(descriptor) }
        } else if !committed {
            if descriptor >= 0 { close(descriptor) }
            if !temporaryPath.isEmpty { unlink(temporaryPath) }
        }
    }

    /// Buffers `bytes`, writing whenever 1 MiB is pending.
    func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(IOFailure) {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 20 { try flush() }
    }

    /// Writes `bytes` directly (large payloads such as a matrix's storage).
    func appendRaw(_ bytes: UnsafeRawBufferPointer) throws(IOFailure) {
        try flush()
        try writeAll(bytes)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(IOFailure) {
        var done = 0
        while done < bytes.count {
            let wrote = write(descriptor, bytes.baseAddress! + done, bytes.count - done)  // invariant: count > done >= 0
            if wrote < 0 {
                if errno == EINTR { continue }
                throw IOFailure(operation: "write the file", reason: String(cString: strerror(errno)))
            }
            done += wrote
        }
    }

    func flush() throws(IOFailure) {
        guard !pending.isEmpty else { return }
        let chunk = pending
        pending.removeAll(keepingCapacity: true)
        var failure: IOFailure?
        chunk.withUnsafeBytes { bytes in
            do throws(IOFailure) { try writeAll(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Flushes, syncs and renames the temporary file over `path`.
    func commit() throws(IOFailure) {
        try flush()
        if direct {
            // fsync is meaningless (EINVAL) on a pipe or terminal; a device reports a failed write
            // at write (ENOSPC for /dev/full) or at close.
            let status = close(descriptor)
            descriptor = -1
            if status != 0 { throw IOFailure(operation: "close it", reason: String(cString: strerror(errno))) }
            committed = true
            return
        }
        if fsync(descriptor) != 0 { throw IOFailure(operation: "sync the file", reason: String(cString: strerror(errno))) }
        close(descriptor)
        descriptor = -1
        if rename(temporaryPath, target) != 0 {
            throw IOFailure(operation: "rename the temporary file over it", reason: String(cString: strerror(errno)))
        }
        committed = true
    }
}

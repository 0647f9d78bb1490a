import Foundation

/// Why a JSON file the user named (a spec or a model file) cannot be read, saying what is true of
/// the path: Foundation's `Data(contentsOf:)` reported "You don't have permission" for `/dev/null`,
/// a FIFO or a process substitution, which sent users chasing file modes that were fine.
/// Only `.permissionDenied` speaks of permission, and only when the system said so (EACCES, EPERM).
enum InputFileError: Error, Hashable, CustomStringConvertible {
    case doesNotExist(what: String, path: String)
    case isDirectory(what: String, path: String)
    /// A device or a socket (`kind` says which): reading it could block or never end (`/dev/zero`),
    /// and it holds no file a user meant.
    case notRegularFile(what: String, path: String, kind: String)
    /// No bytes at all (an empty file, `/dev/null` through a pipe, a FIFO whose writer wrote nothing).
    case empty(what: String, path: String)
    case permissionDenied(what: String, path: String)
    /// Any other failure of the system, with its own words (strerror).
    case unreadable(what: String, path: String, reason: String)

    var description: String {
        switch self {
        case let .doesNotExist(what, path): return "\(what) '\(path)' does not exist"
        case let .isDirectory(what, path): return "\(what) '\(path)' is a directory, not a file"
        case let .notRegularFile(what, path, kind): return "\(what) '\(path)' is \(kind), not a regular file"
        case let .empty(what, path): return "\(what) '\(path)' is empty (0 bytes)"
        case let .permissionDenied(what, path): return "cannot read \(what) '\(path)': permission denied"
        case let .unreadable(what, path, reason): return "cannot read \(what) '\(path)': \(reason)"
        }
    }

    /// The error for a failed `stat`, `open` or `read` of `path`, from its errno.
    init(errno code: Int32, what: String, path: String) {
        switch code {
        case ENOENT: self = .doesNotExist(what: what, path: path)
        case EACCES, EPERM: self = .permissionDenied(what: what, path: path)
        case EISDIR: self = .isDirectory(what: what, path: path)
        default: self = .unreadable(what: what, path: path, reason: String(cString: strerror(code)))
        }
    }
}

/// Reads a JSON file the user named (spec or model), as bytes: a regular file, or a FIFO read to
/// its end (a process substitution `<(...)`, `/dev/stdin` in a pipe), as the CSV reader reads data.
/// The path is classified with `stat` before it is opened, so a device is refused without opening
/// it (opening can have effects, reading `/dev/zero` never ends).
/// - Throws: `InputFileError` saying what the path is, or why the system refused it.
/// - Complexity: one pass over the file; memory: its bytes.
func readFile(_ path: String, what: String) throws -> Data {
    var info = stat()
    guard stat(path, &info) == 0 else { throw InputFileError(errno: errno, what: what, path: path) }
    try refuseUnreadableKind(info.st_mode, what: what, path: path)
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw InputFileError(errno: errno, what: what, path: path) }
    defer { close(descriptor) }
    // The path may have been replaced between stat and open: check what was opened.
    guard fstat(descriptor, &info) == 0 else { throw InputFileError(errno: errno, what: what, path: path) }
    try refuseUnreadableKind(info.st_mode, what: what, path: path)
    var data = Data()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count == 0 { break }
        if count < 0 {
            if errno == EINTR { continue }
            throw InputFileError(errno: errno, what: what, path: path)
        }
        data.append(contentsOf: chunk[0..<count])
    }
    guard !data.isEmpty else { throw InputFileError.empty(what: what, path: path) }
    return data
}

/// Throws unless `mode` is a regular file or a FIFO (the kinds `readFile` reads).
private func refuseUnreadableKind(_ mode: mode_t, what: String, path: String) throws {
    switch mode & S_IFMT {
    case S_IFREG, S_IFIFO: return
    case S_IFDIR: throw InputFileError.isDirectory(what: what, path: path)
    case S_IFCHR: throw InputFileError.notRegularFile(what: what, path: path, kind: "a character device")
    case S_IFBLK: throw InputFileError.notRegularFile(what: what, path: path, kind: "a block device")
    case S_IFSOCK: throw InputFileError.notRegularFile(what: what, path: path, kind: "a socket")
    default: throw InputFileError.notRegularFile(what: what, path: path, kind: "neither a file nor a FIFO")
    }
}

/// A failure writing an output file, naming the file and what the system said.
public struct FileWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let reason: String
    public var description: String { "\(path): cannot \(operation): \(reason)" }
}

/// An output file written atomically, for any format: bytes go to a temporary file beside `path`,
/// and only `commit()` renames it over `path`. Dropped without `commit()` (an error, a cancelled
/// run), the temporary file is removed and an existing `path` is left untouched: a failed run never
/// leaves a half-written model or prediction file behind.
public final class AtomicOutput {
    private let file: AtomicFile
    public let path: String

    /// - Throws: `FileWriteError` when the temporary file cannot be created (missing folder, rights).
    public init(path: String) throws {
        self.path = path
        do { file = try AtomicFile(path: path) } catch { throw FileWriteError(path: path, operation: error.operation, reason: error.reason) }
    }

    /// Appends bytes (buffered).
    public func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws {
        do { try file.append(bytes) } catch { throw FileWriteError(path: path, operation: error.operation, reason: error.reason) }
    }

    /// Flushes, syncs and renames the file into place.
    public func commit() throws {
        do { try file.commit() } catch { throw FileWriteError(path: path, operation: error.operation, reason: error.reason) }
    }

    /// Writes `bytes` to `path` atomically.
    public static func write<Bytes: Sequence<UInt8>>(_ bytes: Bytes, to path: String) throws {
        let output = try AtomicOutput(path: path)
        try output.append(bytes)
        try output.commit()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file through one reusable buffer: `fill()` moves the unconsumed bytes to the front and
/// reads until the buffer is full or the file ends. Memory: the buffer only (it doubles when one
/// record does not fit).
///
/// DataIO is the one module besides LinearAlgebra with unsafe pointers: parsing bytes at memory
/// speed needs them. They stay inside this type and the parsers, formed over this buffer only.
final class ByteBlockReader {
    let path: String
    private var descriptor: Int32
    private(set) var buffer: UnsafeMutableRawBufferPointer
    /// Valid bytes are `buffer[start ..< start + count]`.
    private(set) var start = 0
    private(set) var count = 0
    private(set) var atEnd = false
    /// Bytes consumed before `start` since the file's beginning.
    private(set) var offset = 0

    init(path: String, capacity: Int) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            throw CSVError(file: path, line: nil, kind: .io(operation: "open the file", reason: Self.errnoText()))
        }
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(capacity, 64), alignment: 64)
        var info = stat()
        size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : nil
    }

    /// The file's size when it is a regular file (nil for pipes and when fstat fails).
    let size: Int?

    deinit {
        if descriptor >= 0 { close(descriptor) }
        buffer.deallocate()
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// The valid bytes (valid until the next `fill`, `grow` or `consume`).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[start..<(start + count)]) }

    /// Drops `n` bytes from the front.
    func consume(_ n: Int) {
        start += n
        count -= n
        offset += n
    }

    /// Doubles the buffer (when one record is longer than it).
    func grow() {
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 64)
        if count > 0 { bigger.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: count) }  // invariant: both allocated
        buffer.deallocate()
        buffer = bigger
        start = 0
    }

    /// Moves the valid bytes to the front and reads until the buffer is full or the file ends.
    func fill() throws {
        if start > 0 {
            if count > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, count) }  // invariant: allocated
            start = 0
        }
        while !atEnd, count < buffer.count {
            let got = read(descriptor, buffer.baseAddress! + count, buffer.count - count)  // invariant: allocated
            if got < 0 {
                if errno == EINTR { continue }
                throw CSVError(file: path, line: nil, kind: .io(operation: "read the file", reason: Self.errnoText()))
            }
            if got == 0 { atEnd = true } else { count += got }
        }
    }
}

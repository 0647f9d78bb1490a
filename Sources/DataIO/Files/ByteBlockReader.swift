import LinearAlgebra
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

    /// Threads that `fill` may copy with (the kernel's page-cache copy is CPU work: a 16 MiB block
    /// read by 2 threads takes half the time, and the parsing threads would wait for it otherwise).
    var threads = 1
    /// Bytes read from the file so far (the offset of the next `pread`).
    private var fileOffset = 0
    /// False once `pread` failed with ESPIPE (a pipe): then plain `read` only.
    private var seekable = true

    /// Moves the valid bytes to the front and reads until the buffer is full or the file ends.
    func fill() throws {
        if start > 0 {
            if count > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, count) }  // invariant: allocated
            start = 0
        }
        let space = buffer.count - count
        if !atEnd, threads > 1, seekable, size != nil, space >= 2 << 20 {
            try parallelFill(space: space)
        }
        while !atEnd, count < buffer.count {
            let got = seekable
                ? pread(descriptor, buffer.baseAddress! + count, buffer.count - count, off_t(fileOffset))  // invariant: allocated
                : read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            if got < 0 {
                if errno == EINTR { continue }
                if errno == ESPIPE, seekable { seekable = false; continue }
                throw CSVError(file: path, line: nil, kind: .io(operation: "read the file", reason: Self.errnoText()))
            }
            if got == 0 { atEnd = true } else { count += got; fileOffset += got }
        }
    }

    /// Fills `space` bytes with `threads` concurrent `pread`s of consecutive file ranges. Keeps the
    /// contiguous prefix that was read (a range cut short by the file's end, or by an error, ends
    /// it; the sequential loop in `fill` then reads on from there, or reports the error).
    private func parallelFill(space: Int) throws {
        let parts = Swift.min(threads, space >> 20)
        let target = SharedTarget(base: buffer.baseAddress! + count)  // invariant: allocated
        let descriptor = self.descriptor
        let offset = fileOffset
        let bounds = (0...parts).map { space * $0 / parts }
        let got = try ParallelRows.map(count: parts, threads: parts) { k -> Int in
            var done = 0
            let length = bounds[k + 1] - bounds[k]
            while done < length {
                let n = pread(descriptor, target.base + bounds[k] + done, length - done, off_t(offset + bounds[k] + done))
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
            return done
        }
        var total = 0
        for k in 0..<parts {
            total += got[k]
            if got[k] < bounds[k + 1] - bounds[k] { break }
        }
        count += total
        fileOffset += total
    }
}

/// A destination pointer handed to the `pread` threads (each writes its own range).
private struct SharedTarget: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
}

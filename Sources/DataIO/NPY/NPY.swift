#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// A .npy file that cannot be read or written as asked; names the file.
public enum NPYError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The operating system refused to open, read, write or rename the file.
    case io(file: String, operation: String, reason: String)
    /// The file does not start with the .npy magic string "\x93NUMPY".
    case notNPY(file: String)
    /// A format version other than 1.0, 2.0 or 3.0.
    case unsupportedVersion(file: String, major: Int, minor: Int)
    /// A header that is not the Python dict literal numpy writes (missing or extra keys, bad syntax).
    case malformedHeader(file: String, reason: String)
    /// A dtype FeatureKit does not read: anything but little-endian float32 ('<f4') or float64 ('<f8')
    /// — integers, complex, big-endian, object arrays, structured dtypes.
    case unsupportedDType(file: String, descr: String, reason: String)
    /// A float32 file read as Double or the reverse (convert explicitly, so no precision is lost unseen).
    case dtypeMismatch(file: String, expected: String, found: String)
    /// A shape other than 1-D (read as one column) or 2-D.
    case unsupportedShape(file: String, shape: [Int])
    /// Fewer data bytes than the header's shape needs.
    case truncated(file: String, expectedBytes: Int, foundBytes: Int)
    /// More bytes after the data than the shape accounts for.
    case trailingBytes(file: String, expectedBytes: Int, foundBytes: Int)

    public var description: String {
        switch self {
        case let .io(file, operation, reason): return "\(file): cannot \(operation): \(reason)"
        case let .notNPY(file): return "\(file): not a .npy file (no \\x93NUMPY magic string)"
        case let .unsupportedVersion(file, major, minor): return "\(file): .npy format version \(major).\(minor) is not supported (1.0, 2.0, 3.0 are)"
        case let .malformedHeader(file, reason): return "\(file): malformed .npy header: \(reason)"
        case let .unsupportedDType(file, descr, reason): return "\(file): dtype '\(descr)' is not supported (\(reason)); FeatureKit reads '<f4' and '<f8'"
        case let .dtypeMismatch(file, expected, found): return "\(file): holds '\(found)', expected '\(expected)'"
        case let .unsupportedShape(file, shape): return "\(file): shape \(shape) is not supported (1-D or 2-D arrays only)"
        case let .truncated(file, expected, found): return "\(file): truncated: the header's shape needs \(expected) data bytes, the file has \(found)"
        case let .trailingBytes(file, expected, found): return "\(file): \(found) data bytes where the header's shape needs \(expected)"
        }
    }
}

/// The parsed header of a .npy file.
public struct NPYHeader: Sendable, Hashable {
    public let major: Int
    public let minor: Int
    /// numpy's dtype string, e.g. "<f8".
    public let descr: String
    public let fortranOrder: Bool
    public let shape: [Int]
    /// Where the data starts (a multiple of 64 for files numpy writes).
    public let dataOffset: Int
}

/// numpy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
/// read and write `Matrix<Double>` ('<f8') and `Matrix<Float>` ('<f4'), C or Fortran order.
///
/// Reading returns a row-major matrix: a Fortran-order file is transposed on read; a 1-D array of n
/// values becomes an n x 1 matrix. Writing uses format 1.0 when the header fits (2.0 otherwise), or the
/// version asked for. Numbers are stored bit for bit, so write -> read is exact (NaN payloads included).
///
/// scikit-learn equivalent: `numpy.load(path)` / `numpy.save(path, x)`.
public enum NPY {
    /// The format versions FeatureKit writes.
    public enum Version: Int, Sendable, Hashable, CaseIterable {
        case v1 = 1, v2 = 2, v3 = 3
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// The header of the file at `path`.
    /// - Throws: `NPYError` (`.notNPY`, `.unsupportedVersion`, `.malformedHeader`, `.io`).
    public static func header(_ path: String) throws -> NPYHeader {
        let file = try InputFile(path: path)
        return try readHeader(file)
    }

    /// A float64 file as a row-major `Matrix<Double>`.
    /// - Throws: `NPYError` (`.dtypeMismatch` for a float32 file, `.unsupportedDType`, `.truncated`, ...).
    /// - Complexity: O(n) time; memory: the matrix (plus one copy for a Fortran-order file).
    public static func readDouble(_ path: String) throws -> Matrix<Double> {
        try read(path, descr: "<f8", as: Double.self)
    }

    /// A float32 file as a row-major `Matrix<Float>`.
    /// - Throws: as `readDouble`.
    public static func readFloat(_ path: String) throws -> Matrix<Float> {
        try read(path, descr: "<f4", as: Float.self)
    }

    /// Writes `matrix` as '<f8'.
    /// - Throws: `NPYError.io`.
    public static func write(_ matrix: Matrix<Double>, to path: String, fortranOrder: Bool = false, version: Version? = nil) throws {
        try writeMatrix(matrix, descr: "<f8", to: path, fortranOrder: fortranOrder, version: version)
    }

    /// Writes `matrix` as '<f4'.
    /// - Throws: `NPYError.io`.
    public static func write(_ matrix: Matrix<Float>, to path: String, fortranOrder: Bool = false, version: Version? = nil) throws {
        try writeMatrix(matrix, descr: "<f4", to: path, fortranOrder: fortranOrder, version: version)
    }

    // MARK: - Reading

    final class InputFile {
        let path: String
        let descriptor: Int32
        let size: Int
        var position = 0

        init(path: String) throws {
            self.path = path
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw NPYError.io(file: path, operation: "open the file", reason: String(cString: strerror(errno))) }
            var info = stat()
            guard fstat(descriptor, &info) == 0 else {
                close(descriptor)
                throw NPYError.io(file: path, operation: "stat the file", reason: String(cString: strerror(errno)))
            }
            size = Int(info.st_size)
        }

        deinit { close(descriptor) }

        /// Reads up to `count` bytes into `target`; returns how many were read (fewer only at the end).
        func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
            var done = 0
            while done < target.count {
                let got = Glibc.read(descriptor, target.baseAddress! + done, target.count - done)  // invariant: count > done
                if got < 0 {
                    if errno == EINTR { continue }
                    throw NPYError.io(file: path, operation: "read the file", reason: String(cString: strerror(errno)))
                }
                if got == 0 { break }
                done += got
            }
            position += done
            return done
        }

        func read(_ count: Int) throws -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            let got = try bytes.withUnsafeMutableBytes { try read(into: $0) }
            return Array(bytes[0..<got])
        }
    }

    static func readHeader(_ file: InputFile) throws -> NPYHeader {
        let path = file.path
        let prefix = try file.read(8)
        guard prefix.count == 8, Array(prefix[0..<6]) == magic else { throw NPYError.notNPY(file: path) }
        let major = Int(prefix[6])
        let minor = Int(prefix[7])
        guard (1...3).contains(major), minor == 0 else { throw NPYError.unsupportedVersion(file: path, major: major, minor: minor) }
        let lengthBytes = try file.read(major == 1 ? 2 : 4)
        guard lengthBytes.count == (major == 1 ? 2 : 4) else { throw NPYError.malformedHeader(file: path, reason: "the file ends inside the header length") }
        let length = lengthBytes.enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        guard length <= file.size else { throw NPYError.malformedHeader(file: path, reason: "header length \(length) exceeds the file size \(file.size)") }
        let text = try file.read(length)
        guard text.count == length else { throw NPYError.malformedHeader(file: path, reason: "the file ends inside the header") }
        guard let header = (major == 3 ? String(validating: text, as: UTF8.self) : (text.allSatisfy { $0 < 128 } ? String(decoding: text, as: UTF8.self) : nil)) else {
            throw NPYError.malformedHeader(file: path, reason: major == 3 ? "not UTF-8" : "not ASCII (version \(major).0 headers are latin-1 ASCII)")
        }
        let (descr, fortran, shape) = try HeaderLiteral.parse(header, path: path)
        return NPYHeader(major: major, minor: minor, descr: descr, fortranOrder: fortran, shape: shape, dataOffset: file.position)
    }

    static func read<Scalar: LinearAlgebraScalar>(_ path: String, descr expected: String, as: Scalar.Type) throws -> Matrix<Scalar> {
        let file = try InputFile(path: path)
        let header = try readHeader(file)
        try checkDType(header.descr, expected: expected, path: path)
        let rows: Int
        let columns: Int
        switch header.shape.count {
        case 1: (rows, columns) = (header.shape[0], 1)
        case 2: (rows, columns) = (header.shape[0], header.shape[1])
        default: throw NPYError.unsupportedShape(file: path, shape: header.shape)
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, overflow2) = count.multipliedReportingOverflow(by: MemoryLayout<Scalar>.size)
        guard !overflow, !overflow2 else { throw NPYError.malformedHeader(file: path, reason: "shape \(header.shape) overflows") }
        let available = file.size - header.dataOffset
        guard available >= bytes else { throw NPYError.truncated(file: path, expectedBytes: bytes, foundBytes: available) }
        guard available == bytes else { throw NPYError.trailingBytes(file: path, expectedBytes: bytes, foundBytes: available) }
        var readError: (any Error)?
        let elements = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
                let got = try file.read(into: UnsafeMutableRawBufferPointer(buffer))
                if got != bytes { throw NPYError.truncated(file: path, expectedBytes: bytes, foundBytes: got) }
                initialized = count
            } catch {
                readError = error
                // Zero-fill so the array is fully initialised; it is discarded.
                for k in 0..<count { buffer.initializeElement(at: k, to: .zero) }
                initialized = count
            }
        }
        if let readError { throw readError }
        #if _endian(big)
        // invariant: .npy data here is little endian; FeatureKit targets little-endian hosts only.
        throw NPYError.unsupportedDType(file: path, descr: header.descr, reason: "this host is big endian")
        #else
        do {
            if header.fortranOrder {
                return try Matrix(rows: columns, columns: rows, elements: elements).transposed
            }
            return try Matrix(rows: rows, columns: columns, elements: elements)
        } catch let error as LinearAlgebraError {
            // An empty shape too large to hold (e.g. (9223372036854775807, 0) in 128 bytes).
            throw NPYError.malformedHeader(file: path, reason: "shape \(header.shape) cannot be held: \(error.description)")
        }
        #endif
    }

    static func checkDType(_ descr: String, expected: String, path: String) throws {
        if descr == expected { return }
        if descr == "<f8" || descr == "<f4" { throw NPYError.dtypeMismatch(file: path, expected: expected, found: descr) }
        if descr.hasPrefix(">") { throw NPYError.unsupportedDType(file: path, descr: descr, reason: "big endian") }
        if descr == "|O" || descr == "O" { throw NPYError.unsupportedDType(file: path, descr: descr, reason: "object arrays are never loaded") }
        throw NPYError.unsupportedDType(file: path, descr: descr, reason: "not a float32 or float64 type")
    }

    // MARK: - Writing

    static func headerBytes(descr: String, fortranOrder: Bool, shape: [Int], version: Version?) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let dict = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        let chosen = version ?? (dict.utf8.count + 1 + 10 < 65_536 ? .v1 : .v2)
        let fixed = 6 + 2 + (chosen == .v1 ? 2 : 4)
        var total = fixed + dict.utf8.count + 1
        total = (total + 63) / 64 * 64
        let length = total - fixed
        var out = magic + [UInt8(chosen.rawValue), 0]
        for k in 0..<(chosen == .v1 ? 2 : 4) { out.append(UInt8(truncatingIfNeeded: length >> (8 * k))) }
        out += Array(dict.utf8)
        out += [UInt8](repeating: 32, count: length - dict.utf8.count - 1)
        out.append(10)
        return out
    }

    static func writeMatrix<Scalar: LinearAlgebraScalar>(_ matrix: Matrix<Scalar>, descr: String, to path: String,
                                                         fortranOrder: Bool, version: Version?) throws {
        do {
            let file = try AtomicFile(path: path)
            let header = headerBytes(descr: descr, fortranOrder: fortranOrder, shape: [matrix.rows, matrix.columns], version: version)
            if version == .v1, header.count > 65_535 + 10 {
                throw NPYError.malformedHeader(file: path, reason: "the header does not fit format 1.0")
            }
            try file.append(header)
            let data = fortranOrder ? matrix.transposed.elements : matrix.elements
            var failure: IOFailure?
            data.withUnsafeBytes { bytes in
                do throws(IOFailure) { try file.appendRaw(bytes) } catch { failure = error }
            }
            if let failure { throw failure }
            try file.commit()
        } catch let error as IOFailure {
            throw NPYError.io(file: path, operation: error.operation, reason: error.reason)
        }
    }
}

/// The Python dict literal of a .npy header: `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
enum HeaderLiteral {
    static func parse(_ text: String, path: String) throws -> (String, Bool, [Int]) {
        var chars = Array(text.unicodeScalars)
        var i = 0
        func fail(_ reason: String) -> NPYError { .malformedHeader(file: path, reason: reason) }
        func skipSpace() { while i < chars.count, chars[i] == " " || chars[i] == "\n" || chars[i] == "\t" { i += 1 } }
        func expect(_ c: Unicode.Scalar) throws {
            skipSpace()
            guard i < chars.count, chars[i] == c else { throw fail("expected '\(c)' at offset \(i)") }
            i += 1
        }
        func string() throws -> String {
            skipSpace()
            guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else { throw fail("expected a string at offset \(i)") }
            let q = chars[i]
            i += 1
            var s = String.UnicodeScalarView()
            while i < chars.count, chars[i] != q { s.append(chars[i]); i += 1 }
            guard i < chars.count else { throw fail("unterminated string") }
            i += 1
            return String(s)
        }
        func integer() throws -> Int {
            skipSpace()
            var digits = ""
            while i < chars.count, chars[i].properties.numericType != nil, ("0"..."9").contains(chars[i]) { digits.unicodeScalars.append(chars[i]); i += 1 }
            if i < chars.count, chars[i] == "L" { i += 1 }  // Python 2 long suffix
            guard let value = Int(digits) else { throw fail("expected a non-negative integer at offset \(i)") }
            return value
        }
        chars = Array(text.trimmingSuffixSpaces.unicodeScalars)
        try expect("{")
        var descr: String?
        var fortran: Bool?
        var shape: [Int]?
        while true {
            skipSpace()
            if i < chars.count, chars[i] == "}" { i += 1; break }
            let key = try string()
            try expect(":")
            skipSpace()
            switch key {
            case "descr":
                guard descr == nil else { throw fail("key 'descr' twice") }
                if i < chars.count, chars[i] == "[" { throw fail("structured dtypes are not supported") }
                descr = try string()
            case "fortran_order":
                guard fortran == nil else { throw fail("key 'fortran_order' twice") }
                if chars[i...].starts(with: "True".unicodeScalars) { fortran = true; i += 4 }
                else if chars[i...].starts(with: "False".unicodeScalars) { fortran = false; i += 5 }
                else { throw fail("fortran_order must be True or False") }
            case "shape":
                guard shape == nil else { throw fail("key 'shape' twice") }
                try expect("(")
                var values: [Int] = []
                while true {
                    skipSpace()
                    if i < chars.count, chars[i] == ")" { i += 1; break }
                    values.append(try integer())
                    skipSpace()
                    if i < chars.count, chars[i] == "," { i += 1; continue }
                    try expect(")")
                    break
                }
                shape = values
            default:
                throw fail("unexpected key '\(key)'")
            }
            skipSpace()
            if i < chars.count, chars[i] == "," { i += 1; continue }
            try expect("}")
            break
        }
        skipSpace()
        guard i == chars.count else { throw fail("text after the closing brace") }
        guard let descr else { throw fail("no 'descr' key") }
        guard let fortran else { throw fail("no 'fortran_order' key") }
        guard let shape else { throw fail("no 'shape' key") }
        return (descr, fortran, shape)
    }
}

extension String {
    fileprivate var trimmingSuffixSpaces: String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\n" || last == "\0" { s.removeLast() }
        return String(s)
    }
}

/// Asks the kernel for transparent huge pages over the 2 MiB-aligned interior of a large fresh
/// buffer (as numpy does for its arrays): one page fault per 2 MiB instead of per 4 KiB when the
/// data is first written. Only advice: ignored where THP is off, never an error.
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    guard buffer.count >= 4 << 20, let base = buffer.baseAddress else { return }
    let huge = 2 << 20
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
    if end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) {
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
    }
    #endif
}

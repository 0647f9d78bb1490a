import Foundation
import LinearAlgebra
import Testing
@testable import DataIO

/// Hostile .npy files: each is an `NPYError`, never a trap or an absurd allocation.
@Suite struct AdversarialNPYTests {
    /// A version-1 file with `header` (padded as numpy pads) and `data` bytes after it.
    static func file(_ header: String, data: [UInt8] = [], major: UInt8 = 1) -> [UInt8] {
        let lengthBytes = major == 1 ? 2 : 4
        var text = Array(header.utf8)
        let fixed = 6 + 2 + lengthBytes
        while (fixed + text.count + 1) % 64 != 0 { text.append(32) }
        text.append(10)
        var out = NPY.magic + [major, 0]
        for k in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: text.count >> (8 * k))) }
        return out + text + data
    }

    func error(_ bytes: [UInt8], float: Bool = false) throws -> NPYError? {
        let scratch = try Scratch()
        let path = try scratch.file("x.npy", bytes: bytes)
        defer { withExtendedLifetime(scratch) {} }
        do {
            if float { _ = try NPY.readFloat(path) } else { _ = try NPY.readDouble(path) }
            return nil
        } catch let error as NPYError {
            return error
        }
    }

    static func doubles(_ values: [Double]) -> [UInt8] {
        values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt64($0))) } }
    }

    @Test func tinyAndWrongMagic() throws {
        for bytes: [UInt8] in [[], [0x93], Array("NUMPY\u{1}\u{0}".utf8), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x58, 1, 0]] {
            guard case .notNPY? = try error(bytes) else { Issue.record("\(bytes)"); continue }
        }
    }

    @Test func versions() throws {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }"
        guard case .unsupportedVersion(_, 4, 0)? = try error(Self.file(header, data: Self.doubles([1]), major: 4)) else {
            Issue.record("version 4"); return
        }
        guard case .unsupportedVersion(_, 0, 0)? = try error(NPY.magic + [0, 0, 0, 0]) else { Issue.record("version 0"); return }
        // Version 3 (UTF-8 header) reads.
        #expect(try error(Self.file(header, data: Self.doubles([1]), major: 3)) == nil)
        // Version 3 with invalid UTF-8 in the header.
        var bad = Self.file(header, data: Self.doubles([1]), major: 3)
        bad[14] = 0xFF
        guard case .malformedHeader? = try error(bad) else { Issue.record("v3 invalid utf8"); return }
    }

    @Test func truncatedHeaders() throws {
        let full = Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data: Self.doubles([1, 2]))
        // Cut inside the length, inside the header text, and inside the data.
        for cut in [8, 9, 10, 20, 60, full.count - 1, full.count - 8] {
            let result = try error(Array(full.prefix(cut)))
            switch result {
            case .malformedHeader?, .truncated?: break
            default: Issue.record("cut at \(cut): \(String(describing: result))")
            }
        }
        // A header length beyond the file (65535 and, for v2, 2^32-1).
        guard case .malformedHeader? = try error(NPY.magic + [1, 0, 0xFF, 0xFF] + Array("{}".utf8)) else { Issue.record("v1 length"); return }
        guard case .malformedHeader? = try error(NPY.magic + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF] + Array("{}".utf8)) else { Issue.record("v2 length"); return }
    }

    @Test(arguments: [
        "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807,), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976,), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 2), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }",
        "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 3), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }",
        "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }",
        "{'descr': '<f8', 'fortran_order': ",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
        "{'descr': '<f8', 'fortran_order': False}",
        "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }",
        "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }",
        "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
        "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }",
        "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
        "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } trailing",
        "{'descr': '<f8, 'fortran_order': False, 'shape': (1,), }",
        "",
        "{",
        "{'shape': (1,",
    ])
    func badHeadersAreTypedErrors(header: String) throws {
        // Four data bytes short of (or beyond) anything the header claims: every case is an error.
        let result = try error(Self.file(header, data: Self.doubles([1, 2]).prefix(12).map { $0 }))
        #expect(result != nil, "\(header)")
    }

    @Test func shapeAndDataLengthDisagree() throws {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"
        guard case .truncated(_, 32, 24)? = try error(Self.file(header, data: Self.doubles([1, 2, 3]))) else { Issue.record("short"); return }
        guard case .trailingBytes(_, 32, 40)? = try error(Self.file(header, data: Self.doubles([1, 2, 3, 4, 5]))) else { Issue.record("long"); return }
        // Zero-sized shapes read as empty matrices.
        #expect(try error(Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 5), }")) == nil)
        #expect(try error(Self.file("{'descr': '<f8', 'fortran_order': True, 'shape': (5, 0), }")) == nil)
        #expect(try error(Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }")) == nil)
        // A huge zero-size shape: (0, 2^62) needs no data and must not allocate; reading it is
        // either an empty matrix or a typed error.
        _ = try error(Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4611686018427387904), }"))
    }

    @Test func fortranOrderBothWays() throws {
        let values = Self.doubles([1, 2, 3, 4, 5, 6])
        let scratch = try Scratch()
        let c = try scratch.file("c.npy", bytes: Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data: values))
        let f = try scratch.file("f.npy", bytes: Self.file("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", data: values))
        #expect(try NPY.readDouble(c).elements == [1, 2, 3, 4, 5, 6])
        #expect(try NPY.readDouble(f).elements == [1, 3, 5, 2, 4, 6])
    }

    @Test func directoryAndMissingFile() throws {
        let scratch = try Scratch()
        for path in [scratch.folder, scratch.folder + "/nope.npy"] {
            #expect(throws: NPYError.self) { try NPY.readDouble(path) }
            #expect(throws: NPYError.self) { try NPY.header(path) }
        }
        // Writing into a folder that does not exist, or onto a folder.
        let x = try Matrix<Double>(rows: 1, columns: 1, repeating: 0)
        #expect(throws: NPYError.self) { try NPY.write(x, to: scratch.folder + "/no/such/dir/x.npy") }
        #expect(throws: NPYError.self) { try NPY.write(x, to: scratch.folder) }
    }
}

/// An empty .npy shape whose other dimension is absurd, (9223372036854775807, 0) in a 128-byte
/// file: refused as a malformed header, not read as a matrix whose 2^63 rows every later row loop
/// (blocks, outputs) would walk for ever.
@Suite struct AdversarialNPYEmptyShapeTests {
    static func write(_ header: String) throws -> String {
        var text = header
        while (10 + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        let bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)] + Array(text.utf8)
        let path = NSTemporaryDirectory() + "featurekit-empty-shape-\(UUID().uuidString).npy"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: ["(9223372036854775807, 0)", "(0, 9223372036854775807)", "(4611686018427387904, 0)"])
    func absurdEmptyShapesAreRefused(shape: String) throws {
        for fortran in ["False", "True"] {
            let path = try Self.write("{'descr': '<f8', 'fortran_order': \(fortran), 'shape': \(shape), }")
            defer { try? FileManager.default.removeItem(atPath: path) }
            // Before: read as a 9223372036854775807 x 0 matrix; StandardScaler().fit on it never returned.
            #expect(throws: NPYError.self, "\(shape) \(fortran)") { try NPY.readDouble(path) }
        }
    }

    @Test func ordinaryEmptyShapesStillRead() throws {
        for (shape, rows, columns) in [("(0, 3)", 0, 3), ("(5, 0)", 5, 0), ("(0,)", 0, 1)] {
            let path = try Self.write("{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let m = try NPY.readDouble(path)
            #expect(m.rows == rows && m.columns == columns, "\(shape)")
        }
    }
}

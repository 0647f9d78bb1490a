import Foundation
import LinearAlgebra
import Testing
@testable import DataIO

@Suite struct NPYTests {
    static func seededMatrix(rows: Int, columns: Int, seed: UInt64) throws -> Matrix<Double> {
        var generator = SystemRandomNumberGeneratorSeeded(seed: seed)
        // Any bit pattern: subnormals, extremes, infinities and NaN payloads must all survive.
        return try Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in Double(bitPattern: generator.next()) })
    }

    @Test(arguments: [false, true], [NPY.Version.v1, .v2, .v3])
    func writeThenReadIsBitIdentical(fortran: Bool, version: NPY.Version) throws {
        let scratch = try Scratch()
        for (rows, columns) in [(7, 3), (1, 1), (0, 4), (4, 0), (1, 9)] {
            let x = try Self.seededMatrix(rows: rows, columns: columns, seed: UInt64(rows * 31 + columns))
            let path = scratch.folder + "/d.npy"
            try NPY.write(x, to: path, fortranOrder: fortran, version: version)
            let back = try NPY.readDouble(path)
            #expect(back.rows == rows && back.columns == columns)
            #expect(back.elements.map(\.bitPattern) == x.elements.map(\.bitPattern))
            let header = try NPY.header(path)
            #expect(header.major == version.rawValue && header.fortranOrder == fortran && header.descr == "<f8")
            #expect(header.dataOffset % 64 == 0)
            let f = try Matrix<Float>(rows: rows, columns: columns, elements: x.elements.map { Float(bitPattern: UInt32(truncatingIfNeeded: $0.bitPattern)) })
            try NPY.write(f, to: path, fortranOrder: fortran, version: version)
            #expect(try NPY.readFloat(path).elements.map(\.bitPattern) == f.elements.map(\.bitPattern))
        }
        #expect(scratch.contents == ["d.npy"])  // no temporary file left behind
    }

    struct Expected: Decodable {
        let shape: [Int]
        let dtype: String
        let fortran_order: Bool
        let values: [String]
    }

    @Test(arguments: ["f8_c_v1.npy", "f8_f_v1.npy", "f8_c_v2.npy", "f4_c_v1.npy", "f4_f_v3.npy", "f8_1d.npy"])
    func readsNumpyWrittenFiles(_ name: String) throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/data/reference/io.json"))
        struct Document: Decodable { let fixtures: [String: Expected] }
        let expected = try #require(try JSONDecoder().decode(Document.self, from: json).fixtures[name])
        let path = fixtures + "/" + name
        let header = try NPY.header(path)
        #expect(header.fortranOrder == expected.fortran_order)
        #expect(header.shape == expected.shape)
        let values = try expected.values.map { try #require(Double($0)) }
        let rows = expected.shape[0]
        let columns = expected.shape.count > 1 ? expected.shape[1] : 1
        if expected.dtype == "<f8" {
            let x = try NPY.readDouble(path)
            #expect(x.rows == rows && x.columns == columns)
            #expect(x.elements.map(\.bitPattern) == values.map(\.bitPattern))
            #expect(throws: NPYError.dtypeMismatch(file: path, expected: "<f4", found: "<f8")) { try NPY.readFloat(path) }
        } else {
            let x = try NPY.readFloat(path)
            #expect(x.rows == rows && x.columns == columns)
            // The JSON holds the float32 values widened to float64 (exact), NaN as "nan".
            #expect(x.elements.map { Double($0).isNaN ? UInt64.max : Double($0).bitPattern } == values.map { $0.isNaN ? UInt64.max : $0.bitPattern })
        }
    }

    @Test func refusesOtherDtypesAndShapes() throws {
        func path(_ name: String) -> String { fixtures + "/" + name }
        #expect(throws: NPYError.unsupportedDType(file: path("i8.npy"), descr: "<i8", reason: "not a float32 or float64 type")) { try NPY.readDouble(path("i8.npy")) }
        #expect(throws: NPYError.unsupportedDType(file: path("f8_big_endian.npy"), descr: ">f8", reason: "big endian")) { try NPY.readDouble(path("f8_big_endian.npy")) }
        #expect(throws: NPYError.unsupportedDType(file: path("object.npy"), descr: "|O", reason: "object arrays are never loaded")) { try NPY.readDouble(path("object.npy")) }
        #expect(throws: NPYError.unsupportedShape(file: path("f8_3d.npy"), shape: [2, 2, 2])) { try NPY.readDouble(path("f8_3d.npy")) }
        #expect(throws: NPYError.unsupportedDType(file: path("c16.npy"), descr: "<c16", reason: "not a float32 or float64 type")) { try NPY.readDouble(path("c16.npy")) }
    }

    @Test func malformedAndTruncatedFilesAreClearErrors() throws {
        let scratch = try Scratch()
        let good = scratch.folder + "/good.npy"
        try NPY.write(try Matrix<Double>(rows: 2, columns: 3, repeating: 1.5), to: good)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: good)))
        func write(_ name: String, _ content: [UInt8]) throws -> String { try scratch.file(name, bytes: content) }

        let truncated = try write("t.npy", Array(bytes.dropLast(5)))
        #expect(throws: NPYError.truncated(file: truncated, expectedBytes: 48, foundBytes: 43)) { try NPY.readDouble(truncated) }
        let trailing = try write("x.npy", bytes + [0])
        #expect(throws: NPYError.trailingBytes(file: trailing, expectedBytes: 48, foundBytes: 49)) { try NPY.readDouble(trailing) }
        let magic = try write("m.npy", [0x93] + Array("NUMPX".utf8) + Array(bytes.dropFirst(6)))
        #expect(throws: NPYError.notNPY(file: magic)) { try NPY.readDouble(magic) }
        let empty = try write("e.npy", [])
        #expect(throws: NPYError.notNPY(file: empty)) { try NPY.readDouble(empty) }
        var v4 = bytes
        v4[6] = 4
        let version = try write("v.npy", v4)
        #expect(throws: NPYError.unsupportedVersion(file: version, major: 4, minor: 0)) { try NPY.readDouble(version) }
        let headerOnly = try write("h.npy", Array(bytes.prefix(20)))
        #expect(throws: NPYError.self) { try NPY.readDouble(headerOnly) }
        // A huge claimed shape in a tiny file: an error, not an allocation.
        for (label, dict) in [("huge", "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 100000), }"),
                              ("overflow", "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807, 2), }"),
                              ("nokey", "{'descr': '<f8', 'shape': (2, 3), }"),
                              ("extra", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}"),
                              ("syntax", "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2, 3), }"),
                              ("negative", "{'descr': '<f8', 'fortran_order': False, 'shape': (-2, 3), }"),
                              ("structured", "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }")] {
            var header = Array(dict.utf8)
            while (10 + header.count + 1) % 64 != 0 { header.append(32) }
            header.append(10)
            let file = try write("\(label).npy", NPY.magic + [1, 0, UInt8(header.count & 255), UInt8(header.count >> 8)] + header + [UInt8](repeating: 0, count: 48))
            do {
                _ = try NPY.readDouble(file)
                Issue.record("\(label): expected an error")
            } catch let error as NPYError {
                #expect(error.description.contains(file), "\(label)")
            }
        }
    }

    @Test func oneDimensionalArraysAreColumns() throws {
        let x = try NPY.readDouble(fixtures + "/f8_1d.npy")
        #expect(x.columns == 1 && x.rows == 5)
    }

    @Test func writeErrorsNameTheFile() throws {
        let path = "/nonexistent-dir/x.npy"
        do {
            try NPY.write(try Matrix<Double>(rows: 1, columns: 1), to: path)
            Issue.record("expected an error")
        } catch let error as NPYError {
            #expect(error.description.contains(path))
        }
    }
}

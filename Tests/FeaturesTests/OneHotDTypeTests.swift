import Foundation
import LinearAlgebra
import Tabular
import Testing
@testable import Features

/// OneHotEncoder's `dtype` (scikit-learn's `OneHotEncoder(dtype=np.uint8 | np.float32 |
/// np.float64)`): the byte and Float outputs hold exactly the Double output's 0/1 pattern
/// (tolerance none: 0 and 1 are exact in every type), for every drop and unknown option, thread
/// count and kernel path; the option survives Codable and the pipeline spec.
@Suite("OneHotEncoder dtype")
struct OneHotDTypeTests {
    static let encoders: [OneHotEncoder] = [
        OneHotEncoder(),
        OneHotEncoder(drop: .first),
        OneHotEncoder(drop: .ifBinary, handleUnknown: .ignore),
        OneHotEncoder(handleUnknown: .infrequentIfExist, minFrequency: .count(300)),
        OneHotEncoder(drop: .first, handleUnknown: .infrequentIfExist, maxCategories: 4),
    ]

    static func doubles(_ m: UInt8Matrix) -> [Double] { m.elements.map { Double($0) } }
    static func doubles(_ m: Matrix<Float>) -> [Double] { m.elements.map { Double($0) } }

    @Test("UInt8 and Float outputs equal the Double output", arguments: encoders.indices)
    func sameOnes(index: Int) throws {
        let table = try categoricalTable(rows: 9_000, seed: 21)
        let probe = try categoricalTable(rows: 700, seed: 22, cardinality: 60)  // unknown colours
        for dtype in OneHotEncoder.DType.allCases {
            let base = Self.encoders[index]
            let encoder = OneHotEncoder(categories: base.categories, drop: base.drop, handleUnknown: base.handleUnknown,
                                        minFrequency: base.minFrequency, maxCategories: base.maxCategories, dtype: dtype)
            let fitted = try encoder.fit(table)
            for (data, name) in [(table, "train"), (probe, "probe")] {
                let expected: Matrix<Double>
                do {
                    expected = try fitted.transform(data, threads: 1)
                } catch let error as FeatureError {
                    // handle_unknown="error": every form reports the same error.
                    #expect(throws: error) { _ = try fitted.transformUInt8(data) }
                    #expect(throws: error) { _ = try fitted.transformFloat(data) }
                    #expect(throws: error) { _ = try fitted.transformDense(data) }
                    continue
                }
                for threads in [1, 3] {
                    let bytes = try fitted.transformUInt8(data, threads: threads)
                    #expect(bytes.shape == expected.shape && Self.doubles(bytes) == expected.elements, "\(encoder) \(name) \(threads)")
                    let floats = try fitted.transformFloat(data, threads: threads)
                    #expect(floats.shape == expected.shape && Self.doubles(floats) == expected.elements, "\(encoder) \(name) \(threads)")
                    var reused = try UInt8Matrix(rows: data.rowCount, columns: fitted.outputCount, repeating: 9)
                    try fitted.transform(data, into: &reused, threads: threads)
                    #expect(reused == bytes)
                    let dense = try fitted.transformDense(data, threads: threads)
                    #expect(try dense.doubles() == expected && dense.rows == expected.rows && dense.columns == expected.columns)
                    switch (dtype, dense) {
                    case (.uint8, .uint8), (.float32, .float32), (.float64, .float64): break
                    default: Issue.record("transformDense gave \(dense) for \(dtype)")
                    }
                }
            }
        }
    }

    @Test("the streamed byte path equals the direct one; bad codes and shapes are errors", arguments: [1, 3])
    func streaming(threads: Int) throws {
        let rows = 2_000
        let codes: [[Int32]] = [(0..<rows).map { Int32($0 % 11) - 1 }, (0..<rows).map { Int32(($0 * 7) % 100) }]
        let targets: [[Int32]] = [(0..<11).map { $0 == 3 ? -1 : Int32($0) }, (0..<101).map { Int32(11 + $0 % 99) }]
        let direct = try ColumnKernels.scatterOnes(rows: rows, width: 110, codes: codes, targets: targets, as: UInt8.self,
                                                   blockRows: 64, threads: threads)
        let reference = try ColumnKernels.scatterCodes(rows: rows, width: 110, codes: codes, targets: targets, blockRows: 64, threads: 1)
        #expect(Self.doubles(direct) == reference.elements)
        for streamingBytes in [0, Int.max] {
            var reused = try UInt8Matrix(rows: rows, columns: 110, repeating: 5)
            try ColumnKernels.scatterOnes(into: &reused, codes: codes, targets: targets, blockRows: 64, threads: threads,
                                          streamingBytes: streamingBytes)
            #expect(reused == direct)
        }
        let bad: [[Int32]] = [codes[0], codes[1].enumerated().map { $0.offset == 1321 ? 500 : $0.element }]
        #expect {
            _ = try ColumnKernels.scatterOnes(rows: rows, width: 110, codes: bad, targets: targets, as: UInt8.self, blockRows: 64, threads: threads)
        } throws: { error in
            guard let error = error as? ColumnKernels.CodeOutOfRange else { return false }
            return error.column == 1 && error.row == 1321 && error.code == 500
        }
        var reused = try UInt8Matrix(rows: rows, columns: 110)
        #expect(throws: ColumnKernels.CodeOutOfRange.self) {
            try ColumnKernels.scatterOnes(into: &reused, codes: bad, targets: targets, blockRows: 64, threads: threads, streamingBytes: 0)
        }
        #expect(throws: LinearAlgebraError.self) {
            _ = try ColumnKernels.scatterOnes(rows: rows, width: 10, codes: codes, targets: targets, as: Float.self)
        }
        #expect(throws: LinearAlgebraError.self) {
            _ = try ColumnKernels.scatterOnes(rows: rows + 1, width: 110, codes: codes, targets: targets, as: UInt8.self)
        }
        // Empty shapes.
        #expect(try ColumnKernels.scatterOnes(rows: 0, width: 110, codes: [[], []], targets: targets, as: UInt8.self).shape == Shape(rows: 0, columns: 110))
        #expect(try ColumnKernels.scatterOnes(rows: 3, width: 0, codes: [], targets: [], as: Float.self).shape == Shape(rows: 3, columns: 0))
        #expect(throws: LinearAlgebraError.self) { _ = try UInt8Matrix(rows: 2, columns: 2, elements: [1]) }
        #expect(throws: LinearAlgebraError.self) { _ = try UInt8Matrix(rows: -1, columns: 2) }
    }

    @Test("wrong output shape; Codable (old files without dtype read as float64); pipeline spec")
    func configuration() throws {
        let table = try categoricalTable(rows: 500, seed: 3)
        let fitted = try OneHotEncoder(dtype: .uint8).fit(table)
        var wrong = try UInt8Matrix(rows: 2, columns: 2)
        #expect(throws: FeatureError.self) { try fitted.transform(table, into: &wrong) }
        let data = try JSONEncoder().encode(fitted)
        let back = try JSONDecoder().decode(OneHotEncoder.Fitted.self, from: data)
        #expect(back == fitted && back.configuration.dtype == .uint8)
        // A configuration written before dtype existed.
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(OneHotEncoder())) as? [String: Any])
        object.removeValue(forKey: "dtype")
        let old = try JSONDecoder().decode(OneHotEncoder.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old == OneHotEncoder() && old.dtype == .float64)
        // The spec: sklearn's parameter name and numpy's type names; anything else is an error.
        let spec = try JSONDecoder().decode(TransformSpec.self, from: Data(#"{"type": "OneHotEncoder", "dtype": "uint8"}"#.utf8))
        guard case let .oneHotEncoder(encoder) = spec else { Issue.record("decoded \(spec)"); return }
        #expect(encoder.dtype == .uint8)
        #expect(throws: (any Error).self) {
            _ = try JSONDecoder().decode(TransformSpec.self, from: Data(#"{"type": "OneHotEncoder", "dtype": "int7"}"#.utf8))
        }
    }
}

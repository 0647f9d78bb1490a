import Foundation
import LinearAlgebra
import Testing
@testable import Bench

/// FeatureKit's benchmark data must be bit-identical to the peer script's (numpy) implementation,
/// so that both sides of `featurekit bench --peers` compute on the same bytes. The fixture is
/// written by `Benchmarks/peers/peer.py fixture` (see Tests/BenchTests/Fixtures/README.md).
@Suite("Synthetic benchmark data matches the peer's generator bit for bit")
struct SyntheticDataTests {
    struct Fixture: Decodable {
        let seed: UInt64
        let features_5x9: [[String]]
        let regression: [String]
        let binary: [String]
        let uniform_matrix_stream10_3x4: [[String]]
        let categories: [String: [Int]]
        let bits_seed1_stream0: [UInt64]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/synthetic-seed42.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// Parses Python's `float.hex()` output ("0x1.8p+1", "-0x0.0p+0") exactly.
    static func double(hex: String) throws -> Double {
        try #require(Double(hex), "not a hex float: \(hex)")
    }

    @Test("raw 64-bit draws")
    func bits() throws {
        let f = try Self.fixture()
        let ours = (0..<4).map { SyntheticData.bits(seed: 1, stream: 0, index: UInt64($0)) }
        #expect(ours == f.bits_seed1_stream0)
    }

    @Test("dense features of every column kind, and both targets")
    func featuresAndTargets() throws {
        let f = try Self.fixture()
        let x = try SyntheticData.features(seed: f.seed, rows: 5, columns: 9)
        for i in 0..<5 {
            for j in 0..<9 {
                let expected = try Self.double(hex: f.features_5x9[i][j])
                #expect(try x.element(row: i, column: j).bitPattern == expected.bitPattern, "row \(i), column \(j)")
            }
        }
        let (regression, binary) = try SyntheticData.targets(seed: f.seed, features: x)
        #expect(try regression.map(\.bitPattern) == f.regression.map { try Self.double(hex: $0).bitPattern })
        #expect(try binary == f.binary.map(Self.double(hex:)))
    }

    @Test("uniform matrices and category codes")
    func uniformAndCategories() throws {
        let f = try Self.fixture()
        let m = try SyntheticData.uniformMatrix(seed: f.seed, stream: 10, rows: 3, columns: 4)
        for i in 0..<3 {
            for j in 0..<4 {
                #expect(try m.element(row: i, column: j).bitPattern == Self.double(hex: f.uniform_matrix_stream10_3x4[i][j]).bitPattern)
            }
        }
        for (column, cardinality) in SyntheticData.categoryCardinalities.enumerated() {
            let codes = (0..<6).map { SyntheticData.categoryCode(seed: f.seed, row: $0, column: column, cardinality: cardinality) }
            #expect(codes == f.categories[String(cardinality)])
            #expect(codes.allSatisfy { (0..<cardinality).contains($0) })
        }
    }

    @Test("invalid shapes are errors, not traps")
    func invalidShapes() {
        #expect(throws: LinearAlgebraError.self) { try SyntheticData.features(seed: 1, rows: -1, columns: 3) }
        #expect(throws: LinearAlgebraError.self) { try SyntheticData.features(seed: 1, rows: Int.max, columns: 3) }
        #expect(throws: LinearAlgebraError.self) { try SyntheticData.uniformMatrix(seed: 1, stream: 0, rows: 2, columns: -3) }
    }
}

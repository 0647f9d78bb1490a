import Testing
@testable import LinearAlgebra

@Suite("TallSkinnyQR, triangular solves, compensated residuals")
struct TallSkinnyQRTests {
    func randomMatrix(_ rows: Int, _ columns: Int, seed: UInt64) throws -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return try Matrix<Double>.normal(rows: rows, columns: columns, using: &generator)
    }

    @Test("R^T R equals A^T A, whatever the block size", arguments: [1, 7, 64, 1000])
    func gram(blockRows: Int) throws {
        let a = try randomMatrix(300, 5, seed: 1)
        let qr = try TallSkinnyQR.factor(rows: 300, columns: 5, blockRows: blockRows, blocksPerGroup: 3) {
            Array(a.elements[($0.lowerBound * 5)..<($0.upperBound * 5)])
        }
        #expect(qr.rowsSeen == 300)
        let rtr = try BLAS.gram(qr.r), ata = try BLAS.gram(a)
        for i in 0..<5 {
            for j in 0..<5 { #expect(abs(rtr[i, j] - ata[i, j]) <= 1e-12 * ata[i, i]) }
            for j in 0..<i { #expect(qr.r[i, j] == 0) }
        }
    }

    @Test("add and merge check shapes and finiteness; empty blocks change nothing")
    func errors() throws {
        var qr = try TallSkinnyQR(columns: 3)
        #expect(throws: LinearAlgebraError.self) { try qr.add(try Matrix<Double>(rows: 2, columns: 2)) }
        var bad = try Matrix<Double>(rows: 2, columns: 3)
        bad[1, 2] = .nan
        #expect { try qr.add(bad) } throws: {
            if case .nonFinite(_, 1, 2, _) = $0 as? LinearAlgebraError { return true }; return false
        }
        try qr.add(try Matrix<Double>(rows: 0, columns: 3))
        #expect(qr.rowsSeen == 0)
        #expect(throws: LinearAlgebraError.self) { try qr.merge(try TallSkinnyQR(columns: 4)) }
        #expect(throws: LinearAlgebraError.self) { try TallSkinnyQR(columns: -1) }
    }

    @Test("triangular solve and condition estimate")
    func triangular() throws {
        let r = try Matrix<Double>([[2, 1, 0], [0, 4, 1], [0, 0, 8]])
        let x = try LAPACK.solveUpperTriangular(r, [3, 5, 8])
        #expect(x == [1, 1, 1])
        let xt = try LAPACK.solveUpperTriangular(r, [2, 5, 9], transpose: .transpose)
        #expect(xt == [1, 1, 1])
        let rcond = try LAPACK.upperTriangularReciprocalCondition(r)
        #expect(rcond > 0.05 && rcond <= 1)
        #expect(throws: LinearAlgebraError.self) { try LAPACK.solveUpperTriangular(try Matrix<Double>([[1, 1], [0, 0]]), [1, 1]) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.solveUpperTriangular(r, [1]) }
    }

    @Test("compensated residuals are exact where plain double cancels")
    func compensated() throws {
        // y = 1e16 + 1 - 1e16 x with x = 1: the residual 1 is lost in plain double arithmetic.
        let x = try Matrix<Double>([[1e16], [1e16], [2]])
        let result = try CompensatedKernels.residualGradient(
            x: x, y: [1e16 + 2, 1e16, 3], weights: [1, 2, 0.5], coefficients: [1], intercept: 1, threads: 2)
        // r = (1e16 + 2) - 1 - 1e16 = 1, r = 1e16 - 1 - 1e16 = -1, r = 3 - 1 - 2 = 0.
        #expect(result.residualSum == 1 - 2)
        #expect(result.gradient == [1e16 - 2e16])
        #expect(result.residualSumOfSquares == 3)
        #expect(throws: LinearAlgebraError.self) {
            try CompensatedKernels.residualGradient(x: x, y: [1], weights: nil, coefficients: [1], intercept: 0)
        }
    }
}

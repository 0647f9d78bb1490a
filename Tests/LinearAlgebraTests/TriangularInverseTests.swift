import Testing
@testable import LinearAlgebra

@Suite("invertLowerTriangular (dtrtri)")
struct TriangularInverseTests {
    @Test("L L^{-1} = I within the triangular-inverse error bound", arguments: [0, 1, 2, 9, 40])
    func inverse(n: Int) throws {
        let chol = try LAPACK.cholesky(try Inputs.spd(Double.self, n, seed: UInt64(90 + n)))
        let l = chol.lower
        let inverse = try LAPACK.invertLowerTriangular(l)
        #expect(inverse.shape == Shape(rows: n, columns: n))
        for i in 0..<n {
            for j in 0..<n {
                if j > i { #expect(inverse[i, j] == 0, "upper (\(i), \(j))") }
                var s = 0.0, magnitude = 0.0
                for k in 0..<n { s += l[i, k] * inverse[k, j]; magnitude += abs(l[i, k] * inverse[k, j]) }
                // Higham Thm 8.5/14.x: |L X - I| <= c_n u |L| |X|; 4 n eps covers dtrtri and this product.
                #expect(abs(s - (i == j ? 1 : 0)) <= 4 * Double(n + 1) * Double.ulpOfOne * magnitude, "(\(i), \(j))")
            }
        }
    }

    @Test("errors: not square, NaN, zero diagonal")
    func errors() throws {
        #expect(throws: LinearAlgebraError.self) { try LAPACK.invertLowerTriangular(try Matrix(rows: 2, columns: 3)) }
        #expect {
            try LAPACK.invertLowerTriangular(try Matrix(rows: 2, columns: 2, elements: [1, 0, .infinity, 1]))
        } throws: { error in
            guard case let LinearAlgebraError.nonFinite(_, row, column, _) = error else { return false }
            return row == 1 && column == 0
        }
        #expect {
            try LAPACK.invertLowerTriangular(try Matrix(rows: 2, columns: 2, elements: [1, 0, 3, 0]))
        } throws: { error in
            guard case let LinearAlgebraError.singular(routine, info) = error else { return false }
            return routine == "dtrtri" && info == 2
        }
    }
}

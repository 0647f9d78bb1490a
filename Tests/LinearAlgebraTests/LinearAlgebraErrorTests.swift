import Foundation
import Testing
@testable import LinearAlgebra

/// Every error path: the right case, naming the right shapes, row, column, routine and info.
@Suite("LinearAlgebra error paths")
struct LinearAlgebraErrorTests {
    func shapes(of error: any Error) -> (Shape, Shape)? {
        if case let LinearAlgebraError.shapeMismatch(_, lhs, rhs, _) = error { return (lhs, rhs) }
        return nil
    }

    func expectShapeMismatch(_ lhs: Shape, _ rhs: Shape, _ body: () throws -> Void) {
        do { try body(); Issue.record("expected a shape mismatch") } catch {
            let named = shapes(of: error)
            #expect(named?.0 == lhs && named?.1 == rhs, "\(error)")
            #expect("\(error)".contains(lhs.description) && "\(error)".contains(rhs.description))
        }
    }

    @Test("shape mismatches name both shapes")
    func shapeMismatches() throws {
        let a = try Matrix<Double>(rows: 3, columns: 4), b = try Matrix<Double>(rows: 5, columns: 2)
        expectShapeMismatch(Shape(rows: 3, columns: 4), Shape(rows: 5, columns: 2)) { _ = try BLAS.matrixProduct(a, b) }
        var c = try Matrix<Double>(rows: 2, columns: 2)
        expectShapeMismatch(Shape(rows: 3, columns: 2), Shape(rows: 2, columns: 2)) {
            try BLAS.gemm(a, Matrix<Double>(rows: 4, columns: 2), into: &c)
        }
        expectShapeMismatch(Shape(rows: 3, columns: 1), Shape(rows: 2, columns: 1)) { _ = try BLAS.dot([1.0, 2, 3], [1.0, 2]) }
        var y = [0.0, 0]
        expectShapeMismatch(Shape(rows: 3, columns: 4), Shape(rows: 2, columns: 1)) { try BLAS.gemv(a, x: [1.0, 2, 3, 4], y: &y) }
        expectShapeMismatch(Shape(rows: 4, columns: 4), Shape(rows: 2, columns: 2)) { try BLAS.syrk(a, into: &c) }
        expectShapeMismatch(Shape(rows: 3, columns: 4), Shape(rows: 5, columns: 2)) { _ = try LAPACK.leastSquaresQR(a, b) }
        expectShapeMismatch(Shape(rows: 3, columns: 4), Shape(rows: 5, columns: 2)) { _ = try LAPACK.leastSquaresSVD(a, b) }
        var z = [1.0]
        #expect(throws: LinearAlgebraError.self) { try BLAS.axpy(alpha: 1, x: [1.0, 2], y: &z) }
    }

    @Test("matrix construction and indexing refuse bad shapes and indices")
    func construction() throws {
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: -1, columns: 2) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: Int.max, columns: 2) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: 1 << 40, columns: 1 << 10) }  // more than memory
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: 2, columns: 2, elements: [1, 2, 3]) }
        do {
            _ = try Matrix<Double>([[1, 2], [3, 4], [5]])
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("row 2 has 1 elements")) }
        let m = try Matrix<Double>([[1, 2], [3, 4]])
        #expect(throws: LinearAlgebraError.self) { try m.element(row: 2, column: 0) }
        #expect(throws: LinearAlgebraError.self) { try m.element(row: 0, column: 2) }  // would alias (1, 0) if unchecked
        #expect(throws: LinearAlgebraError.self) { try m.rowBlock(1..<3) }
        #expect(throws: LinearAlgebraError.self) { try m.row(-1) }
        #expect(throws: LinearAlgebraError.self) { try m.column(2) }
        #expect(try Matrix<Double>([]).shape == Shape(rows: 0, columns: 0))
        #expect(m.rowArrays == [[1, 2], [3, 4]] && m.elements == [1, 2, 3, 4])
        #expect(try Matrix<Double>(rows: 2, columns: 2, elements: [1, 2, 3, 4]) == m)
    }

    @Test("non-finite input names the operation, row and column", arguments: [Double.nan, .infinity, -.infinity])
    func nonFinite(value: Double) throws {
        func expectNonFinite(row: Int, column: Int, _ body: () throws -> Void) {
            do { try body(); Issue.record("expected nonFinite") } catch let LinearAlgebraError.nonFinite(_, r, c, v) {
                #expect(r == row && c == column && (v.isNaN ? value.isNaN : v == value))
            } catch { Issue.record("wrong error \(error)") }
        }
        var spd = try Matrix<Double>([[4, 1, 0], [1, 3, 0], [0, 0, 2]])
        spd[2, 1] = value
        expectNonFinite(row: 2, column: 1) { _ = try LAPACK.cholesky(spd) }
        expectNonFinite(row: 2, column: 1) { _ = try LAPACK.symmetricEigen(spd) }
        var a = try Matrix<Double>(rows: 6, columns: 2, repeating: 1)
        a[4, 1] = value
        expectNonFinite(row: 4, column: 1) { _ = try LAPACK.leastSquaresQR(a, [1.0, 2, 3, 4, 5, 6]) }
        expectNonFinite(row: 4, column: 1) { _ = try LAPACK.leastSquaresSVD(a, [1.0, 2, 3, 4, 5, 6]) }
        let good = try Matrix<Double>([[1, 0], [0, 1], [1, 1]])
        expectNonFinite(row: 2, column: 0) { _ = try LAPACK.leastSquaresQR(good, [1.0, 2, value]) }
        expectNonFinite(row: 1, column: 0) { _ = try LAPACK.cholesky(Matrix<Double>([[2, 0], [0, 2]])).solve([1.0, value]) }
        do { _ = try LAPACK.cholesky(spd) } catch { #expect("\(error)".contains("row 2, column 1")) }
    }

    @Test("not positive definite names the routine and LAPACK's info")
    func notPositiveDefinite() throws {
        let a = try Matrix<Double>([[1, 2, 0], [2, 1, 0], [0, 0, 1]])  // leading 2x2 minor is negative
        do { _ = try LAPACK.cholesky(a); Issue.record("expected an error") } catch let LinearAlgebraError.notPositiveDefinite(routine, info) {
            #expect(routine == "dpotrf" && info == 2)
        }
        let f = try Matrix<Float>([[-1]])
        do { _ = try LAPACK.cholesky(f); Issue.record("expected an error") } catch let LinearAlgebraError.notPositiveDefinite(routine, info) {
            #expect(routine == "spotrf" && info == 1)
        }
    }

    @Test("exactly rank-deficient QR is an error naming dgels; SVD handles it")
    func singularQR() throws {
        let a = try Matrix<Double>([[1, 0], [2, 0], [3, 0]])
        do { _ = try LAPACK.leastSquaresQR(a, [1.0, 2, 3]); Issue.record("expected an error") } catch let LinearAlgebraError.singular(routine, info) {
            #expect(routine == "dgels" && info == 2)
        }
        #expect(try LAPACK.leastSquaresSVD(a, [1.0, 2, 3]).rank == 1)
    }

    @Test("invalid arguments: non-square, thread count, cutoff")
    func invalidArguments() throws {
        let rect = try Matrix<Double>(rows: 2, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try LAPACK.cholesky(rect) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.symmetricEigen(rect) }
        #expect(throws: LinearAlgebraError.self) { try BLASRuntime.setThreadCount(0) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.leastSquaresSVD(rect, [1.0, 2], cutoff: -1) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.leastSquaresSVD(rect, [1.0, 2], cutoff: .nan) }
    }

    @Test("BLAS runtime reports OpenBLAS's version, core and threads")
    func runtime() throws {
        #expect(BLASRuntime.version.hasPrefix("0."))
        #expect(!BLASRuntime.coreType.isEmpty && BLASRuntime.coreType != "unknown")
        let before = BLASRuntime.threadCount
        try BLASRuntime.setThreadCount(1)
        #expect(BLASRuntime.threadCount == 1)
        try BLASRuntime.setThreadCount(before)
        #expect(BLASRuntime.summary.contains("OpenBLAS"))
    }
}

@Suite("Determinism and value semantics")
struct DeterminismTests {
    @Test("the same input twice gives identical bits")
    func sameBits() throws {
        let a = try Reference.random(Double.self, rows: 300, columns: 12, seed: 77)
        let b = Reference.vector(Double.self, count: 300, seed: 78)
        func bits(_ m: Matrix<Double>) -> [UInt64] { m.elements.map(\.bitPattern) }
        #expect(bits(try BLAS.matrixProduct(a, transposeA: .transpose, a)) == bits(try BLAS.matrixProduct(a, transposeA: .transpose, a)))
        #expect(bits(try BLAS.gram(a)) == bits(try BLAS.gram(a)))
        #expect(bits(try LAPACK.leastSquaresSVD(a, b).solution) == bits(try LAPACK.leastSquaresSVD(a, b).solution))
        #expect(bits(try LAPACK.leastSquaresQR(a, b).solution) == bits(try LAPACK.leastSquaresQR(a, b).solution))
        let g = try BLAS.gram(a)
        #expect(bits(try LAPACK.cholesky(g).lower) == bits(try LAPACK.cholesky(g).lower))
        #expect(try LAPACK.symmetricEigen(g).eigenvalues.map(\.bitPattern) == LAPACK.symmetricEigen(g).eigenvalues.map(\.bitPattern))
    }

    @Test("seeded generator: same seed same stream, different seeds differ")
    func generator() {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9), c = SeededGenerator(seed: 10)
        let sa = (0..<5).map { _ in a.next() }, sb = (0..<5).map { _ in b.next() }, sc = (0..<5).map { _ in c.next() }
        #expect(sa == sb && sa != sc)
        var u = SeededGenerator(seed: 1)
        for _ in 0..<1000 { let x = u.nextUniform(); #expect(x >= 0 && x < 1) }
    }

    @Test("copies and views keep their values when the original changes")
    func valueSemantics() throws {
        var m = try Matrix<Double>([[1, 2], [3, 4]])
        let copy = m
        let view = try m.rowBlock(1..<2)
        let column = try m.column(1)
        m[1, 1] = 99
        let viewValue = try view.element(row: 0, column: 1)
        #expect(copy[1, 1] == 4 && viewValue == 4 && column[1] == 4)
        #expect(m[1, 1] == 99)
    }
}

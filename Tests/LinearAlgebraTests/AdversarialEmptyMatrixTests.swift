import Testing
@testable import LinearAlgebra

/// Empty matrices that claim an absurd other dimension are refused at construction: every consumer
/// walks rows in blocks or allocates per row or column, so `Int.max x 0` would hang or trap later.
@Suite struct AdversarialEmptyMatrixTests {
    @Test(arguments: [(Int.max, 0), (0, Int.max), (1 << 60, 0), (0, 1 << 60)])
    func absurdEmptyShapesAreRefused(rows: Int, columns: Int) {
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: rows, columns: columns) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Float>(rows: rows, columns: columns, elements: []) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: rows, columns: columns) { _, _ in 0 } }
    }

    @Test func ordinaryEmptyShapesStillWork() throws {
        for (rows, columns) in [(0, 0), (0, 5), (1_000_000, 0), (0, 1_000_000)] {
            let m = try Matrix<Double>(rows: rows, columns: columns)
            #expect(m.rows == rows && m.columns == columns)
            #expect(m.transposed.rows == columns)
        }
    }
}

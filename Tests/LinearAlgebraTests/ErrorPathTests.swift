import Dispatch
import Testing
@testable import LinearAlgebra

@Suite("Error paths: every refusal names the shapes, row, column, routine or parameter")
struct ErrorPathTests {
    func s(_ rows: Int, _ columns: Int) -> Shape { Shape(rows: rows, columns: columns) }

    func checkShapeMismatches<S: LinearAlgebraScalar>(_: S.Type) throws {
        let a = try Matrix<S>(rows: 3, columns: 4), b = try Matrix<S>(rows: 5, columns: 2)
        // Level 1.
        expectShapeMismatch(lhs: s(3, 1), rhs: s(2, 1), operation: "dot") { _ = try BLAS.dot([S(1), 2, 3], [S(1), 2]) }
        var y1: [S] = [0]
        expectShapeMismatch(lhs: s(2, 1), rhs: s(1, 1), operation: "axpy") { try BLAS.axpy(alpha: 1, x: [S(1), 2], y: &y1) }
        #expect(y1 == [0], "a refused call leaves y alone")
        // Level 2: x against op(A).columns, y against op(A).rows; op(A) is named, transposed if asked.
        var y3 = [S](repeating: 0, count: 3), y2 = [S](repeating: 0, count: 2)
        expectShapeMismatch(lhs: s(3, 4), rhs: s(3, 1), operation: "gemv") { try BLAS.gemv(a, x: [S](repeating: 1, count: 3), y: &y3) }
        expectShapeMismatch(lhs: s(3, 4), rhs: s(2, 1), operation: "gemv") { try BLAS.gemv(a, x: [S](repeating: 1, count: 4), y: &y2) }
        expectShapeMismatch(lhs: s(4, 3), rhs: s(4, 1), operation: "gemv") {
            try BLAS.gemv(a, transpose: .transpose, x: [S](repeating: 1, count: 4), y: &y3)
        }
        expectShapeMismatch(lhs: s(4, 3), rhs: s(2, 1)) { _ = try BLAS.matrixVectorProduct(a, [S](repeating: 1, count: 2), transpose: .transpose) }
        // Level 3: op(A) against op(B), then the expected C against the given C.
        var c = try Matrix<S>(rows: 2, columns: 2)
        expectShapeMismatch(lhs: s(3, 4), rhs: s(5, 2), operation: "gemm") { try BLAS.gemm(a, b, into: &c) }
        expectShapeMismatch(lhs: s(4, 3), rhs: s(5, 2), operation: "gemm") { try BLAS.gemm(a, transposeA: .transpose, b, into: &c) }
        expectShapeMismatch(lhs: s(3, 4), rhs: s(2, 5), operation: "gemm") { try BLAS.gemm(a, b, transposeB: .transpose, into: &c) }
        expectShapeMismatch(lhs: s(3, 2), rhs: s(2, 2), operation: "gemm") { try BLAS.gemm(a, Matrix<S>(rows: 4, columns: 2), into: &c) }
        expectShapeMismatch(lhs: s(3, 4), rhs: s(5, 2)) { _ = try BLAS.matrixProduct(a, b) }
        expectShapeMismatch(lhs: s(4, 4), rhs: s(2, 2), operation: "syrk") { try BLAS.syrk(a, transpose: .transpose, into: &c) }
        expectShapeMismatch(lhs: s(3, 3), rhs: s(2, 2), operation: "syrk") { try BLAS.syrk(a, transpose: .none, into: &c) }
        #expect(c == (try Matrix<S>(rows: 2, columns: 2)), "a refused call leaves C alone")
        // LAPACK: A.rows against B.rows.
        expectShapeMismatch(lhs: s(3, 4), rhs: s(5, 2), operation: "leastSquaresQR") { _ = try LAPACK.leastSquaresQR(a, b) }
        expectShapeMismatch(lhs: s(3, 4), rhs: s(5, 2), operation: "leastSquaresSVD") { _ = try LAPACK.leastSquaresSVD(a, b) }
        expectShapeMismatch(lhs: s(3, 4), rhs: s(2, 1)) { _ = try LAPACK.leastSquaresQR(a, [S(1), 2]) }
        expectShapeMismatch(lhs: s(3, 4), rhs: s(2, 1)) { _ = try LAPACK.leastSquaresSVD(a, [S(1), 2]) }
        let chol = try LAPACK.cholesky(Matrix<S>.identity(2))
        expectShapeMismatch(lhs: s(2, 2), rhs: s(3, 1), operation: "cholesky solve") { _ = try chol.solve([S(1), 2, 3]) }
        expectShapeMismatch(lhs: s(2, 2), rhs: s(3, 4), operation: "cholesky solve") { _ = try chol.solve(Matrix<S>(rows: 3, columns: 4)) }
        // Construction.
        expectShapeMismatch(lhs: s(2, 2), rhs: s(3, 1), operation: "Matrix(rows:columns:elements:)") {
            _ = try Matrix<S>(rows: 2, columns: 2, elements: [1, 2, 3])
        }
        let ragged = expectShapeMismatch(lhs: s(1, 2), rhs: s(1, 1), operation: "Matrix([[Scalar]])") {
            _ = try Matrix<S>([[1, 2], [3, 4], [5]])
        }
        if case let .shapeMismatch(_, _, _, requirement)? = ragged {
            #expect(requirement.contains("row 2 has 1 elements"), "\(requirement)")
        }
        expectShapeMismatch(lhs: s(1, 0), rhs: s(1, 2)) { _ = try Matrix<S>([[], [1, 2]]) }
    }

    @Test("shape mismatches name both shapes (and the operation) for every BLAS, LAPACK and Matrix entry point",
          arguments: bothScalars)
    func shapeMismatches(_ type: any LinearAlgebraScalar.Type) throws { try checkShapeMismatches(type) }

    func checkIndices<S: LinearAlgebraScalar>(_: S.Type) throws {
        expectInvalidArgument("rows") { _ = try Matrix<S>(rows: -1, columns: 2) }
        expectInvalidArgument("columns") { _ = try Matrix<S>(rows: 2, columns: -3) }
        expectInvalidArgument("rows") { _ = try Matrix<S>(rows: -1, columns: 2, elements: []) }
        expectInvalidArgument("rows x columns") { _ = try Matrix<S>(rows: Int.max, columns: 2) }
        expectInvalidArgument("rows x columns") { _ = try Matrix<S>(rows: 1 << 40, columns: 1 << 10) }  // more than this machine's memory
        expectInvalidArgument("rows") { _ = try Matrix<S>.identity(-2) }

        var m = try Inputs.matrix(S.self, [[1, 2], [3, 4]])
        // (0, 2) would alias (1, 0) if the column were not checked on its own.
        for (row, column, parameter) in [(2, 0, "row"), (-1, 0, "row"), (0, 2, "column"), (0, -1, "column")] {
            let error = expectInvalidArgument(parameter) { _ = try m.element(row: row, column: column) }
            if let error { #expect("\(error)".contains("\(parameter == "row" ? row : column) is outside 0..<2")) }
            expectInvalidArgument(parameter) { try m.setElement(9, row: row, column: column) }
            expectInvalidArgument(parameter) { _ = try m.view.element(row: row, column: column) }
        }
        #expect(m.elements == [1, 2, 3, 4], "refused writes change nothing")
        expectInvalidArgument("rows") { _ = try m.rowBlock(1..<3) }
        expectInvalidArgument("rows") { _ = try m.rowBlock(-1..<1) }
        expectInvalidArgument("rows") { _ = try m.rowBlock(0..<1).rowBlock(0..<2) }  // checked against the view, not the parent
        expectInvalidArgument("row") { _ = try m.row(2) }
        expectInvalidArgument("row") { _ = try m.row(-1) }
        expectInvalidArgument("column") { _ = try m.column(2) }
        expectInvalidArgument("column") { _ = try m.column(-1) }
        expectInvalidArgument("row") { _ = try m.rowBlock(1..<2).row(1) }
        expectInvalidArgument("column") { _ = try Matrix<S>(rows: 3, columns: 0).column(0) }
    }

    @Test("construction and indexing refuse negative, overflowing and out-of-range values", arguments: bothScalars)
    func indices(_ type: any LinearAlgebraScalar.Type) throws { try checkIndices(type) }

    func checkNonFinite<S: LinearAlgebraScalar>(_: S.Type, _ bad: Double) throws {
        let value = S(bad)
        // Symmetric inputs: the bad value in the lower triangle at (2, 1).
        var spd = try Inputs.matrix(S.self, [[4, 1, 0], [1, 3, 0], [0, 0, 2]])
        spd[2, 1] = value
        expectNonFinite(row: 2, column: 1, value: bad, operation: "cholesky") { _ = try LAPACK.cholesky(spd) }
        expectNonFinite(row: 2, column: 1, value: bad, operation: "symmetricEigen") { _ = try LAPACK.symmetricEigen(spd) }
        expectNonFinite(row: 2, column: 1, value: bad) { _ = try LAPACK.symmetricEigen(spd, computeVectors: false) }
        // Least squares: in A at (4, 1), then in B at (2, 0) and in a two-column B at (3, 1).
        var a = try Inputs.uniform(S.self, 6, 2, seed: 130)
        a[4, 1] = value
        let y = try Inputs.vector(S.self, 6, seed: 131)
        expectNonFinite(row: 4, column: 1, value: bad, operation: "leastSquaresQR (A)") { _ = try LAPACK.leastSquaresQR(a, y) }
        expectNonFinite(row: 4, column: 1, value: bad, operation: "leastSquaresSVD (A)") { _ = try LAPACK.leastSquaresSVD(a, y) }
        let good = try Inputs.uniform(S.self, 6, 2, seed: 132)
        var badY = y
        badY[2] = value
        expectNonFinite(row: 2, column: 0, value: bad, operation: "leastSquaresQR (B)") { _ = try LAPACK.leastSquaresQR(good, badY) }
        expectNonFinite(row: 2, column: 0, value: bad, operation: "leastSquaresSVD (B)") { _ = try LAPACK.leastSquaresSVD(good, badY) }
        var badB = try Inputs.uniform(S.self, 6, 2, seed: 133)
        badB[3, 1] = value
        expectNonFinite(row: 3, column: 1, value: bad, operation: "leastSquaresQR (B)") { _ = try LAPACK.leastSquaresQR(good, badB) }
        expectNonFinite(row: 3, column: 1, value: bad, operation: "leastSquaresSVD (B)") { _ = try LAPACK.leastSquaresSVD(good, badB) }
        // A is checked before B; the first bad value in row-major order is the one named.
        expectNonFinite(row: 4, column: 1, value: bad, operation: "leastSquaresQR (A)") { _ = try LAPACK.leastSquaresQR(a, badB) }
        var twoBad = good
        twoBad[5, 0] = value
        twoBad[1, 1] = value
        expectNonFinite(row: 1, column: 1, value: bad) { _ = try LAPACK.leastSquaresSVD(twoBad, y) }
        // Cholesky solve: in B.
        let chol = try LAPACK.cholesky(Inputs.spd(S.self, 3, seed: 134))
        expectNonFinite(row: 1, column: 0, value: bad, operation: "cholesky solve (B)") { _ = try chol.solve([S(1), value, 2]) }
        var rhs = try Matrix<S>(rows: 3, columns: 2, repeating: 1)
        rhs[2, 1] = value
        expectNonFinite(row: 2, column: 1, value: bad, operation: "cholesky solve (B)") { _ = try chol.solve(rhs) }
    }

    @Test("NaN and infinities are refused naming the exact row and column, in A and in B",
          arguments: bothScalars, [Double.nan, .infinity, -.infinity])
    func nonFinite(_ type: any LinearAlgebraScalar.Type, value: Double) throws { try checkNonFinite(type, value) }

    func checkNotPositiveDefinite<S: LinearAlgebraScalar>(_: S.Type) throws {
        let routine = S.self == Float.self ? "spotrf" : "dpotrf"
        // (matrix, order of the first leading minor that is not positive definite)
        let cases: [([[Double]], Int)] = [
            ([[1, 2, 0], [2, 1, 0], [0, 0, 1]], 2),   // leading 2x2 minor 1 - 4 < 0
            ([[-1]], 1),
            ([[4, 2, 0], [2, 5, 0], [0, 0, -3]], 3),
            ([[1, 1], [1, 1]], 2),                     // semidefinite: the second pivot is exactly 0
        ]
        for (rows, info) in cases {
            let error = #expect(throws: LinearAlgebraError.self) { _ = try LAPACK.cholesky(Inputs.matrix(S.self, rows)) }
            guard case let .notPositiveDefinite(r, i)? = error else {
                Issue.record("expected notPositiveDefinite, got \(String(describing: error))")
                continue
            }
            #expect(r == routine && i == info, "\(rows): \(r) info \(i)")
            #expect("\(error!)".contains(routine) && "\(error!)".contains("info=\(info)"))
        }
    }

    @Test("not positive definite names potrf and the failing leading minor", arguments: bothScalars)
    func notPositiveDefinite(_ type: any LinearAlgebraScalar.Type) throws { try checkNotPositiveDefinite(type) }

    func checkSingular<S: LinearAlgebraScalar>(_: S.Type) throws {
        let routine = S.self == Float.self ? "sgels" : "dgels"
        // (A, 1-based position of the zero on the triangular factor's diagonal)
        let cases: [([[Double]], Int)] = [
            ([[1, 0], [2, 0], [3, 0]], 2),            // tall, zero second column: R[2, 2] = 0
            ([[0, 1], [0, 2], [0, 3]], 1),            // tall, zero first column
            ([[1, 0, 0], [0, 0, 0]], 2),              // wide, zero second row: L[2, 2] = 0
        ]
        for (rows, info) in cases {
            let a = try Inputs.matrix(S.self, rows)
            let error = #expect(throws: LinearAlgebraError.self) { _ = try LAPACK.leastSquaresQR(a, [S](repeating: 1, count: a.rows)) }
            guard case let .singular(r, i)? = error else {
                Issue.record("expected singular, got \(String(describing: error))")
                continue
            }
            #expect(r == routine && i == info, "\(rows): \(r) info \(i)")
            #expect("\(error!)".contains(routine) && "\(error!)".contains("SVD"), "the message points to the SVD solve")
            // ... which handles the same problem.
            #expect(try LAPACK.leastSquaresSVD(a, [S](repeating: 1, count: a.rows)).rank == 1)
        }
    }

    @Test("QR on an exactly rank-deficient matrix is .singular naming gels; the SVD solves it", arguments: bothScalars)
    func singular(_ type: any LinearAlgebraScalar.Type) throws { try checkSingular(type) }

    func checkInvalidArguments<S: LinearAlgebraScalar>(_: S.Type) throws {
        let rect = try Matrix<S>(rows: 2, columns: 3)
        for error in [expectInvalidArgument("A") { _ = try LAPACK.cholesky(rect) },
                      expectInvalidArgument("A") { _ = try LAPACK.symmetricEigen(rect) }] {
            if let error { #expect("\(error)".contains("2x3") && "\(error)".contains("square")) }
        }
        let a = try Inputs.uniform(S.self, 4, 2, seed: 140)
        let b = try Inputs.vector(S.self, 4, seed: 141)
        for cutoff in [S(-1), -S.ulpOfOne, .nan, .infinity] {
            expectInvalidArgument("cutoff") { _ = try LAPACK.leastSquaresSVD(a, b, cutoff: cutoff) }
        }
    }

    @Test("non-square Cholesky/eigen inputs and invalid SVD cutoffs", arguments: bothScalars)
    func invalidArguments(_ type: any LinearAlgebraScalar.Type) throws { try checkInvalidArguments(type) }

    @Test("thread counts outside 1...1024 are refused and change nothing; the runtime describes OpenBLAS")
    func threadCount() throws {
        // Held: tests run in parallel in one process, and the benchmark tests (BenchTests) change the
        // process-wide count while they run; unheld, this test read their 1 thread against its own
        // `before` of 2 (ErrorPathTests.swift: "BLASRuntime.threadCount → 1 == before → 2", 1 run in
        // 300 of ErrorPathTests and BenchRecordTests together).
        try BLASRuntime.withThreadCountHeld {
            let before = BLASRuntime.threadCount
            for count in [0, -1, 1025] {
                let error = expectInvalidArgument("threads") { try BLASRuntime.setThreadCount(count) }
                if let error { #expect("\(error)".contains("got \(count)")) }
            }
            #expect(BLASRuntime.threadCount == before)
            // A valid count is accepted. It is the current one: tests run in parallel, and changing the
            // process-wide count under the bit-reproducibility checks would make them flaky.
            try BLASRuntime.setThreadCount(before)
            #expect(BLASRuntime.threadCount == before && before >= 1)
        }
        #expect(BLASRuntime.version.hasPrefix("0."), "OpenBLAS version \(BLASRuntime.version)")
        #expect(!BLASRuntime.coreType.isEmpty && BLASRuntime.coreType != "unknown")
        if let requested = BLASRuntime.environment["OPENBLAS_CORETYPE"] {
            #expect(BLASRuntime.coreType.lowercased() == requested.lowercased(), "OpenBLAS runs the kernels it was asked for")
        }
        #expect(BLASRuntime.summary.hasPrefix("OpenBLAS \(BLASRuntime.version), core "))
    }

    @Test("withThreadCountHeld: another thread's setThreadCount waits for the hold; a throwing body still releases it")
    func threadCountHeld() {
        struct Stop: Error {}
        let changed = DispatchSemaphore(value: 0)
        let waiting = DispatchSemaphore(value: 0)
        BLASRuntime.withThreadCountHeld {
            let count = BLASRuntime.threadCount
            DispatchQueue.global().async {
                waiting.signal()
                try? BLASRuntime.setThreadCount(count)  // the same count: other tests' BLAS calls see no change
                changed.signal()
            }
            waiting.wait()
            // The other thread is at (or about to reach) setThreadCount; it cannot pass while held.
            #expect(changed.wait(timeout: .now() + .milliseconds(50)) == .timedOut, "setThreadCount ran during a hold")
            // Nested holds on the same thread do not deadlock; the restore leaves the count as found.
            #expect(throws: Stop.self) { try BLASRuntime.withThreadCountHeld { throw Stop() } }
            #expect(BLASRuntime.threadCount == count)
        }
        changed.wait()  // released after the hold ended (a throwing nested body did not keep it)
    }

    @Test("StreamBuffer refuses ranges outside either buffer and impossible sizes")
    func streamBufferRanges() throws {
        let a = try StreamBuffer(count: 10), short = try StreamBuffer(count: 5)
        for range in [5..<11, -1..<3, 10..<11, -3 ..< -1] {
            expectInvalidArgument("range") { _ = try a.sum(range) }
            expectInvalidArgument("range") { try a.fill(1, range) }
            expectInvalidArgument("range") { try a.scale(by: 2, range) }
            expectInvalidArgument("range") { try a.copy(from: short, range) }
            expectInvalidArgument("range") { try a.fillNonTemporal(1, range) }
            expectInvalidArgument("range") { try a.copyNonTemporal(from: short, range) }
        }
        // In range for the target but not for the (shorter) source.
        expectInvalidArgument("range") { try a.copy(from: short, 0..<6) }
        expectInvalidArgument("range") { try a.copyNonTemporal(from: short, 3..<8) }
        #expect((0..<10).allSatisfy { a.value(at: $0) == 0 }, "refused calls write nothing")
        expectInvalidArgument("count") { _ = try StreamBuffer(count: -1) }
        expectInvalidArgument("count") { _ = try StreamBuffer(count: Int.max / 4) }
    }

    @Test("descriptions say what to fix: shapes, row and column, routine and info")
    func descriptions() {
        let mismatch = LinearAlgebraError.shapeMismatch(operation: "gemm", lhs: Shape(rows: 3, columns: 4),
                                                        rhs: Shape(rows: 5, columns: 2), requirement: "op(A).columns must equal op(B).rows")
        #expect(mismatch.description == "gemm: shape mismatch between 3x4 and 5x2 (op(A).columns must equal op(B).rows)")
        let nonFinite = LinearAlgebraError.nonFinite(operation: "cholesky", row: 2, column: 1, value: .nan)
        #expect(nonFinite.description.contains("row 2, column 1") && nonFinite.description.contains("nan"))
        #expect(LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", info: 2).description.contains("order 2"))
        #expect(LinearAlgebraError.singular(routine: "dgels", info: 3).description.contains("position 3"))
        #expect(LinearAlgebraError.didNotConverge(routine: "dgelsd", info: 4).description == "dgelsd: algorithm did not converge (info=4)")
        #expect(LinearAlgebraError.invalidArgument(parameter: "rows", reason: "must be >= 0, got -1").description
                == "invalid argument 'rows': must be >= 0, got -1")
        #expect(LinearAlgebraError.lapackFailure(routine: "dgels", info: -1010).description.contains("allocate"))
        let illegal = LinearAlgebraError.lapackFailure(routine: "dsyevd", info: -3).description
        #expect(illegal.contains("argument 3") && illegal.contains("bug"))
    }
}

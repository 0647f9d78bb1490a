import Testing
@testable import LinearAlgebra

/// `ColumnKernels.extremes` (the C scan behind MinMaxScaler and MaxAbsScaler's fit) against the
/// reference it promises to equal bit for bit: `ColumnKernels.scan` over the same fixed blocks,
/// merged left to right with `Swift.min` / `Swift.max` (what `MomentsSummary.fit` does). Widths
/// cover the C kernel's register path (up to 32 columns: strips of 32 and of 8, scalar tails) and
/// its row-by-row path (over 32, with and without a tail); blocks of 7 rows straddle thread
/// boundaries; Float and Double.
@Suite("Column extremes (C scan) against per-block scan merges")
struct ColumnExtremesTests {
    static let shapes: [Dims] = [Dims(1, 1), Dims(1, 33), Dims(2, 5), Dims(37, 7), Dims(130, 8), Dims(257, 17), Dims(64, 24),
                                 Dims(300, 32), Dims(41, 40), Dims(70, 67), Dims(20, 256), Dims(9, 1030)]
    static let threadCounts = [1, 2, 3]

    /// Values in [-3, 3], NaN at a fixed pattern, and signed zeros mixed in (their order decides
    /// which zero a minimum or maximum keeps, so it is part of what must match).
    static func data<S: LinearAlgebraScalar>(_: S.Type, _ d: Dims, nanEvery: Int) throws -> Matrix<S> {
        let m = try Inputs.uniform(S.self, d.rows, d.columns, seed: UInt64(d.rows * 131 + d.columns))
        var e = m.elements.map { ($0 * 3).rounded() }  // many exact ties, many zeros of both signs
        for k in e.indices where e[k] == 0 { e[k] = k % 3 == 0 ? -0.0 : 0.0 }
        if nanEvery > 0 { for k in stride(from: 1, to: e.count, by: nanEvery) { e[k] = .nan } }
        return try Matrix(rows: d.rows, columns: d.columns, elements: e)
    }

    /// The reference: `scan` per block, merged in block order with Swift.min / Swift.max.
    static func reference<S: LinearAlgebraScalar>(_ x: Matrix<S>, blockRows: Int) throws -> ColumnKernels.Extremes {
        let n = x.columns
        var nans = [Int](repeating: 0, count: n)
        var lo = [Double](repeating: .infinity, count: n), hi = [Double](repeating: -.infinity, count: n)
        for range in ParallelRows.blocks(rows: x.rows, blockRows: blockRows) {
            var c = [Int](repeating: 0, count: n)
            var l = [Double](repeating: .infinity, count: n), h = [Double](repeating: -.infinity, count: n)
            #expect(try ColumnKernels.scan(x.view.rowBlock(range), nanCount: &c, minimum: &l, maximum: &h) == nil)
            for j in 0..<n {
                nans[j] += c[j]
                lo[j] = Swift.min(lo[j], l[j])
                hi[j] = Swift.max(hi[j], h[j])
            }
        }
        return ColumnKernels.Extremes(nanCount: nans, minimum: lo, maximum: hi)
    }

    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    static func expectSame(_ got: Result<ColumnKernels.Extremes, ColumnKernels.InfiniteEntry>, _ expected: ColumnKernels.Extremes) {
        guard case .success(let e) = got else {
            Issue.record("unexpected infinity \(got)")
            return
        }
        #expect(e.nanCount == expected.nanCount)
        #expect(same(e.minimum, expected.minimum))
        #expect(same(e.maximum, expected.maximum))
    }

    func matchCase<S: LinearAlgebraScalar>(_: S.Type, _ d: Dims, threads: Int) throws {
        for nanEvery in [0, 11] {
            let x = try Self.data(S.self, d, nanEvery: nanEvery)
            for blockRows in [7, 4096] {
                let expected = try Self.reference(x, blockRows: blockRows)
                Self.expectSame(try ColumnKernels.extremes(x.view, blockRows: blockRows, threads: threads), expected)
            }
        }
    }

    @Test("bit-identical to scan per block merged in order, any thread count", arguments: shapes, threadCounts)
    func matches(_ d: Dims, _ threads: Int) throws {
        try matchCase(Float.self, d, threads: threads)
        try matchCase(Double.self, d, threads: threads)
    }

    func nanCase<S: LinearAlgebraScalar>(_: S.Type, columns n: Int) throws {
        // Column 1 all NaN; column 0 NaN in the first and last rows only; one row alone.
        let rows = 23
        var e = [S](repeating: 0, count: rows * n)
        for i in 0..<rows { for j in 0..<n { e[i * n + j] = S(i * n + j) - 100 } }
        for i in 0..<rows { e[i * n + 1] = .nan }
        e[0] = .nan
        e[(rows - 1) * n] = .nan
        let x = try Matrix(rows: rows, columns: n, elements: e)
        for threads in Self.threadCounts {
            guard case .success(let r) = try ColumnKernels.extremes(x.view, blockRows: 5, threads: threads) else {
                Issue.record("unexpected infinity")
                return
            }
            #expect(r.nanCount[0] == 2 && r.nanCount[1] == rows)
            #expect(r.minimum[0] == Double(n) - 100 && r.maximum[0] == Double((rows - 2) * n) - 100)
            #expect(r.minimum[1] == .infinity && r.maximum[1] == -.infinity)
            for j in 2..<n {
                #expect(r.nanCount[j] == 0 && r.minimum[j] == Double(j) - 100 && r.maximum[j] == Double((rows - 1) * n + j) - 100)
            }
        }
        let one = try Matrix(rows: 1, columns: n, elements: Array(e[(rows - 1) * n..<(rows * n)]))
        guard case .success(let r) = try ColumnKernels.extremes(one.view, threads: 2) else {
            Issue.record("unexpected infinity")
            return
        }
        #expect(r.nanCount[0] == 1 && r.minimum[0] == .infinity && r.maximum[0] == -.infinity)
        #expect(r.nanCount[1] == 1)
        for j in 2..<n { #expect(Double(one.elements[j]) == r.minimum[j] && r.minimum[j] == r.maximum[j]) }
    }

    @Test("NaN positions, an all-NaN column and a single row, widths off the vector width", arguments: [2, 3, 9, 13, 32, 35, 47])
    func nan(_ n: Int) throws {
        try nanCase(Float.self, columns: n)
        try nanCase(Double.self, columns: n)
    }

    func infinityCase<S: LinearAlgebraScalar>(_: S.Type, columns n: Int) throws {
        let rows = 60
        var e = try Self.data(S.self, Dims(rows, n), nanEvery: 7).elements
        // The first infinity in row order is at (41, n - 1); a later one in an earlier column, and
        // NaN before both, must not win.
        e[41 * n + (n - 1)] = -.infinity
        e[50 * n] = .infinity
        e[30 * n + (n - 1)] = .nan
        let x = try Matrix(rows: rows, columns: n, elements: e)
        for threads in Self.threadCounts {
            for blockRows in [1, 8, 4096] {
                let got = try ColumnKernels.extremes(x.view, blockRows: blockRows, threads: threads)
                #expect(got == .failure(ColumnKernels.InfiniteEntry(row: 41, column: n - 1, value: -.infinity)))
            }
        }
    }

    @Test("±infinity is reported at its global row and column (first in row order)", arguments: [1, 5, 8, 32, 33, 40])
    func infinity(_ n: Int) throws {
        try infinityCase(Float.self, columns: n)
        try infinityCase(Double.self, columns: n)
    }

    @Test("empty shapes and a bad block height")
    func edges() throws {
        for d in [Dims(0, 3), Dims(4, 0), Dims(0, 0)] {
            let x = try Matrix<Double>(rows: d.rows, columns: d.columns)
            let got = try ColumnKernels.extremes(x.view, threads: 2)
            #expect(got == .success(ColumnKernels.Extremes(nanCount: Array(repeating: 0, count: d.columns),
                                                           minimum: Array(repeating: .infinity, count: d.columns),
                                                           maximum: Array(repeating: -.infinity, count: d.columns))))
        }
        #expect(throws: LinearAlgebraError.self) { try ColumnKernels.extremes(Matrix<Float>(rows: 2, columns: 2).view, blockRows: 0) }
    }

    @Test("a row block of a larger matrix (a view that starts mid-storage)")
    func view() throws {
        let x = try Self.data(Double.self, Dims(90, 12), nanEvery: 5)
        let block = try x.view.rowBlock(13..<77)
        let copy = try Matrix(rows: 64, columns: 12, elements: Array(x.elements[(13 * 12)..<(77 * 12)]))
        Self.expectSame(try ColumnKernels.extremes(block, blockRows: 9, threads: 2), try Self.reference(copy, blockRows: 9))
    }
}

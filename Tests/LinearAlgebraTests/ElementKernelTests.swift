import Testing
@testable import LinearAlgebra

/// The C element kernels (affine map, NaN fill, edge counting) behind the scalers, SimpleImputer and
/// KBinsDiscretizer, against plain Swift loops: bit-identical results for Float and Double, for
/// shapes whose rows straddle block and thread boundaries and whose columns leave vector tails
/// (widths 8 and 16), 0 and 1 rows, and the same first flagged entry. `affineParallel` writes a
/// fresh output with the streaming (non-temporal) kernel up to 1,024 columns; blocks of 7 rows start
/// at every alignment, so its scalar head and tail are covered.
@Suite("Element kernels (affine, NaN fill, edge count, brackets) against naive loops")
struct ElementKernelTests {
    static let shapes: [Dims] = [Dims(0, 5), Dims(1, 1), Dims(1, 33), Dims(37, 7), Dims(130, 8), Dims(257, 17), Dims(300, 32), Dims(5, 0),
                                  // widths below one vector and past the streaming kernel's 1,024 columns
                                  Dims(53, 3), Dims(64, 24), Dims(9, 1030)]
    static let threadCounts = [1, 2, 3]

    /// Values in [-3, 3] with NaN sprinkled at a fixed pattern.
    static func data<S: LinearAlgebraScalar>(_: S.Type, _ d: Dims, nanEvery: Int = 0) throws -> Matrix<S> {
        var m = try Inputs.uniform(S.self, d.rows, d.columns, seed: UInt64(d.rows * 131 + d.columns))
        var e = m.elements.map { $0 * 3 }
        if nanEvery > 0 { for k in stride(from: 1, to: e.count, by: nanEvery) { e[k] = .nan } }
        m = try Matrix(rows: d.rows, columns: d.columns, elements: e)
        return m
    }

    static func same<S: LinearAlgebraScalar>(_ a: [S], _ b: [S]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern(equals: $1) }
    }

    func affineCase<S: LinearAlgebraScalar>(_: S.Type, _ d: Dims, threads: Int) throws {
        let x = try Self.data(S.self, d, nanEvery: 11)
        let n = d.columns
        let a = (0..<n).map { S($0) * S(0.25) - 1 }, f = (0..<n).map { S(1) / S($0 + 3) }, c = (0..<n).map { S($0 % 3) }
        var expected = x.elements
        for i in 0..<d.rows { for j in 0..<n { expected[i * n + j] = (x.elements[i * n + j] - a[j]) * f[j] + c[j] } }
        let (y, bad) = try ColumnKernels.affineParallel(x, offset: a, factor: f, shift: c, blockRows: 7, threads: threads)
        #expect(bad == nil)
        #expect(y.rows == d.rows && y.columns == n)
        #expect(Self.same(y.elements, expected))
        var z = x
        #expect(try ColumnKernels.affineInPlace(&z, offset: a, factor: f, shift: c, blockRows: 5, threads: threads) == nil)
        #expect(Self.same(z.elements, expected))
    }

    @Test("affine map into a new matrix and in place: bit-identical to the Swift expression", arguments: shapes, threadCounts)
    func affine(_ d: Dims, _ threads: Int) throws {
        try affineCase(Float.self, d, threads: threads)
        try affineCase(Double.self, d, threads: threads)
    }

    func affineFlagCase<S: LinearAlgebraScalar>(_: S.Type) throws {
        let d = Dims(100, 9)
        var e = try Self.data(S.self, d).elements
        e[61 * 9 + 4] = -.infinity
        e[80 * 9 + 2] = .infinity
        let x = try Matrix(rows: d.rows, columns: d.columns, elements: e)
        let ones = [S](repeating: 1, count: 9), zeros = [S](repeating: 0, count: 9)
        for threads in Self.threadCounts {
            let (_, bad) = try ColumnKernels.affineParallel(x, offset: zeros, factor: ones, shift: zeros, blockRows: 8, threads: threads)
            #expect(bad == ColumnKernels.InfiniteEntry(row: 61, column: 4, value: -.infinity))
            var z = x
            #expect(try ColumnKernels.affineInPlace(&z, offset: zeros, factor: ones, shift: zeros, blockRows: 8, threads: threads)
                    == ColumnKernels.InfiniteEntry(row: 61, column: 4, value: -.infinity))
            // Overflow of a finite input is flagged with the input value.
            let big = [S](repeating: S.greatestFiniteMagnitude / 2, count: 9)
            let (_, over) = try ColumnKernels.affineParallel(try Matrix(rows: 2, columns: 9, elements: [S](repeating: 4, count: 18)),
                                                             offset: zeros, factor: big, shift: zeros, threads: threads)
            #expect(over == ColumnKernels.InfiniteEntry(row: 0, column: 0, value: 4))
        }
    }

    @Test("affine map: the first infinity in row order, whatever the threads; overflow names the input")
    func affineFlags() throws {
        try affineFlagCase(Float.self)
        try affineFlagCase(Double.self)
    }

    func imputeCase<S: LinearAlgebraScalar>(_: S.Type, _ d: Dims, threads: Int) throws {
        let x = try Self.data(S.self, d, nanEvery: 5)
        let n = d.columns
        let fill = (0..<n).map { S($0) + S(0.5) }
        let layouts: [(kept: [Int], indicators: [Int])] = [
            (Array(0..<n), []),
            (Array(0..<n), Array(stride(from: 0, to: n, by: 2))),
            (Array(stride(from: 1, to: n, by: 2)), Array(0..<Swift.min(n, 3))),
        ]
        for (kept, indicators) in layouts {
            let width = kept.count + indicators.count
            var expected: [S] = []
            for i in 0..<d.rows {
                for j in kept { let v = x.elements[i * n + j]; expected.append(v.isNaN ? fill[j] : v) }
                for j in indicators { expected.append(x.elements[i * n + j].isNaN ? 1 : 0) }
            }
            let (y, bad) = try RowKernels.impute(x, fill: fill, kept: kept, indicators: indicators, blockRows: 6, threads: threads)
            #expect(bad == nil)
            #expect(y.rows == d.rows && y.columns == width)
            #expect(Self.same(y.elements, expected))
        }
    }

    @Test("NaN fill (all columns, kept subsets, indicators): the naive loop's values", arguments: shapes, threadCounts)
    func impute(_ d: Dims, _ threads: Int) throws {
        try imputeCase(Float.self, d, threads: threads)
        try imputeCase(Double.self, d, threads: threads)
    }

    @Test("NaN fill flags the first infinity, also in a column that is not kept", arguments: threadCounts)
    func imputeFlags(_ threads: Int) throws {
        var e = try Self.data(Double.self, Dims(90, 10), nanEvery: 4).elements
        e[77 * 10 + 9] = .infinity
        e[40 * 10 + 0] = -.infinity
        let x = try Matrix(rows: 90, columns: 10, elements: e)
        let fill = [Double](repeating: 0, count: 10)
        let (_, all) = try RowKernels.impute(x, fill: fill, kept: Array(0..<10), indicators: [], blockRows: 16, threads: threads)
        #expect(all == RowKernels.Flag(row: 40, column: 0, value: -.infinity, inInput: true))
        let (_, some) = try RowKernels.impute(x, fill: fill, kept: [3, 4], indicators: [5], blockRows: 16, threads: threads)
        #expect(some == RowKernels.Flag(row: 40, column: 0, value: -.infinity, inInput: true))
        #expect(throws: LinearAlgebraError.self) { try RowKernels.impute(x, fill: [1], kept: [0], indicators: [], threads: threads) }
        #expect(throws: LinearAlgebraError.self) { try RowKernels.impute(x, fill: fill, kept: [10], indicators: [], threads: threads) }
    }

    func countCase<S: LinearAlgebraScalar>(_: S.Type, _ d: Dims, threads: Int) throws {
        let x = try Self.data(S.self, d)
        let n = d.columns
        for levelCount in [0, 1, 4, 16] {
            var levels = [Double](repeating: .infinity, count: levelCount * n)
            for j in 0..<n {
                // Column j has j % (levelCount + 1) real edges, ascending, the rest padding.
                let real = levelCount == 0 ? 0 : j % (levelCount + 1)
                for e in 0..<real { levels[e * n + j] = -2.5 + 5 * Double(e) / Double(Swift.max(real, 1)) }
            }
            // An edge equal to a value: `<=` puts the value above the edge.
            if levelCount > 0 && d.rows > 0 && n > 1 { levels[0 * n + 1] = Double(x.elements[1]) }
            var expected: [S] = []
            for i in 0..<d.rows {
                for j in 0..<n {
                    let v = Double(x.elements[i * n + j])
                    expected.append(S((0..<levelCount).filter { levels[$0 * n + j] <= v }.count))
                }
            }
            let (y, bad) = try RowKernels.countEdges(x, levels: levels, levelCount: levelCount, blockRows: 9, threads: threads)
            #expect(bad == nil)
            #expect(Self.same(y.elements, expected))
        }
    }

    @Test("edge counting: searchsorted(edges, x, side='right') per column", arguments: shapes, threadCounts)
    func countEdges(_ d: Dims, _ threads: Int) throws {
        try countCase(Float.self, d, threads: threads)
        try countCase(Double.self, d, threads: threads)
    }

    @Test("edge counting flags the first NaN or infinity in row order", arguments: threadCounts)
    func countFlags(_ threads: Int) throws {
        var e = try Self.data(Float.self, Dims(50, 12)).elements
        e[30 * 12 + 11] = .nan
        e[44 * 12 + 1] = .infinity
        let x = try Matrix(rows: 50, columns: 12, elements: e)
        let levels = [Double](repeating: 0, count: 12)
        let (_, bad) = try RowKernels.countEdges(x, levels: levels, levelCount: 1, blockRows: 4, threads: threads)
        #expect(bad?.row == 30 && bad?.column == 11 && bad?.value.isNaN == true)
        #expect(throws: LinearAlgebraError.self) { try RowKernels.countEdges(x, levels: levels, levelCount: 2, threads: threads) }
    }

    @Test("bracket counts and gather against filters")
    func brackets() throws {
        let values = try Inputs.uniform(Double.self, 1000, 1, seed: 3).elements
        let lows = [-0.5, 0.1, 0.1], highs = [-0.2, 0.3, 0.4]
        let range = 100..<900
        let part = Array(values[range])
        let counted = try ColumnKernels.bracketCounts(values, range: range, lows: lows, highs: highs)
        #expect(counted.minimum == part.min() && counted.maximum == part.max())
        for c in 0..<3 {
            #expect(counted.below[c] == part.filter { $0 < lows[c] }.count)
            #expect(counted.inside[c] == part.filter { $0 >= lows[c] && $0 <= highs[c] }.count)
        }
        let gathered = try ColumnKernels.bracketGather(values, range: range, lows: lows, highs: highs, capacities: counted.inside)
        for c in 0..<3 {
            let got = Array(gathered.buffer[gathered.offsets[c]..<(gathered.offsets[c] + gathered.counts[c])])
            #expect(got == part.filter { $0 >= lows[c] && $0 <= highs[c] })
        }
        // Capacities cap what is kept; empty inputs and lists are fine; bad ranges throw.
        let capped = try ColumnKernels.bracketGather(values, range: range, lows: lows, highs: highs, capacities: [1, 0, 2])
        #expect(capped.counts == [1, 0, 2])
        #expect(try ColumnKernels.bracketCounts(values, range: 5..<5, lows: [], highs: []).below.isEmpty)
        #expect(throws: LinearAlgebraError.self) { try ColumnKernels.bracketCounts(values, range: 0..<1001, lows: [], highs: []) }
        #expect(throws: LinearAlgebraError.self) { try ColumnKernels.bracketGather(values, range: 0..<10, lows: [0], highs: [1], capacities: [-1]) }
    }
}

private extension LinearAlgebraScalar {
    /// Bit-identical, NaN equal to NaN.
    func bitPattern(equals other: Self) -> Bool {
        (self.isNaN && other.isNaN) || (self == other && self.sign == other.sign)
    }
}

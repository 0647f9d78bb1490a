import LinearAlgebra

/// The binning loop of KBinsDiscretizer: per value, the number of inner edges `<= x`.
enum BinKernels {
    /// A value binning cannot take (NaN or ±infinity), by row and column.
    struct BadValue { let row: Int; let column: Int; let value: Double }

    static let blockRows = 4096

    /// Bins `x` into ordinal indices or one-hot codes over fixed row blocks on `threads` threads.
    static func bin<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, innerEdges: [[Double]], oneHot: Bool, nBins: [Int], threads: Int
    ) throws -> (output: Matrix<Scalar>, bad: BadValue?) {
        // Concrete dispatch so the loop is specialised (see MomentsSummary.summarize).
        if let x = x as? Matrix<Double> {
            let r = try binConcrete(x, innerEdges: innerEdges, oneHot: oneHot, nBins: nBins, threads: threads)
            if let out = r.output as? Matrix<Scalar> { return (out, r.bad) }
        }
        if let x = x as? Matrix<Float> {
            let r = try binConcrete(x, innerEdges: innerEdges, oneHot: oneHot, nBins: nBins, threads: threads)
            if let out = r.output as? Matrix<Scalar> { return (out, r.bad) }
        }
        return try binConcrete(x, innerEdges: innerEdges, oneHot: oneHot, nBins: nBins, threads: threads)
    }

    private static func binConcrete<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, innerEdges: [[Double]], oneHot: Bool, nBins: [Int], threads: Int
    ) throws -> (output: Matrix<Scalar>, bad: BadValue?) {
        let n = x.columns, rows = x.rows
        let width = oneHot ? nBins.reduce(0, +) : n
        let offsets = prefixSums(nBins)
        // Edges of all columns back to back, with each column's start and count.
        let flatEdges = innerEdges.flatMap { $0 }
        let edgeStart = prefixSums(innerEdges.map(\.count))
        let edgeCount = innerEdges.map(\.count)
        let elements = x.elements
        let blocks = ParallelRows.blocks(rows: rows, blockRows: blockRows)
        let levelCount = edgeCount.max() ?? 0
        if !oneHot && levelCount <= 16 {
            // Ordinal with few edges (the common case): the branch-free LinearAlgebra kernel counts
            // the edges <= x across each row's columns (vectorised) straight into a fresh output.
            var levels = [Double](repeating: .infinity, count: levelCount &* n)
            for j in 0..<n { for (e, edge) in innerEdges[j].enumerated() { levels[e &* n &+ j] = edge } }
            let (output, flag) = try RowKernels.countEdges(x, levels: levels, levelCount: levelCount, blockRows: blockRows, threads: threads)
            return (output, flag.map { BadValue(row: $0.row, column: $0.column, value: $0.value) })
        }
        if levelCount <= 16 {
            // Few edges (the common case): edges stored level-major, `levels[e * n + j]` = edge e
            // of column j, padded with +inf (never <= a finite value), so each row's bins are
            // counted by contiguous passes across the columns (vectorisable).
            var levelsBuilder = [Double](repeating: .infinity, count: levelCount &* n)
            for j in 0..<n { for (e, edge) in innerEdges[j].enumerated() { levelsBuilder[e &* n &+ j] = edge } }
            let levels = levelsBuilder
            let parts: [(values: [Scalar], bad: BadValue?)] = try ParallelRows.map(count: blocks.count, threads: threads) { b in
                let range = blocks[b]
                var outArray = [Scalar](repeating: 0, count: range.count &* width)
                var countsArray = [Int](repeating: 0, count: n)
                var out = outArray.mutableSpan
                var counts = countsArray.mutableSpan
                let source = elements.span, edges = levels.span, offset = offsets.span
                var bad: BadValue?
                var o = 0
                for i in range {
                    let rowStart = i &* n
                    var finite = true
                    for j in 0..<n {
                        counts[j] = 0
                        finite = finite && source[rowStart &+ j].isFinite
                    }
                    if !finite {
                        if bad == nil, let j = (0..<n).first(where: { !source[rowStart &+ $0].isFinite }) {
                            bad = BadValue(row: i, column: j, value: Double(source[rowStart &+ j]))
                        }
                        o &+= width
                        continue
                    }
                    for e in 0..<levelCount {
                        let base = e &* n
                        for j in 0..<n { counts[j] &+= edges[base &+ j] <= Double(source[rowStart &+ j]) ? 1 : 0 }
                    }
                    if oneHot {
                        for j in 0..<n { out[o &+ offset[j] &+ counts[j]] = 1 }
                    } else {
                        for j in 0..<n { out[o &+ j] = Scalar(counts[j]) }
                    }
                    o &+= width
                }
                _ = consume out
                _ = consume counts
                return (outArray, bad)
            }
            return try BlockOutput.join(parts, rows: rows, width: width, threads: threads)
        }
        let parts: [(values: [Scalar], bad: BadValue?)] = try ParallelRows.map(count: blocks.count, threads: threads) { b in
            let range = blocks[b]
            var outArray = [Scalar](repeating: 0, count: range.count &* width)
            var out = outArray.mutableSpan
            let source = elements.span, edges = flatEdges.span
            var bad: BadValue?
            var o = 0
            for i in range {
                let rowStart = i &* n
                for j in 0..<n {
                    let v = Double(source[rowStart &+ j])
                    if !v.isFinite {
                        if bad == nil { bad = BadValue(row: i, column: j, value: v) }
                        continue
                    }
                    let start = edgeStart[j], count = edgeCount[j]
                    var k = 0
                    if count <= 16 {
                        for e in 0..<count { k &+= edges[start &+ e] <= v ? 1 : 0 }
                    } else {
                        var lo = 0, hi = count
                        while lo < hi {
                            let mid = (lo &+ hi) >> 1
                            if edges[start &+ mid] <= v { lo = mid &+ 1 } else { hi = mid }
                        }
                        k = lo
                    }
                    if oneHot { out[o &+ offsets[j] &+ k] = 1 } else { out[o &+ j] = Scalar(k) }
                }
                o &+= width
            }
            _ = consume out
            return (outArray, bad)
        }
        return try BlockOutput.join(parts, rows: rows, width: width, threads: threads)
    }

    /// `[0, a0, a0 + a1, ...]` (one entry per element).
    static func prefixSums(_ a: [Int]) -> [Int] {
        var out = [Int](), total = 0
        for v in a { out.append(total); total += v }
        return out
    }

    /// The first row whose value in `column` is NaN (0 if none).
    static func firstNaNRow<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, column: Int) throws -> Int {
        let c = try x.column(column)
        return c.firstIndex(where: { $0.isNaN }) ?? 0
    }
}

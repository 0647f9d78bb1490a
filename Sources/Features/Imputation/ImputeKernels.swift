import LinearAlgebra

/// The imputation loop: `y = isnan(x) ? fill : x` on the kept columns, then 0/1 indicators.
enum ImputeKernels {
    struct BadValue { let row: Int; let column: Int; let value: Double }

    static let blockRows = 4096

    static func impute<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, fill: [Double], kept: [Int], indicators: [Int], threads: Int
    ) throws -> (output: Matrix<Scalar>, bad: BadValue?) {
        // Concrete dispatch so the loop is specialised (see MomentsSummary.summarize).
        if let x = x as? Matrix<Double> {
            let r = try imputeConcrete(x, fill: fill, kept: kept, indicators: indicators, threads: threads)
            if let out = r.output as? Matrix<Scalar> { return (out, r.bad) }
        }
        if let x = x as? Matrix<Float> {
            let r = try imputeConcrete(x, fill: fill, kept: kept, indicators: indicators, threads: threads)
            if let out = r.output as? Matrix<Scalar> { return (out, r.bad) }
        }
        return try imputeConcrete(x, fill: fill, kept: kept, indicators: indicators, threads: threads)
    }

    private static func imputeConcrete<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, fill: [Double], kept: [Int], indicators: [Int], threads: Int
    ) throws -> (output: Matrix<Scalar>, bad: BadValue?) {
        let n = x.columns, rows = x.rows
        let width = kept.count + indicators.count
        let allKept = kept.count == n
        let fills = fill.map { Scalar($0) }
        let elements = x.elements
        let blocks = ParallelRows.blocks(rows: rows, blockRows: blockRows)
        let parts: [(values: [Scalar], bad: BadValue?)] = try ParallelRows.map(count: blocks.count, threads: threads) { b in
            let range = blocks[b]
            var outArray = [Scalar](repeating: 0, count: range.count &* width)
            var out = outArray.mutableSpan
            let source = elements.span, fill = fills.span
            var largest: Scalar = 0
            var o = 0
            for i in range {
                let rowStart = i &* n
                if allKept {
                    for j in 0..<n {
                        let v = source[rowStart &+ j]
                        let m = abs(v)
                        largest = m > largest ? m : largest  // NaN never wins
                        out[o &+ j] = v.isNaN ? fill[j] : v
                    }
                } else {
                    for (c, j) in kept.enumerated() {
                        let v = source[rowStart &+ j]
                        let m = abs(v)
                        largest = m > largest ? m : largest
                        out[o &+ c] = v.isNaN ? fill[j] : v
                    }
                }
                for (c, j) in indicators.enumerated() {
                    out[o &+ kept.count &+ c] = source[rowStart &+ j].isNaN ? 1 : 0
                }
                o &+= width
            }
            _ = consume out
            var bad: BadValue?
            // Any column (kept or dropped) with an infinity is refused, as scikit-learn's validation.
            if largest == .infinity || n > kept.count {
                outer: for i in range {
                    for j in 0..<n where elements[i &* n &+ j].isInfinite {
                        bad = BadValue(row: i, column: j, value: Double(elements[i &* n &+ j])); break outer
                    }
                }
            }
            return (outArray, bad)
        }
        return try BlockOutput.join(parts, rows: rows, width: width, threads: threads)
    }
}

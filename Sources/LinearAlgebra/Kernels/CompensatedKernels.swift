/// Residuals and gradients of a linear model in double-double arithmetic (about 106 significant
/// bits), for iterative refinement of least-squares solutions.
///
/// Building blocks (Ogita, Rump and Oishi 2005, "Accurate sum and dot product"): `TwoSum` gives the
/// exact rounding error of an addition; `TwoProduct` the exact error of a product through a fused
/// multiply-add. A dot product accumulated with both is as accurate as if computed in twice the
/// working precision and then rounded.
public enum CompensatedKernels {
    /// `sum_i w_i r_i`, `sum_i w_i x_ij r_i` and `sum_i w_i r_i^2` for `r = y - b0 - X b`.
    public struct ResidualGradient: Sendable, Equatable {
        /// `sum_i w_i r_i` (the intercept's gradient), accurate to about 2 ulps of the result plus
        /// `eps^2 sum_i |w_i r_i|`.
        public let residualSum: Double
        /// `sum_i w_i x_ij r_i` per column, with the same accuracy.
        public let gradient: [Double]
        /// `sum_i w_i r_i^2` (ordinary double accumulation of the accurately computed residuals).
        public let residualSumOfSquares: Double
    }

    @inlinable @inline(__always)
    internal static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    @inlinable @inline(__always)
    internal static func twoSum4(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> (SIMD4<Double>, SIMD4<Double>) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    @inlinable @inline(__always)
    internal static func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
        let p = a * b
        return (p, (-p).addingProduct(a, b))
    }

    /// The residuals `r_i = y_i - intercept - sum_j x_ij b_j` (each as a double-double rounded to the
    /// nearest double pair) and, in the same pass, the weighted gradient sums. Rows are processed
    /// in fixed blocks of `blockRows` whose partial sums are added in block order, so the result does
    /// not depend on `threads`.
    /// - Throws: `.shapeMismatch` when `y`, `weights` or `coefficients` do not fit `x`.
    /// - Complexity: about 25 flops per element of `x`; one allocation per block.
    public static func residualGradient(
        x: some DenseMatrix<Double>, y: [Double], weights: [Double]?, coefficients: [Double], intercept: Double,
        blockRows: Int = 2048, threads: Int = 1
    ) throws -> ResidualGradient {
        let x = x.view
        let (m, n) = (x.rows, x.columns)
        guard y.count == m else {
            throw LinearAlgebraError.shapeMismatch(operation: "residualGradient", lhs: x.shape, rhs: Shape(rows: y.count, columns: 1), requirement: "y.count must equal X.rows")
        }
        if let weights, weights.count != m {
            throw LinearAlgebraError.shapeMismatch(operation: "residualGradient", lhs: x.shape, rhs: Shape(rows: weights.count, columns: 1), requirement: "weights.count must equal X.rows")
        }
        guard coefficients.count == n else {
            throw LinearAlgebraError.shapeMismatch(operation: "residualGradient", lhs: x.shape, rhs: Shape(rows: coefficients.count, columns: 1), requirement: "coefficients.count must equal X.columns")
        }
        let blocks = ParallelRows.blocks(rows: m, blockRows: Swift.max(blockRows, 1))
        let stride = x.rowStride
        // Partial sums per block: [hi_0..hi_n, lo_0..lo_n, rss]; index n holds the intercept's sum.
        let partials: [[Double]] = try x.withUnsafeBaseAddress { base in
            let address = UnsafeSendablePointer(base)
            return try ParallelRows.map(count: blocks.count, threads: threads) { b in
                // Columns in SIMD4 lanes (j = 4k .. 4k+3), then a scalar tail; the lanes of the
                // residual's sum are combined in a fixed order, so the result is deterministic.
                var hi = [Double](repeating: 0, count: n &+ 1)
                var lo = [Double](repeating: 0, count: n &+ 1)
                var rss = 0.0
                let vectorEnd = n & ~3
                hi.withUnsafeMutableBufferPointer { ph in
                    lo.withUnsafeMutableBufferPointer { pl in
                        coefficients.withUnsafeBufferPointer { coef in
                            y.withUnsafeBufferPointer { py in
                                let hiBase = ph.baseAddress!, loBase = pl.baseAddress!  // invariant: n + 1 >= 1 elements
                                let coefBase = UnsafeRawPointer(coef.baseAddress ?? UnsafePointer(hiBase))
                                for i in blocks[b] {
                                    let row = address.pointer + i &* stride
                                    let rowRaw = UnsafeRawPointer(row)
                                    // r = y - b0 - sum x_j b_j, accumulated as (s, c).
                                    var s4 = SIMD4<Double>(), c4 = SIMD4<Double>()
                                    var j = 0
                                    while j < vectorEnd {
                                        let xv = rowRaw.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Double>.self)
                                        let bv = coefBase.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Double>.self)
                                        let p = xv * bv
                                        let ep = (-p).addingProduct(xv, bv)
                                        let (t, et) = twoSum4(s4, -p)
                                        s4 = t
                                        c4 += et - ep
                                        j &+= 4
                                    }
                                    var (s, c) = twoSum(py[i], -intercept)
                                    for lane in 0..<4 {
                                        let (t, et) = twoSum(s, s4[lane])
                                        s = t
                                        c += et + c4[lane]
                                    }
                                    while j < n {
                                        let (p, ep) = twoProduct(row[j], coef[j])
                                        let (t, et) = twoSum(s, -p)
                                        s = t
                                        c += et - ep
                                        j &+= 1
                                    }
                                    var (rh, rl) = twoSum(s, c)
                                    let residual = rh
                                    if let w = weights?[i] {
                                        let p = rh * w
                                        let e = (-p).addingProduct(rh, w) + rl * w
                                        (rh, rl) = twoSum(p, e)
                                    }
                                    rss += rh * residual
                                    // Intercept: sum of (rh + rl).
                                    let (t0, e0) = twoSum(hiBase[n], rh)
                                    hiBase[n] = t0
                                    loBase[n] += e0 + rl
                                    let rhv = SIMD4<Double>(repeating: rh), rlv = SIMD4<Double>(repeating: rl)
                                    j = 0
                                    while j < vectorEnd {
                                        let xv = rowRaw.loadUnaligned(fromByteOffset: j &* 8, as: SIMD4<Double>.self)
                                        let p = xv * rhv
                                        let ep = (-p).addingProduct(xv, rhv) + xv * rlv
                                        let h = UnsafeRawPointer(hiBase + j).loadUnaligned(as: SIMD4<Double>.self)
                                        let l = UnsafeRawPointer(loBase + j).loadUnaligned(as: SIMD4<Double>.self)
                                        let (t, et) = twoSum4(h, p)
                                        UnsafeMutableRawPointer(hiBase + j).storeBytes(of: t, as: SIMD4<Double>.self)
                                        UnsafeMutableRawPointer(loBase + j).storeBytes(of: l + (et + ep), as: SIMD4<Double>.self)
                                        j &+= 4
                                    }
                                    while j < n {
                                        let xv = row[j]
                                        let p = xv * rh
                                        let ep = (-p).addingProduct(xv, rh) + xv * rl
                                        let (t, et) = twoSum(hiBase[j], p)
                                        hiBase[j] = t
                                        loBase[j] += et + ep
                                        j &+= 1
                                    }
                                }
                            }
                        }
                    }
                }
                return hi + lo + [rss]
            }
        }
        var hi = [Double](repeating: 0, count: n &+ 1)
        var lo = [Double](repeating: 0, count: n &+ 1)
        var rss = 0.0
        for part in partials {
            for j in 0...n {
                let (t, e) = twoSum(hi[j], part[j])
                hi[j] = t
                lo[j] += e + part[n &+ 1 &+ j]
            }
            rss += part[2 &* n &+ 2]
        }
        let sums = (0...n).map { hi[$0] + lo[$0] }
        return ResidualGradient(residualSum: sums[n], gradient: Array(sums[0..<n]), residualSumOfSquares: rss)
    }
}

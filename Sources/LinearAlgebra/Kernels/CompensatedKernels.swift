import CKernels

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
                // The block kernel (CKernels/compensated.c): columns in 4 lanes, then a scalar
                // tail; the lanes of the residual's sum are combined in a fixed order, so the result
                // is deterministic (and the same with or without FMA instructions).
                var hi = [Double](repeating: 0, count: n &+ 1)
                var lo = [Double](repeating: 0, count: n &+ 1)
                var rss = 0.0
                let range = blocks[b]
                hi.withUnsafeMutableBufferPointer { ph in
                    lo.withUnsafeMutableBufferPointer { pl in
                        coefficients.withUnsafeBufferPointer { coef in
                            y.withUnsafeBufferPointer { py in
                                let hiBase = ph.baseAddress!, loBase = pl.baseAddress!  // invariant: n + 1 >= 1 elements
                                let coefBase = coef.baseAddress ?? UnsafePointer(hiBase)
                                let rows = address.pointer + range.lowerBound &* stride
                                let yBase = py.baseAddress! + range.lowerBound  // invariant: m > 0 when a block exists
                                if let weights {
                                    weights.withUnsafeBufferPointer { pw in
                                        fk_residual_gradient_block(rows, stride, range.count, n, yBase, pw.baseAddress! + range.lowerBound, // invariant: count m
                                                                   coefBase, intercept, hiBase, loBase, &rss)
                                    }
                                } else {
                                    fk_residual_gradient_block(rows, stride, range.count, n, yBase, nil, coefBase, intercept, hiBase, loBase, &rss)
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

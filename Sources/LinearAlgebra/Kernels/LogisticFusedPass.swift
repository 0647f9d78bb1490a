import CKernels

extension LogisticKernels {
    /// Widest augmented row `[x_i, 1]` (columns plus intercept) for which `binaryFusedBlock` also
    /// accumulates the Hessian in its pass; wider designs take `weightedGram` (BLAS `dsyrk`), which
    /// is faster once the Gram matrix no longer fits in L1 cache.
    public static let fusedHessianMaxWidth = 64

    /// The padded width `w8` (`columns + intercept` rounded up to a multiple of 8) that
    /// `binaryFusedBlock` works with, or nil when wider than 512 (then use `binaryLossGradient`).
    public static func fusedTileWidth(columns: Int, fitIntercept: Bool) -> Int? {
        guard columns > 0 else { return nil }
        let w = fk_logistic_tile_width(columns, fitIntercept ? 1 : 0)
        return w == 0 ? nil : w
    }

    /// One fused pass of the binary logistic objective over `range` (C kernel, `logistic.c`):
    /// with `t_i = [x_i, 1 (fitIntercept), 0 ...]` (`w8` wide) and `z_i = t_i . coefficients`
    /// (`coefficients`: `w8` values, the intercept at index `columns`), returns
    /// `sum_i s_i loss_i`, the gradient `sum_i s_i (p_i - y_i) t_i` (`w8` values) and, with
    /// `wantHessian`, the upper part of `sum_i s_i p_i (1 - p_i) t_i t_i^T` (`w8 x w8`, row-major; row
    /// `a` is valid from column `a` on); `curvature`, when non-empty (`range.count` long), receives
    /// `s_i p_i (1 - p_i)`.
    /// Loss `softplus(±z) = max(±z, 0) + log1p(exp(-|z|))`, probabilities from `t = exp(-|z|)` without
    /// cancellation; `exp` and `log1p` are the kernel's own 8-lane polynomials (exp: <= 1 ulp from
    /// glibc, <= 2 on subnormal results; log1p: fdlibm's method, <= 1 ulp; see
    /// LogisticFusedMathTests), computed for 8 rows at once; explicit fused multiply-adds (correctly
    /// rounded) and no contraction, so the AVX-512, AVX2 and baseline code paths give the same bits.
    /// - Complexity: one read of the rows; with the Hessian O(range.count * w8^2 / 2) multiply-adds;
    ///   allocations: the results.
    /// `unitWeights`: every weight is 1 (`weights` is then not read; same bits, less memory traffic).
    public static func binaryFusedBlock(x: [Double], columns d: Int, range: Range<Int>, coefficients: [Double], fitIntercept: Bool,
                                        weights: [Double], unitWeights: Bool = false, target: [Int32], wantHessian: Bool,
                                        curvature: inout [Double]) -> (loss: Double, gradient: [Double], hessian: [Double]) {
        guard let w8 = fusedTileWidth(columns: d, fitIntercept: fitIntercept), coefficients.count == w8, !range.isEmpty else {
            return (0, [], [])
        }
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: w8)
        var hessian = [Double](repeating: 0, count: wantHessian ? w8 * w8 : 0)
        let lo = range.lowerBound
        x.withUnsafeBufferPointer { xs in
            weights.withUnsafeBufferPointer { ws in
                target.withUnsafeBufferPointer { ts in
                    coefficients.withUnsafeBufferPointer { cs in
                        gradient.withUnsafeMutableBufferPointer { gs in
                            hessian.withUnsafeMutableBufferPointer { hs in
                                curvature.withUnsafeMutableBufferPointer { cv in
                                    // invariant: range within the validated rows; non-empty buffers
                                    _ = fk_logistic_binary_block(
                                        xs.baseAddress! + lo * d, range.count, d, cs.baseAddress!, fitIntercept ? 1 : 0,
                                        unitWeights ? nil : ws.baseAddress! + lo, ts.baseAddress! + lo, &loss, gs.baseAddress!,
                                        wantHessian ? hs.baseAddress : nil, cv.isEmpty ? nil : cv.baseAddress)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (loss, gradient, hessian)
    }
}

extension LogisticKernels {
    /// What `columnStartPass` returns: `columnLocationScale`'s preconditioner (the same formulas),
    /// whether every entry of `x` is finite, and `sum_i r_i x_i` when residuals were given.
    public struct ColumnStart: Sendable {
        public var mean: [Double]
        public var scale: [Double]
        /// False when some entry of `x` is NaN or infinite (in any row, whatever its weight); the
        /// other fields are then meaningless.
        public var finite: Bool
        /// `sum_i r_i x_ij` per column (nil without residuals).
        public var gradient: [Double]?
    }

    /// Binary residuals given per class (see `columnStartPass`).
    public struct ResidualsByClass: Sendable {
        public var target: [Int32]
        public var zero: Double
        public var one: Double
        public init(target: [Int32], zero: Double, one: Double) { self.target = target; self.zero = zero; self.one = one }
    }

    /// One read of `x` for the start of an L-BFGS fit: the weighted column means and standard
    /// deviations of `columnLocationScale` (shift `c_j = x_rj` of the first row of positive weight,
    /// `m1_j = sum_i w_i (x_ij - c_j) / W`, `m2_j = sum_i w_i (x_ij - c_j)^2 / W`, `mean_j = c_j + m1_j`,
    /// `std_j = sqrt(max(m2_j - m1_j^2, 0))`, zero or non-finite deviations give 1, non-finite means
    /// 0; a column whose sums overflow (values near 1e200) is read again scale-safe, divided by its
    /// largest deviation from the shift), the finiteness check of `x`, and, with `residuals` (`rows` values), the column sums
    /// `sum_i r_i x_ij` (explicit fma, rows in order; the gradient of the objective at a point where
    /// the decision value is the same for every row). Fixed row blocks (a function of the column count
    /// only), partial sums added in block order: bit-identical for any thread count and code path
    /// (C kernel `fk_logistic_column_pass`).
    /// `residualsByClass`: instead of `residuals`, `r_i = w_i * (target_i == 1 ? one : zero)` (the
    /// same bits as that array passed as `residuals`, without building it).
    /// `weightTotal`: the weights' sum in row order when the caller has it (spares a pass over them;
    /// it must be that sum, or the means and deviations change).
    /// - Throws: `LinearAlgebraError.shapeMismatch` when lengths disagree.
    /// - Complexity: one read of `x`; allocations: the results and three `columns`-long sums per block.
    public static func columnStartPass(x: [Double], rows: Int, columns d: Int, weights: [Double], residuals: [Double]?,
                                       threads: Int = 1, weightTotal: Double? = nil,
                                       residualsByClass: ResidualsByClass? = nil) throws -> ColumnStart {
        guard d >= 0, rows >= 0, Self.product(rows, d) == x.count, weights.count == rows, residuals.map({ $0.count == rows }) ?? true,
              residualsByClass.map({ $0.target.count == rows }) ?? true, residuals == nil || residualsByClass == nil else {
            throw LinearAlgebraError.shapeMismatch(operation: "LogisticKernels.columnStartPass", lhs: Shape(rows: rows, columns: d),
                                                   rhs: Shape(rows: weights.count, columns: 1),
                                                   requirement: "x.count == rows * columns, weights.count == rows == residuals.count "
                                                       + "(or residualsByClass.target.count), at most one kind of residuals")
        }
        let withResiduals = residuals != nil || residualsByClass != nil
        guard rows > 0, d > 0 else {
            return ColumnStart(mean: [Double](repeating: 0, count: d), scale: [Double](repeating: 1, count: d), finite: true,
                               gradient: withResiduals ? [Double](repeating: 0, count: d) : nil)
        }
        var total = 0.0
        if let weightTotal { total = weightTotal } else { for w in weights { total += w } }
        let first = weights.firstIndex(where: { $0 > 0 })
        let shift = first.map { Array(x[($0 * d)..<(($0 + 1) * d)]) } ?? [Double](repeating: 0, count: d)
        let blocks = ParallelRows.blocks(rows: rows, blockRows: Swift.max(64, (1 << 16) / d))
        let partials = try ParallelRows.map(count: blocks.count, threads: threads) { b -> (Bool, [Double], [Double], [Double]) in
            var s1 = [Double](repeating: 0, count: d), s2 = [Double](repeating: 0, count: d), g = [Double](repeating: 0, count: d)
            let range = blocks[b]
            var finite = true
            x.withUnsafeBufferPointer { xs in
                weights.withUnsafeBufferPointer { ws in
                    shift.withUnsafeBufferPointer { cs in
                        // invariant: rows > 0 and d > 0, so every buffer is non-empty
                        func pass(_ r: UnsafePointer<Double>?) {
                            finite = fk_logistic_column_pass(xs.baseAddress! + range.lowerBound * d, range.count, d, cs.baseAddress!,
                                                             ws.baseAddress! + range.lowerBound, r, &s1, &s2, &g) == 1
                        }
                        if let residuals {
                            residuals.withUnsafeBufferPointer { pass($0.baseAddress! + range.lowerBound) }
                        } else if let byClass = residualsByClass {
                            byClass.target.withUnsafeBufferPointer { ys in
                                finite = fk_logistic_column_pass_classes(xs.baseAddress! + range.lowerBound * d, range.count, d, cs.baseAddress!,
                                                                         ws.baseAddress! + range.lowerBound, ys.baseAddress! + range.lowerBound,
                                                                         byClass.zero, byClass.one, &s1, &s2, &g) == 1
                            }
                        } else {
                            pass(nil)
                        }
                    }
                }
            }
            return (finite, s1, s2, g)
        }
        var s1 = [Double](repeating: 0, count: d), s2 = [Double](repeating: 0, count: d), g = [Double](repeating: 0, count: d)
        var finite = true
        for (f, p1, p2, pg) in partials {  // fixed block order
            finite = finite && f
            for j in 0..<d { s1[j] += p1[j]; s2[j] += p2[j]; g[j] += pg[j] }
        }
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 1, count: d)
        if total > 0, total.isFinite, first != nil {
            (mean, scale) = LogisticKernels.columnMeanScale(s1: s1, s2: s2, shift: shift, total: total, x: x, weights: weights)
        }
        return ColumnStart(mean: mean, scale: scale, finite: finite, gradient: withResiduals ? g : nil)
    }
}

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
    public static func binaryFusedBlock(x: [Double], columns d: Int, range: Range<Int>, coefficients: [Double], fitIntercept: Bool,
                                        weights: [Double], target: [Int32], wantHessian: Bool,
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
                                        ws.baseAddress! + lo, ts.baseAddress! + lo, &loss, gs.baseAddress!,
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

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// The penalised logistic objective of scikit-learn's `LinearModelLoss`, evaluated in one fused
/// pass over fixed row blocks:
///
///     f(W, b) = (1 / S) sum_i s_i loss_i(W x_i + b) + (alpha / 2) ||W||_F^2,   S = sum_i s_i
///
/// with `loss_i(z) = log(1 + exp(z)) - y_i z` (binary, one coefficient row, y in {0, 1}) or
/// `logsumexp(z) - z_{y_i}` (multinomial, one row per class). The intercepts `b` are not penalised.
///
/// Each row is read once per evaluation: its decision values, loss and residual are computed and
/// the row is added into the gradient while it is in L1 cache. Rows are cut into fixed blocks
/// (`blockRows`, a function of the column count only); each block's partial sums land in their own
/// slot and are added in block order, so the result is bit-identical for any thread count.
/// The Hessian (Newton) is accumulated per block with BLAS `syrk`/`gemm` on a weighted copy of the
/// block and added in the same fixed order.
struct LogisticObjective: Sendable {
    /// Row-major design, `rows x features`.
    let x: [Double]
    let rows: Int
    let features: Int
    /// Class index of every row (binary: 0 or 1, 1 being the positive class `classes[1]`).
    let target: [Int32]
    /// Per-row weight: sample weight times class weight.
    let weights: [Double]
    let weightSum: Double
    let classCount: Int
    let fitIntercept: Bool
    /// L2 strength on the normalised objective (scikit-learn's `1 / (C * S)`).
    let alpha: Double
    let threads: Int
    let blocks: [Range<Int>]

    /// Coefficient rows: 1 for two classes (scikit-learn's binary form), else one per class.
    var outputs: Int { classCount == 2 ? 1 : classCount }
    /// Parameters per output row: features plus the intercept.
    var stride: Int { features + (fitIntercept ? 1 : 0) }
    var parameterCount: Int { outputs * stride }

    init(x: [Double], rows: Int, features: Int, target: [Int32], weights: [Double], classCount: Int,
         fitIntercept: Bool, alpha: Double, threads: Int) {
        self.x = x; self.rows = rows; self.features = features; self.target = target
        self.weights = weights
        var s = 0.0
        for w in weights { s += w }
        self.weightSum = s
        self.classCount = classCount; self.fitIntercept = fitIntercept; self.alpha = alpha
        self.threads = Swift.max(1, threads)
        // ~512 KiB of rows per block (at least 64 rows): cache-sized work per task, and a cut that
        // depends on the column count only.
        let blockRows = Swift.max(64, (1 << 16) / Swift.max(1, features))
        self.blocks = ParallelRows.blocks(rows: rows, blockRows: blockRows)
    }

    struct Value: Sendable {
        var objective: Double
        var gradient: [Double]
        /// Full symmetric Hessian, `parameterCount^2`, row-major; only when requested.
        var hessian: [Double]?
    }

    /// Objective, gradient and (optionally) Hessian at `theta` (layout: output row `k` holds its
    /// coefficients at `k * stride ..< k * stride + features`, its intercept at `k * stride + features`).
    func evaluate(_ theta: [Double], hessian wantHessian: Bool = false) throws -> Value {
        let p = parameterCount
        let partials = try ParallelRows.map(count: blocks.count, threads: threads) { b -> (Double, [Double], [Double]?) in
            try self.block(self.blocks[b], theta: theta, wantHessian: wantHessian)
        }
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: p)
        var hess: [Double]? = wantHessian ? [Double](repeating: 0, count: p * p) : nil
        for (l, g, h) in partials {  // fixed block order
            loss += l
            for j in 0..<p { gradient[j] += g[j] }
            if let h, hess != nil { for j in 0..<(p * p) { hess![j] += h[j] } }
        }
        let inverse = weightSum > 0 ? 1 / weightSum : 0
        loss *= inverse
        for j in 0..<p { gradient[j] *= inverse }
        if hess != nil { for j in 0..<(p * p) { hess![j] *= inverse } }
        if alpha > 0 {
            var norm2 = 0.0
            for k in 0..<outputs {
                for j in 0..<features {
                    let t = k * stride + j
                    norm2 += theta[t] * theta[t]
                    gradient[t] += alpha * theta[t]
                    if hess != nil { hess![t * p + t] += alpha }
                }
            }
            loss += 0.5 * alpha * norm2
        }
        return Value(objective: loss, gradient: gradient, hessian: hess)
    }

    /// Unnormalised loss sum, gradient and Hessian of one block.
    private func block(_ range: Range<Int>, theta: [Double], wantHessian: Bool) throws -> (Double, [Double], [Double]?) {
        let (d, s, k) = (features, stride, outputs)
        var gradient = [Double](repeating: 0, count: parameterCount)
        // Per-row curvature weights for the Hessian: binary h_i; multinomial the probabilities.
        var curvature: [Double] = wantHessian ? [Double](repeating: 0, count: range.count * (k == 1 ? 1 : classCount)) : []
        var loss = 0.0
        x.withUnsafeBufferPointer { xs in
            theta.withUnsafeBufferPointer { th in
                weights.withUnsafeBufferPointer { ws in
                    target.withUnsafeBufferPointer { ts in
                        gradient.withUnsafeMutableBufferPointer { gs in
                            // invariant: non-empty buffers (validated rows > 0, features > 0)
                            let xBase = xs.baseAddress!, thBase = th.baseAddress!, gBase = gs.baseAddress!
                            if k == 1 {
                                let intercept = fitIntercept ? th[d] : 0
                                for i in range {
                                    let row = xBase + i &* d
                                    let z = LogisticKernels.dot(row, thBase, d) + intercept
                                    let w = ws[i]
                                    let y = ts[i] == 1
                                    loss += w * (y ? LogisticKernels.softplus(-z) : LogisticKernels.softplus(z))
                                    let p = LogisticKernels.sigmoid(z)
                                    let r = w * (p - (y ? 1 : 0))
                                    if r != 0 { LogisticKernels.axpy(r, row, gBase, d) }
                                    if fitIntercept { gBase[d] += r }
                                    if wantHessian { curvature[i - range.lowerBound] = w * p * (1 - p) }
                                }
                            } else {
                                let kc = classCount
                                withUnsafeTemporaryAllocation(of: Double.self, capacity: kc) { zb in
                                    let z = zb.baseAddress!  // invariant: capacity >= 3
                                    for i in range {
                                        let row = xBase + i &* d
                                        var zmax = -Double.infinity
                                        for c in 0..<kc {
                                            var v = LogisticKernels.dot(row, thBase + c &* s, d)
                                            if fitIntercept { v += th[c &* s &+ d] }
                                            z[c] = v
                                            if v > zmax { zmax = v }
                                        }
                                        var sum = 0.0
                                        for c in 0..<kc { let e = (z[c] - zmax).exp; sum += e }
                                        let w = ws[i]
                                        let y = Int(ts[i])
                                        loss += w * (zmax + sum.logValue - z[y])
                                        let inv = 1 / sum
                                        for c in 0..<kc {
                                            let p = (z[c] - zmax).exp * inv
                                            if wantHessian { curvature[(i - range.lowerBound) &* kc &+ c] = p }
                                            let r = w * (p - (c == y ? 1 : 0))
                                            if r != 0 { LogisticKernels.axpy(r, row, gBase + c &* s, d) }
                                            if fitIntercept { gBase[c &* s &+ d] += r }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard wantHessian else { return (loss, gradient, nil) }
        return (loss, gradient, try blockHessian(range, curvature: curvature))
    }

    /// `sum_i Xa_i^T H_i Xa_i` over the block, with `Xa = [X, 1]` and `H_i` the per-row Hessian of the
    /// loss in the decision values (binary `s_i p_i (1 - p_i)`; multinomial
    /// `s_i (diag(p_i) - p_i p_i^T)`), through BLAS level 3.
    private func blockHessian(_ range: Range<Int>, curvature: [Double]) throws -> [Double] {
        let (d, s, nb) = (features, stride, range.count)
        let p = parameterCount
        // The augmented block [X_b, 1].
        var augmented = [Double](repeating: 1, count: nb * s)
        for r in 0..<nb {
            let src = (range.lowerBound + r) * d
            for j in 0..<d { augmented[r * s + j] = x[src + j] }
        }
        var hessian = [Double](repeating: 0, count: p * p)
        if outputs == 1 {
            var scaled = augmented
            for r in 0..<nb {
                let f = curvature[r].squareRoot()
                for j in 0..<s { scaled[r * s + j] *= f }
            }
            let a = try Matrix(rows: nb, columns: s, elements: scaled)
            var c = try Matrix<Double>(rows: s, columns: s)
            try BLAS.syrk(a, transpose: .transpose, into: &c, triangle: .upper)
            let e = c.elements
            for i in 0..<s { for j in i..<s { hessian[i * p + j] = e[i * s + j]; hessian[j * p + i] = e[i * s + j] } }
            return hessian
        }
        let kc = classCount
        let a = try Matrix(rows: nb, columns: s, elements: augmented)
        var scaled = augmented
        var c = try Matrix<Double>(rows: s, columns: s)
        for k in 0..<kc {
            for l in k..<kc {
                for r in 0..<nb {
                    let pk = curvature[r * kc + k], pl = curvature[r * kc + l]
                    let w = weights[range.lowerBound + r]
                    let h = w * (k == l ? pk * (1 - pk) : -pk * pl)
                    for j in 0..<s { scaled[r * s + j] = augmented[r * s + j] * h }
                }
                let b = try Matrix(rows: nb, columns: s, elements: scaled)
                try BLAS.gemm(a, transposeA: .transpose, b, into: &c)
                let e = c.elements
                for i in 0..<s {
                    for j in 0..<s {
                        let v = e[i * s + j]
                        hessian[(k * s + i) * p + (l * s + j)] = v
                        hessian[(l * s + j) * p + (k * s + i)] = v
                    }
                }
            }
        }
        return hessian
    }

    /// Decision values of the training rows (n x outputs), for the separation check.
    func decisionValues(_ theta: [Double]) -> [Double] {
        let (d, s, k) = (features, stride, outputs)
        var out = [Double](repeating: 0, count: rows * k)
        x.withUnsafeBufferPointer { xs in
            theta.withUnsafeBufferPointer { th in
                let xBase = xs.baseAddress!, thBase = th.baseAddress!  // invariant: validated non-empty
                for i in 0..<rows {
                    for c in 0..<k {
                        var v = LogisticKernels.dot(xBase + i &* d, thBase + c &* s, d)
                        if fitIntercept { v += th[c &* s &+ d] }
                        out[i &* k &+ c] = v
                    }
                }
            }
        }
        return out
    }
}

extension Double {
    @inline(__always) var exp: Double { cExp(self) }
    @inline(__always) var logValue: Double { cLog(self) }
}

@inline(__always) func cExp(_ x: Double) -> Double { exp(x) }
@inline(__always) func cLog(_ x: Double) -> Double { log(x) }

/// Scalar kernels of the logistic objective and of prediction (concrete `Double`, explicit SIMD).
enum LogisticKernels {
    /// `sum_j a[j] b[j]` with two 8-wide accumulators (a fixed order: deterministic).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc0 = SIMD8<Double>(), acc1 = SIMD8<Double>()
        var j = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while j &+ 16 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
                * rb.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: (j &+ 8) &* 8, as: SIMD8<Double>.self)
                * rb.loadUnaligned(fromByteOffset: (j &+ 8) &* 8, as: SIMD8<Double>.self)
            j &+= 16
        }
        if j &+ 8 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
                * rb.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
            j &+= 8
        }
        var sum = (acc0 + acc1).sum()
        while j < n { sum += a[j] * b[j]; j &+= 1 }
        return sum
    }

    /// `y[j] += alpha x[j]`.
    @inline(__always)
    static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        var j = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        let va = SIMD8<Double>(repeating: alpha)
        while j &+ 8 <= n {
            let v = ry.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
                + va * rx.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
            ry.storeBytes(of: v, toByteOffset: j &* 8, as: SIMD8<Double>.self)
            j &+= 8
        }
        while j < n { y[j] += alpha * x[j]; j &+= 1 }
    }

    /// `log(1 + exp(z))` without overflow or cancellation.
    @inline(__always)
    static func softplus(_ z: Double) -> Double {
        z > 0 ? z + log1p(cExp(-z)) : log1p(cExp(z))
    }

    /// `1 / (1 + exp(-z))` without overflow.
    @inline(__always)
    static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + cExp(-z)) }
        let e = cExp(z)
        return e / (1 + e)
    }
}

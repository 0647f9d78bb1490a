import CKernels
import COpenBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pointer-level kernels of logistic regression: prediction (decision values, probabilities, class
/// index) in one fused pass per row block, the fused loss/gradient pass of the objective, and the
/// weighted Gram matrix `X^T diag(h) X` of Newton's method.
///
/// They live here because they read rows through raw pointers (this module is the only one that
/// does); what the numbers mean (which loss, which penalty, which error) is the models layer's.
/// All arithmetic is concrete `Double`, without fused multiply-add contraction, so a native build
/// and a generic build give the same bits.
public enum LogisticKernels {
    // MARK: - Exponential and sigmoid, 8 lanes at a time

    /// `exp(x)` per lane, accurate to about 1 ulp (measured max 1 ulp against glibc's `exp` over
    /// 400,000 arguments in [-708, 709]; at most 2 ulp on the subnormal range; see LogisticKernelTests).
    ///
    /// Method: `x = k ln2 + r` with `k = round(x / ln2)` (Cody-Waite: `ln2` split in a 32-bit head and
    /// a tail, so `k * ln2hi` is exact), `|r| <= ln2 / 2`, `exp(r)` by its Taylor polynomial of degree
    /// 13 (truncation error below 4e-18 relative), then `2^k` applied in two exact halves so that
    /// results down to the subnormal range are formed without overflow of the exponent field.
    /// Arguments above 709.78 give +infinity, below -745.14 give 0; NaN gives NaN.
    /// - Complexity: ~20 vector operations per 8 lanes, no table, no branch.
    @inlinable @inline(__always)
    public static func exp8(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let log2e = 1.4426950408889634
        let ln2hi = 6.93147180369123816490e-01, ln2lo = 1.90821492927058770002e-10
        let shifter = 6755399441055744.0  // 1.5 * 2^52: adding it rounds to an integer
        let clamped = pointwiseMin(pointwiseMax(x, SIMD8(repeating: -746.0)), SIMD8(repeating: 710.0))
        let shifted = clamped * log2e + shifter
        let kf = shifted - shifter
        let k = unsafeBitCast(shifted, to: SIMD8<Int64>.self) &- unsafeBitCast(SIMD8<Double>(repeating: shifter), to: SIMD8<Int64>.self)
        let r = (clamped - kf * ln2hi) - kf * ln2lo
        var p = SIMD8<Double>(repeating: 1.0 / 6227020800.0)   // 1/13!
        p = p * r + 1.0 / 479001600.0     // 1/12!
        p = p * r + 1.0 / 39916800.0      // 1/11!
        p = p * r + 1.0 / 3628800.0       // 1/10!
        p = p * r + 1.0 / 362880.0        // 1/9!
        p = p * r + 1.0 / 40320.0         // 1/8!
        p = p * r + 1.0 / 5040.0          // 1/7!
        p = p * r + 1.0 / 720.0           // 1/6!
        p = p * r + 1.0 / 120.0           // 1/5!
        p = p * r + 1.0 / 24.0            // 1/4!
        p = p * r + 1.0 / 6.0             // 1/3!
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        // 2^k = 2^k1 * 2^k2 with k1 = floor(k / 2): both halves are normal numbers for k in [-1077, 1025].
        let k1 = k &>> 1, k2 = k &- k1
        let s1 = unsafeBitCast((k1 &+ 1023) &<< 52, to: SIMD8<Double>.self)
        let s2 = unsafeBitCast((k2 &+ 1023) &<< 52, to: SIMD8<Double>.self)
        var result = p * s1 * s2
        result.replace(with: x, where: x .!= x)  // NaN in, NaN out
        return result
    }

    /// The logistic function per lane: `(1 / (1 + exp(-z)), exp(-z) / (1 + exp(-z)))`, i.e. the
    /// probabilities of the positive and of the negative class, each computed from `t = exp(-|z|)` in
    /// a form without cancellation (the smaller of the two is `t / (1 + t)`, never `1 - p`), so both
    /// are accurate to a few ulp (measured <= 3 ulp against the libm formula, see LogisticKernelTests).
    /// `z = ±infinity` (and any `|z| > 746`) gives exactly 0 and 1; NaN gives NaN.
    @inlinable @inline(__always)
    public static func sigmoid8(_ z: SIMD8<Double>) -> (positive: SIMD8<Double>, negative: SIMD8<Double>) {
        let t = exp8(pointwiseMin(z, -z))
        let big = 1 / (1 + t)
        let small = t * big
        let nonNegative = z .>= 0
        var positive = small, negative = big
        positive.replace(with: big, where: nonNegative)
        negative.replace(with: small, where: nonNegative)
        if any(z .!= z) {
            positive.replace(with: z, where: z .!= z)
            negative.replace(with: z, where: z .!= z)
        }
        return (positive, negative)
    }

    /// `a * b`, or -1 when it overflows (never equal to a count).
    @usableFromInline
    static func product(_ a: Int, _ b: Int) -> Int {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? -1 : value
    }

    // MARK: - Row dot products

    /// `sum_j a[j] b[j]` with two 8-wide accumulators (a fixed order: deterministic).
    @inlinable @inline(__always)
    public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
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
    @inlinable @inline(__always)
    public static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        var j = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        while j &+ 8 <= n {
            let v = ry.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
                + alpha * rx.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
            ry.storeBytes(of: v, toByteOffset: j &* 8, as: SIMD8<Double>.self)
            j &+= 8
        }
        while j < n { y[j] += alpha * x[j]; j &+= 1 }
    }

    /// `log(1 + exp(z))` without overflow or cancellation (libm).
    @inlinable @inline(__always)
    public static func softplus(_ z: Double) -> Double {
        z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
    }

    /// `1 / (1 + exp(-z))` without overflow (libm).
    @inlinable @inline(__always)
    public static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + exp(-z)) }
        let e = exp(z)
        return e / (1 + e)
    }

    // MARK: - Prediction

    /// What `predict` writes per row.
    public enum Output: Sendable {
        /// The `k` decision values `x W^T + b`.
        case decision
        /// Class probabilities: binary (`k = 1`) `[1 - p, p]`, each in a cancellation-free form;
        /// multinomial the softmax of the `k` decision values (max-shifted, libm `exp`).
        case probability
        /// The index of the most probable class as a Double (binary: 1 when `z > 0`; multinomial:
        /// the first maximal decision value, as NumPy's argmax).
        case classIndex
    }

    /// The outcome of `predict`: the values (row-major) or the first offending row.
    public struct Prediction: Sendable {
        /// `rows x width` values, row-major (meaningless when a flag is set).
        public var values: [Double]
        /// The first row (in row order within the first flagged block) holding NaN or ±infinity.
        public var nonFiniteRow: Int?
        /// The first row whose finite inputs gave a NaN decision value (products overflowing to
        /// opposite infinities).
        public var overflowRow: Int?
    }

    /// Fixed prediction block (rows): each row's result depends on that row only, so any block cut
    /// and any thread count give the same bits. The blocks define which row an error names (each
    /// block stops at its first flagged row); the threads share them in smaller units
    /// (`predictPartRows`).
    public static let predictBlockRows = 4096

    /// Decision values, probabilities or class indices of every row of the row-major `x`
    /// (`rows x columns`) for `k` coefficient rows (`coefficients`, row-major `k x columns`) and
    /// intercepts, in one pass per fixed row range written straight into the output; the threads
    /// claim the ranges (about 1 MiB of `x` each) one at a time, so a thread that starts late or
    /// shares its core takes fewer of them instead of delaying the call.
    ///
    /// Binary (`k = 1`) runs 8 rows at a time: 8 row dot products, then `sigmoid8` on the lanes, in
    /// the C kernel `fk_logistic_binary_rows` (compiled for the baseline CPU and for AVX-512, chosen at
    /// run time; the 8 rows' lane sums are transposed and added across rows at once). It performs the
    /// portable Swift loop's operations in the same order without FMA contraction, so every CPU and
    /// every thread count give the same bits (tested against `accelerated: false`).
    /// - Throws: `LinearAlgebraError.shapeMismatch` when a length disagrees with the shape.
    /// - Complexity: one read of `x`; one write of `rows x width` values (width `k`, `max(k, 2)` or 1);
    ///   allocations: the output and the per-call bookkeeping (one flag pair per range, the
    ///   claim counter), none per row or per range.
    public static func predict(x: [Double], rows: Int, columns: Int, coefficients: [Double], intercepts: [Double],
                               output: Output, threads: Int) throws -> Prediction {
        try predict(x: x, rows: rows, columns: columns, coefficients: coefficients, intercepts: intercepts,
                    output: output, threads: threads, accelerated: true)
    }

    /// `predict`, with `accelerated: false` running the portable Swift loops only (the reference the
    /// C kernel is tested against bit for bit).
    static func predict(x: [Double], rows: Int, columns: Int, coefficients: [Double], intercepts: [Double],
                        output: Output, threads: Int, accelerated: Bool) throws -> Prediction {
        let k = intercepts.count
        guard rows >= 0, columns > 0, k > 0, Self.product(rows, columns) == x.count, Self.product(k, columns) == coefficients.count else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "LogisticKernels.predict", lhs: Shape(rows: rows, columns: columns),
                rhs: Shape(rows: k, columns: k == 0 ? 0 : coefficients.count / k),
                requirement: "x.count == rows * columns, coefficients.count == intercepts.count * columns, at least one column and one output")
        }
        let width: Int
        switch output {
        case .decision: width = k
        case .probability: width = k == 1 ? 2 : k
        case .classIndex: width = 1
        }
        if rows == 0 { return Prediction(values: [], nonFiniteRow: nil, overflowRow: nil) }
        // Work units: fixed row ranges of `predictPartRows` rows, each inside one fixed block of
        // `predictBlockRows` (which the error report is defined by, below), claimed one at a time
        // by the threads (ParallelRows.forEachClaimed), each unit writing its own output rows and
        // its own flag slot: the values and flags do not depend on which thread ran which unit.
        let partRows = predictPartRows(columns: columns)
        let parts = ParallelRows.blocks(rows: rows, blockRows: partRows)
        var flags = [(Int?, Int?)](repeating: (nil, nil), count: parts.count)
        let values = [Double](unsafeUninitializedCapacity: rows * width) { buffer, initialized in
            // Every slot is written below unless a row is flagged, in which case the caller
            // throws and never reads the values (Double is trivial: no deinitialisation issue).
            initialized = rows * width
            let target = UnsafeMutableSendablePointer(buffer.baseAddress!)  // invariant: rows * width > 0
            flags.withUnsafeMutableBufferPointer { slots in
                x.withUnsafeBufferPointer { xs in
                    coefficients.withUnsafeBufferPointer { ws in
                        intercepts.withUnsafeBufferPointer { bs in
                            // invariant: non-empty buffers (checked above; parts.count >= 1 as rows > 0)
                            let (flagSlots, xp) = (slots.baseAddress!, xs.baseAddress!)
                            let (wp, bp) = (ws.baseAddress!, bs.baseAddress!)
                            ParallelRows.forEachClaimed(count: parts.count, threads: threads) { p in
                                flagSlots[p] = predictBlock(parts[p], x: xp, d: columns, w: wp, b: bp, k: k, output: output,
                                                           width: width, out: target.pointer, accelerated: accelerated)
                            }
                        }
                    }
                }
            }
        }
        // The report of one fixed block of predictBlockRows rows is its first flagged row (a block
        // stops there), i.e. the flag of its first flagged unit; the first block reporting a
        // non-finite input wins, else the first reporting an overflow.
        let partsPerBlock = predictBlockRows / partRows
        var nonFinite: Int?, overflow: Int?
        var reportedBlock = -1
        for (p, flag) in flags.enumerated() where flag.0 != nil || flag.1 != nil {
            let block = p / partsPerBlock
            if block == reportedBlock { continue }  // the whole block would have stopped at an earlier unit's row
            reportedBlock = block
            if nonFinite == nil { nonFinite = flag.0 }
            if overflow == nil { overflow = flag.1 }
        }
        if nonFinite != nil { overflow = nil }
        return Prediction(values: values, nonFiniteRow: nonFinite, overflowRow: overflow)
    }

    /// Rows per work unit of `predict`: the largest power of two dividing `predictBlockRows` whose
    /// rows take at most 1 MiB of `x` (at least 8 rows, one group of the C kernel), so that wide
    /// rows still give the threads enough units to share evenly (100,000 x 256: 196 units of 512
    /// rows instead of 25 blocks of 4096, which split 13 : 12 between two threads).
    static func predictPartRows(columns: Int) -> Int {
        var partRows = predictBlockRows
        // partRows * columns > 2^17 doubles, without overflow (partRows is a power of two <= 4096).
        while partRows > 8 && columns > (1 << 17) / partRows { partRows /= 2 }
        return partRows
    }

    /// One block of `predict`; returns (first row with NaN/Inf input, first row whose decision value
    /// is NaN from finite input) and stops at the first such row.
    @usableFromInline
    static func predictBlock(_ range: Range<Int>, x: UnsafePointer<Double>, d: Int, w: UnsafePointer<Double>,
                             b: UnsafePointer<Double>, k: Int, output: Output, width: Int,
                             out: UnsafeMutablePointer<Double>, accelerated: Bool = true) -> (Int?, Int?) {
        // Non-finite decision value at row i: NaN/Inf in the row, or overflow of finite inputs.
        func check(_ i: Int, _ z: Double) -> (Int?, Int?)? {
            if z.isFinite { return nil }
            let row = x + i &* d
            for j in 0..<d where !row[j].isFinite { return (i, nil) }
            if z.isNaN { return (nil, i) }
            return nil  // ±infinity from finite inputs: a valid (saturated) decision value
        }
        if k == 1 {
            let intercept = b[0]
            let mode: Int32
            switch output {
            case .decision: mode = 0
            case .probability: mode = 1
            case .classIndex: mode = 2
            }
            var i = range.lowerBound
            while i < range.upperBound {
                if accelerated {
                    // The C kernel (CKernels/logistic_predict.c, AVX-512 where available): the same operations
                    // in the same order, so the same bits. It stops before a group of 8 rows with a
                    // non-finite decision value and before a last group of fewer than 8 rows; that
                    // group runs through the loop below, which flags or writes it.
                    i &+= fk_logistic_binary_rows(x + i &* d, range.upperBound &- i, d, w, intercept, mode, out + i &* width)
                    if i >= range.upperBound { break }
                }
                let n = Swift.min(8, range.upperBound &- i)
                var z = SIMD8<Double>()
                for l in 0..<n { z[l] = dot(x + (i &+ l) &* d, w, d) + intercept }
                if any((z - z) .!= 0) {
                    for l in 0..<n { if let flag = check(i &+ l, z[l]) { return flag } }
                }
                let o = out + i &* width
                switch output {
                case .decision:
                    for l in 0..<n { o[l] = z[l] }
                case .probability:
                    let (p, q) = sigmoid8(z)
                    for l in 0..<n { o[2 &* l] = q[l]; o[2 &* l &+ 1] = p[l] }
                case .classIndex:
                    for l in 0..<n { o[l] = z[l] > 0 ? 1 : 0 }
                }
                i &+= 8
            }
            return (nil, nil)
        }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { zb -> (Int?, Int?) in
            let z = zb.baseAddress!  // invariant: capacity k >= 2
            for i in range {
                let row = x + i &* d
                for c in 0..<k {
                    let v = dot(row, w + c &* d, d) + b[c]
                    z[c] = v
                    if let flag = check(i, v) { return flag }
                }
                let o = out + i &* width
                switch output {
                case .decision:
                    for c in 0..<k { o[c] = z[c] }
                case .probability:
                    var zmax = -Double.greatestFiniteMagnitude
                    for c in 0..<k {
                        z[c] = Swift.min(Swift.max(z[c], -.greatestFiniteMagnitude), .greatestFiniteMagnitude)
                        zmax = Swift.max(zmax, z[c])
                    }
                    var sum = 0.0
                    for c in 0..<k { let e = exp(z[c] - zmax); z[c] = e; sum += e }
                    let inverse = 1 / sum
                    for c in 0..<k { o[c] = z[c] * inverse }
                case .classIndex:
                    var best = 0
                    for c in 1..<k where z[c] > z[best] { best = c }
                    o[0] = Double(best)
                }
            }
            return (nil, nil)
        }
    }

    // MARK: - Objective pass

    /// Binary logistic loss and gradient over `range` of the row-major `x` (`columns` wide), for the
    /// coefficients `theta[0..<columns]` and, with `fitIntercept`, the intercept `theta[columns]`:
    /// returns `sum_i w_i loss_i` and adds `sum_i w_i (p_i - y_i) [x_i, 1]` to `gradient`; when
    /// `curvature` is non-empty (`range.count` long) writes `w_i p_i (1 - p_i)` into it.
    /// `loss_i = softplus(z_i) - y_i z_i`, libm `exp`/`log1p` (the fit's numerics).
    /// - Complexity: one read of the rows; no allocation.
    public static func binaryLossGradient(x: [Double], columns d: Int, range: Range<Int>, theta: [Double], fitIntercept: Bool,
                                          weights: [Double], target: [Int32], gradient: inout [Double],
                                          curvature: inout [Double]) -> Double {
        var loss = 0.0
        let wantCurvature = !curvature.isEmpty
        let lo = range.lowerBound
        x.withUnsafeBufferPointer { xs in
            theta.withUnsafeBufferPointer { th in
                weights.withUnsafeBufferPointer { ws in
                    target.withUnsafeBufferPointer { ts in
                        gradient.withUnsafeMutableBufferPointer { gs in
                            curvature.withUnsafeMutableBufferPointer { cs in
                                // invariant: non-empty buffers (the caller validated rows > 0, d > 0)
                                let xBase = xs.baseAddress!, thBase = th.baseAddress!, gBase = gs.baseAddress!
                                let intercept = fitIntercept ? th[d] : 0
                                for i in range {
                                    let row = xBase + i &* d
                                    let z = dot(row, thBase, d) + intercept
                                    let w = ws[i]
                                    let y = ts[i] == 1
                                    loss += w * (y ? softplus(-z) : softplus(z))
                                    let p = sigmoid(z)
                                    let r = w * (p - (y ? 1 : 0))
                                    if r != 0 { axpy(r, row, gBase, d) }
                                    if fitIntercept { gBase[d] += r }
                                    if wantCurvature { cs[i &- lo] = w * p * (1 - p) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return loss
    }

    /// Multinomial loss and gradient over `range`: `K = classes` coefficient rows of `stride`
    /// parameters each (features, then the intercept with `fitIntercept`); returns
    /// `sum_i w_i (logsumexp(z_i) - z_{i, y_i})`, adds `sum_i w_i (p_i - e_{y_i}) [x_i, 1]` per class to
    /// `gradient`; when `probabilities` is non-empty (`range.count * K`) writes `p_i` into it.
    /// - Complexity: one read of the rows; no allocation besides a K-element scratch.
    public static func multinomialLossGradient(x: [Double], columns d: Int, range: Range<Int>, theta: [Double], classes kc: Int,
                                               fitIntercept: Bool, weights: [Double], target: [Int32],
                                               gradient: inout [Double], probabilities: inout [Double]) -> Double {
        var loss = 0.0
        let s = d + (fitIntercept ? 1 : 0)
        let wantProbabilities = !probabilities.isEmpty
        let lo = range.lowerBound
        x.withUnsafeBufferPointer { xs in
            theta.withUnsafeBufferPointer { th in
                weights.withUnsafeBufferPointer { ws in
                    target.withUnsafeBufferPointer { ts in
                        gradient.withUnsafeMutableBufferPointer { gs in
                            probabilities.withUnsafeMutableBufferPointer { ps in
                                withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.max(kc, 1)) { zb in
                                    // invariant: non-empty buffers (validated rows > 0, d > 0, kc >= 3)
                                    let z = zb.baseAddress!
                                    let xBase = xs.baseAddress!, thBase = th.baseAddress!, gBase = gs.baseAddress!
                                    for i in range {
                                        let row = xBase + i &* d
                                        var zmax = -Double.infinity
                                        for c in 0..<kc {
                                            var v = dot(row, thBase + c &* s, d)
                                            if fitIntercept { v += th[c &* s &+ d] }
                                            z[c] = v
                                            if v > zmax { zmax = v }
                                        }
                                        var sum = 0.0
                                        for c in 0..<kc { sum += exp(z[c] - zmax) }
                                        let w = ws[i]
                                        let y = Int(ts[i])
                                        loss += w * (zmax + log(sum) - z[y])
                                        let inverse = 1 / sum
                                        for c in 0..<kc {
                                            let p = exp(z[c] - zmax) * inverse
                                            if wantProbabilities { ps[(i &- lo) &* kc &+ c] = p }
                                            let r = w * (p - (c == y ? 1 : 0))
                                            if r != 0 { axpy(r, row, gBase + c &* s, d) }
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
        return loss
    }

    // MARK: - Weighted Gram matrix

    /// Rows per `syrk` call of `weightedGram`: about 4 MiB of scaled rows (at least 256), a function
    /// of the column count only.
    public static func gramBlockRows(columns: Int) -> Int {
        Swift.max(256, (1 << 19) / Swift.max(1, columns + 1))
    }

    /// `sum_i h_i [x_i, 1][x_i, 1]^T` (the `1` only with `appendOne`) over all rows of the row-major
    /// `x`: the full symmetric `s x s` matrix (`s = columns + (appendOne ? 1 : 0)`), row-major.
    ///
    /// Rows are cut into fixed blocks of `gramBlockRows(columns:)`; each block is copied once as
    /// `sqrt(h_i) [x_i, 1]` into one reused scratch buffer, then one BLAS `dsyrk` adds its Gram into
    /// the upper triangle (`beta = 1`), in block order; BLAS threads do the parallel work. Results are
    /// bit-identical for the same BLAS thread count (OpenBLAS does not promise more).
    /// - Throws: `LinearAlgebraError.shapeMismatch` when lengths disagree; `.invalidArgument` when a
    ///   weight is negative or not finite.
    /// - Complexity: O(rows s^2) flops, one read of `x`; allocations: the result and one scratch block.
    public static func weightedGram(x: [Double], rows: Int, columns d: Int, weights h: [Double], appendOne: Bool) throws -> [Double] {
        guard d > 0, d < Int(Int32.max) - 1, rows >= 0, Self.product(rows, d) == x.count, h.count == rows else {
            throw LinearAlgebraError.shapeMismatch(operation: "LogisticKernels.weightedGram", lhs: Shape(rows: rows, columns: d),
                                                   rhs: Shape(rows: h.count, columns: 1), requirement: "x.count == rows * columns, weights.count == rows")
        }
        for (i, v) in h.enumerated() where !(v >= 0 && v.isFinite) {
            throw LinearAlgebraError.invalidArgument(parameter: "weights[\(i)]", reason: "must be finite and >= 0, got \(v)")
        }
        let s = d + (appendOne ? 1 : 0)
        var gram = [Double](repeating: 0, count: s * s)
        if rows == 0 { return gram }
        let blockRows = Swift.min(gramBlockRows(columns: d), rows)
        var scratch = [Double](repeating: 0, count: blockRows * s)
        x.withUnsafeBufferPointer { xs in
            h.withUnsafeBufferPointer { hs in
                scratch.withUnsafeMutableBufferPointer { sc in
                    gram.withUnsafeMutableBufferPointer { gs in
                        // invariant: non-empty (rows > 0, d > 0)
                        let xBase = xs.baseAddress!, dst = sc.baseAddress!, g = gs.baseAddress!
                        var start = 0
                        while start < rows {
                            let nb = Swift.min(blockRows, rows &- start)
                            for r in 0..<nb {
                                let f = hs[start &+ r].squareRoot()
                                let src = xBase + (start &+ r) &* d, out = dst + r &* s
                                var j = 0
                                let rs = UnsafeRawPointer(src), ro = UnsafeMutableRawPointer(out)
                                while j &+ 8 <= d {
                                    ro.storeBytes(of: f * rs.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self),
                                                  toByteOffset: j &* 8, as: SIMD8<Double>.self)
                                    j &+= 8
                                }
                                while j < d { out[j] = src[j] * f; j &+= 1 }
                                if appendOne { out[d] = f }
                            }
                            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(s), Int32(nb), 1, dst, Int32(s), 1, g, Int32(s))
                            start &+= nb
                        }
                        for i in 0..<s { for j in 0..<i { g[i &* s &+ j] = g[j &* s &+ i] } }
                    }
                }
            }
        }
        return gram
    }
}

extension LogisticKernels {
    /// Weighted column means and standard deviations of the row-major `x` (`rows x columns`), in
    /// one read of `x`: with the shift `c_j = x_rj` of the first row `r` of positive weight,
    /// `m1_j = sum_i w_i (x_ij - c_j) / W`, `m2_j = sum_i w_i (x_ij - c_j)^2 / W`, then
    /// `mean_j = c_j + m1_j` and `std_j = sqrt(max(m2_j - m1_j^2, 0))` (the shift keeps the
    /// cancellation small: `|c_j - mean_j|` is of the order of the spread for any row).
    /// Rows are cut into fixed blocks (a function of the column count only), each block's sums in its
    /// own slot, added in block order: bit-identical for any thread count.
    /// Columns whose sums overflow (values near 1e200) are read again scale-safe; a standard deviation
    /// that is still zero or not finite (constant columns, an infinity) becomes 1 and a mean that is
    /// not finite 0: the result is always a
    /// usable finite affine map. For preconditioning only (not a statistics result).
    /// - Throws: `LinearAlgebraError.shapeMismatch` when lengths disagree.
    /// - Complexity: one read of `x`, 8 columns per vector operation; allocations: the results and
    ///   two `columns`-long sums per row block.
    public static func columnLocationScale(x: [Double], rows: Int, columns d: Int, weights: [Double],
                                           threads: Int = 1) throws -> (mean: [Double], scale: [Double]) {
        guard d >= 0, rows >= 0, Self.product(rows, d) == x.count, weights.count == rows else {
            throw LinearAlgebraError.shapeMismatch(operation: "LogisticKernels.columnLocationScale", lhs: Shape(rows: rows, columns: d),
                                                   rhs: Shape(rows: weights.count, columns: 1), requirement: "x.count == rows * columns, weights.count == rows")
        }
        var total = 0.0
        for w in weights { total += w }
        guard total > 0, total.isFinite, d > 0, let first = weights.firstIndex(where: { $0 > 0 }) else {
            return ([Double](repeating: 0, count: d), [Double](repeating: 1, count: d))
        }
        let shift = Array(x[(first * d)..<((first + 1) * d)])
        let blocks = ParallelRows.blocks(rows: rows, blockRows: Swift.max(64, (1 << 16) / d))
        let partials = try ParallelRows.map(count: blocks.count, threads: threads) { b -> ([Double], [Double]) in
            var s1 = [Double](repeating: 0, count: d), s2 = [Double](repeating: 0, count: d)
            x.withUnsafeBufferPointer { xs in
                shift.withUnsafeBufferPointer { cs in
                    s1.withUnsafeMutableBufferPointer { p1 in
                        s2.withUnsafeMutableBufferPointer { p2 in
                            // invariant: non-empty (rows > 0 since total > 0, d > 0)
                            let xBase = xs.baseAddress!, c = cs.baseAddress!, a1 = p1.baseAddress!, a2 = p2.baseAddress!
                            let rc = UnsafeRawPointer(c), r1 = UnsafeMutableRawPointer(a1), r2 = UnsafeMutableRawPointer(a2)
                            for i in blocks[b] where weights[i] != 0 {
                                let row = xBase + i &* d, w = weights[i]
                                let rr = UnsafeRawPointer(row)
                                var j = 0
                                while j &+ 8 <= d {
                                    let v = rr.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
                                        - rc.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self)
                                    let wv = w * v
                                    r1.storeBytes(of: r1.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self) + wv,
                                                  toByteOffset: j &* 8, as: SIMD8<Double>.self)
                                    r2.storeBytes(of: r2.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self) + wv * v,
                                                  toByteOffset: j &* 8, as: SIMD8<Double>.self)
                                    j &+= 8
                                }
                                while j < d {
                                    let v = row[j] - c[j], wv = w * v
                                    a1[j] += wv
                                    a2[j] += wv * v
                                    j &+= 1
                                }
                            }
                        }
                    }
                }
            }
            return (s1, s2)
        }
        var s1 = [Double](repeating: 0, count: d), s2 = [Double](repeating: 0, count: d)
        for (p1, p2) in partials {  // fixed block order
            for j in 0..<d { s1[j] += p1[j]; s2[j] += p2[j] }
        }
        return columnMeanScale(s1: s1, s2: s2, shift: shift, total: total, x: x, weights: weights)
    }

    /// Column means and standard deviations from shifted weighted sums: `s1[j]` = sum w (x - shift[j]),
    /// `s2[j]` = sum w (x - shift[j])^2, `total` = sum w > 0. A constant non-zero column gets mean 0
    /// and its magnitude as scale; a non-finite mean becomes 0 and a zero or non-finite deviation 1 (`columnLocationScale` and the start pass share it, so both give the same bits);
    /// columns whose sums overflow are read again scale-safe from `x` (rows x `s1.count`, row-major).
    @usableFromInline
    static func columnMeanScale(s1: [Double], s2: [Double], shift: [Double], total: Double, x: [Double],
                                weights: [Double]) -> (mean: [Double], scale: [Double]) {
        let d = s1.count
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 1, count: d)
        for j in 0..<d {
            let m1 = s1[j] / total
            let m = shift[j] + m1
            mean[j] = m.isFinite ? m : 0
            let v = Swift.max(s2[j] / total - m1 * m1, 0).squareRoot()
            scale[j] = v > 0 && v.isFinite ? v : 1
            if s1[j] == 0 && s2[j] == 0, mean[j] != 0 {
                // A constant column (every weighted row equals the shift): not centred, scaled by its
                // value. Centred, it is a zero column whose gradient (g_w - mu g_b) / 1 is the
                // difference of two numbers near mu g_b, rounding noise of mu eps g_b (1e184 for a
                // column of 1e200s): L-BFGS stalled 0.8% away from the optimum, reported converged.
                scale[j] = abs(mean[j])
                mean[j] = 0
            }
        }
        // Columns of values near 1e200 square beyond Double (s2 = inf; the deviation would be 1, no
        // scaling at all): their deviation again, scale-safe, from values divided by the largest
        // deviation from the shift (a second read of those columns only). A column holding an
        // infinity or NaN is skipped (its largest deviation is not finite; the callers report it).
        for j in 0..<d where !(s1[j].isFinite && s2[j].isFinite) {
            var largest = 0.0
            for i in weights.indices where weights[i] > 0 { largest = Swift.max(largest, abs(x[i * d + j] - shift[j])) }
            guard largest > 0, largest.isFinite else { continue }
            var m1 = 0.0, m2 = 0.0
            for i in weights.indices where weights[i] > 0 {
                let t = x[i * d + j] / largest - shift[j] / largest
                m1 += weights[i] * t
                m2 += weights[i] * t * t
            }
            (m1, m2) = (m1 / total, m2 / total)
            let v = Swift.max(m2 - m1 * m1, 0).squareRoot() * largest
            if v > 0 && v.isFinite { scale[j] = v }
            let m = shift[j] + m1 * largest
            mean[j] = m.isFinite ? m : 0
        }
        return (mean, scale)
    }
}

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
/// The Hessian (Newton): binary, one `LogisticKernels.weightedGram` over all rows — the per-row
/// curvatures of the fused pass scale the rows by `sqrt(h_i)` into one reused ~4 MiB buffer and one
/// BLAS `dsyrk` per such block accumulates `X^T diag(h) X` (fixed blocks, fixed order; BLAS threads
/// parallelise it); multinomial, one `gemm` per block and class pair, added in block order.
/// The pointer-level loops live in LinearAlgebra's `LogisticKernels`.
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
    /// Every weight is 1: the fused pass does not read `weights` (same bits).
    let unitWeights: Bool
    let classCount: Int
    let fitIntercept: Bool
    /// L2 strength on the normalised objective (scikit-learn's `1 / (C * S)`).
    let alpha: Double
    /// Per-feature L2 strengths replacing `alpha` on the coefficients (nil: `alpha` for every
    /// feature). Newton-Cholesky on power-of-two rescaled columns (`NewtonColumnScaling`) penalises
    /// `w'_j = c_j w_j` by `alpha / c_j^2`, which is the penalty `alpha w_j^2` on the original
    /// coefficient.
    let penaltyStrengths: [Double]?
    let threads: Int
    let blocks: [Range<Int>]

    /// Coefficient rows: 1 for two classes (scikit-learn's binary form), else one per class.
    var outputs: Int { classCount == 2 ? 1 : classCount }
    /// Parameters per output row: features plus the intercept.
    var stride: Int { features + (fitIntercept ? 1 : 0) }
    var parameterCount: Int { outputs * stride }

    init(x: [Double], rows: Int, features: Int, target: [Int32], weights: [Double], classCount: Int,
         fitIntercept: Bool, alpha: Double, threads: Int, weightSum: Double? = nil, unitWeights: Bool? = nil,
         penaltyStrengths: [Double]? = nil) {
        // `weightSum` (the weights' sum in row order) and `unitWeights` (every weight is 1), when the
        // caller already knows them, spare a pass over the weights each.
        self.x = x; self.rows = rows; self.features = features; self.target = target
        self.weights = weights
        if let weightSum {
            self.weightSum = weightSum
        } else {
            var s = 0.0
            for w in weights { s += w }
            self.weightSum = s
        }
        self.unitWeights = unitWeights ?? weights.allSatisfy { $0 == 1 }
        self.classCount = classCount; self.fitIntercept = fitIntercept; self.alpha = alpha
        self.penaltyStrengths = penaltyStrengths
        self.threads = Swift.max(1, threads)
        // ~512 KiB of rows per block (at least 64 rows): cache-sized work per task, and a cut that
        // depends on the column count only.
        let blockRows = Swift.max(64, (1 << 16) / Swift.max(1, features))
        self.blocks = ParallelRows.blocks(rows: rows, blockRows: blockRows)
    }

    struct Value: Sendable {
        var objective: Double
        var gradient: [Double]
        /// Full symmetric Hessian, `parameterCount^2`, row-major; only when requested `.now`.
        var hessian: [Double]?
        /// The same Hessian, computed on call from the pass's per-row curvatures (requested
        /// `.deferred`): one more read of X (`dsyrk` or the multinomial's `gemm`s), paid only if called.
        var deferredHessian: (@Sendable () throws -> [Double])?
    }

    /// What an evaluation computes beyond the objective and the gradient.
    enum HessianRequest {
        case none
        /// The Hessian itself.
        case now
        /// The per-row curvatures, and a closure that turns them into the Hessian when called (the
        /// same values as `.now`). For designs whose Hessian takes a read of X of its own
        /// (`hessianTakesOwnPass`): a line search trial that is rejected then costs no Hessian.
        case deferred
    }

    /// The Hessian needs a read of X besides the fused pass: binary designs wider than the fused
    /// pass's in-pass Hessian (`LogisticKernels.fusedHessianMaxWidth`), and every multinomial.
    var hessianTakesOwnPass: Bool {
        guard outputs == 1, let w8 = LogisticKernels.fusedTileWidth(columns: features, fitIntercept: fitIntercept) else { return true }
        return w8 > LogisticKernels.fusedHessianMaxWidth
    }

    /// Objective, gradient and (optionally) Hessian at `theta` (layout: output row `k` holds its
    /// coefficients at `k * stride ..< k * stride + features`, its intercept at `k * stride + features`).
    func evaluate(_ theta: [Double], hessian wantHessian: Bool = false) throws -> Value {
        try evaluate(theta, request: wantHessian ? .now : .none)
    }

    func evaluate(_ theta: [Double], request: HessianRequest) throws -> Value {
        let p = parameterCount
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: p)
        var raw: (@Sendable () throws -> [Double])?
        let wantHessian = request != .none
        if outputs == 1, let w8 = LogisticKernels.fusedTileWidth(columns: features, fitIntercept: fitIntercept) {
            let pass = try binaryFused(theta, wantHessian: wantHessian, width: w8)
            (loss, gradient) = (pass.loss, pass.gradient)
            raw = pass.hessian
        } else {
            let partials = try ParallelRows.map(count: blocks.count, threads: threads) { b -> (Double, [Double], [Double]) in
                self.block(self.blocks[b], theta: theta, wantHessian: wantHessian)
            }
            for (l, g, _) in partials {  // fixed block order
                loss += l
                for j in 0..<p { gradient[j] += g[j] }
            }
            if wantHessian {
                let curvature = partials.map { $0.2 }
                raw = { try self.hessian(curvature: curvature) }
            }
        }
        let inverse = weightSum > 0 ? 1 / weightSum : 0
        loss *= inverse
        for j in 0..<p { gradient[j] *= inverse }
        if alpha > 0, let penaltyStrengths {
            var penalty = 0.0
            for k in 0..<outputs {
                for j in 0..<features {
                    let t = k * stride + j, a = penaltyStrengths[j]
                    penalty += a * theta[t] * theta[t]
                    gradient[t] += a * theta[t]
                }
            }
            loss += 0.5 * penalty
        } else if alpha > 0 {
            var norm2 = 0.0
            for k in 0..<outputs {
                for j in 0..<features {
                    let t = k * stride + j
                    norm2 += theta[t] * theta[t]
                    gradient[t] += alpha * theta[t]
                }
            }
            loss += 0.5 * alpha * norm2
        }
        var value = Value(objective: loss, gradient: gradient, hessian: nil, deferredHessian: nil)
        guard let raw else { return value }
        let finish: @Sendable () throws -> [Double] = { [self] in self.finishedHessian(try raw(), inverse: inverse) }
        if request == .deferred { value.deferredHessian = finish } else { value.hessian = try finish() }
        return value
    }

    /// The normalised, penalised Hessian from the raw weighted sum: times `1 / S`, plus the L2
    /// strength on the coefficients' diagonal.
    private func finishedHessian(_ raw: [Double], inverse: Double) -> [Double] {
        let p = parameterCount
        var hess = raw
        for j in 0..<(p * p) { hess[j] *= inverse }
        if alpha > 0 {
            for k in 0..<outputs {
                for j in 0..<features {
                    let t = k * stride + j
                    hess[t * p + t] += penaltyStrengths?[j] ?? alpha
                }
            }
        }
        return hess
    }

    /// The binary objective's unnormalised loss sum, gradient and (optionally) Hessian through the
    /// fused C pass (`LogisticKernels.binaryFusedBlock`): per fixed row block one read of the rows
    /// gives the loss, the gradient and, when `stride <= fusedHessianMaxWidth`, the block's weighted
    /// Gram matrix too; partial sums are added in block order (bit-identical for any thread count,
    /// the Hessian included). Wider designs get their Hessian from the pass's curvatures through
    /// `LogisticKernels.weightedGram` (BLAS `dsyrk`).
    /// The Hessian comes back as a closure: the in-pass one already computed, the wider one's
    /// `weightedGram` (a read of X) run only when it is called.
    private func binaryFused(_ theta: [Double], wantHessian: Bool, width w8: Int) throws
        -> (loss: Double, gradient: [Double], hessian: (@Sendable () throws -> [Double])?) {
        let p = stride
        var padded = [Double](repeating: 0, count: w8)
        for j in 0..<p { padded[j] = theta[j] }
        let coefficients = padded
        let inPass = wantHessian && w8 <= LogisticKernels.fusedHessianMaxWidth
        let wantCurvature = wantHessian && !inPass
        let partials = try ParallelRows.map(count: blocks.count, threads: threads) { b -> (Double, [Double], [Double], [Double]) in
            let range = self.blocks[b]
            var curvature = wantCurvature ? [Double](repeating: 0, count: range.count) : []
            let part = LogisticKernels.binaryFusedBlock(x: self.x, columns: self.features, range: range, coefficients: coefficients,
                                                        fitIntercept: self.fitIntercept, weights: self.weights, unitWeights: self.unitWeights,
                                                        target: self.target,
                                                        wantHessian: inPass, curvature: &curvature)
            return (part.loss, part.gradient, part.hessian, curvature)
        }
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: p)
        var upper = [Double](repeating: 0, count: inPass ? w8 * w8 : 0)
        for (l, g, h, _) in partials {  // fixed block order
            loss += l
            for j in 0..<p { gradient[j] += g[j] }
            if inPass { for j in 0..<(w8 * w8) { upper[j] += h[j] } }
        }
        guard wantHessian else { return (loss, gradient, nil) }
        if inPass {
            var hessian = [Double](repeating: 0, count: p * p)
            for a in 0..<p {
                for b in a..<p {
                    let v = upper[a * w8 + b]
                    hessian[a * p + b] = v
                    hessian[b * p + a] = v
                }
            }
            let computed = hessian
            return (loss, gradient, { computed })
        }
        var h: [Double] = []
        h.reserveCapacity(rows)
        for part in partials { h.append(contentsOf: part.3) }
        let curvature = h
        return (loss, gradient, { [self] in
            try LogisticKernels.weightedGram(x: self.x, rows: self.rows, columns: self.features, weights: curvature, appendOne: self.fitIntercept)
        })
    }

    /// Unnormalised loss sum, gradient and per-row curvature (binary `s_i p_i (1 - p_i)`,
    /// multinomial the probabilities; empty unless `wantHessian`) of one block.
    private func block(_ range: Range<Int>, theta: [Double], wantHessian: Bool) -> (Double, [Double], [Double]) {
        var gradient = [Double](repeating: 0, count: parameterCount)
        let width = outputs == 1 ? 1 : classCount
        var curvature: [Double] = wantHessian ? [Double](repeating: 0, count: range.count * width) : []
        let loss: Double
        if outputs == 1 {
            loss = LogisticKernels.binaryLossGradient(x: x, columns: features, range: range, theta: theta, fitIntercept: fitIntercept,
                                                      weights: weights, target: target, gradient: &gradient, curvature: &curvature)
        } else {
            loss = LogisticKernels.multinomialLossGradient(x: x, columns: features, range: range, theta: theta, classes: classCount,
                                                           fitIntercept: fitIntercept, weights: weights, target: target,
                                                           gradient: &gradient, probabilities: &curvature)
        }
        return (loss, gradient, curvature)
    }

    /// `sum_i Xa_i^T H_i Xa_i` with `Xa = [X, 1]` and `H_i` the per-row Hessian of the loss in the
    /// decision values (binary `s_i p_i (1 - p_i)`; multinomial `s_i (diag(p_i) - p_i p_i^T)`).
    /// Binary: one `LogisticKernels.weightedGram` (a `dsyrk` per ~4 MiB of `sqrt(h)`-scaled rows);
    /// multinomial: per block and class pair one `gemm`, added in block order.
    private func hessian(curvature parts: [[Double]]) throws -> [Double] {
        if outputs == 1 {
            var h: [Double] = []
            h.reserveCapacity(rows)
            for part in parts { h.append(contentsOf: part) }
            return try LogisticKernels.weightedGram(x: x, rows: rows, columns: features, weights: h, appendOne: fitIntercept)
        }
        let p = parameterCount
        var total = [Double](repeating: 0, count: p * p)
        for (b, range) in blocks.enumerated() {
            let part = try multinomialBlockHessian(range, probabilities: parts[b])
            for j in 0..<(p * p) { total[j] += part[j] }
        }
        return total
    }

    private func multinomialBlockHessian(_ range: Range<Int>, probabilities curvature: [Double]) throws -> [Double] {
        let (d, s, nb) = (features, stride, range.count)
        let p = parameterCount
        let lo = range.lowerBound
        // The augmented block [X_b, 1].
        var augmented = [Double](repeating: 1, count: nb * s)
        for r in 0..<nb {
            let src = (lo + r) * d
            for j in 0..<d { augmented[r * s + j] = x[src + j] }
        }
        var hessian = [Double](repeating: 0, count: p * p)
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
    func decisionValues(_ theta: [Double]) throws -> [Double] {
        let (d, s, k) = (features, stride, outputs)
        var coefficients = [Double](repeating: 0, count: k * d)
        var intercepts = [Double](repeating: 0, count: k)
        for c in 0..<k {
            for j in 0..<d { coefficients[c * d + j] = theta[c * s + j] }
            if fitIntercept { intercepts[c] = theta[c * s + d] }
        }
        let prediction = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: coefficients, intercepts: intercepts,
                                                     output: .decision, threads: threads)
        // Training rows are finite (validated); a NaN decision value means overflow.
        if let row = prediction.overflowRow ?? prediction.nonFiniteRow {
            throw ModelError.numericalOverflow(model: LogisticValidation.model, detail: "the decision values of X row \(row) overflow to NaN; rescale X")
        }
        return prediction.values
    }
}

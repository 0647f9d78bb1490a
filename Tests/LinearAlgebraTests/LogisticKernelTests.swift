import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import LinearAlgebra
import CKernels

/// Distance in units in the last place between two finite doubles of the same sign (0 when equal).
private func ulps(_ a: Double, _ b: Double) -> UInt64 {
    if a == b { return 0 }
    let (x, y) = (a.bitPattern, b.bitPattern)
    return x > y ? x - y : y - x
}

/// The reference formulas with libm `exp`: positive-class and negative-class probabilities.
private func referenceSigmoid(_ z: Double) -> (p: Double, q: Double) {
    if z >= 0 { let e = exp(-z); return (1 / (1 + e), e / (1 + e)) }
    let e = exp(z)
    return (e / (1 + e), 1 / (1 + e))
}

@Suite("Logistic kernels: exp, sigmoid, predict, weighted Gram")
struct LogisticKernelTests {
    /// Seeded arguments spread over the whole finite range of exp, plus the edges.
    static func arguments(count: Int, in range: ClosedRange<Double>, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Double.random(in: range, using: &generator) }
    }

    @Test("exp8 is within 1 ulp of libm exp over [-745, 709] (and within 2 in the subnormal range)")
    func expAccuracy() {
        // Normal results: the Taylor polynomial's truncation error is < 4e-18 relative, Horner's
        // rounding adds < 1 ulp; the measured worst case over these 80,000 arguments (and 400,000 in a one-off run) is 1 ulp.
        var worst: UInt64 = 0
        let xs = Self.arguments(count: 60_000, in: -708...709, seed: 11) + Self.arguments(count: 20_000, in: -1...1, seed: 12)
        var i = 0
        while i + 8 <= xs.count {
            var v = SIMD8<Double>()
            for l in 0..<8 { v[l] = xs[i + l] }
            let e = LogisticKernels.exp8(v)
            for l in 0..<8 { worst = max(worst, ulps(e[l], exp(v[l]))) }
            i += 8
        }
        #expect(worst <= 1, "worst \(worst) ulp")
        // Subnormal results (two-step scaling rounds twice): within 2 ulp of the subnormal grid.
        var sub: UInt64 = 0
        for x in stride(from: -745.0, through: -708.5, by: 0.37) {
            sub = max(sub, ulps(LogisticKernels.exp8(SIMD8(repeating: x))[0], exp(x)))
        }
        #expect(sub <= 2, "subnormal worst \(sub) ulp")
    }

    @Test("exp8 edges: overflow, underflow, infinities, NaN")
    func expEdges() {
        let v = SIMD8<Double>(710, 800, .infinity, -746, -800, -.infinity, 0, .nan)
        let e = LogisticKernels.exp8(v)
        #expect(e[0] == .infinity && e[1] == .infinity && e[2] == .infinity)
        #expect(e[3] == 0 && e[4] == 0 && e[5] == 0)
        #expect(e[6] == 1)
        #expect(e[7].isNaN)
    }

    @Test("sigmoid8 equals the reference formula within 3 ulp; extreme logits give exactly 0 and 1")
    func sigmoidAccuracy() {
        // exp8 (<= 1 ulp) then 1 / (1 + t) and t * (1 / (1 + t)): at most ~2.5 ulp in total.
        var worst: UInt64 = 0
        let zs = Self.arguments(count: 100_000, in: -40...40, seed: 13) + Self.arguments(count: 20_000, in: -740...740, seed: 14)
        var i = 0
        while i + 8 <= zs.count {
            var v = SIMD8<Double>()
            for l in 0..<8 { v[l] = zs[i + l] }
            let (p, q) = LogisticKernels.sigmoid8(v)
            for l in 0..<8 {
                let r = referenceSigmoid(v[l])
                worst = max(worst, ulps(p[l], r.p), ulps(q[l], r.q))
            }
            i += 8
        }
        #expect(worst <= 3, "worst \(worst) ulp")
        let extreme = SIMD8<Double>(800, -800, .infinity, -.infinity, 1e300, -1e300, 0, -0.0)
        let (p, q) = LogisticKernels.sigmoid8(extreme)
        #expect(p[0] == 1 && q[0] == 0 && p[1] == 0 && q[1] == 1)
        #expect(p[2] == 1 && q[2] == 0 && p[3] == 0 && q[3] == 1)
        #expect(p[4] == 1 && q[4] == 0 && p[5] == 0 && q[5] == 1)
        #expect(p[6] == 0.5 && q[6] == 0.5 && p[7] == 0.5 && q[7] == 0.5)
        for l in 0..<8 { #expect(!p[l].isNaN && !q[l].isNaN) }
        let (pn, qn) = LogisticKernels.sigmoid8(SIMD8(repeating: .nan))
        #expect(pn[0].isNaN && qn[0].isNaN)
    }

    static func problem(rows: Int, columns: Int, outputs: Int) -> (x: [Double], w: [Double], b: [Double]) {
        let x = arguments(count: rows * columns, in: -3...3, seed: 21)
        let w = arguments(count: outputs * columns, in: -2...2, seed: 22)
        let b = arguments(count: outputs, in: -1...1, seed: 23)
        return (x, w, b)
    }

    @Test("predict: bit-identical for 1, 2, 3 threads and for any split of the rows", arguments: [1, 3])
    func predictDeterminism(outputs: Int) throws {
        // 10,007 rows: three blocks of 4096 with a ragged last one, and a last group of fewer than 8 rows.
        let (rows, d) = (10_007, 13)
        let (x, w, b) = Self.problem(rows: rows, columns: d, outputs: outputs)
        for output in [LogisticKernels.Output.decision, .probability, .classIndex] {
            let one = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: b, output: output, threads: 1)
            #expect(one.nonFiniteRow == nil && one.overflowRow == nil)
            for threads in [2, 3] {
                let other = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: b, output: output, threads: threads)
                #expect(other.values == one.values)
            }
            // Rows 0..<4099 and 4099..<rows predicted separately (a split inside an 8-row group).
            let cut = 4099
            let first = try LogisticKernels.predict(x: Array(x[0..<(cut * d)]), rows: cut, columns: d, coefficients: w, intercepts: b, output: output, threads: 1)
            let second = try LogisticKernels.predict(x: Array(x[(cut * d)...]), rows: rows - cut, columns: d, coefficients: w, intercepts: b, output: output, threads: 2)
            #expect(first.values + second.values == one.values)
        }
    }

    @Test("binary probabilities equal the reference formula on the kernel's own decision values within 3 ulp")
    func predictProbabilities() throws {
        let (rows, d) = (1_000, 32)
        let (x, w, b) = Self.problem(rows: rows, columns: d, outputs: 1)
        let z = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: b, output: .decision, threads: 1).values
        let p = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: b, output: .probability, threads: 1).values
        let c = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: b, output: .classIndex, threads: 1).values
        var worst: UInt64 = 0
        for i in 0..<rows {
            let r = referenceSigmoid(z[i])
            worst = max(worst, ulps(p[2 * i + 1], r.p), ulps(p[2 * i], r.q))
            #expect(c[i] == (z[i] > 0 ? 1 : 0))
        }
        #expect(worst <= 3, "worst \(worst) ulp")
    }

    @Test("binary C kernel: bit-identical to the portable Swift loops (any width, tails, extremes, zeros)",
          arguments: [1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 256])
    func binaryKernelMatchesPortable(columns d: Int) throws {
        // 203 rows: 25 full groups of 8 and a last group of 3. Rows of zeros (z = ±0 exactly), rows
        // scaled so that z spans the whole range of exp (saturation, subnormal probabilities), and
        // rows whose finite products overflow to +-infinity (saturated decisions, not errors).
        let rows = 203
        var (x, w, b) = Self.problem(rows: rows, columns: d, outputs: 1)
        for i in stride(from: 0, to: rows, by: 11) { for j in 0..<d { x[i * d + j] = 0 } }
        for i in stride(from: 5, to: rows, by: 13) { for j in 0..<d { x[i * d + j] *= Double(i) * 7.3 } }
        for i in stride(from: 6, to: rows, by: 29) { x[i * d] = 1e300 * (i % 2 == 0 ? 1 : -1) }
        if d > 1 { w[0] = 1e10 }
        for intercept in [b[0], -0.0, 0.0] {
            for output in [LogisticKernels.Output.decision, .probability, .classIndex] {
                let fast = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: [intercept],
                                                       output: output, threads: 2, accelerated: true)
                let portable = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: [intercept],
                                                           output: output, threads: 1, accelerated: false)
                #expect(fast.nonFiniteRow == nil && fast.overflowRow == nil)
                #expect(fast.values.map(\.bitPattern) == portable.values.map(\.bitPattern), "d \(d) \(output)")
            }
        }
        // NaN input and overflow to NaN are flagged at the same row by both paths.
        var bad = x
        bad[77 * d + d / 2] = .nan
        var overflow = x
        if d > 1 { overflow[90 * d] = 1e300; overflow[90 * d + 1] = -1e300 }
        let w2 = d > 1 ? [1e300, 1e300] + Array(w[2...]) : w
        for (input, weights) in [(bad, w), (overflow, w2)] {
            let fast = try LogisticKernels.predict(x: input, rows: rows, columns: d, coefficients: weights, intercepts: b,
                                                   output: .probability, threads: 2, accelerated: true)
            let portable = try LogisticKernels.predict(x: input, rows: rows, columns: d, coefficients: weights, intercepts: b,
                                                       output: .probability, threads: 1, accelerated: false)
            #expect(fast.nonFiniteRow == portable.nonFiniteRow && fast.overflowRow == portable.overflowRow)
        }
    }

    @Test("binary C kernel: every output alignment (non-temporal whole lines, ordinary partial ones) gives the same values and writes nothing outside",
          arguments: [0, 1, 2, 3, 4, 5, 6, 7])
    func binaryKernelOutputAlignment(offset: Int) throws {
        let (rows, d) = (203, 13)
        let (x, w, b) = Self.problem(rows: rows, columns: d, outputs: 1)
        for (mode, output, width) in [(Int32(0), LogisticKernels.Output.decision, 1), (1, .probability, 2), (2, .classIndex, 1)] {
            let expected = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: b,
                                                       output: output, threads: 1, accelerated: false).values
            let guardValue = -12345.0
            // A 64-byte aligned buffer, the output starting `offset` doubles in.
            let raw = UnsafeMutableRawPointer.allocate(byteCount: (rows * 2 + 32) * 8, alignment: 64)
            defer { raw.deallocate() }
            let buffer = raw.bindMemory(to: Double.self, capacity: rows * 2 + 32)
            buffer.initialize(repeating: guardValue, count: rows * 2 + 32)
            let done = x.withUnsafeBufferPointer { xs in
                w.withUnsafeBufferPointer { ws in
                    fk_logistic_binary_rows(xs.baseAddress!, rows, d, ws.baseAddress!, b[0], mode, buffer + offset)
                }
            }
            #expect(done == rows - rows % 8)
            let written = (0..<(done * width)).map { buffer[offset + $0].bitPattern }
            #expect(written == expected[0..<(done * width)].map(\.bitPattern))
            for i in 0..<offset { #expect(buffer[i] == guardValue) }
            for i in (offset + done * width)..<(rows * 2 + 32) { #expect(buffer[i] == guardValue) }
        }
    }

    @Test("predict flags NaN input and overflow, never returns NaN unannounced")
    func predictFlags() throws {
        var x = [Double](repeating: 1, count: 20 * 4)
        x[13 * 4 + 2] = .nan
        let w = [1.0, 1, 1, 1]
        let bad = try LogisticKernels.predict(x: x, rows: 20, columns: 4, coefficients: w, intercepts: [0], output: .probability, threads: 2)
        #expect(bad.nonFiniteRow == 13)
        var big = [Double](repeating: 0, count: 10 * 2)
        big[7 * 2] = 1e300; big[7 * 2 + 1] = -1e300
        let over = try LogisticKernels.predict(x: big, rows: 10, columns: 2, coefficients: [1e300, 1e300], intercepts: [0], output: .decision, threads: 1)
        #expect(over.overflowRow == 7 && over.nonFiniteRow == nil)
        // Saturated (infinite) decision values from finite input are valid: probabilities 0 and 1.
        let sat = try LogisticKernels.predict(x: [1e300, -1e300], rows: 2, columns: 1, coefficients: [1e300], intercepts: [0], output: .probability, threads: 1)
        #expect(sat.values == [0, 1, 1, 0])
        #expect(throws: LinearAlgebraError.self) {
            _ = try LogisticKernels.predict(x: [1, 2, 3], rows: 2, columns: 2, coefficients: [1, 1], intercepts: [0], output: .decision, threads: 1)
        }
        #expect(throws: LinearAlgebraError.self) {
            _ = try LogisticKernels.predict(x: [1, 2], rows: Int.max / 2, columns: 4, coefficients: [1, 1, 1, 1], intercepts: [0], output: .decision, threads: 1)
        }
        let empty = try LogisticKernels.predict(x: [], rows: 0, columns: 3, coefficients: [1, 1, 1], intercepts: [0], output: .probability, threads: 2)
        #expect(empty.values.isEmpty)
    }

    @Test("weightedGram equals the naive sum (relative 1e-12) and refuses bad weights", arguments: [true, false])
    func weightedGram(appendOne: Bool) throws {
        // 5,000 rows x 300 columns: several dsyrk blocks (gramBlockRows(300) = 1,741).
        let (rows, d) = (5_000, 300)
        let x = Self.arguments(count: rows * d, in: -1...1, seed: 31)
        let h = Self.arguments(count: rows, in: 0...0.25, seed: 32)
        let g = try LogisticKernels.weightedGram(x: x, rows: rows, columns: d, weights: h, appendOne: appendOne)
        let s = d + (appendOne ? 1 : 0)
        #expect(g.count == s * s)
        // Spot-check entries against the naive sum (sums of 5,000 products of size <= 0.25: the
        // BLAS blocking changes the rounding by far less than 1e-12 relative to the sum of |terms|).
        for (a, c) in [(0, 0), (3, 7), (299, 11), (s - 1, s - 1), (s - 1, 0), (150, 150)] {
            var naive = 0.0, magnitude = 0.0
            for i in 0..<rows {
                let xa = a < d ? x[i * d + a] : 1, xc = c < d ? x[i * d + c] : 1
                naive += h[i] * xa * xc; magnitude += abs(h[i] * xa * xc)
            }
            #expect(abs(g[a * s + c] - naive) <= 1e-12 * magnitude)
            #expect(g[a * s + c] == g[c * s + a])
        }
        var negative = h
        negative[17] = -1
        #expect(throws: LinearAlgebraError.self) {
            _ = try LogisticKernels.weightedGram(x: x, rows: rows, columns: d, weights: negative, appendOne: appendOne)
        }
    }

    @Test("columnLocationScale: weighted moments; a constant column is scaled by its value, not centred; a column whose squares overflow gets its moments scale-safe, as the start pass")
    func locationScale() throws {
        let x: [Double] = [1, 5, 1e300, 3, 5, -1e300]
        let (mean, scale) = try LogisticKernels.columnLocationScale(x: x, rows: 2, columns: 3, weights: [1, 3])
        #expect(mean[0] == 2.5 && scale[0] == (0.75 as Double).squareRoot())
        // Constant: centred it would be a zero column whose preconditioned gradient is rounding
        // noise (AdversarialColumnScaleTests.lbfgsWithAConstantColumn).
        #expect(mean[1] == 0 && scale[1] == 5)
        // 1e300 (weight 1) and -1e300 (weight 3): mean -0.5e300, deviation sqrt(0.75) 1e300 (a few roundings).
        #expect(abs(mean[2] + 0.5e300) <= 1e-15 * 1e300)
        #expect(abs(scale[2] - (0.75 as Double).squareRoot() * 1e300) <= 1e-15 * 1e300)
        let start = try LogisticKernels.columnStartPass(x: x, rows: 2, columns: 3, weights: [1, 3], residuals: nil)
        #expect(start.mean.map(\.bitPattern) == mean.map(\.bitPattern) && start.scale.map(\.bitPattern) == scale.map(\.bitPattern))
    }
}

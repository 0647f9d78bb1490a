import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import LinearAlgebra
import CKernels

/// The fused pass's own 8-lane `exp` and `log1p` (logistic.c) against libm, and the pass's code
/// paths (AVX-512, AVX2, baseline) against each other, bit for bit.
@Suite("Logistic fused pass: vector exp/log1p accuracy and identical bits on every code path")
struct LogisticFusedMathTests {
    /// Ulp distance between two non-negative doubles (both finite, or equal).
    static func ulps(_ a: Double, _ b: Double) -> UInt64 {
        if a == b { return 0 }
        let (x, y) = (a.bitPattern, b.bitPattern)
        return x > y ? x - y : y - x
    }

    static func uniforms(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
    }

    /// exp(-a) within 1 ulp of glibc on normal results and 2 ulp on subnormal ones (a up to 800,
    /// i.e. past underflow to 0); log1p of the kernel's own t within 1 ulp of glibc's log1p (the
    /// method's stated error is below 1 ulp; 1 allows for glibc's own rounding); never NaN.
    @Test("exp(-a) and log1p(exp(-a)) against libm, a in [0, 800] incl. subnormal results")
    func accuracy() {
        let u = Self.uniforms(60_000, seed: 11)
        var a: [Double] = u.enumerated().map { i, v in
            switch i % 4 {
            case 0: return 800 * v
            case 1: return 40 * v
            case 2: return 1e-3 * v
            default: return 700 + 50 * v  // subnormal and zero results
            }
        }
        a += [0, 1e-300, .leastNonzeroMagnitude, 0.5 * log(2), log(1 + 2.squareRoot()), 708.39, 744.44, 745.13, 745.2, 746, 1e300, .infinity]
        var t = [Double](repeating: 0, count: a.count), l = [Double](repeating: 0, count: a.count)
        fk_logistic_exp_log1p(a, a.count, &t, &l)
        var worstExp: UInt64 = 0, worstLog: UInt64 = 0
        for i in a.indices {
            #expect(!t[i].isNaN && !l[i].isNaN, "NaN at a = \(a[i])")
            let e = exp(-a[i])
            let d = Self.ulps(t[i], e)
            #expect(d <= (e < Double.leastNormalMagnitude ? 2 : 1), "exp(-\(a[i])): \(t[i]) vs \(e)")
            worstExp = Swift.max(worstExp, d)
            let dl = Self.ulps(l[i], log1p(t[i]))
            #expect(dl <= 1, "log1p(\(t[i])): \(l[i]) vs \(log1p(t[i]))")
            worstLog = Swift.max(worstLog, dl)
        }
        #expect(t[a.count - 1] == 0 && l[a.count - 1] == 0)  // a = infinity
        #expect(t[a.count - 6] > 0 && t[a.count - 6] < .leastNormalMagnitude && l[a.count - 6] == t[a.count - 6])  // subnormal t: log1p(t) = t
    }

    /// log1p over the whole unit interval (both reduction branches, the sqrt(2) - 1 boundary).
    @Test("log1p(t) for t spread over (0, 1]")
    func log1pUnitInterval() {
        let a = Self.uniforms(40_000, seed: 5).map { -log(Swift.max($0, 1e-300)) } + [0, -log(2.squareRoot() - 1), -log(0.41421356237309503)]
        var t = [Double](repeating: 0, count: a.count), l = [Double](repeating: 0, count: a.count)
        fk_logistic_exp_log1p(a, a.count, &t, &l)
        for i in a.indices { #expect(Self.ulps(l[i], log1p(t[i])) <= 1, "log1p(\(t[i]))") }
    }

    /// Every code path this CPU has (AVX-512, AVX2, baseline) gives the same bits: loss, gradient,
    /// Hessian and curvatures, including extreme decision values (|z| ~ 800) and a NaN row.
    @Test("AVX-512, AVX2 and baseline paths agree bit for bit", arguments: [(5, true), (32, true), (63, true), (70, false), (256, true)])
    func pathsAgree(columns d: Int, fitIntercept: Bool) {
        let rows = 45
        let u = Self.uniforms(rows * d + 2 * rows, seed: UInt64(d))
        var x = (0..<(rows * d)).map { 4 * u[$0] - 2 }
        for j in 0..<d { x[7 * d + j] = 400 * (j % 2 == 0 ? 1 : -1) }  // |z| in the hundreds
        let w = (0..<rows).map { i in i % 9 == 4 ? 0 : 2 * u[rows * d + i] }
        let y = (0..<rows).map { Int32(u[rows * d + rows + $0] < 0.5 ? 1 : 0) }
        let s = d + (fitIntercept ? 1 : 0)
        let w8 = Int(fk_logistic_tile_width(d, fitIntercept ? 1 : 0))
        var coefficients = [Double](repeating: 0, count: w8)
        for j in 0..<s { coefficients[j] = 0.5 * sin(Double(j + 1)) }
        let wantHessian = w8 <= 64
        func run(_ level: Int32, nanRow: Bool) -> (UInt64, [UInt64], [UInt64], [UInt64]) {
            var xs = x
            if nanRow { xs[3 * d] = .nan }
            var loss = 0.0
            var gradient = [Double](repeating: 0, count: w8), hessian = [Double](repeating: 0, count: w8 * w8)
            var curvature = [Double](repeating: 0, count: rows)
            _ = hessian.withUnsafeMutableBufferPointer { hs in
                fk_logistic_binary_block_at(level, xs, rows, d, coefficients, fitIntercept ? 1 : 0, w, y.map { Int32($0) }, &loss,
                                            &gradient, wantHessian ? hs.baseAddress : nil, &curvature)
            }
            return (loss.bitPattern, gradient.map(\.bitPattern), hessian.map(\.bitPattern), curvature.map(\.bitPattern))
        }
        for nanRow in [false, true] {
            let reference = run(0, nanRow: nanRow)
            for level in 1...Swift.max(1, fk_logistic_code_level()) {
                let other = run(level, nanRow: nanRow)
                #expect(other.0 == reference.0 && other.1 == reference.1 && other.2 == reference.2 && other.3 == reference.3,
                        "level \(level) vs baseline, NaN row \(nanRow)")
            }
            if nanRow {
                #expect(Double(bitPattern: reference.0).isNaN)  // NaN never disappears from the loss
            } else {
                #expect(Double(bitPattern: reference.0).isFinite)
                #expect(reference.1.allSatisfy { Double(bitPattern: $0).isFinite })
            }
        }
    }

    /// Without the Hessian, full groups of 8 rows are read in place (no tile copy); with it, every
    /// row goes through the padded tile. Both orders of operations are the same, so the loss and the
    /// gradient must agree bit for bit (widths with and without a tail chunk, with and without the
    /// intercept, a partial last group, zero weights, |z| in the hundreds).
    @Test("rows read in place give the same bits as the tile copy", arguments: [(5, true), (8, false), (8, true), (16, true), (31, true), (32, true), (40, false), (63, true)])
    func inPlaceMatchesTile(columns d: Int, fitIntercept: Bool) {
        let rows = 45
        let u = Self.uniforms(rows * d + 2 * rows, seed: UInt64(d) &+ 7)
        var x = (0..<(rows * d)).map { 4 * u[$0] - 2 }
        for j in 0..<d { x[9 * d + j] = 400 * (j % 2 == 0 ? 1 : -1) }
        let w = (0..<rows).map { i in i % 9 == 4 ? 0 : 2 * u[rows * d + i] }
        let y = (0..<rows).map { Int32(u[rows * d + rows + $0] < 0.5 ? 1 : 0) }
        let s = d + (fitIntercept ? 1 : 0)
        let w8 = Int(fk_logistic_tile_width(d, fitIntercept ? 1 : 0))
        var coefficients = [Double](repeating: 0, count: w8)
        for j in 0..<s { coefficients[j] = 0.5 * cos(Double(j + 1)) }
        for level in 0...Swift.max(0, Int(fk_logistic_code_level())) {
            func run(hessian: Bool) -> (UInt64, [UInt64]) {
                var loss = 0.0
                var gradient = [Double](repeating: 0, count: w8), h = [Double](repeating: 0, count: w8 * w8)
                _ = h.withUnsafeMutableBufferPointer { hs in
                    fk_logistic_binary_block_at(Int32(level), x, rows, d, coefficients, fitIntercept ? 1 : 0, w, y, &loss, &gradient,
                                                hessian ? hs.baseAddress : nil, nil)
                }
                return (loss.bitPattern, gradient.map(\.bitPattern))
            }
            let tile = run(hessian: true), inPlace = run(hessian: false)
            #expect(tile.0 == inPlace.0 && tile.1 == inPlace.1, "level \(level), \(d) columns, intercept \(fitIntercept)")
            // Unit weights passed as NULL (not read) give the bits of an array of ones.
            func unit(_ ones: [Double]?) -> (UInt64, [UInt64]) {
                var loss = 0.0
                var gradient = [Double](repeating: 0, count: w8)
                _ = fk_logistic_binary_block_at(Int32(level), x, rows, d, coefficients, fitIntercept ? 1 : 0, ones, y, &loss, &gradient, nil, nil)
                return (loss.bitPattern, gradient.map(\.bitPattern))
            }
            let viaOnes = unit([Double](repeating: 1, count: rows)), viaNull = unit(nil)
            #expect(viaOnes.0 == viaNull.0 && viaOnes.1 == viaNull.1, "unit weights, level \(level)")
        }
    }

    /// The one-pass shifted moments against the two-pass textbook formulas (relative 1e-12: the
    /// shift keeps the cancellation at the scale of the spread; sums of 5000 terms; scale 1e-11), and the same
    /// bits for 1, 2 and 3 threads (fixed blocks).
    @Test("columnLocationScale: one pass equals two passes; thread count does not change the bits", arguments: [3, 17, 256])
    func locationScaleOnePass(columns d: Int) throws {
        let rows = 5000
        let u = Self.uniforms(rows * d + rows, seed: UInt64(d) &+ 99)
        let x = (0..<(rows * d)).map { 1000 + Double($0 % d) * 3 + (4 * u[$0] - 2) * Double($0 % d + 1) }
        let w = (0..<rows).map { i in i % 11 == 0 ? 0 : u[rows * d + i] * 2 }
        let one = try LogisticKernels.columnLocationScale(x: x, rows: rows, columns: d, weights: w, threads: 1)
        for threads in [2, 3] {
            let other = try LogisticKernels.columnLocationScale(x: x, rows: rows, columns: d, weights: w, threads: threads)
            #expect(other.mean.map(\.bitPattern) == one.mean.map(\.bitPattern) && other.scale.map(\.bitPattern) == one.scale.map(\.bitPattern))
        }
        let total = w.reduce(0, +)
        for j in 0..<d {
            var m = 0.0
            for i in 0..<rows { m += w[i] * x[i * d + j] }
            m /= total
            var v = 0.0
            for i in 0..<rows { let c = x[i * d + j] - m; v += w[i] * c * c }
            let sd = (v / total).squareRoot()
            #expect(abs(one.mean[j] - m) <= 1e-12 * abs(m), "mean \(j)")
            #expect(abs(one.scale[j] - sd) <= 1e-11 * sd, "scale \(j)")
        }
    }

    /// The L-BFGS start pass: the same mean and scale bits as `columnLocationScale` (same formulas,
    /// blocks and order), the same bits for 1, 2 and 3 threads and on every code path, the column
    /// sums `sum_i r_i x_ij` within 1e-12 relative of a naive loop (5000 terms of mixed sign; the
    /// bound is against the sum of |terms|), and any NaN or infinity reported, also in a row of
    /// weight 0.
    @Test("columnStartPass: columnLocationScale's bits, the residual sums, the finiteness check", arguments: [3, 8, 17, 40, 64, 130, 256])
    func startPass(columns d: Int) throws {
        let rows = 5000
        let u = Self.uniforms(rows * d + 2 * rows, seed: UInt64(d) &+ 3)
        var x = (0..<(rows * d)).map { 1000 + Double($0 % d) * 3 + (4 * u[$0] - 2) * Double($0 % d + 1) }
        let w = (0..<rows).map { i in i % 11 == 0 ? 0 : u[rows * d + i] * 2 }
        let r = (0..<rows).map { i in u[rows * d + rows + i] - 0.5 }
        let reference = try LogisticKernels.columnLocationScale(x: x, rows: rows, columns: d, weights: w, threads: 1)
        let one = try LogisticKernels.columnStartPass(x: x, rows: rows, columns: d, weights: w, residuals: r, threads: 1)
        #expect(one.finite)
        #expect(one.mean.map(\.bitPattern) == reference.mean.map(\.bitPattern) && one.scale.map(\.bitPattern) == reference.scale.map(\.bitPattern))
        for threads in [2, 3] {
            let other = try LogisticKernels.columnStartPass(x: x, rows: rows, columns: d, weights: w, residuals: r, threads: threads)
            #expect(other.mean.map(\.bitPattern) == one.mean.map(\.bitPattern) && other.scale.map(\.bitPattern) == one.scale.map(\.bitPattern)
                    && other.gradient?.map(\.bitPattern) == one.gradient?.map(\.bitPattern), "\(threads) threads")
        }
        let gradient = try #require(one.gradient)
        for j in 0..<d {
            var sum = 0.0, magnitude = 0.0
            for i in 0..<rows { sum += r[i] * x[i * d + j]; magnitude += abs(r[i] * x[i * d + j]) }
            #expect(abs(gradient[j] - sum) <= 1e-12 * magnitude, "column \(j)")
        }
        // Every code path, one block: the same bits.
        func raw(_ level: Int32, _ xs: [Double]) -> (Int32, [UInt64]) {
            var s1 = [Double](repeating: 0, count: d), s2 = s1, g = s1
            let ok = fk_logistic_column_pass_at(level, xs, rows, d, xs, w, r, &s1, &s2, &g)
            return (ok, (s1 + s2 + g).map(\.bitPattern))
        }
        let base = raw(0, x)
        for level in 1...Swift.max(1, fk_logistic_code_level()) { #expect(raw(level, x) == base, "level \(level)") }
        // Residuals by class: the same bits as the per-row array w_i * (y_i == 1 ? one : zero), on
        // every code path and thread count.
        let y = (0..<rows).map { i in Int32(u[rows * d + rows + i] < 0.4 ? 1 : 0) }
        let (rZero, rOne) = (0.3125, -0.6875)
        let perRow = (0..<rows).map { i in w[i] * (y[i] == 1 ? rOne : rZero) }
        let viaArray = try LogisticKernels.columnStartPass(x: x, rows: rows, columns: d, weights: w, residuals: perRow, threads: 1)
        for threads in [1, 2] {
            let viaClasses = try LogisticKernels.columnStartPass(x: x, rows: rows, columns: d, weights: w, residuals: nil, threads: threads,
                                                                 residualsByClass: .init(target: y, zero: rZero, one: rOne))
            #expect(viaClasses.gradient?.map(\.bitPattern) == viaArray.gradient?.map(\.bitPattern), "\(threads) threads")
            #expect(viaClasses.mean.map(\.bitPattern) == viaArray.mean.map(\.bitPattern))
        }
        for level in 0...Swift.max(1, fk_logistic_code_level()) {
            var s1 = [Double](repeating: 0, count: d), s2 = s1, g = s1
            _ = fk_logistic_column_pass_classes_at(level, x, rows, d, x, w, y, rZero, rOne, &s1, &s2, &g)
            var t1 = [Double](repeating: 0, count: d), t2 = t1, h = t1
            _ = fk_logistic_column_pass_at(level, x, rows, d, x, w, perRow, &t1, &t2, &h)
            #expect((s1 + s2 + g).map(\.bitPattern) == (t1 + t2 + h).map(\.bitPattern), "level \(level)")
        }
        #expect(throws: LinearAlgebraError.self) {
            try LogisticKernels.columnStartPass(x: x, rows: rows, columns: d, weights: w, residuals: nil,
                                                residualsByClass: .init(target: Array(y.dropLast()), zero: rZero, one: rOne))
        }
        // Non-finite entries, in a weighted row and in a row of weight 0 (row 22: 22 % 11 == 0).
        for (row, value) in [(5, Double.nan), (22, Double.infinity), (22, -Double.infinity)] {
            var bad = x
            bad[row * d + d - 1] = value
            #expect(try !LogisticKernels.columnStartPass(x: bad, rows: rows, columns: d, weights: w, residuals: nil).finite)
            #expect(raw(0, bad).0 == 0)
        }
        x[0] = 1e300  // huge but finite
        #expect(try LogisticKernels.columnStartPass(x: x, rows: rows, columns: d, weights: w, residuals: r).finite)
    }
}

import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import LinearAlgebra

/// The fused C pass of the binary objective against a naive per-row computation.
@Suite("Logistic fused pass: loss, gradient and Hessian equal the naive sums")
struct LogisticFusedPassTests {
    /// A small deterministic problem: values in [-2, 2], weights in [0, 2], labels alternating by a hash.
    static func problem(rows: Int, columns: Int) -> (x: [Double], w: [Double], y: [Int32]) {
        var state: UInt64 = 0x1234_5678
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        let x = (0..<(rows * columns)).map { _ in 4 * next() - 2 }
        let w = (0..<rows).map { i in i % 7 == 3 ? 0 : 2 * next() }
        let y = (0..<rows).map { _ in Int32(next() < 0.4 ? 1 : 0) }
        return (x, w, y)
    }

    @Test("narrow and wide designs, with and without intercept", arguments: [(5, true), (5, false), (8, false), (63, true), (70, true), (130, false), (256, true)])
    func matchesNaive(columns d: Int, fitIntercept: Bool) throws {
        let rows = 37  // not a multiple of 8: exercises the partial row group (and, without the Hessian, 4 pipelined groups)
        let (x, w, y) = Self.problem(rows: rows, columns: d)
        let s = d + (fitIntercept ? 1 : 0)
        let w8 = try #require(LogisticKernels.fusedTileWidth(columns: d, fitIntercept: fitIntercept))
        #expect(w8 % 8 == 0 && w8 >= s && w8 < s + 8)
        var coefficients = [Double](repeating: 0, count: w8)
        for j in 0..<s { coefficients[j] = 0.3 * sin(Double(j + 1)) }
        var curvature = [Double](repeating: 0, count: rows)
        let part = LogisticKernels.binaryFusedBlock(x: x, columns: d, range: 0..<rows, coefficients: coefficients, fitIntercept: fitIntercept,
                                                    weights: w, target: y, wantHessian: true, curvature: &curvature)
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: s)
        var hessian = [Double](repeating: 0, count: s * s)
        for i in 0..<rows {
            var t = Array(x[(i * d)..<((i + 1) * d)])
            if fitIntercept { t.append(1) }
            var z = 0.0
            for j in 0..<s { z += t[j] * coefficients[j] }
            let p = 1 / (1 + exp(-z))
            loss += w[i] * (log(1 + exp(z)) - Double(y[i]) * z)
            for j in 0..<s { gradient[j] += w[i] * (p - Double(y[i])) * t[j] }
            let h = w[i] * p * (1 - p)
            #expect(abs(curvature[i] - h) <= 1e-15, "curvature row \(i)")
            for a in 0..<s { for b in 0..<s { hessian[a * s + b] += h * t[a] * t[b] } }
        }
        // Tolerances: both sides sum O(rows * s) terms of size <= ~4 in different orders (and the
        // naive side uses the cancelling textbook formulas): 1e-12 relative to the scale of the sums.
        #expect(abs(part.loss - loss) <= 1e-12 * Swift.max(1, abs(loss)))
        for j in 0..<s { #expect(abs(part.gradient[j] - gradient[j]) <= 1e-12 * 40, "gradient \(j)") }
        for j in s..<w8 { #expect(part.gradient[j] == 0, "padding \(j)") }
        for a in 0..<s {
            for b in a..<s { #expect(abs(part.hessian[a * w8 + b] - hessian[a * s + b]) <= 1e-12 * 40, "hessian \(a), \(b)") }
        }
        // Without the Hessian: the same loss and gradient bits.
        var none: [Double] = []
        let plain = LogisticKernels.binaryFusedBlock(x: x, columns: d, range: 0..<rows, coefficients: coefficients, fitIntercept: fitIntercept,
                                                     weights: w, target: y, wantHessian: false, curvature: &none)
        #expect(plain.loss.bitPattern == part.loss.bitPattern)
        #expect(plain.gradient.map(\.bitPattern) == part.gradient.map(\.bitPattern))
        #expect(plain.hessian.isEmpty)
    }

    @Test("too wide for the tile and empty ranges are refused without a trap")
    func limits() {
        #expect(LogisticKernels.fusedTileWidth(columns: 600, fitIntercept: true) == nil)
        #expect(LogisticKernels.fusedTileWidth(columns: 0, fitIntercept: true) == nil)
        var none: [Double] = []
        let r = LogisticKernels.binaryFusedBlock(x: [1, 2], columns: 2, range: 0..<0, coefficients: [Double](repeating: 0, count: 8),
                                                 fitIntercept: true, weights: [1], target: [1], wantHessian: true, curvature: &none)
        #expect(r.loss == 0 && r.gradient.isEmpty)
    }
}

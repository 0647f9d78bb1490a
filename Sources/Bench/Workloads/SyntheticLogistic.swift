import Foundation
import LinearAlgebra

/// A well-posed logistic regression problem, generated from a seed (mirrored bit for bit by
/// `synthetic_logistic` in `Benchmarks/peers/peer.py`):
///
///     x_ij = 2 u(seed, 13, i * d + j) - 1                 (uniform in [-1, 1), every column alike)
///     beta_j = ((j mod 5) - 2) * (2 / sqrt(d)),  b = 0.5
///     z_i = (sum_j x_ij beta_j, in column order) + b
///     y_i = 1 if u(seed, 14, i) < 1 / (1 + exp(-z_i)) else 0      (Bernoulli(sigmoid(z_i)))
///
/// The columns share one scale and are independent, and the signal is moderate (the decision
/// values' standard deviation is sqrt(8 / 3) ~ 1.6 for any d), so the classes overlap: the
/// penalised optimum is interior with modest coefficients and a well-conditioned Hessian, unlike
/// the canonical features' nearly separable `binary` target.
///
/// Bit-identity with the peer: the features and the sums use only correctly rounded operations in
/// the same order; `exp` is the C library's on both sides (Python's `math.exp` calls the same
/// glibc `exp` as Foundation here). `checksum` lets both sides compare what they generated.
public enum SyntheticLogistic {
    /// The problem: `x` (rows x columns, row-major) and the labels (0 / 1).
    public struct Problem {
        public var x: Matrix<Double>
        public var y: [Double]
    }

    public static let intercept = 0.5

    /// `beta_j = ((j mod 5) - 2) * (2 / sqrt(d))`.
    public static func coefficients(columns d: Int) -> [Double] {
        let c = 2 / Double(Swift.max(d, 1)).squareRoot()
        return (0..<d).map { j in Double((j % 5) - 2) * c }
    }

    /// Generates the problem.
    /// - Throws: `.invalidArgument` for negative or overflowing sizes.
    /// - Complexity: O(rows * columns); the matrix and the labels are the allocations.
    public static func problem(seed: UInt64, rows: Int, columns d: Int) throws -> Problem {
        let x = try SyntheticData.uniformMatrix(seed: seed, stream: 13, rows: rows, columns: d)
        let beta = coefficients(columns: d)
        var y = [Double](repeating: 0, count: rows)
        let e = x.elements
        for i in 0..<rows {
            var sum = 0.0
            for j in 0..<d { sum = sum + e[i * d + j] * beta[j] }
            let z = sum + intercept
            let p = 1 / (1 + Foundation.exp(-z))
            y[i] = SyntheticData.uniform(seed: seed, stream: 14, index: UInt64(i)) < p ? 1 : 0
        }
        return Problem(x: x, y: y)
    }

    /// A 64-bit digest of the problem's bytes: the XOR of all feature bit patterns, then each
    /// positive label's `row + 1` added (wrapping) after a multiply by an odd constant. The peer
    /// computes the same (`synthetic_logistic_checksum`) and refuses to run on a mismatch.
    public static func checksum(_ problem: Problem) -> UInt64 {
        var h: UInt64 = 0
        for v in problem.x.elements { h ^= v.bitPattern }
        var labels: UInt64 = 0
        for (i, v) in problem.y.enumerated() where v == 1 { labels = labels &+ UInt64(i + 1) }
        return h &* 0x9E37_79B9_7F4A_7C15 &+ labels
    }
}

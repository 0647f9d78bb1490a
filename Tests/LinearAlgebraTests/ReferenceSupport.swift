import LinearAlgebra
import Testing

/// Naive references (plain loops, accumulated in Double) and tolerances for the wrapper tests.
enum Reference {
    static func random<S: LinearAlgebraScalar>(_: S.Type, rows: Int, columns: Int, seed: UInt64) throws -> Matrix<S> {
        var g = SeededGenerator(seed: seed)
        return try Matrix<S>.uniform(rows: rows, columns: columns, in: -1...1, using: &g)
    }

    static func vector<S: LinearAlgebraScalar>(_: S.Type, count: Int, seed: UInt64) -> [S] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in S(2 * g.nextUniform() - 1) }
    }

    /// `op(A)` element `(i, j)`.
    static func at<S: LinearAlgebraScalar>(_ a: Matrix<S>, _ i: Int, _ j: Int, transposed: Bool) -> Double {
        Double(transposed ? a[j, i] : a[i, j])
    }

    static func product<S: LinearAlgebraScalar>(_ a: Matrix<S>, _ ta: Bool, _ b: Matrix<S>, _ tb: Bool) -> (values: [[Double]], magnitude: [[Double]]) {
        let m = ta ? a.columns : a.rows, k = ta ? a.rows : a.columns, n = tb ? b.rows : b.columns
        var values = Array(repeating: Array(repeating: 0.0, count: n), count: m), magnitude = values
        for i in 0..<m {
            for j in 0..<n {
                for p in 0..<k {
                    let t = at(a, i, p, transposed: ta) * at(b, p, j, transposed: tb)
                    values[i][j] += t
                    magnitude[i][j] += abs(t)
                }
            }
        }
        return (values, magnitude)
    }

    /// Rounding bound of a sum of k products computed in `S`: `2 k eps_S sum |terms|` (Higham's
    /// gamma_k with a safety factor of 2), plus one ulp of the result.
    static func tolerance<S: LinearAlgebraScalar>(_: S.Type, terms k: Int, magnitude: Double) -> Double {
        2 * Double(Swift.max(k, 1)) * Double(S.ulpOfOne) * magnitude + Double(S.ulpOfOne) * magnitude
    }
}

/// The two scalar types every wrapper is tested with.
enum ScalarKind: String, CaseIterable, CustomTestStringConvertible {
    case float, double
    var testDescription: String { rawValue }
}

/// Shapes used across the tests: 1x1, tall, wide, square, and empty ones.
let testShapes: [(Int, Int)] = [(1, 1), (50, 3), (200, 7), (3, 50), (17, 17), (0, 4), (4, 0), (0, 0)]

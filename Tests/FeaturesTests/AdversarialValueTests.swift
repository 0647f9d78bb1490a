import Foundation
import LinearAlgebra
import Testing
@testable import Features

/// Values (not only finiteness) of transforms on extreme but finite input, against closed forms.
@Suite struct AdversarialValueTests {
    /// Rows whose L1 or L2 norm exceeds `Double.greatestFiniteMagnitude` although every entry is
    /// finite: the norm overflowed to infinity and the row was divided by it, so it came out as
    /// zeros (`[1e308, 1e308]` -> `[0, 0]` with L1) with no error. Each row now has unit norm.
    @Test(arguments: [Normalizer.Norm.l1, .l2, .max])
    func normalizerRowsWhoseNormOverflows(norm: Normalizer.Norm) throws {
        let x = try Matrix<Double>([[1e308, 1e308], [1.5e308, -1.5e308], [1e308, 1e308]])
        let wide = try Matrix<Double>([[1e308, 1e308, 1e308, 1e308], [1.7e308, -1.7e308, 1, 0]])
        let r = 0.5.squareRoot()
        let cases: [(Matrix<Double>, [[Double]])] = [
            (x, norm == .l1 ? [[0.5, 0.5], [0.5, -0.5], [0.5, 0.5]]
                : norm == .l2 ? [[r, r], [r, -r], [r, r]]
                : [[1, 1], [1, -1], [1, 1]]),
            (wide, norm == .l1 ? [[0.25, 0.25, 0.25, 0.25], [0.5, -0.5, 1 / 1.7e308 / 2, 0]]
                : norm == .l2 ? [[0.5, 0.5, 0.5, 0.5], [r, -r, r / 1.7e308, 0]]
                : [[1, 1, 1, 1], [1, -1, 1 / 1.7e308, 0]]),
        ]
        for (input, expected) in cases {
            let y = try Normalizer(norm: norm).fit(input).transform(input, columnNames: nil, threads: 2)
            for i in 0..<input.rows {
                for j in 0..<input.columns {
                    // A few roundings (scaled sum, square root, two divisions): 4 ulps. The
                    // subnormal entries (1 / 3.4e308) keep fewer digits: compare them absolutely.
                    let (got, want) = (y[i, j], expected[i][j])
                    #expect(abs(got - want) <= Swift.max(4 * want.ulp, 20 * Double.leastNonzeroMagnitude), "\(norm) row \(i) column \(j): \(got) vs \(want)")
                }
            }
        }
    }
}

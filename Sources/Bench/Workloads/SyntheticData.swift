import LinearAlgebra

/// The canonical benchmark data, generated from a seed by a counter-based generator that the peer
/// script (`Benchmarks/peers/peer.py`) implements too, so both sides compute on identical bytes.
///
/// Element `i` of stream `s` is a pure function of `(seed, s, i)`: SplitMix64's finaliser applied to
/// `seed + s * 0xD1B54A32D192ED03 + (i + 1) * 0x9E3779B97F4A7C15` (wrapping). Nothing is sequential,
/// so any row block can be generated on its own (and in parallel), and numpy generates the same
/// values vectorised. Every transformation below uses only IEEE operations that are correctly
/// rounded (+, -, *, /, floor, integer-to-double conversion of values below 2^53), applied in the
/// same order on both sides, so the doubles are bit-identical without sharing a file.
public enum SyntheticData {
    /// The 64-bit draw for `(seed, stream, index)`.
    @inlinable
    public static func bits(seed: UInt64, stream: UInt64, index: UInt64) -> UInt64 {
        var z = seed &+ stream &* 0xD1B5_4A32_D192_ED03 &+ (index &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw in [0, 1) from the top 53 bits.
    @inlinable
    public static func uniform(seed: UInt64, stream: UInt64, index: UInt64) -> Double {
        Double(bits(seed: seed, stream: stream, index: index) >> 11) * 0x1p-53
    }

    /// Column scales cycle through 1e-3 ... 1e3, so columns differ by up to six orders of magnitude.
    public static let columnScales: [Double] = [1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3]

    /// The distribution of column `j`: uniform, heavy tailed, bell shaped, or integer counts.
    public enum ColumnKind: Int, Sendable, CaseIterable {
        /// `scale * (2u - 1)`.
        case uniform = 0
        /// `±scale * (1 / (1 - u) - 1)`: Pareto tail with index 1 (infinite mean), sign from bit 0.
        case heavyTailed = 1
        /// `scale * (u1 + u2 + u3 + u4 - 2)`: Irwin-Hall, a bounded bell curve.
        case bell = 2
        /// `floor(100 u)`: small non-negative integers, as counts in real data.
        case counts = 3
    }

    /// The kind of column `j` (`j mod 4`).
    @inlinable
    public static func kind(ofColumn j: Int) -> ColumnKind {
        ColumnKind(rawValue: j & 3) ?? .uniform  // j & 3 is always 0...3, so the fallback never runs
    }

    /// Element `(row, column)` of the dense feature matrix with `columns` columns.
    @inlinable
    public static func feature(seed: UInt64, row: Int, column: Int, columns: Int) -> Double {
        let index = UInt64(row) &* UInt64(columns) &+ UInt64(column)
        let scale = columnScales[column % columnScales.count]
        switch kind(ofColumn: column) {
        case .uniform:
            return scale * (2 * uniform(seed: seed, stream: 1, index: index) - 1)
        case .heavyTailed:
            let z = bits(seed: seed, stream: 2, index: index)
            let u = Double(z >> 11) * 0x1p-53
            let magnitude = scale * (1 / (1 - u) - 1)
            return z & 1 == 0 ? magnitude : -magnitude
        case .bell:
            let base = index &* 4
            let s = ((uniform(seed: seed, stream: 3, index: base) + uniform(seed: seed, stream: 3, index: base &+ 1))
                + uniform(seed: seed, stream: 3, index: base &+ 2)) + uniform(seed: seed, stream: 3, index: base &+ 3)
            return scale * (s - 2)
        case .counts:
            return (100 * uniform(seed: seed, stream: 4, index: index)).rounded(.down)
        }
    }

    /// The dense `rows x columns` feature matrix (row-major).
    /// - Throws: `.invalidArgument` for negative or overflowing sizes.
    /// - Complexity: O(rows * columns); one allocation.
    public static func features(seed: UInt64, rows: Int, columns: Int) throws -> Matrix<Double> {
        guard rows >= 0, columns >= 0, !rows.multipliedReportingOverflow(by: columns).overflow else {
            throw LinearAlgebraError.invalidArgument(parameter: "rows x columns", reason: "\(rows) x \(columns) is not a valid shape")
        }
        // On huge pages, as numpy puts the peer's copy and as the library's readers and transforms
        // put the matrices they return.
        return try Matrix(rows: rows, columns: columns) { i, j in feature(seed: seed, row: i, column: j, columns: columns) }
    }

    /// A `rows x columns` matrix of `2u - 1` (uniform in [-1, 1)) from `stream`; element `(i, j)`
    /// has index `i * columns + j`. The BLAS workloads use it (streams 10, 11: dgemm; 12: dsyrk).
    public static func uniformMatrix(seed: UInt64, stream: UInt64, rows: Int, columns: Int) throws -> Matrix<Double> {
        guard rows >= 0, columns >= 0, !rows.multipliedReportingOverflow(by: columns).overflow else {
            throw LinearAlgebraError.invalidArgument(parameter: "rows x columns", reason: "\(rows) x \(columns) is not a valid shape")
        }
        return try Matrix(rows: rows, columns: columns) { i, j in
            2 * uniform(seed: seed, stream: stream, index: UInt64(i * columns + j)) - 1
        }
    }

    /// The true coefficients of the regression target: `beta_j = ((j mod 5) - 2) / scale_j`, so
    /// every column contributes on the same order of magnitude.
    public static func coefficients(columns: Int) -> [Double] {
        (0..<columns).map { j in Double((j % 5) - 2) / columnScales[j % columnScales.count] }
    }

    /// The regression target `y = sum_j x_j * beta_j + noise` (summed in column order, no fused
    /// multiply-add; noise uniform in [-0.5, 0.5)), and the binary target `1 if y > 0 else 0`.
    public static func targets(seed: UInt64, features x: Matrix<Double>) throws -> (regression: [Double], binary: [Double]) {
        let beta = coefficients(columns: x.columns)
        var regression = [Double](repeating: 0, count: x.rows)
        var binary = [Double](repeating: 0, count: x.rows)
        let elements = x.elements
        for i in 0..<x.rows {
            var sum = 0.0
            for j in 0..<x.columns { sum = sum + elements[i * x.columns + j] * beta[j] }
            let noise = uniform(seed: seed, stream: 5, index: UInt64(i)) - 0.5
            regression[i] = sum + noise
            binary[i] = regression[i] > 0 ? 1 : 0
        }
        return (regression, binary)
    }

    /// The cardinalities of the four categorical columns.
    public static let categoryCardinalities = [10, 100, 1_000, 10_000]

    /// Category code of `(row, column)`: `floor(cardinality * u^2)`, skewed toward small codes as
    /// real category frequencies are.
    @inlinable
    public static func categoryCode(seed: UInt64, row: Int, column: Int, cardinality: Int) -> Int {
        let u = uniform(seed: seed, stream: 6 &+ UInt64(column), index: UInt64(row))
        return Int((Double(cardinality) * (u * u)).rounded(.down))
    }
}

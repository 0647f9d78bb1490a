import Testing
@testable import LinearAlgebra

// Test support for the LinearAlgebra suites: the scalar types and shapes every wrapper is run over,
// naive references (plain loops, accumulated in Double), tolerance bounds with their reasons, seeded
// inputs, and helpers that pull the payload out of a thrown `LinearAlgebraError`.

/// Float and Double: every generic check runs once per scalar type (`@Test(arguments: bothScalars)`).
let bothScalars: [any LinearAlgebraScalar.Type] = [Float.self, Double.self]

/// A matrix shape as a test argument, printed as `rows x columns`.
struct Dims: Sendable, Hashable, CustomTestStringConvertible {
    let rows: Int
    let columns: Int
    init(_ rows: Int, _ columns: Int) { self.rows = rows; self.columns = columns }
    var testDescription: String { "\(rows)x\(columns)" }

    /// 1x1, tall, wide, square and every kind of empty.
    static let all: [Dims] = [Dims(1, 1), Dims(50, 3), Dims(200, 7), Dims(3, 50), Dims(17, 17), Dims(0, 4), Dims(4, 0), Dims(0, 0)]
}

// MARK: Inputs

enum Inputs {
    /// Uniform draws in [-1, 1), from a fixed seed.
    static func uniform<S: LinearAlgebraScalar>(_: S.Type, _ rows: Int, _ columns: Int, seed: UInt64) throws -> Matrix<S> {
        var generator = SeededGenerator(seed: seed)
        return try Matrix<S>.uniform(rows: rows, columns: columns, in: -1...1, using: &generator)
    }

    /// Standard normal draws, from a fixed seed.
    static func normal<S: LinearAlgebraScalar>(_: S.Type, _ rows: Int, _ columns: Int, seed: UInt64) throws -> Matrix<S> {
        var generator = SeededGenerator(seed: seed)
        return try Matrix<S>.normal(rows: rows, columns: columns, using: &generator)
    }

    /// A vector of uniform draws in [-1, 1).
    static func vector<S: LinearAlgebraScalar>(_: S.Type, _ count: Int, seed: UInt64) throws -> [S] {
        try uniform(S.self, count, 1, seed: seed).elements
    }

    /// A well-conditioned symmetric positive definite matrix: `G^T G + n I` for a (n+3) x n uniform `G`.
    /// Its eigenvalues lie in roughly [n, 2n], so its condition number is below ~3.
    static func spd<S: LinearAlgebraScalar>(_: S.Type, _ n: Int, seed: UInt64) throws -> Matrix<S> {
        let g = try uniform(S.self, n + 3, n, seed: seed)
        var a = try Matrix<S>(rows: n, columns: n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<(n + 3) { sum += Double(g[p, i]) * Double(g[p, j]) }
                a[i, j] = S(sum + (i == j ? Double(n) : 0))
            }
        }
        return a
    }

    /// A matrix of type `S` from rows written in Double (exact for the small literals used in tests).
    static func matrix<S: LinearAlgebraScalar>(_: S.Type, _ rows: [[Double]]) throws -> Matrix<S> {
        try Matrix<S>(rows.map { $0.map { S($0) } })
    }

    /// A view of columns `range` of `m`: rows are `m.columns` apart, so the view is NOT contiguous
    /// (BLAS's leading dimension exceeds its column count). The public API makes only contiguous
    /// matrix views; this internal one checks that every wrapper honours `rowStride`.
    static func columnWindow<S: LinearAlgebraScalar>(_ m: Matrix<S>, _ range: Range<Int>) -> MatrixView<S> {
        MatrixView(storage: m.elements, offset: range.lowerBound, rows: m.rows, columns: range.count, rowStride: m.columns)
    }
}

// MARK: Naive references (plain loops, accumulated in Double)

enum Naive {
    /// Element `(i, j)` of a view, read straight from its storage (callers pass in-range indices).
    static func element<S: LinearAlgebraScalar>(_ a: MatrixView<S>, _ i: Int, _ j: Int) -> S {
        a.storage[a.offset + i * a.rowStride + j]
    }

    /// Element `(i, j)` of `op(A)` as a Double.
    static func at<S: LinearAlgebraScalar>(_ a: MatrixView<S>, _ i: Int, _ j: Int, transposed: Bool) -> Double {
        Double(transposed ? element(a, j, i) : element(a, i, j))
    }

    /// Shape of `op(A)`.
    static func opShape<S: LinearAlgebraScalar>(_ a: MatrixView<S>, transposed: Bool) -> (rows: Int, columns: Int) {
        transposed ? (a.columns, a.rows) : (a.rows, a.columns)
    }

    /// `sum x_i y_i` and `sum |x_i y_i|` (the latter scales the rounding bound).
    static func dot<S: LinearAlgebraScalar>(_ x: some Collection<S>, _ y: some Collection<S>) -> (value: Double, magnitude: Double) {
        var value = 0.0, magnitude = 0.0
        for (a, b) in zip(x, y) {
            let t = Double(a) * Double(b)
            value += t
            magnitude += abs(t)
        }
        return (value, magnitude)
    }

    /// `op(A) op(B)` with, per entry, the sum of the absolute values of its terms.
    static func product<S: LinearAlgebraScalar>(
        _ a: MatrixView<S>, transposeA: Bool, _ b: MatrixView<S>, transposeB: Bool
    ) -> (value: [[Double]], magnitude: [[Double]]) {
        let (m, k) = opShape(a, transposed: transposeA)
        let n = opShape(b, transposed: transposeB).columns
        var value = Array(repeating: Array(repeating: 0.0, count: n), count: m), magnitude = value
        for i in 0..<m {
            for j in 0..<n {
                for p in 0..<k {
                    let t = at(a, i, p, transposed: transposeA) * at(b, p, j, transposed: transposeB)
                    value[i][j] += t
                    magnitude[i][j] += abs(t)
                }
            }
        }
        return (value, magnitude)
    }

    /// `op(A) x` with per-entry magnitudes.
    static func matrixVector<S: LinearAlgebraScalar>(_ a: MatrixView<S>, transposed: Bool, _ x: [S]) -> (value: [Double], magnitude: [Double]) {
        let (m, k) = opShape(a, transposed: transposed)
        var value = [Double](repeating: 0, count: m), magnitude = value
        for i in 0..<m {
            for p in 0..<k {
                let t = at(a, i, p, transposed: transposed) * Double(x[p])
                value[i] += t
                magnitude[i] += abs(t)
            }
        }
        return (value, magnitude)
    }

    /// The matrix as nested Double arrays.
    static func rows<S: LinearAlgebraScalar>(_ a: some DenseMatrix<S>) -> [[Double]] {
        let v = a.view
        return (0..<v.rows).map { i in (0..<v.columns).map { j in Double(element(v, i, j)) } }
    }

    /// Solves the square system `A x = b` by Gaussian elimination with partial pivoting, in Double.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        let n = a.count
        var m = a, r = b
        for c in 0..<n {
            let pivot = (c..<n).max { abs(m[$0][c]) < abs(m[$1][c]) }!
            m.swapAt(c, pivot)
            r.swapAt(c, pivot)
            for i in (c + 1)..<max(n, c + 1) {
                let f = m[i][c] / m[c][c]
                for j in c..<n { m[i][j] -= f * m[c][j] }
                r[i] -= f * r[c]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = r[i]
            for j in (i + 1)..<max(n, i + 1) { s -= m[i][j] * x[j] }
            x[i] = s / m[i][i]
        }
        return x
    }

    /// The inverse of a square matrix, column by column through `solve`.
    static func inverse(_ a: [[Double]]) -> [[Double]] {
        let n = a.count
        let columns = (0..<n).map { j in solve(a, (0..<n).map { $0 == j ? 1 : 0 }) }
        return (0..<n).map { i in (0..<n).map { j in columns[j][i] } }
    }

    /// The 1-norm (maximum absolute column sum).
    static func oneNorm(_ a: [[Double]]) -> Double {
        guard let n = a.first?.count else { return 0 }
        return (0..<n).map { j in a.reduce(0.0) { $0 + abs($1[j]) } }.max() ?? 0
    }

    /// `A^T A` and `A^T b` in Double: the normal equations, solved by `solve`. Accurate to about
    /// cond(A)^2 * 1e-16, ample for the well-conditioned problems they check.
    static func normalEquations<S: LinearAlgebraScalar>(_ a: Matrix<S>, _ b: [S]) -> [Double] {
        let rows = Naive.rows(a)
        let n = a.columns
        let ata = (0..<n).map { i in (0..<n).map { j in rows.reduce(0.0) { $0 + $1[i] * $1[j] } } }
        let atb = (0..<n).map { i in zip(rows, b).reduce(0.0) { $0 + $1.0[i] * Double($1.1) } }
        return solve(ata, atb)
    }

    /// The minimum-norm solution of a full-row-rank wide system: `x = A^T (A A^T)^{-1} b`, in Double.
    static func minimumNorm<S: LinearAlgebraScalar>(_ a: Matrix<S>, _ b: [S]) -> [Double] {
        let rows = Naive.rows(a)
        let m = a.rows
        let aat = (0..<m).map { i in (0..<m).map { j in zip(rows[i], rows[j]).reduce(0.0) { $0 + $1.0 * $1.1 } } }
        let w = solve(aat, b.map(Double.init))
        return (0..<a.columns).map { j in (0..<m).reduce(0.0) { $0 + rows[$1][j] * w[$1] } }
    }
}

// MARK: Tolerances

enum Tolerance {
    /// Machine epsilon of `S` as a Double (2^-23 for Float, 2^-52 for Double).
    static func eps<S: LinearAlgebraScalar>(_: S.Type) -> Double { Double(S.ulpOfOne) }

    /// Bound for a sum of `k` rounded products computed in `S`, against an exact (Double) reference:
    /// Higham's |error| <= gamma_k * sum|terms| with gamma_k ~ k * eps / 2. We allow 2 k eps * sum|terms|
    /// (a factor 4 for blocked/FMA reorderings and for the Double reference's own rounding), plus one
    /// eps for the final rounding of the result.
    static func products<S: LinearAlgebraScalar>(_: S.Type, terms k: Int, magnitude: Double) -> Double {
        (2 * Double(Swift.max(k, 1)) + 1) * eps(S.self) * magnitude
    }

    /// Relative accuracy of a backward-stable solve on the well-conditioned (cond < ~1000) problems these
    /// tests build: ~1e-10 for Double (cond * eps ~ 1e-14 leaves a wide margin) and ~1e-3 for Float
    /// (cond * eps ~ 1e-5). Tight enough to catch a wrong layout or transpose, which gives O(1) errors.
    static func solve<S: LinearAlgebraScalar>(_: S.Type) -> Double { S.self == Float.self ? 1e-3 : 1e-10 }
}

/// `|actual - expected| <= tolerance * max(1, |expected|)`: relative for large values, absolute near zero.
func close(_ actual: Double, _ expected: Double, relative tolerance: Double) -> Bool {
    abs(actual - expected) <= tolerance * Swift.max(1, abs(expected))
}

/// The bytes of a matrix's elements, for bit-identical comparisons (NaN payloads and -0 included).
func bits<S: LinearAlgebraScalar>(_ m: Matrix<S>) -> [UInt8] { m.elements.withUnsafeBytes { Array($0) } }
func bits<S: LinearAlgebraScalar>(_ v: [S]) -> [UInt8] { v.withUnsafeBytes { Array($0) } }

// MARK: Thrown errors

/// Expects `body` to throw `.shapeMismatch` naming exactly `lhs` and `rhs`; returns the error.
@discardableResult
func expectShapeMismatch(
    lhs: Shape, rhs: Shape, operation: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> LinearAlgebraError? {
    let error = #expect(throws: LinearAlgebraError.self, sourceLocation: sourceLocation) { try body() }
    if case let .shapeMismatch(op, l, r, _)? = error {
        #expect(l == lhs && r == rhs, "named \(l) and \(r), expected \(lhs) and \(rhs)", sourceLocation: sourceLocation)
        if let operation { #expect(op == operation, sourceLocation: sourceLocation) }
        let text = "\(error!)"
        #expect(text.contains(lhs.description) && text.contains(rhs.description), "\(text)", sourceLocation: sourceLocation)
    } else if let error {
        Issue.record("expected shapeMismatch, got \(error)", sourceLocation: sourceLocation)
    }
    return error
}

/// Expects `body` to throw `.invalidArgument` naming `parameter`.
@discardableResult
func expectInvalidArgument(
    _ parameter: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> LinearAlgebraError? {
    let error = #expect(throws: LinearAlgebraError.self, sourceLocation: sourceLocation) { try body() }
    if case let .invalidArgument(p, _)? = error {
        #expect(p == parameter, "named '\(p)', expected '\(parameter)'", sourceLocation: sourceLocation)
    } else if let error {
        Issue.record("expected invalidArgument(\(parameter)), got \(error)", sourceLocation: sourceLocation)
    }
    return error
}

/// Expects `body` to throw `.nonFinite` naming `row`, `column` and the offending value (NaN matches NaN).
@discardableResult
func expectNonFinite(
    row: Int, column: Int, value: Double, operation: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> LinearAlgebraError? {
    let error = #expect(throws: LinearAlgebraError.self, sourceLocation: sourceLocation) { try body() }
    if case let .nonFinite(op, r, c, v)? = error {
        #expect(r == row && c == column, "named (\(r), \(c)), expected (\(row), \(column))", sourceLocation: sourceLocation)
        #expect(v.isNaN ? value.isNaN : v == value, "value \(v), expected \(value)", sourceLocation: sourceLocation)
        if let operation { #expect(op == operation, "operation '\(op)'", sourceLocation: sourceLocation) }
        #expect("\(error!)".contains("row \(row), column \(column)"), sourceLocation: sourceLocation)
    } else if let error {
        Issue.record("expected nonFinite, got \(error)", sourceLocation: sourceLocation)
    }
    return error
}

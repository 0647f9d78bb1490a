import LinearAlgebra
import Testing
@testable import Statistics

/// The fused bracketing path of `ColumnQuantiles` (8 adjacent large `Double` columns read in place,
/// `ColumnQuantiles.fusedGroup`), against a full sort of each column: random, sorted, reversed,
/// periodic with the sampling stride, heavy ties, heavy tails, constant, signed zeros, and columns
/// that must take the gathering path (NaN, a column left over past the last group of 8). Exact
/// equality: both sides are order statistics combined by the same NumPy formulas.
@Suite("Exact quantiles: the fused 8-column bracketing path agrees with a full sort")
struct FusedBracketTests {
    /// A little over 5 sample strides (`rows / bracketSampleSize = 5`), so the strided sample spans
    /// the rows and sorted columns bracket well.
    static let rows = 81_921
    /// Two groups of 8 (the second declines for its NaN column) and one column past them.
    static let kinds = ["random", "sorted", "reversed", "periodic", "ties", "heavy", "constant", "zeros",
                        "random", "nan", "ties", "random", "sorted", "heavy", "periodic", "reversed", "random"]

    static func column(_ kind: String, _ generator: inout SeededGenerator) -> [Double] {
        let n = rows
        switch kind {
        case "random": return (0..<n).map { _ in Double.random(in: -1e3...1e3, using: &generator) }
        case "sorted": return (0..<n).map { Double($0) * 0.5 }
        case "reversed": return (0..<n).map { Double(n - $0) }
        case "periodic": return (0..<n).map { Double($0 % (n / Selection.bracketSampleSize)) }
        case "ties": return (0..<n).map { _ in Double(Int.random(in: 0..<3, using: &generator)) }
        case "heavy": return (0..<n).map { _ in let u = Double.random(in: 1e-9...1, using: &generator); return (u < 0.5 ? -1 : 1) / (u * u) }
        case "zeros": return (0..<n).map { _ in [-0.0, 0.0, 1.0, -1.0][Int.random(in: 0..<4, using: &generator)] }
        case "nan": return (0..<n).map { i in i % 7 == 3 ? .nan : Double.random(in: 0...1, using: &generator) }
        default: return [Double](repeating: 4.25, count: n)
        }
    }

    static func matrix(_ kinds: [String]) throws -> (Matrix<Double>, [[Double]]) {
        var generator = SeededGenerator(seed: 23)
        let columns = kinds.map { column($0, &generator) }
        var elements = [Double](repeating: 0, count: rows * kinds.count)
        for (j, c) in columns.enumerated() { for i in 0..<rows { elements[i * kinds.count + j] = c[i] } }
        return (try Matrix(rows: rows, columns: kinds.count, elements: elements), columns)
    }

    /// NumPy's answer from a full sort of the non-NaN values.
    static func reference(_ column: [Double], _ q: Double, _ method: QuantileMethod) -> Double {
        reference(sorted: column.filter { !$0.isNaN }.sorted(), q, method)
    }

    static func reference(sorted: [Double], _ q: Double, _ method: QuantileMethod) -> Double {
        let plan = QuantilePlan.make(n: sorted.count, q: q, method: method)
        return QuantilePlan.lerp(sorted[plan.lower], sorted[plan.upper], plan.gamma)
    }

    @Test("quantiles equal the sorted reference for every column kind and method, for 1 and 2 threads",
          arguments: QuantileMethod.allCases)
    func agreesWithSort(method: QuantileMethod) throws {
        let (x, columns) = try Self.matrix(Self.kinds)
        let q = [0, 0.2, 0.25, 0.4, 0.5, 0.6, 0.75, 0.8, 1]
        let one = try ColumnQuantiles.quantiles(x, probabilities: q, method: method, threads: 1)
        let two = try ColumnQuantiles.quantiles(x, probabilities: q, method: method, threads: 2)
        #expect(one == two)
        for (j, column) in columns.enumerated() {
            let sorted = column.filter { !$0.isNaN }.sorted()
            #expect(one.counts[j] == sorted.count)
            let expected = q.map { Self.reference(sorted: sorted, $0, method) }
            // Bit patterns, so -0.0 and 0.0 are told apart only where the reference is unambiguous.
            #expect(zip(one.values[j], expected).allSatisfy { $0 == $1 }, "column \(j) (\(Self.kinds[j]))")
        }
    }

    @Test("medians with quantiles (RobustScaler's request) equal the sorted reference")
    func mediansAgree() throws {
        let (x, columns) = try Self.matrix(Self.kinds)
        let r = try ColumnQuantiles.mediansAndQuantiles(x, probabilities: [0.25, 0.75], threads: 2)
        for (j, column) in columns.enumerated() {
            let sorted = column.filter { !$0.isNaN }.sorted(), n = sorted.count
            let (a, b) = (sorted[(n - 1) / 2], sorted[n / 2])
            #expect(r.values[j][0] == (a == b ? a : (a + b) / 2))
            #expect(r.values[j][1] == Self.reference(sorted: sorted, 0.25, .linear))
            #expect(r.values[j][2] == Self.reference(sorted: sorted, 0.75, .linear))
        }
    }

    @Test("the fused path is taken for well-behaved columns and declines NaN and more than 8 brackets")
    func fusedPathTaken() throws {
        // Heavy ties overflow their brackets (the gathering path takes them): only distinct-ish kinds here.
        let (x, columns) = try Self.matrix(["random", "sorted", "reversed", "heavy", "random", "sorted", "reversed", "heavy"])
        let requests = [[ColumnQuantiles.Request]](repeating: [0, 0.2, 0.4, 0.6, 0.8, 1].map { .quantile($0, .averagedInvertedCDF) }, count: 8)
        let elements = x.elements
        let found = ColumnQuantiles.fusedGroup(elements, rows: Self.rows, columns: 8, first: 0, requests: requests)
        #expect(found != nil)
        for (j, column) in columns.enumerated() {
            let sorted = column.sorted()
            let expected = [0, 0.2, 0.4, 0.6, 0.8, 1].map { Self.reference(sorted: sorted, $0, .averagedInvertedCDF) }
            #expect(found?[j] == expected, "column \(j)")
        }
        let (holes, _) = try Self.matrix(["random", "nan", "random", "random", "random", "random", "random", "random"])
        let withNaN = ColumnQuantiles.fusedGroup(holes.elements, rows: Self.rows, columns: 8, first: 0, requests: requests)
        #expect(withNaN == nil)
        let many = [[ColumnQuantiles.Request]](repeating: (0...20).map { .quantile(Double($0) / 20, .linear) }, count: 8)
        let tooMany = ColumnQuantiles.fusedGroup(elements, rows: Self.rows, columns: 8, first: 0, requests: many)
        #expect(tooMany == nil)
    }

    @Test("an infinite value is reported at its first row and column, as the gathering path does")
    func infinityReported() throws {
        var (x, _) = try Self.matrix(Array(Self.kinds.prefix(8)))
        var elements = x.elements
        elements[50_000 * 8 + 5] = -.infinity
        elements[60_000 * 8 + 2] = .infinity
        x = try Matrix(rows: Self.rows, columns: 8, elements: elements)
        do {
            _ = try ColumnQuantiles.quantiles(x, probabilities: [0.5], threads: 2)
            Issue.record("expected an infinite-value error")
        } catch let StatisticsError.infiniteValue(row, column, value) {
            #expect(row == 50_000 && column == 5 && value == -.infinity)
        }
    }

    @Test("the kernel rejects groups outside the matrix and bad bracket lists")
    func kernelShapes() throws {
        let e = [Double](repeating: 1, count: 16)
        let lows = [Double](repeating: 0, count: 8), caps = [Int](repeating: 4, count: 8)
        #expect(throws: LinearAlgebraError.self) {
            try ColumnKernels.bracketGroup(e, rows: 2, columns: 8, first: 1, lows: lows, highs: lows, brackets: 1, capacities: caps)
        }
        #expect(throws: LinearAlgebraError.self) {
            try ColumnKernels.bracketGroup(e, rows: 2, columns: 8, first: 0, lows: lows, highs: lows, brackets: 9, capacities: caps)
        }
        #expect(throws: LinearAlgebraError.self) {
            try ColumnKernels.bracketGroup(e, rows: 2, columns: 8, first: 0, lows: lows, highs: lows, brackets: 1, capacities: [-1] + caps.dropFirst())
        }
        let ok = try ColumnKernels.bracketGroup(e, rows: 2, columns: 8, first: 0, lows: lows, highs: lows.map { _ in 2 }, brackets: 1, capacities: caps)
        #expect(ok.inside == [Int](repeating: 2, count: 8) && ok.gathered == ok.inside && ok.below == [Int](repeating: 0, count: 8))
        #expect(ok.minimum == [Double](repeating: 1, count: 8) && ok.maximum == ok.minimum && !ok.sawInfinity)
    }
}

import LinearAlgebra
import Testing
@testable import Statistics

/// The sample-bracketed exact selection (`Selection.orderStatistics`) on columns long enough to use
/// it (65,536+ values), against a full sort: random, sorted, reversed, periodic with the sampling
/// stride (adversarial for a strided sample: brackets miss and the introselect fallback must give
/// the same exact answer), heavy ties, and constant data.
@Suite("Exact quantiles: bracketed selection agrees with a full sort")
struct BracketedSelectionTests {
    static let n = 100_003

    static func column(_ kind: String) -> [Double] {
        var generator = SeededGenerator(seed: 11)
        let n = Self.n
        switch kind {
        case "random": return (0..<n).map { _ in Double.random(in: -1e3...1e3, using: &generator) }
        case "sorted": return (0..<n).map { Double($0) * 0.5 }
        case "reversed": return (0..<n).map { Double(n - $0) }
        case "periodic": return (0..<n).map { Double($0 % (n / Selection.bracketSampleSize)) }  // every sampled value is 0
        case "ties": return (0..<n).map { _ in Double(Int.random(in: 0..<3, using: &generator)) }
        case "heavy": return (0..<n).map { _ in let u = Double.random(in: 1e-9...1, using: &generator); return (u < 0.5 ? -1 : 1) / (u * u) }
        default: return [Double](repeating: 4.25, count: n)
        }
    }

    @Test("order statistics equal a full sort's", arguments: ["random", "sorted", "reversed", "periodic", "ties", "heavy", "constant"])
    func agreesWithSort(kind: String) throws {
        let original = Self.column(kind)
        let sorted = original.sorted()
        let n = original.count
        let ranks = [0, n - 1, n / 5 - 1, n / 5, 2 * n / 5, 3 * n / 5 + 1, 4 * n / 5, n / 2, (n - 1) / 2, 1, n - 2]
        // Embedded at an offset, as the column gather lays columns out.
        var values = [Double](repeating: .nan, count: 7) + original + [Double](repeating: .nan, count: 5)
        let found = Selection.orderStatistics(&values, base: 7, count: n, ranks: ranks)
        #expect(found == ranks.map { sorted[$0] })
    }

    @Test("the bracketing pass itself succeeds on random data and fails (nil) rather than guess on adversarial data")
    func bracketOutcome() {
        let random = Self.column("random"), periodic = Self.column("periodic")
        let ranks = [0, Self.n / 4, Self.n / 2, Self.n - 1]
        #expect(Selection.bracketed(random, base: 0, count: random.count, ranks: ranks) == ranks.map { random.sorted()[$0] })
        if let guess = Selection.bracketed(periodic, base: 0, count: periodic.count, ranks: ranks) {
            #expect(guess == ranks.map { periodic.sorted()[$0] })
        }
    }

    @Test("KBins-style quantiles of a large matrix equal the sorted reference, for any thread count")
    func quantilesOfLargeMatrix() throws {
        var generator = SeededGenerator(seed: 5)
        let rows = 70_000, columns = 3
        let x = try Matrix<Double>.normal(rows: rows, columns: columns, using: &generator)
        let q = [0, 0.2, 0.4, 0.6, 0.8, 1]
        let one = try ColumnQuantiles.quantiles(x, probabilities: q, method: .averagedInvertedCDF, threads: 1)
        let two = try ColumnQuantiles.quantiles(x, probabilities: q, method: .averagedInvertedCDF, threads: 2)
        #expect(one == two)
        for j in 0..<columns {
            let sorted = try x.column(j).array.sorted()
            for (p, level) in q.enumerated() {
                let plan = QuantilePlan.make(n: rows, q: level, method: .averagedInvertedCDF)
                #expect(one.values[j][p] == QuantilePlan.lerp(sorted[plan.lower], sorted[plan.upper], plan.gamma))
            }
        }
    }
}

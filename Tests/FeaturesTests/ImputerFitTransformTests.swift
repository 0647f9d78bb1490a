import LinearAlgebra
import Testing
@testable import Features
import Statistics

/// SimpleImputer.fitTransform (the fused one-read path) against `fit` then `transform`: the fitted
/// value and the output must be bit-identical (tolerance 0: the fused path computes the same block
/// summaries in the same order), for every thread count, Float and Double, and the errors the same.
@Suite("SimpleImputer.fitTransform")
struct ImputerFitTransformTests {
    static let configurations: [SimpleImputer] = [
        SimpleImputer(),
        SimpleImputer(keepEmptyFeatures: true),
        SimpleImputer(addIndicator: true),
        SimpleImputer(strategy: .constant(-2.5)),
        SimpleImputer(strategy: .constant(7), keepEmptyFeatures: true),
        SimpleImputer(strategy: .median),
        SimpleImputer(strategy: .mostFrequent, addIndicator: true),
    ]

    /// Seeded data of every awkward kind: `rows x columns` normal values times `magnitude`, NaN at
    /// a density, an all-NaN column, a constant column of mixed-sign zeros, one block dense in NaN.
    static func data(rows: Int, columns: Int, seed: UInt64, nanEvery: Int, magnitude: Double, emptyColumn: Bool) throws -> Matrix<Double> {
        var g = SeededGenerator(seed: seed)
        var x = try Matrix<Double>.normal(rows: rows, columns: columns, using: &g)
        for i in 0..<rows {
            for j in 0..<columns {
                x[i, j] *= magnitude
                if (i &* columns &+ j) % nanEvery == 0 { x[i, j] = .nan }
            }
        }
        if columns > 2 {
            for i in 0..<rows { x[i, 1] = i % 3 == 0 ? -0.0 : (x[i, 1].isNaN ? .nan : 0.0) }
        }
        if emptyColumn { for i in 0..<rows { x[i, columns - 1] = .nan } }
        // Rows 4096..<4600 half NaN: a second block of 604 rows (4,700 rows) is then more than an
        // eighth NaN and refilled from x; one of 4,096 rows (8,193 rows) keeps its NaN positions.
        if rows > 4600 { for i in 4096..<4600 { for j in 0..<columns where (i + j) % 2 == 0 { x[i, j] = .nan } } }
        return x
    }

    static let shapes: [(rows: Int, columns: Int, nanEvery: Int, magnitude: Double, empty: Bool)] = [
        (1, 1, 5, 1, false), (1, 1, 1, 1, false), (3, 4, 3, 1, false), (4_700, 9, 97, 1, false),
        (4_700, 5, 13, 1e300, false), (4_700, 17, 41, 0x1p-1030, true), (8_193, 3, 97, 3, true), (4_700, 8, 1_000_000, 1, false),
    ]

    /// Exact bits (a Float widens to Double exactly, sign of zero and NaN payload class kept).
    static func bits<S: LinearAlgebraScalar>(_ m: Matrix<S>) -> [UInt64] { m.elements.map { Double($0).bitPattern } }

    @Test("bit-identical to fit then transform (Double and Float, 1-3 threads)", arguments: shapes.indices)
    func identical(index: Int) throws {
        let s = Self.shapes[index]
        let x = try Self.data(rows: s.rows, columns: s.columns, seed: UInt64(40 + index), nanEvery: s.nanEvery,
                              magnitude: s.magnitude, emptyColumn: s.empty)
        let xf = try Matrix<Float>(rows: x.rows, columns: x.columns, elements: x.elements.map { Float($0) })
        for imputer in Self.configurations {
            try Self.check(imputer, x, threads: [1, 2, 3], context: "\(imputer) on \(s)")
            try Self.check(imputer, xf, threads: [1, 2], context: "\(imputer) on \(s) as Float")
        }
    }

    /// fitTransform on each thread count gives fit-then-transform's fitted value and output bits,
    /// or its error (Float data may hold infinities where the Double data had 1e300).
    static func check<S: LinearAlgebraScalar>(_ imputer: SimpleImputer, _ x: Matrix<S>, threads: [Int], context: String) throws {
        let expected: Result<(SimpleImputer.Fitted, Matrix<S>), FeatureError>
        do {
            let fitted = try imputer.fit(x, threads: 1)
            expected = .success((fitted, try fitted.transform(x, columnNames: nil, threads: 1)))
        } catch let error as FeatureError {
            expected = .failure(error)
        }
        for t in threads {
            do {
                let (fitted, output) = try imputer.fitTransform(x, threads: t)
                guard case let .success((expectedFitted, expectedOutput)) = expected else {
                    Issue.record("\(context), \(t) threads: succeeded where fit then transform failed")
                    continue
                }
                #expect(fitted == expectedFitted, "\(context), \(t) threads: fitted")
                #expect(output.shape == expectedOutput.shape && bits(output) == bits(expectedOutput), "\(context), \(t) threads: output")
            } catch let error as FeatureError {
                guard case let .failure(expectedError) = expected else {
                    Issue.record("\(context), \(t) threads: \(error) where fit then transform succeeded")
                    continue
                }
                #expect(error == expectedError, "\(context), \(t) threads: error")
            }
        }
    }

    @Test("the fused path's means equal MomentsSummary.fit's bit for bit")
    func means() throws {
        let x = try Self.data(rows: 12_345, columns: 11, seed: 9, nanEvery: 29, magnitude: 1e150, emptyColumn: false)
        let (fitted, _) = try SimpleImputer().fitTransform(x, threads: 2)
        let moments = try MomentsSummary.fit(x, threads: 1)
        #expect(fitted.statistics.map { $0?.bitPattern } == moments.columns.map { $0.count > 0 ? $0.mean.bitPattern : nil })
    }

    @Test("errors are those of fit then transform")
    func errors() throws {
        func failure(_ body: () throws -> Void) -> FeatureError? {
            do { try body(); return nil } catch let error as FeatureError { return error } catch { return nil }
        }
        var g = SeededGenerator(seed: 5)
        var x = try Matrix<Double>.normal(rows: 9_000, columns: 9, using: &g)
        x[7_001, 4] = .nan
        x[8_500, 6] = -.infinity
        x[5_000, 2] = .infinity  // the first one in row order
        let names = (0..<9).map { "c\($0)" }
        for threads in [1, 2] {
            let fused = failure { _ = try SimpleImputer().fitTransform(x, columnNames: names, threads: threads) }
            let separate = failure { _ = try SimpleImputer().fit(x, columnNames: names, threads: threads) }
            #expect(fused != nil && fused == separate)
            if case let .infiniteValue(_, row, column, _)? = fused {
                #expect(row == 5_000 && column == "c2")
            } else {
                Issue.record("expected .infiniteValue, got \(String(describing: fused))")
            }
            let xf = try Matrix<Float>(rows: x.rows, columns: x.columns, elements: x.elements.map { Float($0) })
            #expect(failure { _ = try SimpleImputer().fitTransform(xf, columnNames: names, threads: threads) } == separate)
        }
        #expect(failure { _ = try SimpleImputer().fitTransform(try Matrix<Double>(rows: 0, columns: 3)) } == .emptyInput(transform: "SimpleImputer"))
        #expect(failure { _ = try SimpleImputer().fitTransform(try Matrix<Double>(rows: 2, columns: 3), columnNames: ["a"]) } != nil)
        #expect(failure { _ = try SimpleImputer(strategy: .constant(.nan)).fitTransform(try Matrix<Double>(rows: 2, columns: 3)) } != nil)
        // No column: the same (empty) output as fit then transform.
        let none = try SimpleImputer().fitTransform(try Matrix<Double>(rows: 3, columns: 0))
        #expect(none.output.shape == Shape(rows: 3, columns: 0))
    }
}

extension ImputerFitTransformTests {
    @Test("into a reused output: the same fitted value and bits; a wrong shape is an error")
    func reused() throws {
        let x = try Self.data(rows: 8_193, columns: 10, seed: 3, nanEvery: 37, magnitude: 2, emptyColumn: false)
        for imputer in [SimpleImputer(), SimpleImputer(strategy: .median), SimpleImputer(addIndicator: true)] {
            let (expected, expectedOutput) = try imputer.fitTransform(x, threads: 2)
            var output = try Matrix<Double>(rows: x.rows, columns: expected.outputNames.count, repeating: 42)
            for threads in [1, 2] {
                let fitted = try imputer.fitTransform(x, into: &output, threads: threads)
                #expect(fitted == expected && Self.bits(output) == Self.bits(expectedOutput), "\(imputer), \(threads) threads")
            }
        }
        var wrong = try Matrix<Double>(rows: x.rows, columns: 3)
        #expect(throws: FeatureError.self) { try SimpleImputer().fitTransform(x, into: &wrong) }
        // A dropped column makes the output narrower than x: x's shape is then the wrong shape.
        let empty = try Self.data(rows: 50, columns: 4, seed: 1, nanEvery: 7, magnitude: 1, emptyColumn: true)
        var same = try Matrix<Double>(rows: 50, columns: 4)
        #expect(throws: FeatureError.self) { try SimpleImputer().fitTransform(empty, into: &same) }
        var narrower = try Matrix<Double>(rows: 50, columns: 3)
        let fitted = try SimpleImputer().fitTransform(empty, into: &narrower)
        #expect(fitted.droppedColumns.count == 1)
        #expect(Self.bits(narrower) == Self.bits(try fitted.transform(empty, columnNames: nil, threads: 1)))
    }
}

import Foundation
import LinearAlgebra
import Statistics
import Testing
@testable import Features

@Suite("Scalers: bad input, edge cases, properties")
struct ScalerPropertyTests {
    static func data(rows: Int = 50, seed: UInt64 = 1) throws -> Matrix<Double> {
        var g = SeededGenerator(seed: seed)
        return try Matrix(rows: rows, columns: 3, elements: (0..<(rows * 3)).map { i in
            i % 3 == 0 ? g.nextNormal() * 10 : (i % 3 == 1 ? g.nextUniform() : 1e6 + g.nextNormal())
        })
    }

    @Test("infinity at fit and at transform names the row and the column")
    func infinity() throws {
        var x = try Self.data()
        try x.setElement(.infinity, row: 17, column: 1)
        do {
            _ = try StandardScaler().fit(x, columnNames: ["a", "b", "c"])
            Issue.record("expected an error")
        } catch let FeatureError.infiniteValue(transform, row, column, _) {
            #expect(transform == "StandardScaler" && row == 17 && column == "b")
        }
        let fitted = try MinMaxScaler().fit(Self.data(), columnNames: ["a", "b", "c"])
        var y = try Self.data(rows: 5000)
        try y.setElement(-.infinity, row: 4500, column: 2)  // in the second 4096-row block
        do {
            _ = try fitted.transform(y)
            Issue.record("expected an error")
        } catch let FeatureError.infiniteValue(_, row, column, value) {
            #expect(row == 4500 && column == "c" && value == -.infinity)
            #expect(FeatureError.infiniteValue(transform: "MinMaxScaler", row: row, column: column, value: value)
                .description.contains("row 4500, column 'c'"))
        }
    }

    @Test("schema mismatch names the missing and extra columns")
    func schema() throws {
        let fitted = try StandardScaler().fit(Self.data(), columnNames: ["a", "b", "c"])
        do {
            _ = try fitted.transform(Self.data(), columnNames: ["a", "x", "c"])
            Issue.record("expected an error")
        } catch let FeatureError.schemaMismatch(_, missing, extra, reordered) {
            #expect(missing == ["b"] && extra == ["x"] && !reordered)
        }
        do {
            _ = try fitted.transform(Self.data(), columnNames: ["c", "b", "a"])
            Issue.record("expected an error")
        } catch let FeatureError.schemaMismatch(_, missing, extra, reordered) {
            #expect(missing.isEmpty && extra.isEmpty && reordered)
        }
        #expect(throws: FeatureError.self) { try fitted.transform(Matrix<Double>(rows: 2, columns: 4)) }
        #expect(throws: FeatureError.self) { try StandardScaler().fit(Self.data(), columnNames: ["a", "a", "c"]) }
        #expect(throws: FeatureError.self) { try StandardScaler().fit(Self.data(), columnNames: ["a", "b"]) }
        #expect(throws: FeatureError.self) { try StandardScaler().fit(Self.data(), columnNames: ["a", "", "c"]) }
    }

    @Test("empty input, all-NaN columns and bad feature ranges are errors")
    func degenerate() throws {
        #expect(throws: FeatureError.self) { try StandardScaler().fit(Matrix<Double>(rows: 0, columns: 3)) }
        #expect(throws: FeatureError.self) { try MaxAbsScaler().fit(Matrix<Double>(rows: 0, columns: 3)) }
        do {
            _ = try MinMaxScaler().fit(Matrix<Double>([[1, .nan], [2, .nan]]), columnNames: ["ok", "empty"])
            Issue.record("expected an error")
        } catch let FeatureError.noObservedValues(_, column) {
            #expect(column == "empty")
        }
        #expect(throws: FeatureError.self) { try MinMaxScaler(featureRange: 1...1).fit(Self.data()) }
        #expect(throws: FeatureError.self) { try MinMaxScaler(featureRange: 0...Double.infinity).fit(Self.data()) }
        #expect(throws: FeatureError.self) { try MinMaxScaler().fit(Matrix<Double>([[-1.7e308], [1.7e308]])) }
        // A zero-column matrix fits and transforms to zero columns.
        let none = try StandardScaler().fit(Matrix<Double>(rows: 3, columns: 0))
        #expect(try none.transform(Matrix<Double>(rows: 2, columns: 0)).shape == Shape(rows: 2, columns: 0))
    }

    @Test("a column spanning ±1e300 standardises to finite values")
    func extremes() throws {
        let x = try Matrix<Double>([[1e300, 1], [-1e300, 2], [1e300, 3], [-1e300, 4]])
        let fitted = try StandardScaler().fit(x)
        let z = try fitted.transform(x)
        #expect(z.elements.allSatisfy { $0.isFinite })
        #expect(try z.element(row: 0, column: 0) == 1 && z.element(row: 1, column: 0) == -1)
        let back = try fitted.inverseTransform(z)
        #expect(try back.element(row: 0, column: 0) == 1e300)
    }

    @Test("NaN is kept by transform and ignored by fit")
    func nan() throws {
        let x = try Matrix<Double>([[1, .nan], [3, 4], [.nan, 8]])
        let fitted = try StandardScaler().fit(x)
        #expect(fitted.mean == [2, 6] && fitted.samplesSeen == [2, 2])
        let z = try fitted.transform(x)
        #expect(try z.element(row: 0, column: 1).isNaN && z.element(row: 2, column: 0).isNaN)
        #expect(try z.element(row: 1, column: 0) == 1)
    }

    @Test("constant columns get scale 1, as in scikit-learn")
    func constant() throws {
        let x = try Matrix<Double>([[5, 0], [5, 0], [5, 0]])
        let s = try StandardScaler().fit(x)
        #expect(s.scale == [1, 1] && s.variance == [0, 0])
        #expect(try s.transform(x).elements.allSatisfy { $0 == 0 })
        let m = try MinMaxScaler().fit(x)
        #expect(m.scale == [1, 1] && m.min == [-5, 0])
        #expect(try MaxAbsScaler().fit(x).scale == [5, 1])
    }

    @Test("fitting from merged block summaries equals fitting the whole matrix")
    func mergedSummaries() throws {
        let x = try Self.data(rows: 10_000, seed: 4)
        let schema = FeatureSchema.anonymous(count: 3)
        var summary = try MomentsSummary(columnCount: 3)
        for start in stride(from: 0, to: 10_000, by: 4096) {  // the library's own block boundaries
            try summary.add(x.rowBlock(start..<min(start + 4096, 10_000)))
        }
        #expect(try StandardScaler().fit(summary: summary, schema: schema) == StandardScaler().fit(x))
        #expect(try MinMaxScaler().fit(summary: summary, schema: schema) == MinMaxScaler().fit(x))
    }

    @Test("row order: transforming permuted rows permutes the output")
    func rowOrder() throws {
        let x = try Self.data(rows: 30)
        let fitted = try StandardScaler().fit(x)
        let z = try fitted.transform(x)
        let permutation = (0..<30).reversed().map { $0 }
        let permuted = try Matrix(permutation.map { try x.row($0).array })
        let zp = try fitted.transform(permuted)
        for (i, source) in permutation.enumerated() {
            #expect(try zp.row(i).array == z.row(source).array)
        }
    }

    @Test("Float agrees with Double within Float precision")
    func floatVsDouble() throws {
        let x = try Self.data(rows: 200)
        let xf = try Matrix<Float>(rows: x.rows, columns: x.columns, elements: x.elements.map(Float.init))
        for scalerIsStandard in [true, false] {
            let (zd, zf): (Matrix<Double>, Matrix<Float>)
            if scalerIsStandard {
                (zd, zf) = (try StandardScaler().fit(x).transform(x), try StandardScaler().fit(xf).transform(xf))
            } else {
                (zd, zf) = (try MinMaxScaler().fit(x).transform(x), try MinMaxScaler().fit(xf).transform(xf))
            }
            // Column 2 is 1e6 + N(0,1): rounding it to Float (ulp 0.0625) moves z by up to ~0.1;
            // the other columns agree to ~1e-5.
            for i in 0..<x.rows {
                for j in 0..<x.columns {
                    let tolerance = j == 2 ? 0.2 : 1e-4
                    #expect(abs(Double(try zf.element(row: i, column: j)) - (try zd.element(row: i, column: j))) <= tolerance)
                }
            }
        }
    }

    @Test("fitted values round-trip through JSON bit for bit")
    func codable() throws {
        let x = try Self.data()
        let fitted = try MinMaxScaler(featureRange: -1...2, clip: true).fit(x, columnNames: ["a", "b", "c"])
        let decoded = try JSONDecoder().decode(MinMaxScaler.Fitted.self, from: JSONEncoder().encode(fitted))
        #expect(decoded == fitted)
        #expect(try decoded.transform(x).elements.map(\.bitPattern) == fitted.transform(x).elements.map(\.bitPattern))
        let standard = try StandardScaler().fit(x)
        #expect(try JSONDecoder().decode(StandardScaler.Fitted.self, from: JSONEncoder().encode(standard)) == standard)
    }

    @Test("clip keeps transformed values inside the feature range, NaN kept")
    func clip() throws {
        let fitted = try MinMaxScaler(featureRange: 0...1, clip: true).fit(Matrix<Double>([[0], [10]]))
        let y = try fitted.transform(Matrix<Double>([[-5], [5], [20], [.nan]]))
        #expect(try y.element(row: 0, column: 0) == 0 && y.element(row: 1, column: 0) == 0.5)
        #expect(try y.element(row: 2, column: 0) == 1 && y.element(row: 3, column: 0).isNaN)
    }
}

@Suite("Scalers: in place and threads")
struct ScalerThreadingTests {
    @Test("in-place transform equals transform; fit and transform are bit-identical across thread counts")
    func inPlaceAndThreads() throws {
        let x = try ScalerPropertyTests.data(rows: 20_000, seed: 8)  // 5 blocks of 4096 rows
        for threads in [1, 2, 3] {
            let fitted = try StandardScaler().fit(x, threads: threads)
            #expect(fitted == (try StandardScaler().fit(x, threads: 1)))
            var y = x
            try fitted.transformInPlace(&y, threads: threads)
            #expect(y.elements.map(\.bitPattern) == (try fitted.transform(x)).elements.map(\.bitPattern))
            let minMax = try MinMaxScaler(clip: true).fit(x, threads: threads)
            var z = x
            try minMax.transformInPlace(&z, threads: threads)
            #expect(z == (try minMax.transform(x)))
        }
    }

    @Test("in-place transform reports infinity by row and column; overflow is an error too")
    func inPlaceErrors() throws {
        let fitted = try MaxAbsScaler().fit(Matrix<Double>([[1e-300, 1], [-1e-300, 2]]), columnNames: ["tiny", "b"])
        var x = try Matrix<Double>(rows: 9000, columns: 2, repeating: 1e-301)
        try x.setElement(.infinity, row: 8000, column: 1)
        do {
            try fitted.transformInPlace(&x, threads: 2)
            Issue.record("expected an error")
        } catch let FeatureError.infiniteValue(_, row, column, _) {
            #expect(row == 8000 && column == "b")
        }
        let wide = try MinMaxScaler(featureRange: 0...1e300).fit(Matrix<Double>([[0, 0], [1, 1]]), columnNames: ["a", "b"])
        do {
            _ = try wide.transform(Matrix<Double>([[0.5, 0.5], [0.5, 1e10]]))  // 1e10 * 1e300 overflows
            Issue.record("expected an error")
        } catch let FeatureError.overflow(_, row, column, value) {
            #expect(row == 1 && column == "b" && value == 1e10)
        }
    }
}

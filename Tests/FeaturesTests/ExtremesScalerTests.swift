import LinearAlgebra
import Statistics
import Testing
@testable import Features

/// MinMaxScaler and MaxAbsScaler fit from one read of the data (`ColumnKernels.extremes`) instead of
/// the full column moments. The fitted values must be bit-identical to the moments path
/// (`fit(summary: MomentsSummary.fit(x))`), whatever the thread count, and the errors the same.
@Suite("MinMaxScaler / MaxAbsScaler fit from extremes")
struct ExtremesScalerTests {
    /// Mixed scales, exact ties, signed zeros and NaN; `rows` past one 4096-row block.
    static func data<S: LinearAlgebraScalar>(_: S.Type, rows: Int, columns: Int, seed: UInt64) throws -> Matrix<S> {
        var g = SeededGenerator(seed: seed)
        let e: [S] = (0..<(rows * columns)).map { k in
            let j = k % columns
            if k % 17 == 5 { return .nan }  // 17: no width below is a multiple, so no column is all NaN
            let u = g.nextUniform() * 2 - 1
            switch j % 4 {
            case 0: return S((u * 4).rounded()) == 0 ? (k % 2 == 0 ? -0.0 : 0.0) : S((u * 4).rounded())
            case 1: return S(u * 1e6)
            case 2: return S(1e-3 * u + 7)
            default: return S(u)
            }
        }
        return try Matrix(rows: rows, columns: columns, elements: e)
    }

    static func bits(_ a: [Double]) -> [UInt64] { a.map(\.bitPattern) }

    func sameCase<S: LinearAlgebraScalar>(_: S.Type, rows: Int, columns: Int) throws {
        let x = try Self.data(S.self, rows: rows, columns: columns, seed: UInt64(rows + columns))
        let summary = try MomentsSummary.fit(x)
        let schema = try FeatureSchema.resolve(nil, columnCount: columns, transform: "test")
        for scaler in [MinMaxScaler(), MinMaxScaler(featureRange: -2...5, clip: true)] {
            let expected = try scaler.fit(summary: summary, schema: schema)
            for threads in [1, 2, 3] {
                let got = try scaler.fit(x, threads: threads)
                #expect(Self.bits(got.dataMin) == Self.bits(expected.dataMin))
                #expect(Self.bits(got.dataMax) == Self.bits(expected.dataMax))
                #expect(Self.bits(got.scale) == Self.bits(expected.scale))
                #expect(Self.bits(got.min) == Self.bits(expected.min))
                #expect(got == expected)
            }
        }
        let expected = try MaxAbsScaler().fit(summary: summary, schema: schema)
        for threads in [1, 2, 3] {
            let got = try MaxAbsScaler().fit(x, threads: threads)
            #expect(Self.bits(got.maxAbs) == Self.bits(expected.maxAbs))
            #expect(Self.bits(got.scale) == Self.bits(expected.scale))
            #expect(got == expected)
        }
    }

    @Test("fit equals the moments path bit for bit, any thread count", arguments: [(1, 3), (9000, 5), (300, 13), (5000, 40)])
    func sameAsMoments(_ shape: (Int, Int)) throws {
        try sameCase(Double.self, rows: shape.0, columns: shape.1)
        try sameCase(Float.self, rows: shape.0, columns: shape.1)
    }

    @Test("an infinity names its row (past the first block) and column", arguments: [1, 2])
    func infinity(_ threads: Int) throws {
        var x = try Self.data(Double.self, rows: 6000, columns: 3, seed: 3)
        try x.setElement(.infinity, row: 5999, column: 0)
        try x.setElement(-.infinity, row: 4500, column: 2)
        let names = ["a", "b", "c"]
        for fit in [{ _ = try MinMaxScaler().fit(x, columnNames: names, threads: threads) },
                    { _ = try MaxAbsScaler().fit(x, columnNames: names, threads: threads) }] {
            do {
                try fit()
                Issue.record("expected an error")
            } catch let FeatureError.infiniteValue(_, row, column, value) {
                #expect(row == 4500 && column == "c" && value == -.infinity)
            }
        }
        var f = try Matrix<Float>(rows: 1, columns: 2, elements: [1, .infinity])
        #expect(throws: FeatureError.infiniteValue(transform: "MaxAbsScaler", row: 0, column: "x1", value: .infinity)) {
            try MaxAbsScaler().fit(f, threads: threads)
        }
        try f.setElement(.nan, row: 0, column: 1)
        #expect(throws: FeatureError.noObservedValues(transform: "MaxAbsScaler", column: "x1")) {
            try MaxAbsScaler().fit(f, threads: threads)
        }
    }

    @Test("all-NaN column, one row, and the order of errors as before")
    func degenerate() throws {
        let x = try Matrix<Double>([[1, .nan, -0.0], [2, .nan, 0.0]])
        #expect(throws: FeatureError.noObservedValues(transform: "MinMaxScaler", column: "b")) {
            try MinMaxScaler().fit(x, columnNames: ["a", "b", "c"])
        }
        #expect(throws: FeatureError.noObservedValues(transform: "MaxAbsScaler", column: "b")) {
            try MaxAbsScaler().fit(x, columnNames: ["a", "b", "c"])
        }
        // A bad featureRange is reported before a column without values, as fit(summary:) does.
        do {
            _ = try MinMaxScaler(featureRange: 1...1).fit(x)
            Issue.record("expected an error")
        } catch FeatureError.invalidParameter(_, let parameter, _) {
            #expect(parameter == "featureRange")
        }
        // One row: range 0 -> scale 1 (scikit-learn's _handle_zeros_in_scale), NaN kept in transform.
        let one = try Matrix<Float>([[3, -4, .nan, 0]])
        #expect(throws: FeatureError.self) { try MinMaxScaler().fit(one) }
        let row = try Matrix<Float>([[3, -4, 0.5, 0]])
        let m = try MinMaxScaler().fit(row)
        #expect(m.scale == [1, 1, 1, 1] && m.min == [-3, 4, -0.5, 0])
        let a = try MaxAbsScaler().fit(row)
        #expect(a.scale == [3, 4, 0.5, 1])
        let y = try a.transform(Matrix<Float>([[.nan, 2, 1, 5]]), columnNames: nil, threads: 2)
        #expect(y.elements[0].isNaN && Array(y.elements[1...]) == [Float(2) * Float(1.0 / 4), 2, 5])
    }

    @Test("clip clamps the fresh output in place: the same values as clamping a copy, NaN kept", arguments: [1, 2])
    func clip(_ threads: Int) throws {
        let x = try Self.data(Double.self, rows: 5000, columns: 6, seed: 9)
        // Fitted on the first rows only, so later rows fall outside the range and are clipped.
        let head = try x.rowBlock(0..<2000).copy()
        let fitted = try MinMaxScaler(featureRange: -1...2, clip: true).fit(head, threads: threads)
        let unclipped = try MinMaxScaler(featureRange: -1...2).fit(head, threads: threads)
        let expected = try unclipped.transform(x, columnNames: nil, threads: threads).clamped(to: -1...2)
        let got = try fitted.transform(x, columnNames: nil, threads: threads)
        #expect(got.elements.map(\.bitPattern) == expected.elements.map(\.bitPattern))
        #expect(got.elements.contains { $0 == 2 } && got.elements.contains { $0 == -1 } && got.elements.contains { $0.isNaN })
        var inPlace = x
        try fitted.transformInPlace(&inPlace, threads: threads)
        #expect(inPlace.elements.map(\.bitPattern) == expected.elements.map(\.bitPattern))
        var m = try Matrix<Float>([[1, .nan, -3]])
        try m.clamp(to: -1...0.5)
        #expect(m.elements[0] == 0.5 && m.elements[1].isNaN && m.elements[2] == -1)
    }
}

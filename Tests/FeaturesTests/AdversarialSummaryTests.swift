import Foundation
import LinearAlgebra
import Statistics
import Tabular
import Testing
@testable import Features

/// `fit(summary:schema:)` with moments that no data gives (a summary is public data: built with
/// `ColumnMoments(count:...)`, or decoded from a file): a typed error naming the column, never a
/// fitted scaler holding NaN or a negative range.
@Suite struct AdversarialSummaryTests {
    static let x = try! Matrix<Double>([[1, 2], [2, 1], [3, 5]])  // invariant: literal rows

    static func fits(_ summary: MomentsSummary) -> [(String, () throws -> Void)] {
        let schema = try! FeatureSchema(names: ["a", "b"])  // invariant: distinct names
        return [
            ("StandardScaler", { _ = try StandardScaler().fit(summary: summary, schema: schema) }),
            ("MinMaxScaler", { _ = try MinMaxScaler().fit(summary: summary, schema: schema) }),
            ("MaxAbsScaler", { _ = try MaxAbsScaler().fit(summary: summary, schema: schema) }),
        ]
    }

    @Test(arguments: [
        // Before: StandardScaler fitted mean NaN for column 'a' and transformed it to NaN, silently.
        (#""count":3"#, #""count":-1"#),
        // Before: a NaN scale, and minimum > maximum gave MinMaxScaler a negative range (outputs -1e300).
        (#""scaledM2":[0-9.e-]+"#, #""scaledM2":-5"#),
        (#""scale":[0-9.e-]+"#, #""scale":0"#),
        (#""minimum":[0-9.e-]+"#, #""minimum":1e300"#),
        (#""nanCount":0"#, #""nanCount":-2"#),
        (#""count":3"#, #""count":7"#),
    ])
    func impossibleMomentsAreRefused(pattern: String, replacement: String) throws {
        var json = String(decoding: try JSONEncoder().encode(try MomentsSummary.fit(Self.x)), as: UTF8.self)
        let range = try #require(json.range(of: pattern, options: .regularExpression), "\(json)")
        json.replaceSubrange(range, with: replacement)
        let summary = try JSONDecoder().decode(MomentsSummary.self, from: Data(json.utf8))
        for (name, fit) in Self.fits(summary) {
            #expect(throws: FeatureError.self, "\(name) with \(replacement)") { try fit() }
        }
    }

    /// Real data at the extremes still fits from its summary (zeros, subnormals, 1e300, NaN cells).
    @Test func realSummariesStillFit() throws {
        let tiny = Double.leastNonzeroMagnitude
        for rows in [[[0.0, 0], [0, 0]], [[tiny, -tiny], [0, 3 * tiny]], [[1e300, -1e300], [-1e300, 1e308]], [[.nan, 1], [2, 1]]] {
            let summary = try MomentsSummary.fit(try Matrix<Double>(rows))
            for (name, fit) in Self.fits(summary) {
                #expect(throws: Never.self, "\(name) on \(rows)") { try fit() }
            }
        }
    }
}

/// Predicting on data where a numeric column was read as text because of one stray value: the
/// error names the row and the value (before: only "column 'b' is categorical, expected numeric").
@Suite struct AdversarialStrayValueTests {
    @Test func fittedPipelineNamesTheStrayValue() throws {
        let spec = #"{"columns": [{"name": "g", "select": ["a", "b"], "steps": [{"type": "StandardScaler"}]}]}"#
        let train = try Table([.numeric("a", [1, 2, 3]), .numeric("b", [4, 5, 7])])
        let fitted = try Pipeline.spec(json: Data(spec.utf8)).fit(train)
        let bad = try Table([.numeric("a", [1, 2, 3]), try .categorical("b", ["4", "5", "7?"])])
        #expect(throws: TableError.notNumeric(column: "b", row: 2, value: "7?")) { try fitted.transform(bad) }
        #expect(throws: TableError.notNumeric(column: "b", row: 2, value: "7?")) { try Pipeline.spec(json: Data(spec.utf8)).fit(bad) }
    }
}

/// Float data whose fitted parameters Float cannot hold: a column of subnormals has 1 / scale ~ 6e39,
/// above Float's largest value. Before, every transform of it failed with "overflows to infinity";
/// now it is computed in Double and rounded once (scikit-learn divides float32 data by a float64 scale_).
@Suite struct AdversarialFloatParameterTests {
    static let x = try! Matrix<Float>([[Float.leastNonzeroMagnitude, 1e-40], [0, -1e-40], [3 * Float.leastNonzeroMagnitude, 2e-40]])  // invariant: literal rows

    @Test func standardScalerOnFloatSubnormals() throws {
        let fitted = try StandardScaler().fit(Self.x)
        let y = try fitted.transform(Self.x, columnNames: nil, threads: 1)
        let reference = try fitted.transform(try Matrix<Double>(rows: 3, columns: 2, elements: Self.x.elements.map { Double($0) }), columnNames: nil, threads: 1)
        // Exactly the Double result rounded to Float: the computation is the Double one.
        #expect(y.elements == reference.elements.map { Float($0) }, "\(y.elements) vs \(reference.elements)")
        #expect(y.elements.allSatisfy { $0.isFinite && abs($0) < 2 })
        var inPlace = Self.x
        try fitted.transformInPlace(&inPlace)
        #expect(inPlace.elements == y.elements)
        let back = try fitted.inverseTransform(y, threads: 1)
        #expect(back.elements.allSatisfy { $0.isFinite })
    }

    @Test func overflowOnTheWayBackIsStillNamed() throws {
        // Finite Float inputs far outside the training range overflow Float when scaled up by 6e39.
        let fitted = try StandardScaler().fit(Self.x)
        let far = try Matrix<Float>([[0, 1e30]])
        #expect(throws: FeatureError.self) { try fitted.transform(far, columnNames: nil, threads: 1) }
    }
}

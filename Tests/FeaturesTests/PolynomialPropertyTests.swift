import Foundation
import LinearAlgebra
import Testing
@testable import Features

@Suite("PolynomialFeatures: overflow, parameters, properties")
struct PolynomialPropertyTests {
    @Test("a product that overflows names the row and the output column")
    func overflow() throws {
        let fitted = try PolynomialFeatures().fit(try Matrix<Double>([[1, 1]]), columnNames: ["a", "b"])
        var x = try Matrix<Double>(rows: 3000, columns: 2, repeating: 1.5)
        try x.setElement(1e200, row: 2500, column: 1)
        do { _ = try fitted.transform(x, columnNames: nil, threads: 2); Issue.record("expected an error") }
        catch let FeatureError.overflow(transform, row, column, value) {
            #expect(transform == "PolynomialFeatures" && row == 2500 && column == "b^2" && value == 1e200)
        }
        try x.setElement(1e200, row: 10, column: 0)
        try x.setElement(1e200, row: 10, column: 1)
        do { _ = try fitted.transform(x); Issue.record("expected an error") }
        catch let FeatureError.overflow(_, row, column, _) { #expect(row == 10 && column == "a^2") }
        try x.setElement(-.infinity, row: 3, column: 1)
        do { _ = try fitted.transform(x); Issue.record("expected an error") }
        catch let FeatureError.infiniteValue(_, row, column, _) { #expect(row == 3 && column == "b") }
        // Overflow in a term below minDegree still counts: it feeds the output terms.
        let cubic = try PolynomialFeatures(degree: 3, minDegree: 3).fit(try Matrix<Double>([[1, 1]]))
        do { _ = try cubic.transform(try Matrix<Double>([[1e200, 0]])); Issue.record("expected an error") }
        catch let FeatureError.overflow(_, _, column, _) { #expect(column == "x0^2") }
    }

    @Test("overflow is found next to the largest input whose terms stay finite (Double and Float, degrees 2 to 4)")
    func overflowBoundary() throws {
        for degree in 2...4 {
            let fitted = try PolynomialFeatures(degree: degree).fit(try Matrix<Double>([[1, 1]]))
            let edge = Foundation.pow(Double.greatestFiniteMagnitude, 1 / Double(degree))
            // Just below the root every term is finite (the scan runs: this is above the skip bound).
            let finite = try fitted.transform(try Matrix<Double>([[edge * 0.999, -edge * 0.999]]))
            #expect(finite.elements.allSatisfy { $0.isFinite })
            #expect(throws: FeatureError.self) { try fitted.transform(try Matrix<Double>([[1, edge * 1.001]])) }
            let fittedFloat = try PolynomialFeatures(degree: degree).fit(try Matrix<Float>([[1, 1]]))
            let edgeFloat = Foundation.pow(Double(Float.greatestFiniteMagnitude), 1 / Double(degree))
            let finiteFloat = try fittedFloat.transform(try Matrix<Float>([[Float(edgeFloat * 0.999), 1]]))
            #expect(finiteFloat.elements.allSatisfy { $0.isFinite })
            #expect(throws: FeatureError.self) { try fittedFloat.transform(try Matrix<Float>([[Float(edgeFloat * 1.001), 1]])) }
        }
    }

    @Test("below the skip bound no term can overflow: every input at the bound, degree up to 6")
    func skipBoundIsSafe() throws {
        for degree in 1...6 {
            let fitted = try PolynomialFeatures(degree: degree, includeBias: false).fit(try Matrix<Double>([[1, 1, 1]]))
            let bound = fitted.plan.overflowFreeInput(Double.self)
            #expect(fitted.plan.maxDegree == degree)
            let y = try fitted.transform(try Matrix<Double>([[bound, -bound, bound.nextDown]]))
            #expect(y.elements.allSatisfy { $0.isFinite })
            let boundFloat = fitted.plan.overflowFreeInput(Float.self)
            let fittedFloat = try PolynomialFeatures(degree: degree, includeBias: false).fit(try Matrix<Float>([[1, 1, 1]]))
            let yFloat = try fittedFloat.transform(try Matrix<Float>([[boundFloat, -boundFloat, boundFloat]]))
            #expect(yFloat.elements.allSatisfy { $0.isFinite })
        }
    }

    @Test("NaN propagates into exactly the products that contain it")
    func nan() throws {
        let fitted = try PolynomialFeatures(degree: 2).fit(try Matrix<Double>([[1, 1, 1]]))
        let y = try fitted.transform(try Matrix<Double>([[2, .nan, 3]]))
        let expectedNaN = fitted.powers.map { $0[1] > 0 }
        #expect(y.elements.map(\.isNaN) == expectedNaN)
        #expect(y.elements.enumerated().filter { !expectedNaN[$0.offset] }.map(\.element) == [1, 2, 3, 4, 6, 9])
    }

    @Test("invalid parameters are typed errors")
    func parameters() throws {
        let x = try Matrix<Double>([[1, 2]])
        for bad in [PolynomialFeatures(degree: -1), PolynomialFeatures(degree: 2, minDegree: 3), PolynomialFeatures(degree: 0, includeBias: false),
                    PolynomialFeatures(degree: 2, minDegree: -1)] {
            #expect(throws: FeatureError.self) { try bad.fit(x) }
        }
        // An output too large to exist is refused before anything is allocated.
        let wide = FeatureSchema.anonymous(count: 5000)
        #expect(throws: FeatureError.self) { try PolynomialFeatures(degree: 3).fit(schema: wide) }
        #expect(throws: FeatureError.self) { try PolynomialFeatures(degree: 1000).fit(schema: wide) }
        #expect(throws: FeatureError.self) { try PolynomialFeatures().fit(try Matrix<Double>(rows: 0, columns: 2)) }
        // Interaction terms beyond the column count simply do not exist.
        #expect(try PolynomialFeatures(degree: 5, interactionOnly: true, includeBias: false).fit(x).outputNames == ["x0", "x1", "x0 x1"])
        #expect(try PolynomialFeatures(degree: 5, minDegree: 3, interactionOnly: true).fit(x).outputNames == ["1"])
    }

    @Test("threads, Float vs Double, zero rows, Codable")
    func properties() throws {
        var g = SeededGenerator(seed: 3)
        let x = try Matrix<Double>(rows: 2500, columns: 6, elements: (0..<15000).map { _ in g.nextNormal() * 4 })
        let fitted = try PolynomialFeatures(degree: 3).fit(x)
        #expect(fitted.outputCount == 84)
        let one = try fitted.transform(x, columnNames: nil, threads: 1)
        for threads in [2, 3, 5] {
            #expect(try fitted.transform(x, columnNames: nil, threads: threads).elements.map(\.bitPattern) == one.elements.map(\.bitPattern))
        }
        // Each column is the product its powers say.
        for i in [0, 1234, 2499] {
            for (k, p) in fitted.powers.enumerated() {
                let direct = p.enumerated().reduce(1.0) { $0 * pow(x[i, $1.offset], Double($1.element)) }
                #expect(abs(one[i, k] - direct) <= 1e-13 * (abs(direct) + 1))
            }
        }
        let xf = try ShapeData.float(x)
        let yf = try fitted.transform(xf)
        for (a, b) in zip(yf.elements, one.elements) { #expect(abs(Double(a) - b) <= 4e-7 * (abs(b) + 1)) }
        #expect(try fitted.transform(try Matrix<Double>(rows: 0, columns: 6)).shape == Shape(rows: 0, columns: 84))
        let decoded = try JSONDecoder().decode(PolynomialFeatures.Fitted.self, from: JSONEncoder().encode(fitted))
        #expect(decoded == fitted)
        // A corrupt file is an error, never a crash.
        let corrupt = #"{"configuration":{"degree":-3,"minDegree":0,"interactionOnly":false,"includeBias":true},"inputSchema":{"names":["a"]}}"#
        #expect(throws: (any Error).self) { try JSONDecoder().decode(PolynomialFeatures.Fitted.self, from: Data(corrupt.utf8)) }
    }
}

@Suite("PolynomialFeatures: huge parameters")
struct PolynomialLimitTests {
    @Test("huge degrees finish or are refused, never hang or crash")
    func hugeDegree() throws {
        let x = try Matrix<Double>([[0.5, 0.25, 2]])
        // Interactions stop at the column count whatever the degree.
        let interactions = try PolynomialFeatures(degree: Int.max, interactionOnly: true).fit(x)
        #expect(interactions.outputCount == 8)
        #expect(try interactions.transform(x).elements == [1, 0.5, 0.25, 2, 0.125, 1, 0.5, 0.25])
        // One column to degree 1000: 1001 outputs; 0.25^1000 underflows to 0 (not an error).
        let single = try PolynomialFeatures(degree: 1000).fit(try Matrix<Double>([[0.5]]))
        #expect(single.outputNames.last == "x0^1000")
        #expect(try single.transform(try Matrix<Double>([[0.25]]))[0, 1000] == 0)
        #expect(throws: FeatureError.self) { try PolynomialFeatures(degree: Int.max).fit(try Matrix<Double>([[0.5]])) }
        #expect(throws: FeatureError.self) { try PolynomialFeatures(degree: 2).fit(schema: FeatureSchema.anonymous(count: 2000)) }
    }
}

import Foundation
import LinearAlgebra
import Testing
@testable import Features

/// Shared seeded data for the shape-transform property tests: skewed, mixed-sign, NaN holes.
enum ShapeData {
    static func mixed(rows: Int = 300, seed: UInt64 = 7) throws -> Matrix<Double> {
        var g = SeededGenerator(seed: seed)
        return try Matrix(rows: rows, columns: 4, elements: (0..<(rows * 4)).map { i in
            switch i % 4 {
            case 0: return exp(g.nextNormal())                       // lognormal
            case 1: return g.nextNormal() * 3 - 1                     // both signs
            case 2: return g.nextUniform() < 0.1 ? .nan : g.nextUniform() * 10 + 0.5
            default: return -exp(g.nextNormal() * 0.5)                // all negative
            }
        })
    }

    static func positive(rows: Int = 300, seed: UInt64 = 8) throws -> Matrix<Double> {
        var g = SeededGenerator(seed: seed)
        return try Matrix(rows: rows, columns: 3, elements: (0..<(rows * 3)).map { i in
            i % 3 == 0 ? exp(g.nextNormal()) : (i % 3 == 1 ? g.nextUniform() * 5 + 0.1 : (g.nextUniform() < 0.1 ? .nan : 1 + g.nextUniform()))
        })
    }

    static func float(_ x: Matrix<Double>) throws -> Matrix<Float> {
        try Matrix(rows: x.rows, columns: x.columns, elements: x.elements.map { Float($0) })
    }
}

@Suite("PowerTransformer: bad input, edge cases, properties")
struct PowerPropertyTests {
    @Test("Box-Cox refuses a value <= 0, naming row and column, at fit and at transform")
    func boxCoxDomain() throws {
        var x = try ShapeData.positive()
        try x.setElement(0, row: 123, column: 1)
        do {
            _ = try PowerTransformer(method: .boxCox).fit(x, columnNames: ["a", "b", "c"])
            Issue.record("expected an error")
        } catch let FeatureError.outOfDomain(transform, row, column, value, _) {
            #expect(transform == "PowerTransformer" && row == 123 && column == "b" && value == 0)
        }
        let fitted = try PowerTransformer(method: .boxCox).fit(ShapeData.positive(), columnNames: ["a", "b", "c"])
        var y = try ShapeData.positive(rows: 5000, seed: 9)
        try y.setElement(-2, row: 4321, column: 2)
        do {
            _ = try fitted.transform(y, columnNames: nil, threads: 2)
            Issue.record("expected an error")
        } catch let FeatureError.outOfDomain(_, row, column, value, _) {
            #expect(row == 4321 && column == "c" && value == -2)
        }
    }

    @Test("infinity, empty input, all-NaN and constant columns")
    func badInput() throws {
        var x = try ShapeData.mixed()
        try x.setElement(-.infinity, row: 5, column: 3)
        #expect(throws: FeatureError.self) { try PowerTransformer().fit(x) }
        do { _ = try PowerTransformer().fit(x) } catch let FeatureError.infiniteValue(_, row, column, _) {
            #expect(row == 5 && column == "x3")
        }
        #expect(throws: FeatureError.self) { try PowerTransformer().fit(try Matrix<Double>(rows: 0, columns: 3)) }
        let allNaN = try Matrix<Double>([[1, .nan], [2, .nan], [3, .nan]])
        do { _ = try PowerTransformer().fit(allNaN); Issue.record("expected an error") } catch let FeatureError.noObservedValues(_, column) {
            #expect(column == "x1")
        }
        // Yeo-Johnson: constant columns (also with NaN, and 1x1) get lambda 1 and standardise to 0.
        let constant = try Matrix<Double>([[2.5, 1, -3], [2.5, .nan, -3], [2.5, 1, -3]])
        let fitted = try PowerTransformer().fit(constant)
        #expect(fitted.lambdas == [1, 1, 1])
        let z = try fitted.transform(constant)
        #expect(z.elements.enumerated().allSatisfy { $0.element.isNaN ? constant.elements[$0.offset].isNaN : $0.element == 0 })
        #expect(try PowerTransformer().fit(try Matrix<Double>([[7]])).lambdas == [1])
        // Box-Cox on a constant column: scikit-learn refuses; so do we, by column.
        do {
            _ = try PowerTransformer(method: .boxCox).fit(try Matrix<Double>([[1, 4], [2, 4], [3, 4]]), columnNames: ["u", "v"])
            Issue.record("expected an error")
        } catch let FeatureError.fitFailed(_, column, _) {
            #expect(column == "v")
        }
        // Values of both signs near 1e150: no lambda keeps the map finite (scikit-learn refuses too).
        #expect(throws: FeatureError.self) { try PowerTransformer().fit(try Matrix<Double>([[1e150], [-2e150], [3]])) }
        // Extreme magnitudes of one sign are fitted, and transform finitely.
        let huge = try Matrix<Double>([[1e300], [2e300], [5e299], [1.5e300]])
        let hugeFit = try PowerTransformer().fit(huge)
        #expect(try hugeFit.transform(huge).elements.allSatisfy { $0.isFinite })
    }

    @Test("a value far outside the training range overflows to a typed error; an inverse outside the range is refused")
    func overflow() throws {
        let schema = try FeatureSchema(names: ["a", "b"])
        let cubic = PowerTransformer.Fitted(configuration: PowerTransformer(standardize: false), inputSchema: schema, lambdas: [1, 3], scaler: nil)
        do {
            _ = try cubic.transform(try Matrix<Double>([[1, 2], [3, 1e200]]))
            Issue.record("expected an error")
        } catch let FeatureError.overflow(_, row, column, value) {
            #expect(row == 1 && column == "b" && value == 1e200)
        }
        // lambda -0.4: y >= 0 maps back through (1 + l y)^(1/l), which needs y < 2.5.
        let negative = PowerTransformer.Fitted(configuration: PowerTransformer(standardize: false), inputSchema: schema, lambdas: [-0.4, 1], scaler: nil)
        #expect(try negative.inverseTransform(try Matrix<Double>([[1.5, 0]]))[0, 0].isFinite)
        do {
            _ = try negative.inverseTransform(try Matrix<Double>([[1.5, 0], [5, 0]]))
            Issue.record("expected an error")
        } catch let FeatureError.outOfDomain(_, row, column, value, _) {
            #expect(row == 1 && column == "a" && value == 5)
        }
    }

    @Test("inverse round trip, NaN kept", arguments: PowerTransformer.Method.allCases, [true, false])
    func roundTrip(method: PowerTransformer.Method, standardize: Bool) throws {
        let x = method == .boxCox ? try ShapeData.positive() : try ShapeData.mixed()
        let fitted = try PowerTransformer(method: method, standardize: standardize).fit(x)
        let y = try fitted.transform(x)
        let back = try fitted.inverseTransform(y)
        for (a, b) in zip(back.elements, x.elements) {
            #expect(sameOrClose(a, b, tolerance: 1e-10 * (1 + abs(b))), "\(a) vs \(b)")
        }
    }

    @Test("the same lambdas and outputs for any thread count; Float agrees with Double")
    func determinismAndFloat() throws {
        let x = try ShapeData.mixed(rows: 5000)
        let one = try PowerTransformer().fit(x, threads: 1)
        let y1 = try one.transform(x, columnNames: nil, threads: 1)
        for threads in [2, 3, 4] {
            let other = try PowerTransformer().fit(x, threads: threads)
            #expect(other.lambdas.map(\.bitPattern) == one.lambdas.map(\.bitPattern))
            #expect(try other.transform(x, columnNames: nil, threads: threads).elements.map(\.bitPattern) == y1.elements.map(\.bitPattern))
        }
        // Float: fitted in Double from the Float values; agreement within Float precision.
        let xf = try ShapeData.float(x)
        let f = try PowerTransformer().fit(xf)
        for (a, b) in zip(f.lambdas, one.lambdas) { #expect(abs(a - b) <= 1e-4 * (1 + abs(b))) }
        let yf = try f.transform(xf)
        for (a, b) in zip(yf.elements, y1.elements) {
            #expect(sameOrClose(Double(a), b, tolerance: 1e-4 * (1 + abs(b))))
        }
    }

    @Test("Codable round trip transforms identically")
    func codable() throws {
        let x = try ShapeData.positive()
        let fitted = try PowerTransformer(method: .boxCox).fit(x, columnNames: ["a", "b", "c"])
        let decoded = try JSONDecoder().decode(PowerTransformer.Fitted.self, from: JSONEncoder().encode(fitted))
        #expect(decoded == fitted)
        #expect(try decoded.transform(x).elements.map(\.bitPattern) == fitted.transform(x).elements.map(\.bitPattern))
    }

    @Test("SciPy's minimisers: brent and fminbound on known functions")
    func minimizers() throws {
        let b = try ScalarMinimizer.brent({ ($0 - 1.5) * ($0 - 1.5) + 2 }, bracket: (-2, 2))
        #expect(abs(b.x - 1.5) < 1e-7 && b.converged)
        let f = ScalarMinimizer.bounded({ cos($0) }, lower: 3, upper: 4, xatol: 1e-8)
        #expect(abs(f.x - Double.pi) < 1e-7 && f.converged)
        // A monotone function has no bracket: an error, as SciPy raises.
        #expect(throws: ScalarMinimizer.BracketFailure.self) { try ScalarMinimizer.brent({ $0 }, bracket: (-2, 2)) }
        // NumPy's pairwise sum: exact for integers.
        #expect(PowerMath.pairwiseSum((1...1000).map(Double.init)) == 500500)
        // Lambert W_{-1}: w e^w = z.
        for z in [-0.3, -1e-5, -1e-300] {
            let w = PowerMath.lambertWMinusOne(z)
            #expect(w <= -1 && abs((w + log(-w)) - log(-z)) < 1e-12 * abs(log(-z)))
        }
    }
}

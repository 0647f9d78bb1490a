import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// The NIST StRD linear least-squares problems with the real data files (data/nist/, checked
/// against the certified values in exact arithmetic by data/nist/verify.py): Filip (degree-10
/// polynomial, "higher" difficulty), Norris, Pontius, NoInt1/NoInt2 (no intercept), Wampler1-5.
///
/// The design is formed in double precision (x^k by `pow`), as a user would, so each problem is
/// solved for slightly perturbed data: the digits any double-precision solver can reach are
/// bounded by the problem's sensitivity (Filip: ~1e9 after centring and equilibration, so ~7 of the
/// 15 certified digits). The required digits below are those bounds with a margin, per problem.
enum StRD {
    struct Problem: Decodable {
        let name: String, file: String, degree: Int, intercept: Bool
        let b: [Double], sd: [Double]
        let residual_sd: Double, r2: Double
    }

    struct Certified: Decodable { let problems: [Problem] }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../data/nist").standardizedFileURL

    static let certified: [Problem] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("certified.json")),
              let decoded = try? JSONDecoder().decode(Certified.self, from: data) else { return [] }
        return decoded.problems
    }()

    /// Reads the two-column `y,x` file.
    static func read(_ file: String) throws -> (x: [Double], y: [Double]) {
        let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        var xs: [Double] = [], ys: [Double] = []
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ",")
            guard fields.count == 2, let y = Double(fields[0]), let x = Double(fields[1]) else { throw CocoaError(.fileReadCorruptFile) }
            ys.append(y); xs.append(x)
        }
        return (xs, ys)
    }

    /// Log relative error against a certified value; against 0, the digits of absolute agreement.
    static func lre(_ value: Double, _ certified: Double) -> Double {
        if value == certified { return 16 }
        if certified == 0 { return Swift.min(16, -log10(abs(value))) }
        return Swift.min(16, -log10(abs(value - certified) / abs(certified)))
    }

    /// The exact least-squares solutions of the double-rounded designs (data/nist/verify.py).
    static let doubleExact: [String: [Double]] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("double_exact.json")),
              let decoded = try? JSONDecoder().decode([String: [String]].self, from: data) else { return [:] }
        return decoded.mapValues { $0.compactMap { Double($0) } }
    }()

    static func design(_ problem: Problem) throws -> (x: Matrix<Double>, y: [Double]) {
        let data = try read(problem.file)
        let powers = Array(1...problem.degree)
        return (try Matrix<Double>(data.x.map { value in powers.map { pow(value, Double($0)) } }), data.y)
    }

    /// Minimum correct significant digits required of the coefficients, per problem.
    static let requiredDigits: [String: Double] = [
        "Filip": 7, "Norris": 12, "Pontius": 12, "NoInt1": 14, "NoInt2": 14,
        "Wampler1": 12, "Wampler2": 12, "Wampler3": 12, "Wampler4": 12, "Wampler5": 12,
    ]
}

@Suite("LinearRegression on the NIST StRD files")
struct LinearRegressionStRDTests {
    @Test("certified coefficients, standard deviations, residual SD and R^2", arguments: ["Filip", "Norris", "Pontius", "NoInt1", "NoInt2", "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"])
    func certifiedProblem(name: String) throws {
        let problem = try #require(StRD.certified.first { $0.name == name }, "data/nist/certified.json")
        let (x, y) = try StRD.design(problem)
        let fit = try LinearRegression(fitIntercept: problem.intercept).fit(x: x, y: y)
        let values = (problem.intercept ? [fit.intercept] : []) + fit.coefficients
        let digits = zip(values, problem.b).map { StRD.lre($0, $1) }
        let required = try #require(StRD.requiredDigits[name])
        #expect(fit.rank == problem.degree, "\(name): rank \(fit.rank)")
        #expect(digits.allSatisfy { $0 >= required }, "\(name): coefficient LRE \(digits)")
        // Standard deviations and the residual SD share the coefficients' sensitivity, less one digit
        // (they come from the residuals and R^-1); zero-residual problems are compared absolutely.
        let errors = try #require(fit.standardErrors)
        let sd = (problem.intercept ? [try #require(fit.interceptStandardError)] : []) + errors
        let sdDigits = zip(sd, problem.sd).map { StRD.lre($0, $1) }
        #expect(sdDigits.allSatisfy { $0 >= required - 1 }, "\(name): SD LRE \(sdDigits)")
        let residualDigits = StRD.lre(try #require(fit.residualStandardDeviation), problem.residual_sd)
        #expect(residualDigits >= required - 1, "\(name): residual SD LRE \(residualDigits)")
        if problem.intercept {
            let r2Digits = StRD.lre(try #require(fit.rSquared), problem.r2)
            #expect(r2Digits >= required - 1, "\(name): R^2 LRE \(r2Digits)")
        }
        print("StRD \(name): coefficient LRE min \(digits.min() ?? 0), SD LRE min \(sdDigits.min() ?? 0), residual SD \(residualDigits), refinement steps \(fit.refinementSteps), cond \(fit.conditionEstimate)")
    }

    /// The solver's own error: against the exact solution of the doubles it was given, the default
    /// (refined) fit is correct to nearly every digit even where the certified values allow only 7.
    @Test("solution of the double-rounded problem to >= 13 digits", arguments: ["Filip", "Norris", "Pontius", "NoInt1", "NoInt2", "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"])
    func doubleRoundedProblem(name: String) throws {
        let problem = try #require(StRD.certified.first { $0.name == name })
        let exact = try #require(StRD.doubleExact[name], "data/nist/double_exact.json")
        let (x, y) = try StRD.design(problem)
        let fit = try LinearRegression(fitIntercept: problem.intercept).fit(x: x, y: y)
        let values = (problem.intercept ? [fit.intercept] : []) + fit.coefficients
        #expect(values.count == exact.count)
        let digits = zip(values, exact).map { StRD.lre($0, $1) }
        #expect(digits.allSatisfy { $0 >= 13 }, "\(name): LRE vs exact double solution \(digits)")
        print("StRD \(name) vs exact solution of the doubles: min LRE \(digits.min() ?? 0)")
    }
}

import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// NIST StRD linear-regression problems with certified values (public domain, U.S. government;
/// https://www.itl.nist.gov/div898/strd/lls/lls.shtml; see data/README.md), and a degree-10
/// polynomial problem with an exactly known answer (the other StRD problems, with the real files,
/// are in LinearRegressionStRDTests.swift).
///
/// Accuracy is measured as the log relative error (LRE, -log10 |b - c| / |c|): the number of
/// correct significant digits.
enum NIST {
    static let longleyY: [Double] = [60323, 61122, 60171, 61187, 63221, 63639, 64989, 63761, 66019, 67857, 68169, 66513, 68655, 69564, 69331, 70551]
    static let longleyX: [[Double]] = [
        [83.0, 234289, 2356, 1590, 107608, 1947], [88.5, 259426, 2325, 1456, 108632, 1948],
        [88.2, 258054, 3682, 1616, 109773, 1949], [89.5, 284599, 3351, 1650, 110929, 1950],
        [96.2, 328975, 2099, 3099, 112075, 1951], [98.1, 346999, 1932, 3594, 113270, 1952],
        [99.0, 365385, 1870, 3547, 115094, 1953], [100.0, 363112, 3578, 3350, 116219, 1954],
        [101.2, 397469, 2904, 3048, 117388, 1955], [104.6, 419180, 2822, 2857, 118734, 1956],
        [108.4, 442769, 2936, 2798, 120445, 1957], [110.8, 444546, 4681, 2637, 121950, 1958],
        [112.6, 482704, 3813, 2552, 123366, 1959], [114.2, 502601, 3931, 2514, 125368, 1960],
        [115.7, 518173, 4806, 2572, 127852, 1961], [116.9, 554894, 4007, 2827, 130081, 1962],
    ]
    /// Certified b0..b6, their standard deviations, residual SD and R^2 (NIST Longley.dat).
    static let longleyB: [Double] = [-3482258.63459582, 15.0618722713733, -0.358191792925910e-01, -2.02022980381683,
                                     -1.03322686717359, -0.511041056535807e-01, 1829.15146461355]
    static let longleySE: [Double] = [890420.383607373, 84.9149257747669, 0.334910077722432e-01, 0.488399681651699,
                                      0.214274163161675, 0.226073200069370, 455.478499142212]
    static let longleyResidualSD = 304.854073561965
    static let longleyR2 = 0.995479004577296

    static func lre(_ value: Double, _ certified: Double) -> Double {
        if value == certified { return 16 }
        return Swift.min(16, -log10(abs(value - certified) / abs(certified)))
    }
}

@Suite("LinearRegression on certified problems")
struct LinearRegressionNISTTests {
    @Test("Longley: >= 12 digits for every coefficient, SE, residual SD and R^2", arguments: [RefinementPolicy.automatic, .always])
    func longley(policy: RefinementPolicy) throws {
        let x = try Matrix<Double>(NIST.longleyX)
        let fit = try LinearRegression(refinement: policy).fit(x: x, y: NIST.longleyY)
        let digits = [NIST.lre(fit.intercept, NIST.longleyB[0])] + (0..<6).map { NIST.lre(fit.coefficients[$0], NIST.longleyB[$0 + 1]) }
        #expect(digits.allSatisfy { $0 >= 12 }, "Longley LRE \(digits)")
        let se = try #require(fit.standardErrors)
        let seDigits = [NIST.lre(try #require(fit.interceptStandardError), NIST.longleySE[0])] + (0..<6).map { NIST.lre(se[$0], NIST.longleySE[$0 + 1]) }
        #expect(seDigits.allSatisfy { $0 >= 10 }, "Longley SE LRE \(seDigits)")
        #expect(NIST.lre(try #require(fit.residualStandardDeviation), NIST.longleyResidualSD) >= 10)
        #expect(NIST.lre(try #require(fit.rSquared), NIST.longleyR2) >= 10)
        #expect(fit.rank == 6 && !fit.usedSVDFallback)
        print("Longley \(policy): coefficient LRE \(digits.map { ($0 * 10).rounded() / 10 }), SE LRE \(seDigits.map { ($0 * 10).rounded() / 10 }), refinement steps \(fit.refinementSteps), cond \(fit.conditionEstimate)")
    }

    @Test("Longley without refinement (measured, not asserted beyond 7 digits)")
    func longleyPlain() throws {
        let fit = try LinearRegression(refinement: .never).fit(x: try Matrix<Double>(NIST.longleyX), y: NIST.longleyY)
        let digits = [NIST.lre(fit.intercept, NIST.longleyB[0])] + (0..<6).map { NIST.lre(fit.coefficients[$0], NIST.longleyB[$0 + 1]) }
        #expect(digits.allSatisfy { $0 >= 7 }, "Longley LRE \(digits)")
        print("Longley never: coefficient LRE \(digits.map { ($0 * 10).rounded() / 10 })")
    }
}

/// Least-squares problems whose exact solution (of the stored doubles) was computed in rational
/// arithmetic by data/reference/make_linear.py: a Filip-like degree-10 polynomial on [-9, -3]
/// with noise (raw condition ~1e15), the Wampler1/Wampler2 designs (degree 5 on x = 0..20) and a
/// Pontius-like quadratic in x ~ 1e6.
@Suite("LinearRegression on problems with an exact answer")
struct LinearRegressionExactTests {
    /// Minimum correct digits asserted per problem with refinement (measured values in the log;
    /// the Filip-like design is the hardest: its equilibrated, centred condition is ~1e9).
    static let required: [String: Double] = ["filiplike": 13, "wampler1": 15, "wampler2": 15, "pontiuslike": 15]

    @Test("refined solution is correct to the stated digits", arguments: ["filiplike", "wampler1", "wampler2", "pontiuslike"])
    func exactProblem(name: String) throws {
        let reference = try #require(LinearReference.shared)
        let problem = try #require(reference.exact.first { $0.name == name })
        let x = try hexMatrix(problem.x), y = try hexValues(problem.y)
        let exact = [try #require(Double(problem.intercept))] + (try hexValues(problem.coef))
        var report: [String] = []
        var refinedDigits = 0.0
        for policy in [RefinementPolicy.never, .always] {
            let fit = try LinearRegression(refinement: policy).fit(x: x, y: y)
            let values = [fit.intercept] + fit.coefficients
            let digits = zip(values, exact).map { NIST.lre($0, $1) }.min() ?? 0
            if policy == .always { refinedDigits = digits }
            #expect(fit.rank == x.columns, "\(name): rank \(fit.rank)")
            report.append("\(policy): min LRE \((digits * 10).rounded() / 10), steps \(fit.refinementSteps), cond \(fit.conditionEstimate)")
        }
        print("\(name): " + report.joined(separator: "; "))
        #expect(refinedDigits >= Self.required[name] ?? 16, "\(name): \(report)")
    }
}

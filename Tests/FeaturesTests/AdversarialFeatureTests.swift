import Foundation
import LinearAlgebra
import Tabular
import Statistics
import Testing
@testable import Features

/// Hostile matrices and parameters for every numeric transform (through its JSON spec, as a user
/// gives it): each fit and transform either succeeds with finite output (NaN only where the input
/// had NaN) or throws a `FeatureError` (a `DecodingError` for a spec that cannot be read).
@Suite struct AdversarialFeatureTests {
    static let specs: [String] = [
        #"{"type": "StandardScaler"}"#,
        #"{"type": "StandardScaler", "with_mean": false}"#,
        #"{"type": "MinMaxScaler"}"#,
        #"{"type": "MinMaxScaler", "feature_range": [-1e308, 1e308]}"#,
        #"{"type": "MinMaxScaler", "feature_range": [0, 1], "clip": true}"#,
        #"{"type": "MaxAbsScaler"}"#,
        #"{"type": "RobustScaler"}"#,
        #"{"type": "RobustScaler", "quantile_range": [0, 100], "unit_variance": true}"#,
        #"{"type": "Normalizer", "norm": "l1"}"#,
        #"{"type": "Normalizer", "norm": "l2"}"#,
        #"{"type": "Normalizer", "norm": "max"}"#,
        #"{"type": "PowerTransformer"}"#,
        #"{"type": "PowerTransformer", "method": "box-cox"}"#,
        #"{"type": "PowerTransformer", "standardize": false}"#,
        #"{"type": "FunctionTransformer", "func": "log1p"}"#,
        #"{"type": "FunctionTransformer", "func": "log"}"#,
        #"{"type": "FunctionTransformer", "func": "sqrt"}"#,
        #"{"type": "PolynomialFeatures", "degree": 0}"#,
        #"{"type": "PolynomialFeatures", "degree": 3}"#,
        #"{"type": "PolynomialFeatures", "degree": 30}"#,
        #"{"type": "PolynomialFeatures", "degree": [2, 2], "interaction_only": true, "include_bias": false}"#,
        #"{"type": "KBinsDiscretizer"}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": 2, "strategy": "uniform"}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": 3, "encode": "ordinal", "quantile_method": "linear"}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": 65536, "encode": "ordinal", "strategy": "uniform"}"#,
        #"{"type": "SimpleImputer"}"#,
        #"{"type": "SimpleImputer", "strategy": "median", "add_indicator": true}"#,
        #"{"type": "SimpleImputer", "strategy": "most_frequent", "keep_empty_features": true}"#,
        #"{"type": "SimpleImputer", "strategy": "constant", "fill_value": 1e308}"#,
    ]

    static func matrix(_ rows: [[Double]]) throws -> Matrix<Double> {
        try Matrix(rows)
    }

    static func matrices() throws -> [(String, Matrix<Double>)] {
        var out: [(String, Matrix<Double>)] = []
        out.append(("0x3", try Matrix<Double>(rows: 0, columns: 3)))
        out.append(("3x0", try Matrix<Double>(rows: 3, columns: 0)))
        out.append(("0x0", try Matrix<Double>(rows: 0, columns: 0)))
        out.append(try ("1x1", matrix([[2]])))
        out.append(try ("1x1 zero", matrix([[0]])))
        out.append(try ("all-NaN column", matrix([[1, .nan], [2, .nan], [3, .nan]])))
        out.append(try ("constant", matrix([[5, 1], [5, 2], [5, 3], [5, 4]])))
        out.append(try ("zeros", matrix([[0, 0], [0, 0], [0, 0]])))
        out.append(try ("+-1e300", matrix([[1e300, -1e300], [-1e300, 1e300], [0, 0]])))
        out.append(try ("+-maxFinite", matrix([[.greatestFiniteMagnitude, 1], [-.greatestFiniteMagnitude, 2], [0, 3]])))
        out.append(try ("subnormals", matrix([[Double.leastNonzeroMagnitude, 0x1p-1030], [0x1p-1063, -Double.leastNonzeroMagnitude], [0, 0x1p-1071]])))
        out.append(try ("Inf", matrix([[1, 2], [.infinity, 3], [4, 5]])))
        out.append(try ("-Inf", matrix([[1, 2], [3, -.infinity], [4, 5]])))
        out.append(try ("NaN cell", matrix([[1, 2], [.nan, 3], [4, 5]])))
        out.append(try ("n<d", matrix([(0..<12).map { Double($0) }, (0..<12).map { Double($0 * $0) }])))
        out.append(try ("duplicate columns", matrix([[1, 1], [2, 2], [4, 4], [8, 8]])))
        out.append(try ("1e-300 next to 1e300", matrix([[1e-300, 1e300], [2e-300, 3e300], [3e-300, -2e300], [5e-300, 7e299]])))
        out.append(try ("negative", matrix([[-1, -5], [-2, -6], [-3, -0.5]])))
        out.append(try ("below -1", matrix([[-2, 1], [3, 2], [4, 3]])))
        out.append(try ("two rows", matrix([[1, 2], [3, 4]])))
        out.append(try ("huge positive", matrix([[1e300, 1e-300], [1e299, 1e-299], [1e301, 1e-301]])))
        return out
    }

    static func hasNaN(_ x: Matrix<Double>) -> Bool { x.elements.contains { $0.isNaN } }

    func decode(_ json: String) throws -> TransformSpec {
        try JSONDecoder().decode(TransformSpec.self, from: Data(json.utf8))
    }

    @Test(arguments: specs)
    func everyTransformOnEveryDegenerateMatrix(spec json: String) throws {
        let spec = try decode(json)
        for (name, x) in try Self.matrices() {
            let names = (0..<x.columns).map { "c\($0)" }
            let fitted: FittedStep
            do {
                fitted = try spec.fit(x, columnNames: names, threads: 1)
            } catch is FeatureError {
                continue
            } catch {
                Issue.record("\(json) on \(name): fit threw \(type(of: error)): \(error)")
                continue
            }
            // The fitted state must survive a JSON round trip. (StandardScaler's `variance` may be
            // +infinity by design, as scikit-learn's `var_`; model files refuse it with a typed error.)
            do {
                let encoder = JSONEncoder()
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                let data = try encoder.encode(fitted)
                let decoder = JSONDecoder()
                decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                _ = try decoder.decode(FittedStep.self, from: data)
                let text = String(decoding: data, as: UTF8.self)
                if text.contains("\"nan\"") || (text.contains("inf\"") && !json.contains("StandardScaler") && !json.contains("PowerTransformer")) {
                    Issue.record("\(json) on \(name): non-finite fitted state: \(text.prefix(600))")
                }
            } catch {
                Issue.record("\(json) on \(name): fitted state does not encode/decode: \(error)")
            }
            for threads in [1, 2] {
                do {
                    let y = try fitted.transform.transform(x, columnNames: names, threads: threads)
                    #expect(y.rows == x.rows, "\(json) on \(name)")
                    #expect(y.columns == fitted.outputNames.count, "\(json) on \(name)")
                    if !Self.hasNaN(x) {
                        #expect(!Self.hasNaN(y), "\(json) on \(name): NaN out of NaN-free input: \(y.elements.prefix(12))")
                    }
                    #expect(!y.elements.contains { $0.isInfinite }, "\(json) on \(name): infinite output \(y.elements.prefix(12))")
                } catch is FeatureError {
                } catch {
                    Issue.record("\(json) on \(name): transform threw \(type(of: error)): \(error)")
                }
            }
            // Wrong column count and wrong names at transform time are FeatureErrors.
            let wider = try Matrix<Double>(rows: max(x.rows, 1), columns: x.columns + 1, repeating: 1)
            #expect(throws: FeatureError.self, "\(json) on \(name)") {
                try fitted.transform.transform(wider, columnNames: nil, threads: 1)
            }
            if x.columns > 0 {
                #expect(throws: FeatureError.self, "\(json) on \(name)") {
                    try fitted.transform.transform(x, columnNames: names.map { $0 + "_" }, threads: 1)
                }
            }
        }
    }

    /// Parameter values at and beyond their limits, given as JSON: a `DecodingError` or a
    /// `FeatureError` at fit, never a trap (e.g. `Int(1e300)`) or an absurd allocation.
    @Test(arguments: [
        #"{"type": "PolynomialFeatures", "degree": [1e300, 2]}"#,
        #"{"type": "PolynomialFeatures", "degree": [0, -1e300]}"#,
        #"{"type": "PolynomialFeatures", "degree": [0, -3]}"#,
        #"{"type": "PolynomialFeatures", "degree": [3, 2]}"#,
        #"{"type": "PolynomialFeatures", "degree": -1}"#,
        #"{"type": "PolynomialFeatures", "degree": 999999}"#,
        #"{"type": "PolynomialFeatures", "degree": 1e300}"#,
        #"{"type": "PolynomialFeatures", "degree": 2.5}"#,
        #"{"type": "PolynomialFeatures", "degree": 0, "include_bias": false}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": 1}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": 0}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": -5}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": 1000000000}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": 999999999}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": 1e300}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": [3]}"#,
        #"{"type": "KBinsDiscretizer", "n_bins": [3, 1e300, 2]}"#,
        #"{"type": "KBinsDiscretizer", "subsample": 200000}"#,
        #"{"type": "RobustScaler", "quantile_range": [75, 25]}"#,
        #"{"type": "RobustScaler", "quantile_range": [-1, 50]}"#,
        #"{"type": "RobustScaler", "quantile_range": [50, 101]}"#,
        #"{"type": "RobustScaler", "quantile_range": [50, 50]}"#,
        #"{"type": "RobustScaler", "quantile_range": [1e308, 1e309]}"#,
        #"{"type": "MinMaxScaler", "feature_range": [1, 0]}"#,
        #"{"type": "MinMaxScaler", "feature_range": [0, 0]}"#,
        #"{"type": "MinMaxScaler", "feature_range": [-1e308, 1.7976931348623157e308]}"#,
        #"{"type": "MinMaxScaler", "feature_range": [0]}"#,
        #"{"type": "MinMaxScaler", "feature_range": "wide"}"#,
        #"{"type": "SimpleImputer", "strategy": "constant", "fill_value": "x"}"#,
        #"{"type": "Normalizer", "norm": "l3"}"#,
        #"{"type": "StandardScaler", "with_mean": 1}"#,
        #"{"type": "StandardScaler", "with_mena": true}"#,
        #"{"type": "StandardScaler", "with_mean": true, "withMean": false}"#,
        #"{"type": "NoSuchScaler"}"#,
        #"{"type": 7}"#,
        #"{}"#,
        #"[]"#,
        #"{"type": "OneHotEncoder", "drop": [1e300]}"#,
        #"{"type": "OneHotEncoder", "drop": [-1e300, 1e20]}"#,
        #"{"type": "OneHotEncoder", "min_frequency": 1e300}"#,
        #"{"type": "OneHotEncoder", "min_frequency": 1e20}"#,
        #"{"type": "OneHotEncoder", "min_frequency": 0}"#,
        #"{"type": "OneHotEncoder", "min_frequency": -1}"#,
        #"{"type": "OneHotEncoder", "max_categories": 0}"#,
        #"{"type": "OneHotEncoder", "max_categories": -1}"#,
        #"{"type": "OneHotEncoder", "max_categories": 1e300}"#,
        #"{"type": "OneHotEncoder", "categories": [[1e300, -1e300, 0.5]]}"#,
        #"{"type": "OrdinalEncoder", "min_frequency": 1e300}"#,
        #"{"type": "OrdinalEncoder", "handle_unknown": "use_encoded_value"}"#,
        #"{"type": "OrdinalEncoder", "handle_unknown": "use_encoded_value", "unknown_value": 0}"#,
        #"{"type": "OrdinalEncoder", "handle_unknown": "use_encoded_value", "unknown_value": 1e300}"#,
        #"{"type": "TargetEncoder", "cv": 0}"#,
        #"{"type": "TargetEncoder", "cv": 1}"#,
        #"{"type": "TargetEncoder", "cv": 1000}"#,
        #"{"type": "TargetEncoder", "cv": -3}"#,
        #"{"type": "TargetEncoder", "smooth": -1}"#,
        #"{"type": "TargetEncoder", "random_state": -1}"#,
        #"{"type": "TargetEncoder", "random_state": 1e300}"#,
        #"{"type": "FeatureHasher", "n_features": 0}"#,
        #"{"type": "FeatureHasher", "n_features": -1}"#,
        #"{"type": "FeatureHasher", "n_features": 9000000000000000}"#,
        #"{"type": "FeatureHasher", "n_features": 1e300}"#,
    ])
    func parametersAtTheirLimits(json: String) throws {
        let spec: TransformSpec
        do {
            spec = try decode(json)
        } catch is DecodingError {
            return
        }
        let x = try Self.matrix([[1, 2, 3], [4, 5, 6], [7, 8, 10], [0.5, 1, 2], [3, 3, 3]])
        let names = ["a", "b", "c"]
        do {
            if spec.readsTable {
                let table = try Table([
                    try Column.categorical("a", ["x", "y", "x", "z", "y"]),
                    .numeric("b", [1, 2, 1, 2, 1]),
                    try Column.categorical("c", ["p", "p", "q", "q", nil]),
                ])
                let (fitted, y) = try spec.fit(table, columns: names, target: [0, 1, 0, 1, 1], threads: 1)
                #expect(y.rows == 5)
                #expect(y.columns == fitted.outputNames.count)
                _ = try JSONEncoder().encode(fitted)
            } else {
                let fitted = try spec.fit(x, columnNames: names, threads: 1)
                let y = try fitted.transform.transform(x, columnNames: names, threads: 1)
                #expect(!Self.hasNaN(y), "\(json)")
                #expect(!y.elements.contains { $0.isInfinite }, "\(json)")
                _ = try JSONEncoder().encode(fitted)
            }
        } catch is FeatureError {
        }
    }

    /// Transforms built in code with out-of-domain parameters refuse at fit.
    @Test func codeParametersAtTheirLimits() throws {
        let x = try Self.matrix([[1, 2], [3, 4], [5, 7]])
        #expect(throws: FeatureError.self) { try PolynomialFeatures(degree: 30).fit(try Self.matrix([(0..<40).map(Double.init)])) }
        #expect(throws: FeatureError.self) { try PolynomialFeatures(degree: Int.max).fit(x) }
        #expect(throws: FeatureError.self) { try PolynomialFeatures(degree: Int.max, interactionOnly: true).fit(try Self.matrix([(0..<64).map(Double.init)])) }
        #expect(throws: FeatureError.self) { try PolynomialFeatures(degree: 2, minDegree: Int.min).fit(x) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(nBins: 1).fit(x) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(nBins: 1_000_000_000).fit(x) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(nBins: Int.max, strategy: .uniform).fit(x) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(bins: .perColumn([3])).fit(x) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(nBins: 3).fit(x, sampleWeight: [1, 1]) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(nBins: 3).fit(x, sampleWeight: [0, 0, 0]) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(nBins: 3).fit(x, sampleWeight: [1, -1, 1]) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(nBins: 3).fit(x, sampleWeight: [1, .nan, 1]) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(nBins: 3).fit(x, sampleWeight: [1, .infinity, 1]) }
        #expect(throws: FeatureError.self) { try RobustScaler(quantileRange: (75, 25)).fit(x) }
        #expect(throws: FeatureError.self) { try RobustScaler(quantileRange: (.nan, 75)).fit(x) }
        #expect(throws: FeatureError.self) { try RobustScaler(quantileRange: (-.infinity, 75)).fit(x) }
        #expect(throws: FeatureError.self) { try MinMaxScaler(featureRange: 1...1).fit(x) }
        #expect(throws: FeatureError.self) { try MinMaxScaler(featureRange: -Double.infinity...0).fit(x) }
        #expect(throws: FeatureError.self) { try MinMaxScaler(featureRange: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude).fit(x).transform(x) }
        #expect(throws: FeatureError.self) { try SimpleImputer(strategy: .constant(.infinity)).fit(x) }
        #expect(throws: FeatureError.self) { try FeatureHasher(nFeatures: 0).transform(Table([.numeric("a", [1])]), columns: ["a"]) }
    }

    /// Inverse transforms on values they cannot decode name the row and column.
    @Test func inverseTransformsOnHostileValues() throws {
        let x = try Self.matrix([[1, 2], [3, 4], [5, 7], [2, 2]])
        let hostile = try Self.matrix([[.nan, 1], [.infinity, 2], [-.infinity, 1e308], [1e300, -1e300]])
        let transforms: [any InvertibleTransform] = [
            try StandardScaler().fit(x), try MinMaxScaler().fit(x), try MaxAbsScaler().fit(x), try RobustScaler().fit(x),
            try PowerTransformer().fit(x), try PowerTransformer(method: .boxCox).fit(x),
            try FunctionTransformer(.log1p).fit(x), try KBinsDiscretizer(nBins: 2, encode: .ordinal).fit(x),
        ]
        for t in transforms {
            do {
                let back = try t.inverseTransform(hostile, threads: 1)
                #expect(back.rows == 4)
                #expect(!back.elements.contains { $0.isInfinite }, "\(type(of: t)): \(back.elements)")
            } catch is FeatureError {
            } catch {
                Issue.record("\(type(of: t)): \(type(of: error)) \(error)")
            }
            // Wrong width.
            #expect(throws: FeatureError.self, "\(type(of: t))") { try t.inverseTransform(try Self.matrix([[1, 2, 3]]), threads: 1) }
        }
    }

    /// FeatureSchema: empty, duplicate names, and a name count that does not match.
    @Test func columnNameErrors() throws {
        let x = try Self.matrix([[1, 2], [3, 4]])
        #expect(throws: FeatureError.self) { try StandardScaler().fit(x, columnNames: ["a", "a"]) }
        #expect(throws: FeatureError.self) { try StandardScaler().fit(x, columnNames: ["a", ""]) }
        #expect(throws: FeatureError.self) { try StandardScaler().fit(x, columnNames: ["a"]) }
        #expect(throws: FeatureError.self) { try StandardScaler().fit(x, columnNames: ["a", "b", "c"]) }
    }

    /// Threads at odd values: 0 and negative are refused or treated as 1, never a trap.
    @Test func oddThreadCounts() throws {
        let x = try Self.matrix([[1, 2], [3, 4], [5, 7]])
        for threads in [0, -1, Int.min, 1000] {
            do {
                let f = try StandardScaler().fit(x, threads: threads)
                _ = try f.transform(x, columnNames: nil, threads: threads)
            } catch is FeatureError {
            } catch is StatisticsError {
            } catch {
                Issue.record("threads \(threads): \(type(of: error)) \(error)")
            }
        }
    }
}

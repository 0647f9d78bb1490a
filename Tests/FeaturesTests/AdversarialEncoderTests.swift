import Foundation
import LinearAlgebra
import Tabular
import Testing
@testable import Features

/// Hostile tables, targets and parameters for the encoders, and Float input at Float's limits for
/// the numeric transforms: `FeatureError`s, never traps, and no NaN or infinity out of clean input.
@Suite struct AdversarialEncoderTests {
    static func table() throws -> Table {
        try Table([
            try .categorical("s", ["a", "b", "a", nil, "c", "a"]),
            .numeric("n", [1, 2, 1, .nan, 1e300, -1e300]),
            try .categorical("i", ["7", "-9223372036854775808", "7", "9223372036854775807", "0", "7"], kind: .integer),
            try .categorical("e", [nil, nil, nil, nil, nil, nil]),
        ])
    }

    static func check(_ what: String, _ body: () throws -> Matrix<Double>) {
        do {
            let y = try body()
            #expect(!y.elements.contains { $0.isInfinite }, "\(what): \(y.elements.prefix(20))")
        } catch is FeatureError {
        } catch {
            Issue.record("\(what): \(type(of: error)) \(error)")
        }
    }

    @Test func encodersOnHostileColumns() throws {
        let table = try Self.table()
        let encoders: [(String, OneHotEncoder)] = [
            ("default", OneHotEncoder()),
            ("drop first", OneHotEncoder(drop: .first)),
            ("drop if binary", OneHotEncoder(drop: .ifBinary)),
            ("infrequent", OneHotEncoder(handleUnknown: .infrequentIfExist, minFrequency: .count(1_000_000))),
            ("max 1", OneHotEncoder(handleUnknown: .infrequentIfExist, maxCategories: 1)),
            ("fraction", OneHotEncoder(handleUnknown: .ignore, minFrequency: .fraction(0.999))),
            ("drop list", OneHotEncoder(drop: .categories(["zzz", nil, "7", nil]))),
            ("explicit", OneHotEncoder(categories: .explicit([["a"], ["1"], ["7"], [nil]]), handleUnknown: .ignore)),
            ("explicit short", OneHotEncoder(categories: .explicit([["a"]]))),
        ]
        for columns in [["s"], ["n"], ["i"], ["e"], ["s", "n", "i", "e"], [], ["zz"]] {
            for (name, encoder) in encoders {
                Self.check("OneHot \(name) \(columns)") {
                    let fitted = try encoder.fit(table, columns: columns)
                    return try fitted.transform(table)
                }
            }
            for encoder in [OrdinalEncoder(), OrdinalEncoder(handleUnknown: .useEncodedValue(-1), encodedMissingValue: -2),
                            OrdinalEncoder(handleUnknown: .useEncodedValue(0)), OrdinalEncoder(minFrequency: .count(Int.max)),
                            OrdinalEncoder(maxCategories: 0), OrdinalEncoder(maxCategories: Int.max)] {
                Self.check("Ordinal \(encoder) \(columns)") { try encoder.fit(table, columns: columns).transform(table) }
            }
            for target in [[0.0, 1, 0, 1, 1, 0], [1e300, -1e300, 0, 1, 2, 3], [0, 0, 0, 0, 0, 0], [0, 1, 2, 3, 4, 5],
                           [.nan, 1, 0, 1, 1, 0], [0, 1], [0.5, 1, 0, 1, 1, 0]] {
                for encoder in [TargetEncoder(), TargetEncoder(smooth: .value(0)), TargetEncoder(smooth: .value(-1)),
                                TargetEncoder(smooth: .value(.infinity)), TargetEncoder(cv: 0), TargetEncoder(cv: 7), TargetEncoder(cv: Int.max),
                                TargetEncoder(targetType: .binary), TargetEncoder(targetType: .multiclass), TargetEncoder(shuffle: false)] {
                    Self.check("Target \(encoder) \(columns) \(target)") {
                        let (fitted, encoded) = try encoder.fitTransform(table, target: target, columns: columns)
                        #expect(!encoded.elements.contains { $0.isNaN || $0.isInfinite }, "\(encoder) \(columns) \(target)")
                        return try fitted.transform(table)
                    }
                }
            }
        }
        // Unknown categories and kind changes at transform time.
        let fitted = try OneHotEncoder().fit(table, columns: ["s", "i"])
        let other = try Table([try .categorical("s", ["zzz"]), .numeric("i", [7])])
        #expect(throws: FeatureError.self) { try fitted.transform(other) }
        #expect(throws: FeatureError.self) { try fitted.transform(try Table([try .categorical("s", ["a"])])) }
        for hasher in [FeatureHasher(nFeatures: 1), FeatureHasher(nFeatures: 0), FeatureHasher(nFeatures: -1), FeatureHasher(nFeatures: Int.max)] {
            Self.check("hasher \(hasher.nFeatures)") { try hasher.transform(table, columns: ["s", "n", "i", "e"]) }
        }
    }

    @Test func pipelinesOnHostileTables() throws {
        let table = try Self.table()
        let specs = [
            #"{"columns": [{"name": "t", "select": ["s"], "steps": [{"type": "TargetEncoder"}]}]}"#,
            #"{"columns": [{"name": "o", "select": {"kind": "categorical"}, "steps": [{"type": "OneHotEncoder", "handle_unknown": "ignore"}, {"type": "StandardScaler"}]}], "remainder": "passthrough", "steps": [{"type": "SimpleImputer"}, {"type": "MaxAbsScaler"}]}"#,
            #"{"columns": [], "remainder": "passthrough"}"#,
            #"{"columns": [], "remainder": "drop"}"#,
            #"{"columns": [{"name": "n", "select": ["n"], "steps": [{"type": "KBinsDiscretizer"}]}]}"#,
            #"{"columns": [{"name": "n", "select": ["n"], "steps": [{"type": "SimpleImputer", "strategy": "median"}, {"type": "PolynomialFeatures", "degree": 4}]}]}"#,
        ]
        let empty = try table.rows(0..<0)
        for json in specs {
            let pipeline: Pipeline
            do { pipeline = try Pipeline.spec(json: Data(json.utf8)) } catch is DecodingError { continue } catch is FeatureError { continue }
            for (name, input, target) in [("table", table, [0.0, 1, 0, 1, 1, 0] as [Double]?), ("no target", table, nil),
                                          ("short target", table, [0, 1]), ("NaN target", table, [.nan, 1, 0, 1, 1, 0]),
                                          ("empty", empty, [])] {
                do {
                    let fitted = try pipeline.fit(input, target: target)
                    let y = try fitted.transform(table)
                    #expect(y.rows == table.rowCount && y.columns == fitted.outputNames.count, "\(json) \(name)")
                    #expect(!y.elements.contains { $0.isInfinite }, "\(json) \(name)")
                    #expect(try fitted.transform(empty).rows == 0, "\(json) \(name)")
                } catch is FeatureError {
                } catch is TableError {
                } catch {
                    Issue.record("\(json) \(name): \(type(of: error)) \(error)")
                }
            }
        }
    }

    @Test func floatInputAtFloatLimits() throws {
        let cases: [(String, Matrix<Float>)] = [
            ("max", try Matrix([[Float.greatestFiniteMagnitude, 1], [-Float.greatestFiniteMagnitude, 2], [0, 3]])),
            ("subnormal", try Matrix([[Float.leastNonzeroMagnitude, 0x1p-133], [0, -0x1p-133], [0x1p-149, 0]])),
            ("1e20", try Matrix([[1e20, 1], [2e20, 2], [3e20, 4]])),
            ("constant", try Matrix([[5, 5], [5, 5]])),
            ("NaN column", try Matrix([[Float.nan, 1], [.nan, 2]])),
        ]
        for (name, x) in cases {
            let clean = !x.elements.contains { $0.isNaN }
            func run(_ what: String, _ body: () throws -> Matrix<Float>) {
                do {
                    let y = try body()
                    #expect(!y.elements.contains { $0.isInfinite }, "\(what) on \(name): \(y.elements)")
                    if clean { #expect(!y.elements.contains { $0.isNaN }, "\(what) on \(name): \(y.elements)") }
                } catch is FeatureError {
                } catch {
                    Issue.record("\(what) on \(name): \(type(of: error)) \(error)")
                }
            }
            run("StandardScaler") { try StandardScaler().fit(x).transform(x) }
            run("MinMaxScaler") { try MinMaxScaler().fit(x).transform(x) }
            run("MinMaxScaler wide") { try MinMaxScaler(featureRange: -1e30...1e30).fit(x).transform(x) }
            run("MaxAbsScaler") { try MaxAbsScaler().fit(x).transform(x) }
            run("RobustScaler") { try RobustScaler().fit(x).transform(x) }
            run("PowerTransformer") { try PowerTransformer().fit(x).transform(x) }
            run("Normalizer") { try Normalizer().fit(x).transform(x) }
            run("log1p") { try FunctionTransformer(.log1p).fit(x).transform(x) }
            run("PolynomialFeatures") { try PolynomialFeatures(degree: 3).fit(x).transform(x) }
            run("KBinsDiscretizer") { try KBinsDiscretizer(nBins: 3, strategy: .uniform).fit(x).transform(x) }
            run("SimpleImputer") { try SimpleImputer().fit(x).transform(x) }
            run("StandardScaler inverse") { let f = try StandardScaler().fit(x); return try f.inverseTransform(f.transform(x)) }
            run("MinMaxScaler inverse") { let f = try MinMaxScaler().fit(x); return try f.inverseTransform(f.transform(x)) }
        }
    }
}

/// Finite values that hash into one output column and sum past Double's range (1e308 + 1e308):
/// a typed overflow naming the row and output column, not an infinity in the output.
@Suite struct AdversarialHasherOverflowTests {
    @Test func collidingHugeValuesOverflowWithAName() throws {
        let hasher = FeatureHasher(nFeatures: 4)
        // Before: SparseRows values [inf], silently.
        #expect(throws: FeatureError.self) { try hasher.transform(pairs: [[("a", 1)], [("a", 1e308), ("a", 1e308)]]) }
        do {
            _ = try hasher.transform(pairs: [[("a", 1)], [("a", 1e308), ("a", 1e308)]])
        } catch let FeatureError.overflow(_, row, column, value) {
            #expect(row == 1 && column.hasPrefix("hash") && value == 1e308)
        }
        // Two numeric table columns in the same bucket (one bucket: nFeatures 1).
        let table = try Table([.numeric("p", [1, 1e308]), .numeric("q", [2, 1e308])])
        let one = FeatureHasher(nFeatures: 1)
        let signs = (MurmurHash3.hash32("p") >= 0) == (MurmurHash3.hash32("q") >= 0)
        if signs {
            #expect(throws: FeatureError.self) { try one.transform(table) }
        }
        // Cancelling huge values and ordinary sums still work.
        let fine = try hasher.transform(pairs: [[("a", 1e308), ("a", -1e308)], [("b", 2), ("b", 3)]])
        #expect(fine.values.allSatisfy { $0.isFinite })
    }
}

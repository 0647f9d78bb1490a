import Foundation
import LinearAlgebra
import Tabular
import Testing
@testable import Features

/// Fitted values decoded on their own (saved with `JSONEncoder`, loaded with `JSONDecoder`, not
/// inside a `FittedStep`) with an edited, inconsistent state: decoding must refuse them with a
/// `DecodingError`, never hand back a value whose transform indexes out of range (a trap).
@Suite struct AdversarialDecodingTests {
    static let x = try! Matrix<Double>([[1, 2], [2, 1], [3, 5], [4, 3], [5, 8], [6, 4]])  // invariant: literal rows
    static let table = try! Table([try Column.categorical("a", ["x", "y", "x", "z", "y", "x"]), .numeric("b", [1, 2, 1, 2, 1, 3])])  // invariant: literal columns

    /// Re-decodes `value` with the first match of `pattern` in its JSON replaced by `replacement`.
    static func edited<T: Codable>(_ value: T, _ pattern: String, _ replacement: String) throws -> Result<T, any Error> {
        var json = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        let range = try #require(json.range(of: pattern, options: .regularExpression), "\(pattern) not in \(json)")
        json.replaceSubrange(range, with: replacement)
        return Result { try JSONDecoder().decode(T.self, from: Data(json.utf8)) }
    }

    static func expectRefused<T>(_ result: Result<T, any Error>, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        switch result {
        case .success: Issue.record("\(what): an inconsistent fitted value was decoded", sourceLocation: sourceLocation)
        case let .failure(error): #expect(error is DecodingError, "\(what): \(type(of: error)) \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func powerTransformerWithTooFewLambdas() throws {
        // Before: decoded, then transform trapped (Index out of range).
        Self.expectRefused(try Self.edited(try PowerTransformer().fit(Self.x), #""lambdas":\[[^\]]*\]"#, #""lambdas":[1]"#), "lambdas")
    }

    @Test func encodersWithShortenedPlans() throws {
        // Before: each decoded, then transform trapped (Index out of range).
        Self.expectRefused(try Self.edited(try OneHotEncoder().fit(Self.table, columns: ["a"]), #""output":\[[^\]]*\]"#, #""output":[0]"#), "one-hot output")
        Self.expectRefused(try Self.edited(try OrdinalEncoder().fit(Self.table, columns: ["a"]), #""codes":\[[^\]]*\]"#, #""codes":[0]"#), "ordinal codes")
        let target = try TargetEncoder().fit(Self.table, target: [1, 2, 3, 4, 5, 6], columns: ["a"])
        Self.expectRefused(try Self.edited(target, #""targetMeans":\[[^\]]*\]"#, #""targetMeans":[1]"#), "target means")
    }

    @Test func affineScalersWithShortenedMaps() throws {
        // Before: decoded; transform threw LinearAlgebraError (not a FeatureError) instead of refusing the file.
        Self.expectRefused(try Self.edited(try StandardScaler().fit(Self.x), #""offset":\[[^\]]*\]"#, #""offset":[1]"#), "standard offset")
        Self.expectRefused(try Self.edited(try MinMaxScaler().fit(Self.x), #""factor":\[[^\]]*\]"#, #""factor":[1]"#), "min-max factor")
        Self.expectRefused(try Self.edited(try MaxAbsScaler().fit(Self.x), #""inverseFactor":\[[^\]]*\]"#, #""inverseFactor":[1]"#), "max-abs inverse")
        Self.expectRefused(try Self.edited(try RobustScaler().fit(Self.x), #""shift":\[[^\]]*\]"#, #""shift":[1, 2, 3]"#), "robust shift")
    }

    @Test func duplicateOrEmptyColumnNames() throws {
        let fitted = try StandardScaler().fit(Self.x, columnNames: ["a", "b"])
        Self.expectRefused(try Self.edited(fitted, #""names":\[[^\]]*\]"#, #""names":["a","a"]"#), "duplicate names")
        Self.expectRefused(try Self.edited(fitted, #""names":\[[^\]]*\]"#, #""names":["a",""]"#), "empty name")
        Self.expectRefused(try Self.edited(fitted.inputSchema, #""names":\[[^\]]*\]"#, #""names":["b","b"]"#), "schema")
    }

    @Test func untouchedValuesStillRoundTrip() throws {
        let values: [any Codable & Equatable] = [
            try StandardScaler().fit(Self.x), try MinMaxScaler().fit(Self.x), try MaxAbsScaler().fit(Self.x),
            try RobustScaler().fit(Self.x), try PowerTransformer().fit(Self.x), try PowerTransformer(standardize: false).fit(Self.x),
            try OneHotEncoder().fit(Self.table, columns: ["a"]), try OrdinalEncoder().fit(Self.table, columns: ["a"]),
            try TargetEncoder().fit(Self.table, target: [0, 1, 0, 1, 1, 0], columns: ["a"]),
        ]
        for value in values {
            // Compared as JSON: OrdinalEncoder's encoded missing value is NaN, which is not == itself.
            func roundTrip<T: Codable & Equatable>(_ v: T) throws -> Bool {
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                let data = try encoder.encode(v)
                return try encoder.encode(try JSONDecoder().decode(T.self, from: data)) == data
            }
            #expect(try roundTrip(value), "\(String(reflecting: type(of: value)))")
        }
    }
}

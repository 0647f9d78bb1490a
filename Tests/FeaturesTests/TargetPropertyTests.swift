import Foundation
import LinearAlgebra
import Tabular
import Testing
@testable import Features

@Suite("TargetEncoder properties and errors")
struct TargetPropertyTests {
    static func data(rows: Int, seed: UInt64) throws -> (Table, [Double], [Double]) {
        let table = try categoricalTable(rows: rows, seed: seed, cardinality: 8)
        var generator = SeededGenerator(seed: seed &+ 1)
        let y = (0..<rows).map { _ in generator.nextNormal() * 3 + 1 }
        let labels = (0..<rows).map { _ in generator.nextUniform() < 0.3 ? 5.0 : 2.0 }
        return (table, y, labels)
    }

    @Test("shuffled folds: deterministic for a seed, different for another, every row encoded")
    func shuffled() throws {
        let (table, y, labels) = try Self.data(rows: 997, seed: 3)
        for target in [y, labels] {
            let encoder = TargetEncoder(smooth: .auto, cv: 5, shuffle: true, randomState: 42)
            let (fitted, a) = try encoder.fitTransform(table, target: target)
            let (_, b) = try encoder.fitTransform(table, target: target, threads: 2)
            #expect(a == b)
            let (_, c) = try TargetEncoder(smooth: .auto, cv: 5, shuffle: true, randomState: 43).fitTransform(table, target: target)
            #expect(a != c)
            let finite = a.elements.allSatisfy { $0.isFinite }
            #expect(finite)
            // The full-data encodings do not depend on the folds.
            let refit = try encoder.fit(table, target: target)
            #expect(refit == fitted)
        }
    }

    @Test("folds: KFold sizes differ by at most one; StratifiedKFold keeps class proportions")
    func folds() throws {
        let encoder = TargetEncoder(cv: 4, shuffle: true, randomState: 1)
        let folds = try encoder.foldOf(rows: 10, y: Array(repeating: 0, count: 10), type: .continuous)
        let sizes = (0..<4).map { f in folds.filter { $0 == f }.count }
        #expect(sizes.sorted() == [2, 2, 3, 3])
        let labels = (0..<40).map { Double($0 % 4 == 0 ? 1 : 0) }  // 10 of class 1, 30 of class 0
        let stratified = try encoder.foldOf(rows: 40, y: labels, type: .binary)
        for f in 0..<4 {
            let members = stratified.indices.filter { stratified[$0] == f }
            let ones = members.filter { labels[$0] == 1 }.count
            #expect(members.count == 10 && (2...3).contains(ones))
        }
        // Unshuffled KFold: contiguous folds, the first n % k one row larger.
        let plain = try TargetEncoder(cv: 3, shuffle: false).foldOf(rows: 7, y: Array(repeating: 0, count: 7), type: .continuous)
        #expect(plain == [0, 0, 0, 1, 1, 2, 2])
    }

    @Test("cross fitting never uses a row's own target (smooth 0: out-of-fold category means)")
    func noLeak() throws {
        let table = try Table([try .categorical("c", ["a", "a", "a", "a", "b", "b", "b", "b"])])
        let y: [Double] = [1, 2, 3, 4, 10, 20, 30, 40]
        let (_, encoded) = try TargetEncoder(targetType: .continuous, smooth: .value(0), cv: 4, shuffle: false).fitTransform(table, target: y)
        // Fold 0 = rows 0, 1: category a from rows 2, 3 -> 3.5; fold 2 = rows 4, 5: b from rows 6, 7 -> 35.
        #expect(encoded[0, 0] == 3.5 && encoded[1, 0] == 3.5)
        #expect(encoded[4, 0] == 35 && encoded[5, 0] == 35)
        // A category absent from a fold's training rows gets that fold's mean.
        let (_, lonely) = try TargetEncoder(targetType: .continuous, smooth: .value(0), cv: 2, shuffle: false)
            .fitTransform(try Table([try .categorical("c", ["x", "y", "y", "y"])]), target: [8, 1, 2, 3])
        #expect(lonely[0, 0] == 2.5)  // fold 1's training rows are 2 and 3
    }

    @Test("unknown categories get the target mean; binary target means estimate P(larger class)")
    func transformUnknown() throws {
        let table = try Table([try .categorical("c", ["a", "b", "a", "b"])])
        let fitted = try TargetEncoder(smooth: .value(0)).fit(table, target: [7, 3, 7, 7])
        #expect(fitted.targetType == .binary && fitted.classes == [3, 7])
        #expect(fitted.columns[0].encodings == [1, 0.5])
        #expect(fitted.targetMean == 0.75)
        let y = try fitted.transform(try Table([try .categorical("c", ["zz", nil, "b"])]))
        #expect(y.rowArrays == [[0.75], [0.75], [0.5]])
    }

    @Test("multiclass: one output per class, unknowns get each class's share, folds stratified by class")
    func multiclass() throws {
        let table = try Table([try .categorical("c", ["a", "b", "a", "b", "a", "b"])])
        let fitted = try TargetEncoder(smooth: .value(0)).fit(table, target: [0, 1, 2, 0, 1, 2])
        #expect(fitted.targetType == .multiclass && fitted.classes == [0, 1, 2])
        #expect(fitted.outputNames == ["c_0", "c_1", "c_2"])
        #expect(fitted.columns[0].classEncodings.count == 3)
        let y = try fitted.transform(try Table([try .categorical("c", ["zz", "a"])]))
        #expect(y.rows == 2 && y.columns == 3)
        let third: Double = 1.0 / 3
        let rows = y.rowArrays
        #expect(rows[0] == [third, third, third])
        #expect(rows[1] == [third, third, third])  // a: classes 0, 2, 1
        let (_, encoded) = try TargetEncoder(cv: 2, shuffle: true, randomState: 5).fitTransform(table, target: [0, 1, 2, 0, 1, 2])
        let probabilities = encoded.elements.allSatisfy { (value: Double) -> Bool in value.isFinite && value >= 0 && value <= 1 }
        #expect(encoded.columns == 3)
        #expect(probabilities)
    }

    @Test("constant target and single-row categories stay finite (auto smoothing)")
    func degenerate() throws {
        let table = try Table([try .categorical("c", ["a", "b", "c", "a", "a", "a"])])
        let constant = try TargetEncoder(targetType: .continuous).fit(table, target: Array(repeating: 2.5, count: 6))
        #expect(constant.columns[0].encodings == [2.5, 2.5, 2.5])
        let (_, encoded) = try TargetEncoder(targetType: .continuous, cv: 2, shuffle: false)
            .fitTransform(table, target: [1, 1e150, -1e150, 2, 3, 4])
        #expect(!encoded.elements.contains { !$0.isFinite })
        // Values whose squares or sums overflow are refused rather than turned into NaN.
        #expect {
            _ = try TargetEncoder(targetType: .continuous, smooth: .value(1)).fit(table, target: [1.7e308, 1.7e308, 1, 1, 1, 1])
        } throws: { error in
            guard case FeatureError.invalidTarget = error else { return false }
            return "\(error)".contains("overflow")
        }
    }

    @Test("invalid targets and parameters are named")
    func errors() throws {
        let table = try Table([try .categorical("c", ["a", "b", "a"])])
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { _ = try TargetEncoder().fit(table, target: [1, 2]) }.contains("2 values for 3 rows"))
        #expect(message { _ = try TargetEncoder().fit(table, target: [1, .nan, 2]) }.contains("row 1"))
        #expect(try TargetEncoder().fit(table, target: [1, 2, 3]).outputNames == ["c_1", "c_2", "c_3"])
        #expect(message { _ = try TargetEncoder(targetType: .binary).fit(table, target: [1, 2, 3]) }.contains("at most 2 classes"))
        #expect(message { _ = try TargetEncoder(smooth: .value(-1)).fit(table, target: [1, 2, 3.5]) }.contains("smooth"))
        #expect(message { _ = try TargetEncoder(cv: 1).fit(table, target: [1, 2, 3.5]) }.contains("cv"))
        #expect(message { _ = try TargetEncoder(cv: 5).fitTransform(table, target: [1, 2, 3.5]) }.contains("5 folds for 3 rows"))
        #expect(message { _ = try TargetEncoder(cv: 3).fitTransform(table, target: [0, 1, 1]) }.contains("every class"))
        #expect(message { _ = try TargetEncoder().fit(try Table([try .categorical("c", [])]), target: []) }.contains("zero rows"))
        #expect(message { _ = try TargetEncoder().fit(table, target: [1, 2, 3.5], columns: ["d"]) }.contains("'d'"))
    }
}

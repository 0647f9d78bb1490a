import LinearAlgebra

/// Input checks of `LogisticRegression` (its own; a shared validator may replace it later).
enum LogisticValidation {
    static let model = "LogisticRegression"

    /// The matrix as a flat row-major `[Double]` (a share of the storage for `Double`, one converted
    /// copy for `Float`), dispatched on the concrete type so the conversion loop is specialised.
    static func doubles<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>) -> [Double] {
        if let d = x as? Matrix<Double> { return d.elements }
        if let f = x as? Matrix<Float> { return f.elements.map { Double($0) } }
        return x.elements.map { Double($0) }
    }

    /// Converts a flat `[Double]` result to a `Matrix<Scalar>` (rounded for `Float`).
    static func matrix<Scalar: LinearAlgebraScalar>(rows: Int, columns: Int, _ values: [Double], as _: Scalar.Type) throws -> Matrix<Scalar> {
        if Scalar.self == Double.self, let m = try Matrix<Double>(rows: rows, columns: columns, elements: values) as? Matrix<Scalar> { return m }
        if Scalar.self == Float.self, let m = try Matrix<Float>(rows: rows, columns: columns, elements: values.map { Float($0) }) as? Matrix<Scalar> { return m }
        return try Matrix<Scalar>(rows: rows, columns: columns, elements: values.map { Scalar($0) })
    }

    /// The first NaN or infinity of `X`, by row then column.
    /// - Throws: `ModelError.nonFiniteValue(argument: "X", row:, column:)`.
    static func checkFinite(_ x: [Double], columns: Int) throws {
        if let firstBad = firstNonFinite(x) {
            throw ModelError.nonFiniteValue(model: model, argument: "X", row: firstBad / columns,
                                            column: firstBad % columns, value: x[firstBad])
        }
    }

    /// The index of the first NaN or infinity in `values`, if any.
    static func firstNonFinite(_ values: [Double]) -> Int? {
        var firstBad = -1
        values.withUnsafeBufferPointer { buffer in
            // Sum-of-products trick: a chunk whose running value stays finite holds no NaN/Inf.
            var i = 0
            let n = buffer.count
            while i < n {
                let end = Swift.min(i &+ 4096, n)
                // Eight independent lanes (a single running sum is one dependent add per element).
                var lanes = SIMD8<Double>()
                var j = i
                let raw = UnsafeRawPointer(buffer.baseAddress!)  // invariant: n > 0 inside the loop
                while j &+ 8 <= end {
                    lanes += raw.loadUnaligned(fromByteOffset: j &* 8, as: SIMD8<Double>.self) * 0
                    j &+= 8
                }
                var acc = lanes.sum()
                while j < end { acc += buffer[j] * 0; j &+= 1 }
                if !acc.isFinite || acc != 0 {
                    for j in i..<end where !buffer[j].isFinite { firstBad = j; return }
                }
                i = end
            }
        }
        return firstBad >= 0 ? firstBad : nil
    }

    /// Sample weights: length, finite, non-negative.
    static func checkWeights(_ weights: [Double]?, rows: Int) throws -> [Double] {
        guard let weights else { return [Double](repeating: 1, count: rows) }
        guard weights.count == rows else {
            throw ModelError.lengthMismatch(model: model, argument: "sampleWeight", expected: rows, got: weights.count)
        }
        for (i, w) in weights.enumerated() {
            guard w.isFinite else { throw ModelError.nonFiniteValue(model: model, argument: "sampleWeight", row: i, column: nil, value: w) }
            guard w >= 0 else { throw ModelError.negativeWeight(model: model, row: i, value: w) }
        }
        return weights
    }

    /// Sorted classes and each row's class index.
    /// - Throws: `.nonFiniteValue` for a NaN/Inf real label; `.mixedLabelTypes`; `.singleClass`;
    ///   `.continuousTarget` for a real label that is not an integer.
    /// `encode(y.map { .real($0) })` without building the labels: the same classes (first-seen
    /// value of each class, `-0.0 == 0.0`), the same targets and the same errors, in the same order.
    static func encode(reals y: [Double]) throws -> (classes: [ClassLabel], target: [Int32]) {
        if let i = firstNonFinite(y) {  // vectorised (a per-row test and early exit is a scalar loop)
            throw ModelError.nonFiniteValue(model: model, argument: "y", row: i, column: nil, value: y[i])
        }
        let encoded = try encodeValues(y) { .real($0) }
        try refuseContinuous(encoded.classes) { y.firstIndex(of: $0) }
        return encoded
    }

    /// A real class that is not an integer makes the target continuous (scikit-learn's
    /// `type_of_target`), which a classifier refuses as scikit-learn does. Checked on the classes
    /// (a few values), not per row; `row` finds the first row holding the offending value.
    /// - Throws: `ModelError.continuousTarget` naming that row and value.
    private static func refuseContinuous(_ classes: [ClassLabel], row: (Double) -> Int?) throws {
        for case let .real(v) in classes where v.rounded(.towardZero) != v {
            throw ModelError.continuousTarget(model: model, row: row(v) ?? 0, value: v)
        }
    }

    /// `encode(y.map { .integer($0) })` without building the labels (same results and errors).
    static func encode(integers y: [Int]) throws -> (classes: [ClassLabel], target: [Int32]) {
        try encodeValues(y) { .integer($0) }
    }

    /// The class search of `encode` on values of one kind (`==` and hashing as the labels'): a linear
    /// search over the classes seen so far (few classes, the usual case, beat hashing), a table
    /// above 32.
    @inline(__always)  // specialised in its two callers (an unspecialised == per row costs ~7 ns)
    private static func encodeValues<T: Hashable>(_ y: [T], label: (T) -> ClassLabel) throws -> (classes: [ClassLabel], target: [Int32]) {
        guard let first = y.first else { return ([], []) }
        var seen: [T] = [first]
        var raw = [Int32](repeating: 0, count: y.count)
        var lookup: [T: Int32]?
        var i = 0
        var triedTwo = false
        while i < y.count {
            let value = y[i]
            if seen.count == 2 && !triedTwo {
                // Two classes seen (the usual binary case): one loop without data-dependent branches
                // over the rest, assuming every value is one of them (labels in random order
                // mispredict `value == first` half the time: ~9 ns per row measured at 1M rows). The
                // same `==` tests, so the same targets; a value of neither class (counted) sends the
                // rest through the search below, which overwrites what this loop wrote.
                triedTwo = true
                let second = seen[1]
                let misses = y.withUnsafeBufferPointer { ys in
                    raw.withUnsafeMutableBufferPointer { rs in
                        var misses = 0
                        for k in i..<ys.count {
                            let v = ys[k]
                            let isFirst = v == first, isSecond = v == second
                            rs[k] = isSecond ? 1 : 0
                            misses &+= (isFirst ? 0 : 1) & (isSecond ? 0 : 1)
                        }
                        return misses
                    }
                }
                if misses == 0 { break }
            }
            let index = i
            i += 1
            if let table = lookup {
                if let k = table[value] { raw[index] = k } else {
                    raw[index] = Int32(seen.count); lookup![value] = Int32(seen.count); seen.append(value)
                }
                continue
            }
            if value == first { continue }  // raw[index] = 0 already; the usual two classes without a search
            if seen.count > 1, value == seen[1] { raw[index] = 1; continue }
            if let k = seen.firstIndex(of: value) { raw[index] = Int32(k); continue }
            raw[index] = Int32(seen.count)
            seen.append(value)
            if seen.count > 32 {
                var table: [T: Int32] = [:]
                for (k, c) in seen.enumerated() { table[c] = Int32(k) }
                lookup = table
            }
        }
        let classes = try ranked(seen.map(label), raw: &raw, first: label(first))
        return (classes, raw)
    }

    static func encode(_ y: [ClassLabel]) throws -> (classes: [ClassLabel], target: [Int32]) {
        guard let first = y.first else { return ([], []) }
        for (i, label) in y.enumerated() {
            if case let .real(v) = label, !v.isFinite {
                throw ModelError.nonFiniteValue(model: model, argument: "y", row: i, column: nil, value: v)
            }
            if label.kind != first.kind { throw ModelError.mixedLabelTypes(model: model, row: i) }
        }
        let encoded = try encodeValues(y) { $0 }
        try refuseContinuous(encoded.classes) { v in y.firstIndex(of: .real(v)) }
        return encoded
    }

    /// Classes sorted (NumPy's order) and each row's first-seen index mapped to its rank.
    /// `raw` is rewritten in place (no second n-long array): each first-seen index becomes its rank.
    private static func ranked(_ seen: [ClassLabel], raw: inout [Int32], first: ClassLabel) throws -> [ClassLabel] {
        guard seen.count >= 2 else {
            // One value that is not an integer is a continuous target before it is a single class,
            // as scikit-learn checks the target's type first; every row holds it, row 0 first.
            if case let .real(v) = first, v.rounded(.towardZero) != v { throw ModelError.continuousTarget(model: model, row: 0, value: v) }
            throw ModelError.singleClass(model: model, label: first.description)
        }
        guard seen.count <= Int(Int32.max) else {
            throw ModelError.invalidParameter(model: model, parameter: "y", reason: "more than \(Int32.max) classes")
        }
        let order = seen.indices.sorted { seen[$0] < seen[$1] }
        var rank = [Int32](repeating: 0, count: seen.count)
        for (position, k) in order.enumerated() { rank[k] = Int32(position) }
        let classes = order.map { seen[$0] }
        // Already sorted in order of first appearance: the indices are the ranks.
        if rank.enumerated().allSatisfy({ Int($0.element) == $0.offset }) { return classes }
        if rank == [1, 0] {  // two classes, second-seen first in order: a branch-free flip
            for i in raw.indices { raw[i] = 1 &- raw[i] }
        } else {
            for i in raw.indices { raw[i] = rank[Int(raw[i])] }
        }
        return classes
    }
}

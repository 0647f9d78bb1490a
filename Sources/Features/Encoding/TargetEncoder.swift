import LinearAlgebra
import Statistics
import Tabular

/// Each category replaced by a shrunk mean of the target over the rows of that category.
///
/// With `smooth = .value(m)`: `enc(c) = (sum_{i in c} y_i + m * ybar) / (n_c + m)`.
/// With `smooth = .auto` (scikit-learn's empirical Bayes estimate): `lambda_c = n_c var(y) /
/// (n_c var(y) + s2_c / n_c)` with `s2_c = sum_{i in c} (y_i - mean_c)^2`, and `enc(c) = lambda_c
/// mean_c + (1 - lambda_c) ybar`; where lambda is NaN (an empty category, or zero variance), `ybar`.
/// `transform` maps unknown categories to `ybar` (`targetMean`).
///
/// `fitTransform` is cross-fitted as scikit-learn's: the rows are split into `cv` folds (KFold for
/// a continuous target, StratifiedKFold for a binary one), and each fold is encoded with
/// encodings fitted on the other folds (their own `ybar` and variance), so a row's encoding never
/// saw its own target. Without `shuffle` the folds are exactly scikit-learn's, and so is the
/// output. With `shuffle`, the folds come from `SeededGenerator(seed: randomState)` (a
/// Fisher-Yates shuffle of the row order for KFold, of each class's fold labels for
/// StratifiedKFold, in the places scikit-learn shuffles): deterministic for a seed, but *not* the
/// same folds as numpy's generator would draw, so such outputs differ from scikit-learn's.
///
/// Sums that scikit-learn takes with numpy (`ybar`, `var(y)`) use numpy's pairwise summation, and
/// per-category sums run in row order as its Cython loop does, so the encodings match it bit for
/// bit. One more faithful quirk: with explicit categories, fit rows whose value is outside them
/// are counted in the first category's statistics (scikit-learn encodes them as category 0
/// before fitting), and in `fitTransform` they are encoded with the last fold's `ybar`.
///
/// scikit-learn equivalent: `sklearn.preprocessing.TargetEncoder(categories=, target_type=,
/// smooth=, cv=KFold/StratifiedKFold(cv, shuffle=))`.
public struct TargetEncoder: Sendable, Hashable, Codable {
    public enum TargetType: String, Sendable, Hashable, Codable {
        /// Continuous if any value is not an integer, else binary (at most two values) or
        /// multiclass (scikit-learn's `type_of_target`).
        case auto
        case continuous
        /// Two classes (sorted: the larger value is class 1); the encodings estimate P(class 1).
        case binary
        /// Three or more classes: one encoding per class (P(class c), one-vs-rest), output columns
        /// `<column>_<class>` for every class in sorted order.
        case multiclass
    }

    public enum Smooth: Sendable, Hashable, Codable {
        /// scikit-learn's empirical Bayes estimate (see the type's documentation).
        case auto
        /// A fixed weight `m >= 0` of the global mean.
        case value(Double)
    }

    public let categories: EncoderCategories
    public let targetType: TargetType
    public let smooth: Smooth
    /// Folds of the cross fitting in `fitTransform` (>= 2).
    public let cv: Int
    public let shuffle: Bool
    /// The seed of the fold shuffle.
    public let randomState: UInt64

    public init(categories: EncoderCategories = .auto, targetType: TargetType = .auto, smooth: Smooth = .auto,
                cv: Int = 5, shuffle: Bool = true, randomState: UInt64 = 0) {
        self.categories = categories
        self.targetType = targetType
        self.smooth = smooth
        self.cv = cv
        self.shuffle = shuffle
        self.randomState = randomState
    }

    static let name = "TargetEncoder"

    /// Fits the encodings on all rows (scikit-learn's `fit`; `transform` of the same rows then
    /// leaks their targets: use `fitTransform` for training data).
    /// - Throws: `.emptyInput`, `.schemaMismatch`, `.invalidParameter`, `.invalidCategories`,
    ///   `.invalidTarget` (length, non-finite value with its row, too many classes),
    ///   `.infiniteValue`, `.categoryKindMismatch`.
    /// - Complexity: one pass over the codes of each column and two over the target.
    public func fit(_ table: Table, target: [Double], columns: [String]? = nil, threads: Int = 1) throws -> Fitted {
        try prepare(table, target: target, columns: columns, threads: threads).fitted
    }

    /// Cross-fitted encodings of the training rows, with the encoder fitted on all of them.
    /// - Throws: as `fit`, and `.invalidParameter` when `cv` exceeds the rows or, for a binary
    ///   target, every class has fewer than `cv` rows.
    /// - Complexity: O(cv x rows x columns).
    public func fitTransform(_ table: Table, target: [Double], columns: [String]? = nil, threads: Int = 1) throws -> (fitted: Fitted, encoded: Matrix<Double>) {
        let state = try prepare(table, target: target, columns: columns, threads: threads)
        let n = table.rowCount
        guard cv <= n else {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "cv",
                                                reason: "cannot have \(cv) folds for \(n) rows")
        }
        let folds = try foldOf(rows: n, y: state.foldLabels, type: state.fitted.targetType)
        let k = state.ys.count
        let width = state.ordinal.count * k
        var out = [Double](repeating: 0, count: n * width)
        var lastMeans = state.fitted.targetMeans
        for f in 0..<cv {
            let train = (0..<n).filter { folds[$0] != f }
            let xTrain = state.ordinal.map { column in train.map { column[$0] } }
            for (t, y) in state.ys.enumerated() {
                let yTrain = train.map { y[$0] }
                let mean = NumpySum.mean(yTrain)
                let variance = NumpySum.variance(yTrain, mean: mean)
                for j in 0..<state.ordinal.count {
                    let encoding = encodings(ordinal: xTrain[j], y: yTrain, categories: state.fitted.columns[j].categories.count,
                                             mean: mean, variance: variance)
                    try Self.checkFinite(encoding, mean: mean)
                    for i in 0..<n where folds[i] == f {
                        out[i * width + j * k + t] = encoding[Int(state.ordinal[j][i])]
                    }
                }
                lastMeans[t] = mean
            }
        }
        // scikit-learn sets unknown rows after each fold, so the last fold's means remain.
        for j in 0..<state.ordinal.count {
            for i in 0..<n where state.unknown[j][i] {
                for t in 0..<k { out[i * width + j * k + t] = lastMeans[t] }
            }
        }
        return (state.fitted, try Matrix(rows: n, columns: width, elements: out))
    }

    private struct Prepared {
        let fitted: Fitted
        /// Per column, per row: the category index (0 for an unknown value, as scikit-learn).
        let ordinal: [[Int32]]
        let unknown: [[Bool]]
        /// The target vectors encoded: the continuous values, the 0/1 labels of a binary target,
        /// or one 0/1 indicator per class of a multiclass target.
        let ys: [[Double]]
        /// What the folds stratify on (the labels; the values for a continuous target).
        let foldLabels: [Double]
    }

    private func prepare(_ table: Table, target: [Double], columns: [String]?, threads: Int) throws -> Prepared {
        if case let .value(m) = smooth, !(m >= 0 && m.isFinite) {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "smooth", reason: "must be a finite value >= 0, got \(m)")
        }
        guard cv >= 2 else {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "cv", reason: "must be >= 2, got \(cv)")
        }
        let schema = try CategoryEncoding.select(table, columns: columns, transform: Self.name)
        guard target.count == table.rowCount else {
            throw FeatureError.invalidTarget(transform: Self.name, row: nil,
                                             reason: "has \(target.count) values for \(table.rowCount) rows")
        }
        let summary = try CategoryEncoding.summarize(table, schema: schema, transform: Self.name, threads: threads)
        if let row = target.firstIndex(where: { !$0.isFinite }) {
            throw FeatureError.invalidTarget(transform: Self.name, row: row, reason: "value \(target[row]) is not finite")
        }
        // Target type and classes (scikit-learn's type_of_target and LabelEncoder).
        let distinct = Array(Set(target.map { $0 == 0 ? 0 : $0 })).sorted()
        let integral = target.allSatisfy { $0.rounded() == $0 }
        let type: TargetType
        switch targetType {
        case .auto:
            if !integral {
                type = .continuous
            } else if distinct.count <= 2 {
                type = .binary
            } else {
                type = .multiclass
            }
        case .binary:
            guard distinct.count <= 2 else {
                throw FeatureError.invalidTarget(transform: Self.name, row: nil,
                                                 reason: "a binary target has at most 2 classes, got \(distinct.count)")
            }
            type = .binary
        case .continuous:
            type = .continuous
        case .multiclass:
            type = .multiclass
        }
        let ys: [[Double]]
        let foldLabels: [Double]
        switch type {
        case .binary:
            ys = [target.map { $0 == distinct[0] ? 0.0 : 1.0 }]
            foldLabels = ys[0]
        case .multiclass:
            var index: [Double: Int] = [:]
            for (c, value) in distinct.enumerated() { index[value] = c }
            let labels = target.map { index[$0 == 0 ? 0 : $0] ?? 0 }
            ys = distinct.indices.map { c in labels.map { $0 == c ? 1.0 : 0.0 } }
            foldLabels = labels.map(Double.init)
        default:
            ys = [target]
            foldLabels = target
        }
        let classes = (type == .binary || type == .multiclass) ? distinct : nil

        let (fittedCategories, _) = try CategoryEncoding.categories(from: summary, spec: categories, transform: Self.name)
        let sources = try CategoryEncoding.columns(of: table, schema: schema, transform: Self.name)
        var ordinal: [[Int32]] = []
        var unknown: [[Bool]] = []
        for (column, cats) in zip(sources, fittedCategories) {
            let mapped = try CategoryEncoding.map(column, onto: cats, transform: Self.name)
            ordinal.append(mapped.codes.map { max(mapped.category[Int($0) + 1], 0) })
            unknown.append(mapped.codes.map { mapped.category[Int($0) + 1] < 0 })
        }
        var means: [Double] = []
        var perColumn = [[[Double]]](repeating: [], count: fittedCategories.count)
        for y in ys {
            let mean = NumpySum.mean(y)
            let variance = NumpySum.variance(y, mean: mean)
            for (j, cats) in fittedCategories.enumerated() {
                let encoding = encodings(ordinal: ordinal[j], y: y, categories: cats.count, mean: mean, variance: variance)
                try Self.checkFinite(encoding, mean: mean)
                perColumn[j].append(encoding)
            }
            means.append(mean)
        }
        let plans = fittedCategories.enumerated().map { j, cats in
            Fitted.ColumnPlan(name: schema.names[j], categories: cats, classEncodings: perColumn[j])
        }
        let fitted = Fitted(configuration: self, inputSchema: schema, targetType: type, classes: classes,
                            targetMeans: means, columns: plans)
        return Prepared(fitted: fitted, ordinal: ordinal, unknown: unknown, ys: ys, foldLabels: foldLabels)
    }

    /// Refuses encodings that overflowed (targets near the largest doubles: scikit-learn's
    /// formulas square deviations, so |y| beyond ~1e154 can overflow to infinity and then NaN).
    static func checkFinite(_ encoding: [Double], mean: Double) throws {
        guard mean.isFinite, encoding.allSatisfy(\.isFinite) else {
            throw FeatureError.invalidTarget(
                transform: name, row: nil,
                reason: "the target's mean or a category's statistics overflow (values near the largest doubles); rescale the target")
        }
    }

    /// scikit-learn's `_fit_encoding_fast` / `_fit_encoding_fast_auto_smooth`, operation for operation.
    func encodings(ordinal: [Int32], y: [Double], categories: Int, mean: Double, variance: Double) -> [Double] {
        switch smooth {
        case let .value(m):
            var sums = [Double](repeating: m * mean, count: categories)
            var counts = [Double](repeating: m, count: categories)
            for (i, k) in ordinal.enumerated() {
                sums[Int(k)] += y[i]
                counts[Int(k)] += 1
            }
            return (0..<categories).map { counts[$0] == 0 ? mean : sums[$0] / counts[$0] }
        case .auto:
            var means = [Double](repeating: 0, count: categories)
            var counts = [Int](repeating: 0, count: categories)
            var squares = [Double](repeating: 0, count: categories)
            for (i, k) in ordinal.enumerated() {
                counts[Int(k)] += 1
                means[Int(k)] += y[i]
            }
            for k in 0..<categories { means[k] /= Double(counts[k]) }
            for (i, k) in ordinal.enumerated() {
                let diff = y[i] - means[Int(k)]
                squares[Int(k)] += diff * diff
            }
            return (0..<categories).map { k in
                let n = Double(counts[k])
                let lambda = variance * n / (variance * n + squares[k] / n)
                return lambda.isNaN ? mean : lambda * means[k] + (1 - lambda) * mean
            }
        }
    }

    /// The test fold of each row (scikit-learn's KFold / StratifiedKFold, see the type's notes).
    func foldOf(rows n: Int, y: [Double], type: TargetType) throws -> [Int] {
        var generator = SeededGenerator(seed: randomState)
        var folds = [Int](repeating: 0, count: n)
        switch type {
        case .continuous, .auto:
            var order = Array(0..<n)
            if shuffle { Self.fisherYates(&order, using: &generator) }
            var start = 0
            for f in 0..<cv {
                let size = n / cv + (f < n % cv ? 1 : 0)
                for p in start..<(start + size) { folds[order[p]] = f }
                start += size
            }
        case .binary, .multiclass:
            // Classes numbered by first appearance (scikit-learn's `class_perm`).
            var classOf: [Double: Int] = [:]
            var encoded = [Int](repeating: 0, count: n)
            for (i, value) in y.enumerated() {
                if let k = classOf[value] { encoded[i] = k } else { classOf[value] = classOf.count; encoded[i] = classOf.count - 1 }
            }
            let classes = classOf.count
            var classCounts = [Int](repeating: 0, count: classes)
            for k in encoded { classCounts[k] += 1 }
            if classCounts.allSatisfy({ cv > $0 }) {
                throw FeatureError.invalidParameter(transform: Self.name, parameter: "cv",
                                                    reason: "\(cv) folds is more than the rows of every class (\(classCounts))")
            }
            // allocation[f][k] = how many of class k fold f tests: class k's positions in the
            // sorted labels, dealt round-robin.
            let sorted = encoded.sorted()
            var allocation = [[Int]](repeating: [Int](repeating: 0, count: classes), count: cv)
            for (position, k) in sorted.enumerated() { allocation[position % cv][k] += 1 }
            for k in 0..<classes {
                var foldsForClass: [Int] = []
                for f in 0..<cv { foldsForClass += Array(repeating: f, count: allocation[f][k]) }
                if shuffle { Self.fisherYates(&foldsForClass, using: &generator) }
                var next = 0
                for i in 0..<n where encoded[i] == k {
                    folds[i] = foldsForClass[next]
                    next += 1
                }
            }
        }
        return folds
    }

    static func fisherYates<T>(_ values: inout [T], using generator: inout SeededGenerator) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            values.swapAt(i, j)
        }
    }

    /// A fitted TargetEncoder: scikit-learn's `categories_`, `encodings_`, `target_mean_`, `classes_`.
    public struct Fitted: FittedTransform, Hashable {
        public struct ColumnPlan: Sendable, Hashable, Codable {
            public let name: String
            public let categories: FittedCategories
            /// `classEncodings[t][k]`: the encoding of category k for target vector t (one vector
            /// for a continuous or binary target, one per class for a multiclass one), fitted on all rows.
            public let classEncodings: [[Double]]
            /// `encodings[k]`: the encoding of category k (the first target vector's).
            public var encodings: [Double] { classEncodings.first ?? [] }
        }

        public let configuration: TargetEncoder
        public let inputSchema: FeatureSchema
        /// The target type used (`.auto` resolved).
        public let targetType: TargetType
        /// The classes of a binary or multiclass target, sorted; nil for a continuous one.
        public let classes: [Double]?
        /// The mean of each (label-encoded) target vector: the encodings of unknown categories
        /// (scikit-learn's `target_mean_`, an array for a multiclass target).
        public let targetMeans: [Double]
        public let columns: [ColumnPlan]

        public static let transformName = TargetEncoder.name

        /// The mean of the (first) target vector.
        public var targetMean: Double { targetMeans.first ?? .nan }

        /// After decoding (a model file's fitted state is data anyone can edit): one plan per
        /// column, as many target vectors as target means (one per class when multiclass, else
        /// one), one finite encoding per category of each column.
        /// - Throws: `FeatureError.invalidSpec` naming the field.
        func checkDecoded() throws {
            func bad(_ field: String, _ reason: String) -> FeatureError {
                .invalidSpec(path: "TargetEncoder.\(field)", reason: reason)
            }
            guard columns.count == inputSchema.count else { throw bad("columns", "\(columns.count) plans for \(inputSchema.count) columns") }
            let vectors = targetType == .multiclass ? (classes?.count ?? -1) : 1
            guard targetMeans.count == vectors, targetMeans.allSatisfy({ $0.isFinite }) else {
                throw bad("targetMeans", "\(targetMeans.count) values (must be \(vectors), finite) for target type \(targetType.rawValue)")
            }
            for (plan, name) in zip(columns, inputSchema.names) {
                guard plan.classEncodings.count == vectors else {
                    throw bad("columns.classEncodings", "column '\(name)': \(plan.classEncodings.count) target vectors, expected \(vectors)")
                }
                for encodings in plan.classEncodings {
                    guard encodings.count == plan.categories.count, encodings.allSatisfy({ $0.isFinite }) else {
                        throw bad("columns.classEncodings", "column '\(name)': \(encodings.count) encodings for \(plan.categories.count) categories (all must be finite)")
                    }
                }
            }
        }

        /// The input names, or `<column>_<class>` per class for a multiclass target (classes
        /// printed as integers when they are integral).
        public var outputNames: [String] {
            guard targetType == .multiclass, let classes else { return inputSchema.names }
            let names = classes.map { c in
                c.rounded() == c && abs(c) < 1e15 ? String(Int64(c)) : CategoryLevels.numbers([c]).name(at: 0)
            }
            return inputSchema.names.flatMap { column in names.map { "\(column)_\($0)" } }
        }

        /// The encodings of `table`'s fitted columns; unknown categories get `targetMean`.
        /// - Throws: `.schemaMismatch`, `.categoryKindMismatch`, `.infiniteValue`.
        /// - Complexity: a lookup table per column from its levels, then one pass over the codes
        ///   (fixed row blocks on `threads` threads).
        public func transform(_ table: Table, threads: Int = 1) throws -> Matrix<Double> {
            let sources = try CategoryEncoding.columns(of: table, schema: inputSchema, transform: Self.transformName)
            var codes: [[Int32]] = []
            var tables: [[Double]] = []
            var outputSources: [Int] = []
            for (j, (column, plan)) in zip(sources, columns).enumerated() {
                let mapped = try CategoryEncoding.map(column, onto: plan.categories, transform: Self.transformName)
                codes.append(mapped.codes)
                for (t, encodings) in plan.classEncodings.enumerated() {
                    tables.append(mapped.category.map { $0 < 0 ? targetMeans[t] : encodings[Int($0)] })
                    outputSources.append(j)
                }
            }
            do {
                return try ColumnKernels.gatherCodes(rows: table.rowCount, codes: codes, sources: outputSources,
                                                     tables: tables, blockRows: 4096, threads: threads)
            } catch let error as LinearAlgebraError {
                throw FeatureError.invalidParameter(transform: Self.transformName, parameter: "output", reason: error.description)
            }
        }

        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: Self.transformName)
            let y = try transform(try Table(x, names: inputSchema.names), threads: threads)
            return try Matrix(rows: y.rows, columns: y.columns, elements: y.elements.map { Scalar($0) })
        }
    }
}

/// numpy's float64 summation (pairwise, 8-way unrolled, blocks of 128), so that means and
/// variances match `np.mean` / `np.var` bit for bit.
enum NumpySum {
    static func sum(_ a: [Double]) -> Double { 0 + pairwise(a, 0, a.count) }

    private static func pairwise(_ a: [Double], _ start: Int, _ n: Int) -> Double {
        if n < 8 {
            var res = 0.0
            for i in start..<(start + n) { res += a[i] }
            return res
        } else if n <= 128 {
            var r = (0..<8).map { a[start + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[start + i + j] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { res += a[start + i]; i += 1 }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwise(a, start, n2) + pairwise(a, start + n2, n - n2)
        }
    }

    /// `np.mean(a)`.
    static func mean(_ a: [Double]) -> Double { sum(a) / Double(a.count) }

    /// `np.var(a)` given `mean = np.mean(a)`.
    static func variance(_ a: [Double], mean: Double) -> Double {
        sum(a.map { ($0 - mean) * ($0 - mean) }) / Double(a.count)
    }
}

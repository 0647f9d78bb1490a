import LinearAlgebra

/// All products of the input columns up to a degree: `[1, x0, x1, x0^2, x0 x1, x1^2]` for two
/// columns and degree 2.
///
/// scikit-learn equivalent: `sklearn.preprocessing.PolynomialFeatures(degree=, interaction_only=,
/// include_bias=)` (`degree=(minDegree, degree)` for `minDegree > 0`). Output columns come in
/// scikit-learn's order and carry its names (`get_feature_names_out`: `"1"`, `"x0"`, `"x0^2"`,
/// `"x0 x1"`, with the input's names when given). Each term is computed as scikit-learn's dense
/// path does, a lower-degree term times one input (`x0 x1 x2 = (x1 x2) x0`), so the values are
/// bit-identical to scikit-learn's. Different from scikit-learn: NaN propagates through the
/// products it enters (scikit-learn refuses NaN), so an imputer can follow; ±infinity in the input
/// is `FeatureError.infiniteValue`, and a product of finite values that overflows to infinity is
/// `.overflow` naming the row and the output column.
public struct PolynomialFeatures: Sendable, Hashable, Codable {
    /// The largest total degree.
    public let degree: Int
    /// The smallest total degree of a non-bias term (0 and 1 both keep the linear terms).
    public let minDegree: Int
    /// Only products of distinct columns (`x0 x1`, never `x0^2`).
    public let interactionOnly: Bool
    /// Prepend the constant column `1`.
    public let includeBias: Bool

    public init(degree: Int = 2, minDegree: Int = 0, interactionOnly: Bool = false, includeBias: Bool = true) {
        self.degree = degree
        self.minDegree = minDegree
        self.interactionOnly = interactionOnly
        self.includeBias = includeBias
    }

    static let name = "PolynomialFeatures"

    /// The most output columns a fit accepts (2^20: one output row is then 8 MiB; 1,448 columns
    /// at degree 2). The plan and the names take O(output columns x degree) memory.
    public static let maximumOutputColumns = 1 << 20

    /// Learns the input schema and builds the product plan and the output names.
    /// - Throws: `FeatureError.invalidParameter` (`degree < 0`, `minDegree` outside `0...degree`,
    ///   an empty output, more than `maximumOutputColumns` outputs); `.emptyInput`;
    ///   `.columnCountMismatch` / `.invalidColumnNames`.
    /// - Complexity: O(output columns x degree) to build the plan; the data is not read.
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil) throws -> Fitted {
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: Self.name)
        guard x.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        return try fit(schema: schema)
    }

    /// Fits from the schema alone (the data only fixes the column count).
    public func fit(schema: FeatureSchema) throws -> Fitted {
        try Fitted(configuration: self, inputSchema: schema)
    }

    func validate() throws {
        guard degree >= 0 else {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "degree", reason: "must be >= 0, got \(degree)")
        }
        guard minDegree >= 0 && minDegree <= degree else {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "minDegree",
                                                reason: "must be in 0...degree (\(degree)), got \(minDegree)")
        }
        guard degree > 0 || includeBias else {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "degree",
                                                reason: "degree 0 without includeBias would give an empty output")
        }
    }

    /// The number of non-bias terms of degree 1...d, or nil beyond `limit`.
    static func termCount(features n: Int, upTo d: Int, interactionOnly: Bool, limit: Int) -> Int? {
        var total = 0
        var layer = 1  // number of terms of the current degree (degree 0: one empty product)
        if d < 1 { return 0 }
        for k in 1...d {
            // interaction: C(n, k) = C(n, k-1) (n-k+1)/k; with repetition: C(n+k-1, k) = C(n+k-2, k-1) (n+k-1)/k
            let numerator = interactionOnly ? n - k + 1 : n + k - 1
            if numerator <= 0 { break }
            let (product, overflow) = layer.multipliedReportingOverflow(by: numerator)
            guard !overflow else { return nil }
            layer = product / k
            total += layer
            if total > limit { return nil }
        }
        return total
    }

    /// A fitted PolynomialFeatures: the plan of products and the output names.
    public struct Fitted: FittedTransform, Hashable {
        public let configuration: PolynomialFeatures
        public let inputSchema: FeatureSchema
        /// scikit-learn's `get_feature_names_out()`.
        public let outputNames: [String]
        /// The product plan over the full term list (degrees 1...degree).
        let plan: RowKernels.ProductPlan
        /// Index in the full term list of the first output term (terms below `minDegree` skipped).
        let firstTerm: Int
        /// Names, columns and exponents of the full term list (for errors and `powers`).
        let termNames: [String]
        let termColumns: [[Int]]
        let termExponents: [[Int]]

        /// Each output column's exponents per input column (scikit-learn's `powers_`), bias first.
        /// - Complexity: O(output columns x input columns), computed on each call.
        public var powers: [[Int]] {
            let n = inputSchema.count
            var rows: [[Int]] = configuration.includeBias ? [Array(repeating: 0, count: n)] : []
            for t in firstTerm..<termColumns.count {
                var p = Array(repeating: 0, count: n)
                for (j, e) in zip(termColumns[t], termExponents[t]) { p[j] = e }
                rows.append(p)
            }
            return rows
        }
        /// Number of output columns (scikit-learn's `n_output_features_`).
        public var outputCount: Int { outputNames.count }

        init(configuration c: PolynomialFeatures, inputSchema: FeatureSchema) throws {
            let built = try Self.build(c, inputSchema)
            self.init(configuration: c, inputSchema: inputSchema,
                      outputNames: (c.includeBias ? ["1"] : []) + Array(built.names[built.first...]),
                      plan: built.plan, firstTerm: built.first, termNames: built.names,
                      termColumns: built.columns, termExponents: built.exponents)
        }

        private init(configuration: PolynomialFeatures, inputSchema: FeatureSchema, outputNames: [String],
                     plan: RowKernels.ProductPlan, firstTerm: Int, termNames: [String],
                     termColumns: [[Int]], termExponents: [[Int]]) {
            self.configuration = configuration
            self.inputSchema = inputSchema
            self.outputNames = outputNames
            self.plan = plan
            self.firstTerm = firstTerm
            self.termNames = termNames
            self.termColumns = termColumns
            self.termExponents = termExponents
        }

        /// The product plan (scikit-learn's dense order), the first output term and every term's
        /// name, columns and exponents.
        static func build(_ c: PolynomialFeatures, _ inputSchema: FeatureSchema) throws
            -> (plan: RowKernels.ProductPlan, first: Int, names: [String], columns: [[Int]], exponents: [[Int]]) {
            try c.validate()
            let n = inputSchema.count
            guard let total = PolynomialFeatures.termCount(features: n, upTo: c.degree, interactionOnly: c.interactionOnly,
                                                           limit: PolynomialFeatures.maximumOutputColumns) else {
                throw FeatureError.invalidParameter(
                    transform: PolynomialFeatures.name, parameter: "degree",
                    reason: "\(n) columns to degree \(c.degree) give more than \(PolynomialFeatures.maximumOutputColumns) output columns")
            }
            // scikit-learn's dense algorithm: degree-d terms starting with feature f are the
            // degree-(d-1) terms whose first feature is >= f (> f for interactions), times x_f.
            var runs: [RowKernels.ProductPlan.Run] = []
            // Per term: its distinct input columns (ascending) and their exponents.
            var termColumns: [[Int]] = []
            var termExponents: [[Int]] = []
            termColumns.reserveCapacity(total)
            termExponents.reserveCapacity(total)
            var degreeOf: [Int] = []
            if c.degree >= 1 && n > 0 {
                runs.append(.init(start: 0, length: n, parentStart: -1, feature: 0))
                for f in 0..<n { termColumns.append([f]); termExponents.append([1]); degreeOf.append(1) }
            }
            var index = Array(0...n)
            var current = n
            if c.degree >= 2 && n > 0 {
                for d in 2...c.degree {
                    var newIndex: [Int] = []
                    let end = index[index.count - 1]
                    for f in 0..<n {
                        guard f < index.count else { break }
                        var start = index[f]
                        newIndex.append(current)
                        if c.interactionOnly {
                            guard f + 1 < index.count else { break }
                            start += index[f + 1] - index[f]
                        }
                        let next = current + end - start
                        if next <= current { break }
                        runs.append(.init(start: current, length: next - current, parentStart: start, feature: f))
                        for t in start..<end {
                            // x_f times a term whose columns are all >= f.
                            if termColumns[t][0] == f {
                                termColumns.append(termColumns[t])
                                termExponents.append([termExponents[t][0] + 1] + termExponents[t].dropFirst())
                            } else {
                                termColumns.append([f] + termColumns[t])
                                termExponents.append([1] + termExponents[t])
                            }
                            degreeOf.append(d)
                        }
                        current = next
                    }
                    newIndex.append(current)
                    // No term of degree d means none of any higher degree (interactions of more
                    // factors than columns): stop rather than loop up to a huge `degree`.
                    if newIndex.first == current { break }
                    index = newIndex
                }
            }
            guard termColumns.count == total else {
                // invariant: the run construction enumerates exactly C(n+d, d) - 1 (or sum C(n, k)) terms
                throw FeatureError.invalidParameter(transform: PolynomialFeatures.name, parameter: "degree",
                                                    reason: "internal plan size \(termColumns.count) != \(total)")
            }
            let first = c.minDegree <= 1 ? 0 : degreeOf.firstIndex(where: { $0 >= c.minDegree }) ?? termColumns.count
            let names = zip(termColumns, termExponents).map { columns, exponents -> String in
                zip(columns, exponents).map { j, e in
                    e == 1 ? inputSchema.names[j] : "\(inputSchema.names[j])^\(e)"
                }.joined(separator: " ")
            }
            return (RowKernels.ProductPlan(runs: runs, termCount: termColumns.count), first, names, termColumns, termExponents)
        }

        enum CodingKeys: String, CodingKey { case configuration, inputSchema }

        /// Decodes the configuration and schema and rebuilds the plan (never trusts a stored one).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            try self.init(configuration: container.decode(PolynomialFeatures.self, forKey: .configuration),
                          inputSchema: container.decode(FeatureSchema.self, forKey: .inputSchema))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(configuration, forKey: .configuration)
            try container.encode(inputSchema, forKey: .inputSchema)
        }

        /// The polynomial features of `x`, computed row by row (each output row from its input
        /// row while it is in cache, higher-degree terms from lower ones), over fixed row blocks
        /// on `threads` threads; bit-identical for any thread count.
        /// - Throws: `.columnCountMismatch` / `.schemaMismatch`; `.infiniteValue` (input row and
        ///   column); `.overflow` naming the row and the output column whose product overflowed.
        /// - Complexity: one read of `x`, one write of the `rows x outputCount` output, one
        ///   multiply per output element.
        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: PolynomialFeatures.name)
            if let x = x as? Matrix<Double>, let y = try run(x, threads: threads) as? Matrix<Scalar> { return y }
            if let x = x as? Matrix<Float>, let y = try run(x, threads: threads) as? Matrix<Scalar> { return y }
            return try run(x, threads: threads)
        }

        private func run<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, threads: Int) throws -> Matrix<Scalar> {
            let blockRows = Swift.max(16, 32768 / Swift.max(outputCount, 1))
            let (y, flag) = try RowKernels.polynomial(x, plan: plan, includeBias: configuration.includeBias, firstTerm: firstTerm,
                                                      blockRows: blockRows, threads: threads)
            guard let flag else { return y }
            if flag.inInput {
                throw FeatureError.infiniteValue(transform: PolynomialFeatures.name, row: flag.row,
                                                 column: inputSchema.names[flag.column], value: flag.value)
            }
            // The factor with the largest magnitude names the value that overflowed.
            let factors = termColumns[flag.column]
            let largest = factors.map { Double(x[flag.row, $0]) }.max(by: { abs($0) < abs($1) }) ?? flag.value
            throw FeatureError.overflow(transform: PolynomialFeatures.name, row: flag.row, column: termNames[flag.column], value: largest)
        }
    }
}

import LinearAlgebra
import Statistics
import Tabular

/// One 0/1 output column per category of each input column.
///
/// `out[i][offset_j + g_j(x_ij)] = 1`, where `g_j` maps a category to its output position after
/// infrequent categories are grouped (into one column named `<column>_infrequent_sklearn`, placed
/// after the frequent ones) and the dropped category is removed.
///
/// Semantics follow scikit-learn 1.9: categories sorted as `np.unique` (strings by code point,
/// numbers numerically), a missing value is a category of its own, placed last, named "nan", and
/// counted like any other for `minFrequency` / `maxCategories`; `drop` applies after grouping
/// (dropping `.first` on a column with one category removes the column entirely); unknown
/// categories at transform are an error (`.error`, naming column, value and row), all zeros
/// (`.ignore`), or the infrequent column if the column has one, else all zeros
/// (`.infrequentIfExist`). Numeric table columns are treated as categories (as scikit-learn
/// treats a float array); ±infinity in them is an error.
///
/// scikit-learn equivalent: `sklearn.preprocessing.OneHotEncoder(categories=, drop=,
/// handle_unknown=, min_frequency=, max_categories=, sparse_output=False, dtype=)` (`dtype`:
/// `Fitted.transformDense` returns bytes, Float or Double).
public struct OneHotEncoder: Sendable, Hashable, Codable {
    /// Which category of each column to leave out (scikit-learn's `drop`).
    public enum Drop: Sendable, Hashable, Codable {
        /// Keep every category.
        case none
        /// Drop the first category (after grouping) of every column.
        case first
        /// Drop the first category of columns with exactly two (after grouping).
        case ifBinary
        /// Drop the given category of each column (nil = the missing value); an infrequent one
        /// cannot be dropped.
        case categories([String?])
    }

    /// What `transform` does with a category not seen at fit (scikit-learn's `handle_unknown`).
    public enum HandleUnknown: String, Sendable, Hashable, Codable {
        case error
        case ignore
        case infrequentIfExist
    }

    public let categories: EncoderCategories
    public let drop: Drop
    public let handleUnknown: HandleUnknown
    public let minFrequency: MinFrequency?
    /// The most output columns per input column, the infrequent one included (>= 1).
    public let maxCategories: Int?
    /// The element type of the dense output of `Fitted.transformDense` (scikit-learn's `dtype`,
    /// default float64). `transform(_:threads:)` always returns `Matrix<Double>`.
    public let dtype: DType

    public init(categories: EncoderCategories = .auto, drop: Drop = .none, handleUnknown: HandleUnknown = .error,
                minFrequency: MinFrequency? = nil, maxCategories: Int? = nil, dtype: DType = .float64) {
        self.categories = categories
        self.drop = drop
        self.handleUnknown = handleUnknown
        self.minFrequency = minFrequency
        self.maxCategories = maxCategories
        self.dtype = dtype
    }

    static let name = "OneHotEncoder"

    var infrequentEnabled: Bool { minFrequency != nil || maxCategories != nil }

    /// Fits on the named columns of `table` (every column when nil).
    /// - Throws: `FeatureError.emptyInput`, `.schemaMismatch` (columns not in the table),
    ///   `.invalidParameter`, `.invalidCategories` (explicit categories, drop), `.unknownCategory`
    ///   (explicit categories with `.error`: the first row outside them), `.infiniteValue`.
    /// - Complexity: one pass over the codes of each column (on `threads` threads) plus
    ///   O(d log d) per column for d distinct values; numeric columns are hashed row by row.
    public func fit(_ table: Table, columns: [String]? = nil, threads: Int = 1) throws -> Fitted {
        try validate()
        let schema = try CategoryEncoding.select(table, columns: columns, transform: Self.name)
        let summary = try CategoryEncoding.summarize(table, schema: schema, transform: Self.name, threads: threads)
        if case .explicit = categories, handleUnknown == .error {
            let (fitted, _) = try CategoryEncoding.categories(from: summary, spec: categories, transform: Self.name)
            try CategoryEncoding.refuseUnknown(try CategoryEncoding.columns(of: table, schema: schema, transform: Self.name),
                                               categories: fitted, transform: Self.name)
        }
        return try fit(summary: summary, schema: schema)
    }

    /// Fits from category counts (the streaming and distributed path: count blocks anywhere,
    /// merge, fit). With explicit categories and `.error`, a counted value outside them is an
    /// error without a row number.
    public func fit(summary: CategorySummary, schema: FeatureSchema) throws -> Fitted {
        try validate()
        guard summary.names == schema.names else {
            throw FeatureError.schemaMismatch(transform: Self.name, missing: schema.names.filter { !summary.names.contains($0) },
                                              extra: summary.names.filter { !schema.names.contains($0) }, reordered: false)
        }
        guard summary.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        let (fittedCategories, counts) = try CategoryEncoding.categories(from: summary, spec: categories, transform: Self.name)
        if case .explicit = categories, handleUnknown == .error {
            for (j, column) in summary.columns.enumerated() where counts[j].reduce(0, +) != column.rows {
                throw FeatureError.unknownCategory(transform: Self.name, column: schema.names[j],
                                                   value: "(a value outside the explicit categories)", row: nil)
            }
        }
        if case let .categories(values) = drop, values.count != schema.count {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "drop",
                                                reason: "has \(values.count) entries for \(schema.count) columns")
        }
        var columns: [Fitted.ColumnPlan] = []
        var offset = 0
        for j in 0..<schema.count {
            let plan = try Fitted.ColumnPlan(
                name: schema.names[j], categories: fittedCategories[j], counts: counts[j], rows: summary.rows,
                configuration: self, dropValue: dropValue(j), offset: offset)
            offset += plan.outputCount
            columns.append(plan)
        }
        return Fitted(configuration: self, inputSchema: schema, columns: columns)
    }

    private func dropValue(_ j: Int) -> String?? {
        if case let .categories(values) = drop { return .some(values[j]) }
        return nil
    }

    private func validate() throws {
        try minFrequency?.validate(transform: Self.name)
        if let maxCategories, maxCategories < 1 {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "maxCategories", reason: "must be >= 1, got \(maxCategories)")
        }
    }

    /// A fitted OneHotEncoder: scikit-learn's `categories_`, `drop_idx_`, `infrequent_categories_`
    /// and `get_feature_names_out()`.
    public struct Fitted: FittedTransform, Hashable {
        /// One input column's encoding.
        public struct ColumnPlan: Sendable, Hashable, Codable {
            public let name: String
            /// scikit-learn's `categories_[j]`.
            public let categories: FittedCategories
            /// How often each category occurred at fit.
            public let counts: [Int]
            /// Indices (into `categories`) of the infrequent ones, nil when none.
            public let infrequent: [Int]?
            /// scikit-learn's `drop_idx_[j]`: the dropped category (an index into `categories`).
            public let dropIndex: Int?
            /// First output column of this input column.
            public let offset: Int
            /// Output columns of this input column.
            public let outputCount: Int
            /// `output[k]`: the output column of category k, or -1 when dropped.
            public let output: [Int32]
            /// The output column an unknown category goes to, or -1 (all zeros).
            public let unknownOutput: Int32
            /// The output names ("colour_red", "colour_infrequent_sklearn").
            public let outputNames: [String]

            init(name: String, categories: FittedCategories, counts: [Int], rows: Int,
                 configuration: OneHotEncoder, dropValue: String??, offset: Int) throws {
                self.name = name
                self.categories = categories
                self.counts = counts
                let n = categories.count
                let infrequent = configuration.infrequentEnabled
                    ? CategoryEncoding.infrequent(counts: counts, rows: rows, minFrequency: configuration.minFrequency,
                                                  maxCategories: configuration.maxCategories)
                    : nil
                self.infrequent = infrequent
                let grouped = CategoryEncoding.grouping(count: n, infrequent: infrequent)
                let groupedCount = n - (infrequent.map { $0.count - 1 } ?? 0)
                // Drop, in grouped indices (scikit-learn's `_drop_idx_after_grouping`).
                var droppedGroup: Int?
                switch configuration.drop {
                case .none: droppedGroup = nil
                case .first: droppedGroup = groupedCount > 0 ? 0 : nil
                case .ifBinary: droppedGroup = groupedCount == 2 ? 0 : nil
                case .categories:
                    let value = dropValue ?? nil
                    let k: Int?
                    if let value {
                        k = (0..<categories.levels.count).first { categories.levels.name(at: $0).utf8.elementsEqual(Self.canonical(value, categories.levels.kind).utf8) }
                    } else {
                        k = categories.missingIndex
                    }
                    guard let k else {
                        throw FeatureError.invalidCategories(transform: OneHotEncoder.name, column: name,
                                                             reason: "the category '\(value ?? "nan")' to drop was not found in the training data")
                    }
                    if let infrequent, infrequent.contains(k) {
                        throw FeatureError.invalidCategories(transform: OneHotEncoder.name, column: name,
                                                             reason: "cannot drop category '\(categories.name(at: k))' because it is infrequent")
                    }
                    droppedGroup = grouped[k]
                }
                self.dropIndex = droppedGroup.flatMap { g in grouped.firstIndex(of: g) }
                self.offset = offset
                self.outputCount = groupedCount - (droppedGroup == nil ? 0 : 1)
                func position(_ g: Int) -> Int32 {
                    if let d = droppedGroup {
                        if g == d { return -1 }
                        return Int32(offset + (g > d ? g - 1 : g))
                    }
                    return Int32(offset + g)
                }
                self.output = grouped.map(position)
                if configuration.handleUnknown == .infrequentIfExist, infrequent != nil {
                    self.unknownOutput = position(groupedCount - 1)
                } else {
                    self.unknownOutput = -1
                }
                // Names of the grouped categories, minus the dropped one.
                var groupNames: [String] = []
                for k in 0..<n where infrequent?.contains(k) != true { groupNames.append(categories.name(at: k)) }
                if infrequent != nil { groupNames.append("infrequent_sklearn") }
                self.outputNames = groupNames.enumerated().filter { $0.offset != droppedGroup }.map { "\(name)_\($0.element)" }
            }

            /// The text of a drop value as the levels name it (an integer "007" is "7").
            static func canonical(_ value: String, _ kind: CategoryValueKind) -> String {
                switch kind {
                case .string: return value
                case .integer: return Int64(value).map { String($0) } ?? value
                case .numeric: return Double(value).map { CategoryLevels.numbers([$0 == 0 ? 0 : $0]).name(at: 0) } ?? value
                }
            }

            /// scikit-learn's `infrequent_categories_[j]` as names.
            public var infrequentNames: [String]? { infrequent?.map { categories.name(at: $0) } }
        }

        public let configuration: OneHotEncoder
        public let inputSchema: FeatureSchema
        public let columns: [ColumnPlan]

        public static let transformName = OneHotEncoder.name

        /// scikit-learn's `get_feature_names_out()`.
        public var outputNames: [String] { columns.flatMap(\.outputNames) }

        /// After decoding (a model file's fitted state is data anyone can edit): one plan per
        /// column, contiguous output ranges, and every category's output column inside its range.
        /// - Throws: `FeatureError.invalidSpec` naming the column.
        func checkDecoded() throws {
            func bad(_ column: String, _ reason: String) -> FeatureError {
                .invalidSpec(path: "OneHotEncoder.columns", reason: "column '\(column)': \(reason)")
            }
            guard columns.count == inputSchema.count else {
                throw FeatureError.invalidSpec(path: "OneHotEncoder.columns", reason: "\(columns.count) plans for \(inputSchema.count) columns")
            }
            var offset = 0
            for plan in columns {
                let n = plan.categories.count
                guard plan.offset == offset, plan.outputCount >= 0, plan.outputCount <= n,
                      plan.outputNames.count == plan.outputCount else {
                    throw bad(plan.name, "output range \(plan.offset) + \(plan.outputCount) (\(plan.outputNames.count) names) does not follow \(offset) or exceeds \(n) categories")
                }
                let range = Int32(offset)..<Int32(offset + plan.outputCount)
                guard plan.output.count == n, plan.counts.count == n,
                      plan.output.allSatisfy({ $0 == -1 || range.contains($0) }),
                      plan.unknownOutput == -1 || range.contains(plan.unknownOutput),
                      plan.infrequent?.allSatisfy({ (0..<n).contains($0) }) ?? true,
                      plan.dropIndex.map({ (0..<n).contains($0) }) ?? true else {
                    throw bad(plan.name, "the outputs, counts, infrequent or dropped categories do not match its \(n) categories")
                }
                offset += plan.outputCount
            }
        }
        /// The number of output columns.
        public var outputCount: Int { columns.last.map { $0.offset + $0.outputCount } ?? 0 }

        /// Rows per block for the dense output: about 256 KiB of output per block, so the block
        /// is zeroed and then scattered into while it sits in L2 (4096 rows of 110 columns would
        /// be 3.6 MB and go to memory twice).
        var denseBlockRows: Int { denseBlockRows(elementBytes: 8) }

        /// Per column: its codes and a code -> output column table (built once per column from
        /// the column's own levels), with unknown values handled.
        func lookup(_ table: Table) throws -> (codes: [[Int32]], targets: [[Int32]]) {
            let sources = try CategoryEncoding.columns(of: table, schema: inputSchema, transform: Self.transformName)
            var codes: [[Int32]] = []
            var targets: [[Int32]] = []
            for (column, plan) in zip(sources, columns) {
                let mapped = try CategoryEncoding.map(column, onto: plan.categories, transform: Self.transformName)
                if configuration.handleUnknown == .error, let (row, value) = mapped.firstUnknown() {
                    throw FeatureError.unknownCategory(transform: Self.transformName, column: column.name, value: value, row: row)
                }
                codes.append(mapped.codes)
                targets.append(mapped.category.map { $0 < 0 ? plan.unknownOutput : plan.output[Int($0)] })
            }
            return (codes, targets)
        }

        /// The dense one-hot matrix of `table`'s fitted columns (other columns are ignored), over
        /// fixed row blocks of ~256 KiB of output on `threads` threads (the result does not depend
        /// on `threads`).
        /// - Throws: `.schemaMismatch` (a fitted column missing), `.categoryKindMismatch`,
        ///   `.unknownCategory` (column, value, first row) with `.error`, `.infiniteValue`.
        /// - Complexity: per column, one pass over its levels to build the lookup table, then one
        ///   pass over its codes; the output is written once (rows x outputCount doubles: mind the
        ///   memory for many categories, or use `transformIndices`). No allocation per block.
        public func transform(_ table: Table, threads: Int = 1) throws -> Matrix<Double> {
            let (codes, targets) = try lookup(table)
            // Fresh pages are first touched here; streaming them through a scratch block measured
            // no better (the kernel's zeroing of each new page dominates), so write directly.
            return try mappingOutputErrors {
                try ColumnKernels.scatterCodes(rows: table.rowCount, width: outputCount, codes: codes, targets: targets,
                                               blockRows: denseBlockRows, threads: threads, streamingBytes: .max)
            }
        }

        /// `transform` into an existing `table.rowCount x outputCount` matrix, overwriting it: no
        /// allocation at all, the steady state for batch after batch (a fresh output costs the
        /// kernel's zeroing of every new page, which for wide outputs is most of the time).
        /// - Throws: as `transform`; `.invalidParameter` ("output") for a matrix of the wrong shape.
        public func transform(_ table: Table, into output: inout Matrix<Double>, threads: Int = 1) throws {
            try checkOutput(rows: output.rows, columns: output.columns, for: table)
            let (codes, targets) = try lookup(table)
            try mappingOutputErrors {
                try ColumnKernels.scatterCodes(into: &output, codes: codes, targets: targets, blockRows: denseBlockRows, threads: threads)
            }
        }

        /// The sparse form of `transform`: per row, the output columns that are 1, in increasing
        /// order (scikit-learn's CSR `indices` and `indptr`; every stored value is 1).
        /// - Complexity: two passes over the codes; memory 4 bytes per stored 1 plus 8 per row.
        public func transformIndices(_ table: Table) throws -> SparseRows {
            let (codes, targets) = try lookup(table)
            var rowStarts = [Int](repeating: 0, count: table.rowCount + 1)
            var indices: [Int32] = []
            indices.reserveCapacity(table.rowCount * codes.count)
            for i in 0..<table.rowCount {
                for c in codes.indices {
                    let t = targets[c][Int(codes[c][i]) + 1]
                    if t >= 0 { indices.append(t) }
                }
                rowStarts[i + 1] = indices.count
            }
            return SparseRows(columns: outputCount, rowStarts: rowStarts, indices: indices,
                              values: [Double](repeating: 1, count: indices.count))
        }

        /// `FittedTransform` for a numeric matrix whose columns are category values.
        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: Self.transformName)
            let table = try Table(x, names: inputSchema.names)
            let y = try transform(table, threads: threads)
            return try Matrix(rows: y.rows, columns: y.columns, elements: y.elements.map { Scalar($0) })
        }
    }
}

/// A sparse matrix by rows (CSR): row i's entries are `indices[rowStarts[i]..<rowStarts[i+1]]`
/// with `values` alongside, column indices increasing within a row.
public struct SparseRows: Sendable, Hashable {
    public let columns: Int
    public let rowStarts: [Int]
    public let indices: [Int32]
    public let values: [Double]

    public var rows: Int { rowStarts.count - 1 }

    /// The dense matrix (rows x columns).
    public func dense() throws -> Matrix<Double> {
        var m = try Matrix<Double>(rows: rows, columns: columns)
        for i in 0..<rows {
            for p in rowStarts[i]..<rowStarts[i + 1] {
                m[i, Int(indices[p])] += values[p]
            }
        }
        return m
    }
}

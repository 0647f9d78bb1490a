import LinearAlgebra
import Statistics
import Tabular

/// Features hashed into a fixed number of columns, with no fitted state.
///
/// Each (name, value) feature goes to column `|h| mod nFeatures` with value `sign(h) * value`,
/// where `h` is the signed 32-bit MurmurHash3 (x86_32, seed 0) of the name's UTF-8 bytes; features
/// that meet in one column are summed. For a table, a categorical column `c` with value `v` is the
/// feature `"c=v"` with value 1 (a missing value contributes nothing), and a numeric column `c` is
/// the feature `"c"` with the column's value (0 contributes nothing; NaN is kept, as scikit-learn
/// keeps it; ±infinity is an error naming row and column).
///
/// Deterministic and seedless: the same input gives the same output on every machine and run,
/// bit for bit the same as scikit-learn's (the hash is implemented exactly, `MurmurHash3.hash32`).
///
/// Memory: `transform` returns a dense rows x nFeatures matrix (8 bytes per cell: 1,000 rows at
/// the default 2^20 columns is 8 GiB, refused when larger than the machine's memory); use
/// `transformSparse` for large `nFeatures`.
///
/// scikit-learn equivalent: `sklearn.feature_extraction.FeatureHasher(n_features=,
/// input_type='dict', alternate_sign=)` on `df.to_dict('records')`-style rows (and
/// `input_type='string'` / `'pair'` for `transform(strings:)` / `transform(pairs:)`).
public struct FeatureHasher: Sendable, Hashable, Codable {
    /// Output columns (1 ... 2^31 - 1).
    public let nFeatures: Int
    /// Multiply each value by the sign of its hash, so that collisions cancel in expectation.
    public let alternateSign: Bool

    public init(nFeatures: Int = 1 << 20, alternateSign: Bool = true) {
        self.nFeatures = nFeatures
        self.alternateSign = alternateSign
    }

    static let name = "FeatureHasher"

    private func validate() throws {
        guard nFeatures >= 1, nFeatures <= Int(Int32.max) else {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "nFeatures",
                                                reason: "must be in 1...\(Int32.max), got \(nFeatures)")
        }
    }

    /// The column and sign of feature `name`, exactly as scikit-learn's `_hashing_fast.transform`.
    /// (`nFeatures` outside 1...2^31-1, which every transform refuses, is clamped into it here.)
    public func bucket(_ name: String) -> (index: Int32, sign: Double) {
        let h = MurmurHash3.hash32(name)
        let n = Int64(Swift.min(Swift.max(nFeatures, 1), Int(Int32.max)))
        let index: Int64 = h == Int32.min ? (Int64(Int32.max) - (n - 1)) % n : Int64(abs(h)) % n
        return (Int32(index), alternateSign && h < 0 ? -1 : 1)
    }

    /// Per table column: its codes and, per code, the output column and signed value.
    private func categoricalTables(_ columns: [Column]) -> (codes: [[Int32]], targets: [[Int32]], values: [[Double]])? {
        var codes: [[Int32]] = [], targets: [[Int32]] = [], values: [[Double]] = []
        for column in columns {
            guard case let .categorical(c) = column.values else { return nil }
            var t: [Int32] = [-1], v: [Double] = [0]
            for level in c.levels {
                let (index, sign) = bucket("\(column.name)=\(level)")
                t.append(index)
                v.append(sign)
            }
            codes.append(c.codes)
            targets.append(t)
            values.append(v)
        }
        return (codes, targets, values)
    }

    private func selected(_ table: Table, _ columns: [String]?) throws -> [Column] {
        let schema = try CategoryEncoding.select(table, columns: columns, transform: Self.name)
        return try CategoryEncoding.columns(of: table, schema: schema, transform: Self.name)
    }

    /// The dense hashed matrix (rows x nFeatures) of the named columns (all when nil).
    /// - Throws: `.invalidParameter` (nFeatures; an output larger than memory), `.schemaMismatch`,
    ///   `.infiniteValue`.
    /// - Complexity: each categorical level is hashed once per call, then one pass over the codes
    ///   (fixed row blocks on `threads` threads; the same result for any thread count).
    public func transform(_ table: Table, columns: [String]? = nil, threads: Int = 1) throws -> Matrix<Double> {
        try validate()
        let sources = try selected(table, columns)
        do {
            if let (codes, targets, values) = categoricalTables(sources) {
                return try ColumnKernels.scatterCodes(rows: table.rowCount, width: nFeatures, codes: codes, targets: targets,
                                                      values: values, blockRows: 1024, threads: threads)
            }
            return try transformSparse(table, columns: columns).dense()
        } catch let error as LinearAlgebraError {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "nFeatures", reason: error.description)
        }
    }

    /// The hashed rows in sparse form: per row, sorted columns with summed values (zeros that
    /// come from cancelling collisions are kept, as scikit-learn keeps them).
    /// - Throws: `.invalidParameter`, `.schemaMismatch`, `.infiniteValue`.
    public func transformSparse(_ table: Table, columns: [String]? = nil) throws -> SparseRows {
        try validate()
        let sources = try selected(table, columns)
        var perColumn: [(codes: [Int32]?, targets: [Int32], values: [Double], numbers: [Double]?)] = []
        for column in sources {
            switch column.values {
            case let .categorical(c):
                var t: [Int32] = [-1], v: [Double] = [0]
                for level in c.levels {
                    let (index, sign) = bucket("\(column.name)=\(level)")
                    t.append(index); v.append(sign)
                }
                perColumn.append((c.codes, t, v, nil))
            case let .numeric(x):
                if let row = x.firstIndex(where: { $0.isInfinite }) {
                    throw FeatureError.infiniteValue(transform: Self.name, row: row, column: column.name, value: x[row])
                }
                let (index, sign) = bucket(column.name)
                perColumn.append((nil, [index], [sign], x))
            }
        }
        var builder = SparseRowBuilder(columns: nFeatures, rows: table.rowCount)
        for i in 0..<table.rowCount {
            for c in perColumn {
                if let codes = c.codes {
                    let k = Int(codes[i]) + 1
                    if c.targets[k] >= 0 { builder.append(c.targets[k], c.values[k]) }
                } else if let x = c.numbers, x[i] != 0 {
                    builder.append(c.targets[0], c.values[0] * x[i])
                }
            }
            if let (column, value) = builder.endRow() {
                throw FeatureError.overflow(transform: Self.name, row: i, column: "hash\(column)", value: value)
            }
        }
        return builder.finish()
    }

    /// scikit-learn's `input_type='string'`: each string of a row is a feature with value 1.
    public func transform(strings rows: [[String]]) throws -> SparseRows {
        try validate()
        var builder = SparseRowBuilder(columns: nFeatures, rows: rows.count)
        for row in rows {
            for feature in row {
                let (index, sign) = bucket(feature)
                builder.append(index, sign)
            }
            builder.endRow()
        }
        return builder.finish()
    }

    /// scikit-learn's `input_type='pair'`: (name, value) features; zero values are skipped.
    /// - Throws: `.infiniteValue` naming the row and the feature; `.overflow` naming the row and the
    ///   output column where finite values that hash together sum past Double's range.
    public func transform(pairs rows: [[(String, Double)]]) throws -> SparseRows {
        try validate()
        var builder = SparseRowBuilder(columns: nFeatures, rows: rows.count)
        for (i, row) in rows.enumerated() {
            for (feature, value) in row where value != 0 {
                guard !value.isInfinite else {
                    throw FeatureError.infiniteValue(transform: Self.name, row: i, column: feature, value: value)
                }
                let (index, sign) = bucket(feature)
                builder.append(index, sign * value)
            }
            if let (column, value) = builder.endRow() {
                throw FeatureError.overflow(transform: Self.name, row: i, column: "hash\(column)", value: value)
            }
        }
        return builder.finish()
    }
}

/// Builds `SparseRows` row by row, sorting each row's entries and summing duplicates in the order
/// they were appended (scipy's `sum_duplicates` after a stable sort).
struct SparseRowBuilder {
    let columns: Int
    var rowStarts: [Int] = [0]
    var indices: [Int32] = []
    var values: [Double] = []
    var pending: [(Int32, Double)] = []

    init(columns: Int, rows: Int) {
        self.columns = columns
        rowStarts.reserveCapacity(rows + 1)
    }

    mutating func append(_ index: Int32, _ value: Double) { pending.append((index, value)) }

    /// Ends the row; returns the output column whose summed collisions overflowed to infinity
    /// (finite values, e.g. 1e308 + 1e308) and the value added last, if any, so the caller can name them.
    @discardableResult
    mutating func endRow() -> (column: Int32, value: Double)? {
        // Stable: insertion order among equal indices (rows are short).
        let order = pending.indices.sorted { pending[$0].0 != pending[$1].0 ? pending[$0].0 < pending[$1].0 : $0 < $1 }
        var last: Int32 = -1
        var overflow: (column: Int32, value: Double)?
        for p in order {
            let (index, value) = pending[p]
            if index == last, let end = values.indices.last, indices.count > (rowStarts.last ?? 0) {
                let sum = values[end] + value
                if sum.isInfinite, values[end].isFinite, value.isFinite, overflow == nil { overflow = (index, value) }
                values[end] = sum
            } else {
                indices.append(index)
                values.append(value)
                last = index
            }
        }
        pending.removeAll(keepingCapacity: true)
        rowStarts.append(indices.count)
        return overflow
    }

    func finish() -> SparseRows {
        SparseRows(columns: columns, rowStarts: rowStarts, indices: indices, values: values)
    }
}

/// MurmurHash3 (Austin Appleby's public-domain x86_32 variant): the hash scikit-learn's
/// `murmurhash3_32` and `FeatureHasher` use.
public enum MurmurHash3 {
    /// The signed 32-bit hash of `text`'s UTF-8 bytes (scikit-learn's `murmurhash3_32(text,
    /// seed, positive=False)`).
    public static func hash32(_ text: String, seed: UInt32 = 0) -> Int32 {
        Int32(bitPattern: hash32(bytes: Array(text.utf8), seed: seed))
    }

    /// MurmurHash3_x86_32 of `bytes`.
    public static func hash32(bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        let c1: UInt32 = 0xcc9e_2d51, c2: UInt32 = 0x1b87_3593
        var h1 = seed
        let count = bytes.count
        let blocks = count / 4
        for b in 0..<blocks {
            let i = b * 4
            var k1 = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            k1 &*= c1
            k1 = (k1 << 15) | (k1 >> 17)
            k1 &*= c2
            h1 ^= k1
            h1 = (h1 << 13) | (h1 >> 19)
            h1 = h1 &* 5 &+ 0xe654_6b64
        }
        let tail = blocks * 4
        var k1: UInt32 = 0
        let rest = count & 3
        if rest >= 3 { k1 ^= UInt32(bytes[tail + 2]) << 16 }
        if rest >= 2 { k1 ^= UInt32(bytes[tail + 1]) << 8 }
        if rest >= 1 {
            k1 ^= UInt32(bytes[tail])
            k1 &*= c1
            k1 = (k1 << 15) | (k1 >> 17)
            k1 &*= c2
            h1 ^= k1
        }
        h1 ^= UInt32(truncatingIfNeeded: count)
        h1 ^= h1 >> 16
        h1 &*= 0x85eb_ca6b
        h1 ^= h1 >> 13
        h1 &*= 0xc2b2_ae35
        h1 ^= h1 >> 16
        return h1
    }
}

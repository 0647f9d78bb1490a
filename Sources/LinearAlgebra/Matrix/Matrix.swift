/// A dense matrix of `Float` or `Double` with value semantics.
///
/// **Layout: row-major, contiguous.** Element `(i, j)` lives at `elements[i * columns + j]`.
/// Row-major is chosen because FeatureKit streams data in *row blocks* (CSV rows, a few thousand
/// rows per block through a fused pipeline): a block of consecutive rows is then one contiguous
/// slice, viewable without copying and handed to BLAS with `ld = columns`. Column access is a
/// strided view (`column(_:)`). LAPACK's column-major routines are reached without a hidden
/// transpose where the math allows it (symmetric matrices are the same in both layouts); where it
/// does not, the wrapper copies once into the layout LAPACK needs, since LAPACK overwrites its input
/// anyway (see `LAPACK`).
///
/// Storage is a Swift `Array`, so copies are O(1) until one side is mutated (copy on write), and
/// views (`rowBlock(_:)`, `row(_:)`, `column(_:)`) share the buffer without copying.
///
/// Every initialiser and accessor that takes a caller's shape or index validates it and throws
/// `LinearAlgebraError`; only the `[row, column]` subscript traps on a bad index, as `Array` does.
public struct Matrix<Scalar: LinearAlgebraScalar>: Sendable, Hashable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    @usableFromInline internal var storage: [Scalar]

    /// Builds a matrix from already validated parts.
    @inlinable
    internal init(uncheckedRows rows: Int, columns: Int, storage: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A `rows x columns` matrix with every element equal to `value`. A buffer of 4 MiB or more is
    /// advised for transparent huge pages before it is first written (see `init(rows:columns:generating:)`).
    /// - Throws: `LinearAlgebraError.invalidArgument` for a negative dimension or an element count
    ///   that overflows `Int`.
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) throws {
        let count = try Matrix.elementCount(rows: rows, columns: columns)
        let storage = Array<Scalar>(unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                adviseHugePages(UnsafeMutableRawPointer(base), bytes: count &* MemoryLayout<Scalar>.stride)
                base.initialize(repeating: value, count: count)
            }
            initialized = count
        }
        self.init(uncheckedRows: rows, columns: columns, storage: storage)
    }

    /// A `rows x columns` matrix whose element `(i, j)` is `value(i, j)`, called in row-major order.
    ///
    /// The buffer is advised for transparent huge pages (2 MiB) before it is first written when it
    /// is 4 MiB or more, as the library's own outputs and readers do and as numpy does for its
    /// arrays: streaming a large matrix then walks 512 times fewer pages (on this machine a 205 MB
    /// read took 0.0072 s on huge pages against 0.0094 s on 4 KiB pages). Advice only: where the
    /// kernel refuses it, nothing but speed changes.
    /// - Throws: `LinearAlgebraError.invalidArgument` for a negative dimension or an element count
    ///   that overflows `Int`; what `value` throws (nothing is returned then).
    /// - Complexity: O(rows * columns) calls of `value`; one allocation.
    @inlinable
    public init(rows: Int, columns: Int, generating value: (_ row: Int, _ column: Int) throws -> Scalar) throws {
        let count = try Matrix.elementCount(rows: rows, columns: columns)
        var failure: (any Error)?
        let storage = Array<Scalar>(unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            adviseHugePages(UnsafeMutableRawPointer(base), bytes: count &* MemoryLayout<Scalar>.stride)
            do {
                for i in 0..<rows {
                    for j in 0..<columns {
                        (base + initialized).initialize(to: try value(i, j))
                        initialized &+= 1
                    }
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        self.init(uncheckedRows: rows, columns: columns, storage: storage)
    }

    /// A `rows x columns` matrix over a flat row-major array.
    /// - Throws: `LinearAlgebraError.shapeMismatch` when `elements.count != rows * columns`;
    ///   `.invalidArgument` for a negative dimension.
    @inlinable
    public init(rows: Int, columns: Int, elements: [Scalar]) throws {
        let count = try Matrix.elementCount(rows: rows, columns: columns)
        guard elements.count == count else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "Matrix(rows:columns:elements:)", lhs: Shape(rows: rows, columns: columns),
                rhs: Shape(rows: elements.count, columns: 1),
                requirement: "expected \(count) elements, got \(elements.count)")
        }
        self.init(uncheckedRows: rows, columns: columns, storage: elements)
    }

    /// A matrix from an array of rows. An empty array gives a 0x0 matrix; `[[]]` gives 1x0.
    /// - Throws: `LinearAlgebraError.shapeMismatch` naming the first row whose length differs from row 0.
    @inlinable
    public init(_ rowArrays: [[Scalar]]) throws {
        let columns = rowArrays.first?.count ?? 0
        let count = try Matrix.elementCount(rows: rowArrays.count, columns: columns)
        var storage: [Scalar] = []
        storage.reserveCapacity(count)
        for (index, row) in rowArrays.enumerated() {
            guard row.count == columns else {
                throw LinearAlgebraError.shapeMismatch(
                    operation: "Matrix([[Scalar]])", lhs: Shape(rows: 1, columns: columns),
                    rhs: Shape(rows: 1, columns: row.count),
                    requirement: "row \(index) has \(row.count) elements but row 0 has \(columns)")
            }
            storage.append(contentsOf: row)
        }
        self.init(uncheckedRows: rowArrays.count, columns: columns, storage: storage)
    }

    /// The `n x n` identity matrix.
    @inlinable
    public static func identity(_ n: Int) throws -> Matrix {
        var result = try Matrix(rows: n, columns: n)
        for i in 0..<n { result.storage[i &* n &+ i] = 1 }
        return result
    }

    /// The shape as a value, for messages and comparisons.
    @inlinable public var shape: Shape { Shape(rows: rows, columns: columns) }

    /// True when the matrix has no elements (zero rows or zero columns).
    @inlinable public var isEmpty: Bool { rows == 0 || columns == 0 }

    /// The elements in row-major order (a copy-on-write share of the storage, O(1)).
    @inlinable public var elements: [Scalar] { storage }

    /// The rows as nested arrays. - Complexity: O(rows * columns) time and allocation.
    @inlinable
    public var rowArrays: [[Scalar]] {
        (0..<rows).map { i in Array(storage[(i &* columns)..<(i &* columns &+ columns)]) }
    }

    /// Element `(row, column)`. Traps on an out-of-range index, as `Array` does; use
    /// `element(row:column:)` for indices you do not control.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range") // invariant: subscript contract, as Array's
            return storage[row &* columns &+ column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range") // invariant: subscript contract, as Array's
            storage[row &* columns &+ column] = newValue
        }
    }

    /// Element `(row, column)`, or a thrown `.invalidArgument` naming the index that is out of range.
    @inlinable
    public func element(row: Int, column: Int) throws -> Scalar {
        try checkIndex(row: row, column: column)
        return storage[row &* columns &+ column]
    }

    /// Sets element `(row, column)`, or throws `.invalidArgument` naming the index that is out of range.
    @inlinable
    public mutating func setElement(_ value: Scalar, row: Int, column: Int) throws {
        try checkIndex(row: row, column: column)
        storage[row &* columns &+ column] = value
    }

    /// The transpose, as a new row-major matrix. - Complexity: O(rows * columns), one allocation.
    @inlinable
    public var transposed: Matrix {
        var result = [Scalar](repeating: 0, count: storage.count)
        let (m, n) = (rows, columns)
        storage.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                // Blocked so that both sides stay in cache for large matrices.
                let tile = 32
                var i0 = 0
                while i0 < m {
                    let i1 = Swift.min(i0 &+ tile, m)
                    var j0 = 0
                    while j0 < n {
                        let j1 = Swift.min(j0 &+ tile, n)
                        for i in i0..<i1 {
                            for j in j0..<j1 { target[j &* m &+ i] = source[i &* n &+ j] }
                        }
                        j0 = j1
                    }
                    i0 = i1
                }
            }
        }
        return Matrix(uncheckedRows: n, columns: m, storage: result)
    }

    @inlinable
    internal func checkIndex(row: Int, column: Int) throws {
        guard row >= 0 && row < rows else {
            throw LinearAlgebraError.invalidArgument(parameter: "row", reason: "\(row) is outside 0..<\(rows)")
        }
        guard column >= 0 && column < columns else {
            throw LinearAlgebraError.invalidArgument(parameter: "column", reason: "\(column) is outside 0..<\(columns)")
        }
    }

    /// `rows * columns`, validated: no negative dimension, no overflow.
    @inlinable
    internal static func elementCount(rows: Int, columns: Int) throws -> Int {
        try checkedElementCount(rows: rows, columns: columns, elementBytes: MemoryLayout<Scalar>.stride, typeName: Scalar.typeName)
    }
}

/// `rows * columns` for a matrix of `elementBytes`-byte `typeName` elements, validated: no negative
/// dimension, no overflow of the element or byte count, and no more bytes than the machine's
/// memory (such an allocation would trap inside Array). Shared by `Matrix` and `UInt8Matrix`.
@usableFromInline
internal func checkedElementCount(rows: Int, columns: Int, elementBytes: Int, typeName: String) throws -> Int {
    guard rows >= 0 else {
        throw LinearAlgebraError.invalidArgument(parameter: "rows", reason: "must be >= 0, got \(rows)")
    }
    guard columns >= 0 else {
        throw LinearAlgebraError.invalidArgument(parameter: "columns", reason: "must be >= 0, got \(columns)")
    }
    let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
    let (bytes, byteOverflow) = count.multipliedReportingOverflow(by: elementBytes)
    guard !overflow, !byteOverflow else {
        throw LinearAlgebraError.invalidArgument(parameter: "rows x columns", reason: "\(rows) x \(columns) elements overflow Int")
    }
    guard bytes <= physicalMemoryBytes else {
        throw LinearAlgebraError.invalidArgument(
            parameter: "rows x columns",
            reason: "\(rows) x \(columns) \(typeName) needs \(bytes >> 20) MiB, more than this machine's \(physicalMemoryBytes >> 20) MiB of memory")
    }
    // An empty matrix may still claim a huge other dimension (Int.max x 0, e.g. from a 128-byte
    // .npy header): every consumer works or allocates per row (blocks, predictions, outputs) or per
    // column (names), so such a matrix would hang or trap later. A dimension must be one that a
    // single element per row (or column) could fill in memory.
    if count == 0 {  // (no allocation on the common path)
        let (name, extent, unit) = rows > 0 ? ("rows", rows, "row") : ("columns", columns, "column")
        let (extentBytes, extentOverflow) = extent.multipliedReportingOverflow(by: elementBytes)
        guard !extentOverflow, extentBytes <= physicalMemoryBytes else {
            throw LinearAlgebraError.invalidArgument(
                parameter: name,
                reason: "\(rows) x \(columns) \(typeName): an empty matrix with \(extent) \(name) is more than one element per \(unit) would fit in this machine's \(physicalMemoryBytes >> 20) MiB of memory")
        }
    }
    return count
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let shown = (0..<Swift.min(rows, 8)).map { i in
            (0..<Swift.min(columns, 8)).map { j in "\(storage[i &* columns &+ j])" }.joined(separator: ", ")
                + (columns > 8 ? ", ..." : "")
        }
        return "Matrix<\(Scalar.typeName)> \(rows)x\(columns) [" + shown.joined(separator: "; ") + (rows > 8 ? "; ..." : "") + "]"
    }
}

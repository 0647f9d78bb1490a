/// Anything BLAS can read as a row-major matrix: `Matrix` itself or a `MatrixView` of it.
public protocol DenseMatrix<Scalar>: Sendable {
    associatedtype Scalar: LinearAlgebraScalar
    /// A read-only view sharing this matrix's storage (no copy).
    var view: MatrixView<Scalar> { get }
}

/// A read-only window on a row-major matrix: a block of rows, or a whole matrix, sharing the
/// parent's storage. Element `(i, j)` is at `offset + i * rowStride + j`.
///
/// A view holds a reference to the parent's copy-on-write buffer, so it is safe to keep: if the
/// parent is mutated afterwards, the parent copies and the view keeps the old values.
public struct MatrixView<Scalar: LinearAlgebraScalar>: DenseMatrix, Sendable {
    @usableFromInline internal let storage: [Scalar]
    @usableFromInline internal let offset: Int
    /// Distance between the starts of consecutive rows (BLAS's leading dimension, `>= columns`).
    public let rowStride: Int
    public let rows: Int
    public let columns: Int

    @inlinable
    internal init(storage: [Scalar], offset: Int, rows: Int, columns: Int, rowStride: Int) {
        self.storage = storage
        self.offset = offset
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride
    }

    @inlinable public var view: MatrixView<Scalar> { self }
    @inlinable public var shape: Shape { Shape(rows: rows, columns: columns) }
    @inlinable public var isEmpty: Bool { rows == 0 || columns == 0 }

    /// True when the rows are back to back (`rowStride == columns`), as every row block of a `Matrix` is.
    @inlinable public var isContiguous: Bool { rowStride == columns || rows <= 1 }

    /// Element `(row, column)`, or `.invalidArgument` naming the index out of range.
    @inlinable
    public func element(row: Int, column: Int) throws -> Scalar {
        guard row >= 0 && row < rows else {
            throw LinearAlgebraError.invalidArgument(parameter: "row", reason: "\(row) is outside 0..<\(rows)")
        }
        guard column >= 0 && column < columns else {
            throw LinearAlgebraError.invalidArgument(parameter: "column", reason: "\(column) is outside 0..<\(columns)")
        }
        return storage[offset &+ row &* rowStride &+ column]
    }

    /// The rows in `range` as a view (no copy).
    /// - Throws: `.invalidArgument` when `range` is not inside `0..<rows`.
    @inlinable
    public func rowBlock(_ range: Range<Int>) throws -> MatrixView<Scalar> {
        guard range.lowerBound >= 0 && range.upperBound <= rows else {
            throw LinearAlgebraError.invalidArgument(
                parameter: "rows", reason: "\(range) is not inside 0..<\(rows)")
        }
        return MatrixView(storage: storage, offset: offset &+ range.lowerBound &* rowStride,
                          rows: range.count, columns: columns, rowStride: rowStride)
    }

    /// Row `i` as a contiguous vector view (no copy).
    @inlinable
    public func row(_ i: Int) throws -> VectorView<Scalar> {
        guard i >= 0 && i < rows else {
            throw LinearAlgebraError.invalidArgument(parameter: "row", reason: "\(i) is outside 0..<\(rows)")
        }
        return VectorView(storage: storage, offset: offset &+ i &* rowStride, count: columns, stride: 1)
    }

    /// Column `j` as a strided vector view (no copy; stride = `rowStride`).
    @inlinable
    public func column(_ j: Int) throws -> VectorView<Scalar> {
        guard j >= 0 && j < columns else {
            throw LinearAlgebraError.invalidArgument(parameter: "column", reason: "\(j) is outside 0..<\(columns)")
        }
        return VectorView(storage: storage, offset: offset &+ j, count: rows, stride: Swift.max(rowStride, 1))
    }

    /// A new matrix holding a copy of this view's elements.
    @inlinable
    public func copy() -> Matrix<Scalar> {
        if isContiguous {
            let start = offset
            return Matrix(uncheckedRows: rows, columns: columns,
                          storage: Array(storage[start..<(start &+ rows &* columns)]))
        }
        var result = [Scalar]()
        result.reserveCapacity(rows &* columns)
        for i in 0..<rows {
            let start = offset &+ i &* rowStride
            result.append(contentsOf: storage[start..<(start &+ columns)])
        }
        return Matrix(uncheckedRows: rows, columns: columns, storage: result)
    }

    /// Calls `body` with a pointer to element (0, 0). Only for this module's BLAS/LAPACK wrappers.
    @inlinable
    internal func withUnsafeBaseAddress<R>(_ body: (UnsafePointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { buffer in
            // invariant: a view's offset lies inside its storage, or the view is empty and reads nothing.
            guard let base = buffer.baseAddress else {
                return try withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 1) { try body($0.baseAddress!) } // invariant: capacity 1 always has an address
            }
            return try body(base + Swift.min(offset, buffer.count))
        }
    }
}

extension Matrix: DenseMatrix {
    /// The whole matrix as a view (no copy).
    @inlinable
    public var view: MatrixView<Scalar> {
        MatrixView(storage: storage, offset: 0, rows: rows, columns: columns, rowStride: columns)
    }

    /// The rows in `range` as a view (no copy). Row blocks of a row-major matrix are contiguous.
    @inlinable
    public func rowBlock(_ range: Range<Int>) throws -> MatrixView<Scalar> { try view.rowBlock(range) }

    /// Row `i` as a vector view (no copy).
    @inlinable
    public func row(_ i: Int) throws -> VectorView<Scalar> { try view.row(i) }

    /// Column `j` as a strided vector view (no copy).
    @inlinable
    public func column(_ j: Int) throws -> VectorView<Scalar> { try view.column(j) }

    /// Calls `body` with a mutable pointer to element (0, 0). Only for this module's wrappers.
    @inlinable
    internal mutating func withUnsafeMutableBaseAddress<R>(_ body: (UnsafeMutablePointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                return try withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 1) { try body($0.baseAddress!) } // invariant: capacity 1 always has an address
            }
            return try body(base)
        }
    }
}

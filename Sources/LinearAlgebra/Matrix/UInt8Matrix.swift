/// A dense row-major matrix of bytes: the compact output of indicator transforms (a one-hot
/// encoding as scikit-learn's `OneHotEncoder(dtype=np.uint8)` or polars' `to_dummies()` give it),
/// an eighth of the memory of `Matrix<Double>`.
///
/// Layout as `Matrix`: element `(i, j)` at `elements[i * columns + j]`. Not a `LinearAlgebraScalar`
/// matrix (no BLAS on bytes): convert with `converted(to:)` for arithmetic.
public struct UInt8Matrix: Sendable, Hashable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    @usableFromInline internal var storage: [UInt8]

    internal init(uncheckedRows rows: Int, columns: Int, storage: [UInt8]) {
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A `rows x columns` matrix with every element equal to `value`.
    /// - Throws: `LinearAlgebraError.invalidArgument` for a negative dimension, an element count
    ///   that overflows `Int`, or more bytes than the machine's memory.
    public init(rows: Int, columns: Int, repeating value: UInt8 = 0) throws {
        let count = try Self.elementCount(rows: rows, columns: columns)
        self.init(uncheckedRows: rows, columns: columns, storage: Array(repeating: value, count: count))
    }

    /// A matrix from row-major elements.
    /// - Throws: `LinearAlgebraError.shapeMismatch` when `elements.count != rows * columns`.
    public init(rows: Int, columns: Int, elements: [UInt8]) throws {
        let count = try Self.elementCount(rows: rows, columns: columns)
        guard elements.count == count else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "UInt8Matrix(rows:columns:elements:)", lhs: Shape(rows: rows, columns: columns),
                rhs: Shape(rows: elements.count, columns: 1), requirement: "expected \(count) elements, got \(elements.count)")
        }
        self.init(uncheckedRows: rows, columns: columns, storage: elements)
    }

    /// `(rows, columns)`.
    public var shape: Shape { Shape(rows: rows, columns: columns) }

    /// The elements in row-major order (a copy-on-write share of the storage, O(1)).
    public var elements: [UInt8] { storage }

    /// The rows as arrays (for tests and small outputs).
    public var rowArrays: [[UInt8]] {
        (0..<rows).map { i in Array(storage[(i &* columns)..<(i &* columns &+ columns)]) }
    }

    /// The element at `(row, column)`.
    /// - Throws: `LinearAlgebraError.invalidArgument` for an index out of range.
    public func element(row: Int, column: Int) throws -> UInt8 {
        guard row >= 0 && row < rows else {
            throw LinearAlgebraError.invalidArgument(parameter: "row", reason: "\(row) is outside 0..<\(rows)")
        }
        guard column >= 0 && column < columns else {
            throw LinearAlgebraError.invalidArgument(parameter: "column", reason: "\(column) is outside 0..<\(columns)")
        }
        return storage[row &* columns &+ column]
    }

    /// The same values as a `Matrix<Scalar>` (exact: every byte is representable).
    /// - Throws: `LinearAlgebraError.invalidArgument` when that matrix would not fit in memory.
    /// - Complexity: one pass, one allocation of `rows * columns` scalars.
    public func converted<Scalar: LinearAlgebraScalar>(to _: Scalar.Type = Scalar.self) throws -> Matrix<Scalar> {
        _ = try Matrix<Scalar>.elementCount(rows: rows, columns: columns)
        return Matrix(uncheckedRows: rows, columns: columns, storage: storage.map { Scalar(Int($0)) })
    }

    /// Calls `body` with the storage's mutable base address (a one-byte temporary when empty).
    internal mutating func withUnsafeMutableBaseAddress<R>(_ body: (UnsafeMutablePointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { try body($0.baseAddress!) }  // invariant: capacity 1 always has an address
            }
            return try body(base)
        }
    }

    static func elementCount(rows: Int, columns: Int) throws -> Int {
        try checkedElementCount(rows: rows, columns: columns, elementBytes: 1, typeName: "UInt8")
    }
}

extension UInt8Matrix: CustomStringConvertible {
    public var description: String {
        let shown = (0..<Swift.min(rows, 8)).map { i in
            (0..<Swift.min(columns, 8)).map { j in "\(storage[i &* columns &+ j])" }.joined(separator: ", ")
                + (columns > 8 ? ", ..." : "")
        }
        return "UInt8Matrix \(rows)x\(columns) [" + shown.joined(separator: "; ") + (rows > 8 ? "; ..." : "") + "]"
    }
}

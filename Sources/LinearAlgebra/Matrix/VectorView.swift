/// Anything BLAS can read as a strided vector: `[Scalar]` or a `VectorView` (a row or column).
public protocol DenseVector<Scalar>: Sendable {
    associatedtype Scalar: LinearAlgebraScalar
    /// A read-only view sharing this vector's storage (no copy).
    var vectorView: VectorView<Scalar> { get }
}

/// A read-only strided window on a buffer: a matrix row (stride 1) or column (stride = row stride).
/// Shares the parent's copy-on-write storage, like `MatrixView`.
public struct VectorView<Scalar: LinearAlgebraScalar>: DenseVector, RandomAccessCollection, Sendable {
    @usableFromInline internal let storage: [Scalar]
    @usableFromInline internal let offset: Int
    /// Distance between consecutive elements in the storage (BLAS's `inc`, >= 1).
    public let stride: Int
    public let count: Int

    @inlinable
    internal init(storage: [Scalar], offset: Int, count: Int, stride: Int) {
        self.storage = storage
        self.offset = offset
        self.count = count
        self.stride = stride
    }

    /// A view of a whole array (stride 1, no copy).
    @inlinable
    public init(_ array: [Scalar]) {
        self.init(storage: array, offset: 0, count: array.count, stride: 1)
    }

    @inlinable public var vectorView: VectorView<Scalar> { self }
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    /// Element `i`; traps when `i` is outside `0..<count`, as `Array` does.
    @inlinable
    public subscript(i: Int) -> Scalar {
        precondition(i >= 0 && i < count, "VectorView index out of range") // invariant: subscript contract, as Array's
        return storage[offset &+ i &* stride]
    }

    /// The elements as a new array.
    @inlinable public var array: [Scalar] { Array(self) }

    /// Calls `body` with a pointer to element 0. Only for this module's BLAS wrappers.
    @inlinable
    internal func withUnsafeBaseAddress<R>(_ body: (UnsafePointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                return try withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 1) { try body($0.baseAddress!) } // invariant: capacity 1 always has an address
            }
            return try body(base + Swift.min(offset, buffer.count))
        }
    }
}

extension Array: DenseVector where Element: LinearAlgebraScalar {
    public typealias Scalar = Element
    /// The whole array as a view (no copy).
    @inlinable public var vectorView: VectorView<Element> { VectorView(self) }
}

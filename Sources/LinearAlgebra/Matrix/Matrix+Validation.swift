extension MatrixView {
    /// Throws `.nonFinite` naming the first (row-major order) NaN or infinity, for `operation`.
    /// - Complexity: O(rows * columns), no allocation.
    @inlinable
    public func checkFinite(operation: String) throws {
        for i in 0..<rows {
            let start = offset &+ i &* rowStride
            for j in 0..<columns where !storage[start &+ j].isFinite {
                throw LinearAlgebraError.nonFinite(
                    operation: operation, row: i, column: j, value: Double(storage[start &+ j]))
            }
        }
    }
}

extension DenseMatrix {
    /// Throws `.nonFinite` naming the row and column of the first NaN or infinity.
    @inlinable
    public func checkFinite(operation: String = "checkFinite") throws {
        try view.checkFinite(operation: operation)
    }
}

extension DenseVector {
    /// Throws `.nonFinite` naming the index (as row, column 0) of the first NaN or infinity.
    @inlinable
    public func checkFinite(operation: String = "checkFinite") throws {
        let v = vectorView
        for i in 0..<v.count where !v[i].isFinite {
            throw LinearAlgebraError.nonFinite(operation: operation, row: i, column: 0, value: Double(v[i]))
        }
    }
}

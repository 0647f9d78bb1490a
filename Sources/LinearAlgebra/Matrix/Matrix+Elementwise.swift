extension Matrix {
    /// Every element clamped into `range`; NaN stays NaN (scikit-learn's `np.clip` semantics).
    /// - Throws: `.invalidArgument` when a bound is NaN.
    /// - Complexity: O(rows * columns); one allocation unless the storage is uniquely referenced.
    @inlinable
    public func clamped(to range: ClosedRange<Scalar>) throws -> Matrix {
        guard !range.lowerBound.isNaN, !range.upperBound.isNaN else {
            throw LinearAlgebraError.invalidArgument(parameter: "range", reason: "bounds must not be NaN")
        }
        var result = self
        try result.clamp(to: range)
        return result
    }

    /// Clamps every element into `range` in place (no allocation when the storage is uniquely
    /// referenced, as a freshly transformed output is); NaN stays NaN. The same values as `clamped`.
    /// - Throws: `.invalidArgument` when a bound is NaN (the matrix is then unchanged).
    /// - Complexity: one read and one write of the matrix.
    @inlinable
    public mutating func clamp(to range: ClosedRange<Scalar>) throws {
        guard !range.lowerBound.isNaN, !range.upperBound.isNaN else {
            throw LinearAlgebraError.invalidArgument(parameter: "range", reason: "bounds must not be NaN")
        }
        let (lo, hi) = (range.lowerBound, range.upperBound)
        storage.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices {
                let v = buffer[i]
                buffer[i] = v < lo ? lo : (v > hi ? hi : v)  // comparisons with NaN are false: NaN kept
            }
        }
    }
}

import CKernels

extension Matrix {
    /// The row blocks `blocks` stacked top to bottom into one matrix (all must have `columns`
    /// columns): how a fused pipeline assembles its output from blocks computed on several threads.
    ///
    /// The output is allocated uninitialised and backed by huge pages where the system allows
    /// (`adviseHugePages`), and each block is copied (Double: with non-temporal stores) on `threads` threads,
    /// so assembling a large output costs one streaming write instead of page faults plus a copy
    /// through the cache.
    /// - Throws: `.shapeMismatch` naming the first block with another column count.
    /// - Complexity: one read of the blocks and one streaming write of the output.
    public static func stackingRows(_ blocks: [Matrix<Scalar>], columns: Int, threads: Int = 1) throws -> Matrix<Scalar> {
        for block in blocks where block.columns != columns && block.rows > 0 {
            throw LinearAlgebraError.shapeMismatch(
                operation: "Matrix.stackingRows", lhs: Shape(rows: block.rows, columns: columns), rhs: block.shape,
                requirement: "every block must have \(columns) columns")
        }
        var offsets: [Int] = []
        var rows = 0
        for block in blocks {
            offsets.append(rows)
            rows += block.rows
        }
        let starts = offsets
        let count = try Matrix.elementCount(rows: rows, columns: columns)
        if count == 0 { return try Matrix(rows: rows, columns: columns) }
        let elements = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableSendablePointer(buffer.baseAddress!)  // invariant: count > 0
            adviseHugePages(UnsafeMutableRawPointer(target.pointer), bytes: count &* MemoryLayout<Scalar>.stride)
            _ = try? ParallelRows.map(count: blocks.count, threads: threads) { b in
                let block = blocks[b]
                block.storage.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress, source.count > 0 else { return }
                    let destination = target.pointer + starts[b] &* columns
                    if Scalar.self == Double.self {
                        fk_copy_nontemporal(UnsafeMutableRawPointer(destination).assumingMemoryBound(to: Double.self),
                                            UnsafeRawPointer(base).assumingMemoryBound(to: Double.self), source.count)
                    } else {
                        destination.initialize(from: base, count: source.count)
                    }
                }
            }
            initialized = count
        }
        return Matrix(uncheckedRows: rows, columns: columns, storage: elements)
    }
}

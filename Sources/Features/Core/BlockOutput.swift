import LinearAlgebra

/// Assembly of block-parallel transform outputs (KBinsDiscretizer, SimpleImputer): each row block
/// returns its values and, if any, the first value it refused; the blocks become one matrix through
/// `Matrix.stackingRows` (one streaming copy into huge pages), or the first refusal by row wins.
enum BlockOutput {
    static func join<Scalar: LinearAlgebraScalar, Bad>(
        _ parts: [(values: [Scalar], bad: Bad?)], rows: Int, width: Int, threads: Int
    ) throws -> (output: Matrix<Scalar>, bad: Bad?) {
        if let bad = parts.lazy.compactMap(\.bad).first { return (try Matrix(rows: 0, columns: 0), bad) }
        if parts.count == 1 || width == 0 { return (try Matrix(rows: rows, columns: width, elements: parts.first?.values ?? []), nil) }
        let blocks = try parts.map { try Matrix(rows: $0.values.count / width, columns: width, elements: $0.values) }
        return (try Matrix.stackingRows(blocks, columns: width, threads: threads), nil)
    }
}

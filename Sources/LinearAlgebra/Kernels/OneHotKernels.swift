import CKernels

/// The element types a scatter output can be written in (scikit-learn's `dtype` for one-hot):
/// 0, and what a target without a value receives (`markOne`: Double counts, as the feature hasher
/// needs; UInt8 and Float hold 1, so a shared target never overflows a byte).
@usableFromInline
protocol OneHotElement: AdditiveArithmetic, Sendable {
    static var oneHotZero: Self { get }
    static func markOne(_ x: inout Self)
}

extension UInt8: OneHotElement {
    @usableFromInline static var oneHotZero: UInt8 { 0 }
    @usableFromInline static func markOne(_ x: inout UInt8) { x = 1 }
}

extension Float: OneHotElement {
    @usableFromInline static var oneHotZero: Float { 0 }
    @usableFromInline static func markOne(_ x: inout Float) { x = 1 }
}

extension Double: OneHotElement {
    @usableFromInline static var oneHotZero: Double { 0 }
    @usableFromInline static func markOne(_ x: inout Double) { x += 1 }
}

/// The one-hot scatter in other element types than `scatterCodes`' Double: a `rows x width`
/// matrix of zeros with `out[i][t] = 1` for every source column `c` and row `i` whose target
/// `t = targets[c][codes[c][i] + 1]` is not negative. Targets of different source columns are
/// expected in disjoint ranges (one 1 per column and row, as a one-hot encoding writes); a shared
/// target would still hold 1, not a count. The same checks and blocked driver as `scatterCodes`.
extension ColumnKernels {
    /// The one-hot matrix as bytes (scikit-learn's `dtype=np.uint8`, polars' `to_dummies()`).
    /// - Throws: `.shapeMismatch` (a code column not `rows` long, table lists disagreeing),
    ///   `.invalidArgument` (a target outside `-1..<width`, an allocation larger than memory),
    ///   `CodeOutOfRange`.
    /// - Complexity: one write of the output (`rows * width` bytes, fresh pages written directly)
    ///   and one read of each code column; no allocation per block.
    public static func scatterOnes(
        rows: Int, width: Int, codes: [[Int32]], targets: [[Int32]], as _: UInt8.Type, blockRows: Int = 4096, threads: Int = 1
    ) throws -> UInt8Matrix {
        let count = try UInt8Matrix.elementCount(rows: rows, columns: width)
        let storage: [UInt8] = try freshScatter(count: count, rows: rows, width: width, codes: codes, targets: targets, values: nil,
                                                blockRows: blockRows, threads: threads, streamingBytes: .max)
        return UInt8Matrix(uncheckedRows: rows, columns: width, storage: storage)
    }

    /// The one-hot matrix as `Float` (scikit-learn's `dtype=np.float32`).
    /// - Throws: as the `UInt8` form.
    /// - Complexity: as the `UInt8` form, with 4 bytes per element.
    public static func scatterOnes(
        rows: Int, width: Int, codes: [[Int32]], targets: [[Int32]], as _: Float.Type, blockRows: Int = 4096, threads: Int = 1
    ) throws -> Matrix<Float> {
        let count = try Matrix<Float>.elementCount(rows: rows, columns: width)
        let storage: [Float] = try freshScatter(count: count, rows: rows, width: width, codes: codes, targets: targets, values: nil,
                                                blockRows: blockRows, threads: threads, streamingBytes: .max)
        return Matrix(uncheckedRows: rows, columns: width, storage: storage)
    }

    /// `scatterOnes` into an existing byte matrix (every element overwritten; no allocation).
    /// Outputs of `streamingBytes` bytes or more (default `streamingThreshold`; 0 always,
    /// `Int.max` never) are built block by block in cache and streamed out with non-temporal stores.
    /// - Throws: as the allocating form; on `CodeOutOfRange` the output is partly written.
    public static func scatterOnes(
        into output: inout UInt8Matrix, codes: [[Int32]], targets: [[Int32]], blockRows: Int = 4096, threads: Int = 1,
        streamingBytes: Int = streamingThreshold
    ) throws {
        let rows = output.rows, width = output.columns
        try checkScatter(rows: rows, width: width, codes: codes, targets: targets, values: [[UInt8]]?.none)
        if rows == 0 || width == 0 { return }
        let blocks = ParallelRows.blocks(rows: rows, blockRows: Swift.max(blockRows, 1))
        let bad = try output.withUnsafeMutableBaseAddress { base in
            try scatterAll(UnsafeMutableSendablePointer(base), width: width, blocks: blocks, codes: codes, targets: targets,
                           values: nil, threads: threads, streamingBytes: streamingBytes)
        }
        if let bad { throw bad }
    }
}

import LinearAlgebra

/// The imputation loop: `y = isnan(x) ? fill : x` on the kept columns, then 0/1 indicators
/// (`RowKernels.impute`, specialised here for Float and Double).
enum ImputeKernels {
    struct BadValue { let row: Int; let column: Int; let value: Double }

    static let blockRows = 4096

    static func impute<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, fill: [Double], kept: [Int], indicators: [Int], threads: Int
    ) throws -> (output: Matrix<Scalar>, bad: BadValue?) {
        // Concrete dispatch so the loop is specialised (see MomentsSummary.summarize).
        if let x = x as? Matrix<Double> {
            let r = try imputeConcrete(x, fill: fill, kept: kept, indicators: indicators, threads: threads)
            if let out = r.output as? Matrix<Scalar> { return (out, r.bad) }
        }
        if let x = x as? Matrix<Float> {
            let r = try imputeConcrete(x, fill: fill, kept: kept, indicators: indicators, threads: threads)
            if let out = r.output as? Matrix<Scalar> { return (out, r.bad) }
        }
        return try imputeConcrete(x, fill: fill, kept: kept, indicators: indicators, threads: threads)
    }

    private static func imputeConcrete<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, fill: [Double], kept: [Int], indicators: [Int], threads: Int
    ) throws -> (output: Matrix<Scalar>, bad: BadValue?) {
        // One pass: the LinearAlgebra kernel fills NaN (and writes indicators) block by block into a
        // fresh output, streamed out with non-temporal stores (see `RowKernels.impute`).
        let (output, flag) = try RowKernels.impute(x, fill: fill.map { Scalar($0) }, kept: kept, indicators: indicators,
                                                  blockRows: blockRows, threads: threads)
        if let flag { return (output, BadValue(row: flag.row, column: flag.column, value: flag.value)) }
        if kept.isEmpty && indicators.isEmpty {
            // No output column: the kernel read nothing, but an infinity anywhere is still refused.
            let e = x.elements, n = x.columns
            if let k = e.firstIndex(where: { $0.isInfinite }) {
                return (output, BadValue(row: k / n, column: k % n, value: Double(e[k])))
            }
        }
        return (output, nil)
    }
}

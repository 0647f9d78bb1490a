import LinearAlgebra

/// Named, typed columns of equal length: what a CSV file becomes, what a column transformer selects
/// from, and what a pipeline is fitted on.
///
/// Columnar (each column its own array) because files are parsed column-wise and encoders work a
/// column at a time; numeric columns are gathered into row-major `Matrix` row blocks for the fused
/// numeric kernels (`numericMatrix(columns:rows:)`).
///
/// Why this sits in its own low module (`Tabular`, above LinearAlgebra) rather than in the data I/O
/// layer as ../shared/ARCHITECTURE.md first drew it: transforms (encoders, the column transformer)
/// and readers (CSV, .npy) both speak it, and neither should import the other.
///
/// Column names are non-empty and unique; every column has `rowCount` values.
public struct Table: Sendable, Hashable {
    public let columns: [Column]
    public let rowCount: Int
    @usableFromInline let indexByName: [String: Int]

    /// - Throws: `TableError.emptyColumnName`, `.duplicateColumnName`, `.columnLengthMismatch`.
    public init(_ columns: [Column]) throws {
        var index: [String: Int] = [:]
        let rowCount = columns.first?.count ?? 0
        for (position, column) in columns.enumerated() {
            guard !column.name.isEmpty else { throw TableError.emptyColumnName(index: position) }
            guard index.updateValue(position, forKey: column.name) == nil else {
                throw TableError.duplicateColumnName(column.name)
            }
            guard column.count == rowCount else {
                throw TableError.columnLengthMismatch(column: column.name, expected: rowCount, got: column.count)
            }
        }
        self.columns = columns
        self.rowCount = rowCount
        self.indexByName = index
    }

    /// A numeric table from a matrix (converted to Double) and its column names.
    /// - Throws: `TableError.columnLengthMismatch` when `names.count != matrix.columns`, name errors.
    public init<Scalar: LinearAlgebraScalar>(_ matrix: Matrix<Scalar>, names: [String]) throws {
        guard names.count == matrix.columns else {
            throw TableError.columnLengthMismatch(column: "(names)", expected: matrix.columns, got: names.count)
        }
        // A public generic is not specialised in the caller's module: dispatch to the concrete
        // element types here (the generic loop ran per element through value witnesses).
        let values: [[Double]]
        if let doubles = matrix as? Matrix<Double> {
            values = Self.columnValues(doubles) { $0 }
        } else if let floats = matrix as? Matrix<Float> {
            values = Self.columnValues(floats) { Double($0) }
        } else {
            values = Self.columnValues(matrix) { Double($0) }
        }
        try self.init(zip(names, values).map { Column.numeric($0, $1) })
    }

    /// The columns of a row-major matrix as Double arrays, 4096 rows at a time (the block stays in
    /// cache while its columns are gathered).
    @inline(__always)
    private static func columnValues<Scalar: LinearAlgebraScalar>(_ matrix: Matrix<Scalar>, _ convert: (Scalar) -> Double) -> [[Double]] {
        let (rows, width) = (matrix.rows, matrix.columns)
        var columns = (0..<width).map { _ in [Double](repeating: 0, count: rows) }
        matrix.elements.withUnsafeBufferPointer { source in
            for start in stride(from: 0, to: rows, by: 4096) {
                let end = Swift.min(start + 4096, rows)
                for j in 0..<width {
                    columns[j].withUnsafeMutableBufferPointer { target in
                        var k = start * width + j
                        for i in start..<end {
                            target[i] = convert(source[k])
                            k += width
                        }
                    }
                }
            }
        }
        return columns
    }

    public var columnCount: Int { columns.count }
    public var names: [String] { columns.map(\.name) }

    /// The column called `name`, or nil.
    public subscript(name: String) -> Column? {
        indexByName[name].map { columns[$0] }
    }

    /// The column called `name`.
    /// - Throws: `TableError.unknownColumn` listing the available names.
    public func column(named name: String) throws -> Column {
        guard let position = indexByName[name] else { throw TableError.unknownColumn(name, available: names) }
        return columns[position]
    }

    /// The position of column `name`.
    /// - Throws: `TableError.unknownColumn`.
    public func position(of name: String) throws -> Int {
        guard let position = indexByName[name] else { throw TableError.unknownColumn(name, available: names) }
        return position
    }

    /// The numbers of numeric column `name`.
    /// - Throws: `.unknownColumn`; `.notNumeric` naming the first non-number of a categorical
    ///   column, else `.wrongColumnKind`.
    public func numeric(_ name: String) throws -> [Double] {
        let column = try column(named: name)
        guard case let .numeric(values) = column.values else { throw TableError.numericExpected(column) }
        return values
    }

    /// The categories of categorical column `name`.
    /// - Throws: `.unknownColumn`, `.wrongColumnKind`.
    public func categorical(_ name: String) throws -> CategoricalValues {
        let column = try column(named: name)
        guard case let .categorical(values) = column.values else {
            throw TableError.wrongColumnKind(column: name, expected: .categorical, got: column.kind)
        }
        return values
    }

    /// The names of the columns of one kind, in table order.
    public func names(of kind: ColumnKind) -> [String] {
        columns.filter { $0.kind == kind }.map(\.name)
    }

    /// A table of the named columns, in the order given.
    /// - Throws: `.unknownColumn`, `.duplicateColumnName`.
    public func selecting(_ names: [String]) throws -> Table {
        try Table(names.map { try column(named: $0) })
    }

    /// Rows `range` as a new table (values copied; categorical levels shared).
    /// - Throws: `.rowRangeOutOfBounds`.
    public func rows(_ range: Range<Int>) throws -> Table {
        guard range.lowerBound >= 0, range.upperBound <= rowCount else {
            throw TableError.rowRangeOutOfBounds(lower: range.lowerBound, upper: range.upperBound, rowCount: rowCount)
        }
        let sliced = columns.map { column -> Column in
            switch column.values {
            case let .numeric(values): return .numeric(column.name, Array(values[range]))
            case let .categorical(values): return Column(name: column.name, values: .categorical(values.slice(range)))
            }
        }
        return Table(validated: sliced, rowCount: range.count, indexByName: indexByName)
    }

    /// This table with `column` appended (or replacing the column of the same name, in place).
    /// - Throws: `.columnLengthMismatch`, `.emptyColumnName`.
    public func with(_ column: Column) throws -> Table {
        var columns = self.columns
        if let position = indexByName[column.name] {
            columns[position] = column
        } else {
            columns.append(column)
        }
        return try Table(columns)
    }

    private init(validated columns: [Column], rowCount: Int, indexByName: [String: Int]) {
        self.columns = columns
        self.rowCount = rowCount
        self.indexByName = indexByName
    }

    /// The numeric columns `names` over rows `rows` as a row-major matrix (NaN for missing values),
    /// ready for the numeric transforms and models.
    /// - Throws: `.unknownColumn`, `.wrongColumnKind`, `.rowRangeOutOfBounds`.
    /// - Complexity: O(rows x columns), one allocation (the result).
    public func numericMatrix(columns names: [String], rows: Range<Int>? = nil) throws -> Matrix<Double> {
        let range = rows ?? 0..<rowCount
        guard range.lowerBound >= 0, range.upperBound <= rowCount else {
            throw TableError.rowRangeOutOfBounds(lower: range.lowerBound, upper: range.upperBound, rowCount: rowCount)
        }
        let sources = try names.map { try numeric($0) }
        let width = sources.count
        var elements = [Double](repeating: 0, count: range.count * width)
        for (j, source) in sources.enumerated() {
            var k = j
            for i in range {
                elements[k] = source[i]
                k += width
            }
        }
        return try Matrix(rows: range.count, columns: width, elements: elements)
    }

    /// Every numeric column as a matrix, in table order (categorical columns are skipped).
    public func numericMatrix() throws -> Matrix<Double> {
        try numericMatrix(columns: names(of: .numeric))
    }
}

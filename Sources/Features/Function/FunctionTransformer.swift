#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Apply a known invertible function to every value: `log1p` (inverse `expm1`), `log` (inverse
/// `exp`) or `sqrt` (inverse `y^2`).
///
/// scikit-learn equivalent: `sklearn.preprocessing.FunctionTransformer(func=np.log1p,
/// inverse_func=np.expm1)` (and `np.log`/`np.exp`, `np.sqrt`/`np.square`). The function set is
/// closed so that the fitted value is Codable data rather than code, and so that the inverse is
/// always the right one.
///
/// Semantics: NaN is kept (as NumPy does). Unlike NumPy, nothing silently becomes NaN or infinity:
/// a value outside the function's domain (`log1p` needs `x > -1`, `log` needs `x > 0`, `sqrt`
/// needs `x >= 0`) is `FeatureError.outOfDomain` naming row and column; ±infinity in the input is
/// `.infiniteValue`; an inverse that overflows (`expm1(710)`) is `.overflow`. `fit` learns nothing
/// but the schema.
public struct FunctionTransformer: Sendable, Hashable, Codable {
    /// The functions with a known inverse.
    public enum Function: String, Sendable, Hashable, Codable, CaseIterable {
        /// `log(1 + x)` for `x > -1`; inverse `exp(y) - 1` (`expm1`).
        case log1p
        /// `log(x)` for `x > 0`; inverse `exp(y)`.
        case log
        /// `sqrt(x)` for `x >= 0`; inverse `y^2` for `y >= 0`.
        case sqrt

        var requirement: String {
            switch self {
            case .log1p: "log1p needs x > -1"
            case .log: "log needs x > 0"
            case .sqrt: "sqrt needs x >= 0"
            }
        }

        var inverseRequirement: String {
            switch self {
            case .log1p, .log: "any finite value"
            case .sqrt: "the inverse of sqrt (y^2) needs y >= 0"
            }
        }

        /// The forward map (NaN outside the domain, which the caller reports).
        @inline(__always)
        func apply(_ x: Double) -> Double {
            switch self {
            case .log1p: x > -1 ? libmLog1p(x) : .nan
            case .log: x > 0 ? libmLog(x) : .nan
            case .sqrt: x >= 0 ? x.squareRoot() : .nan
            }
        }

        /// The inverse map (NaN outside the forward map's range).
        @inline(__always)
        func invert(_ y: Double) -> Double {
            switch self {
            case .log1p: libmExpm1(y)
            case .log: libmExp(y)
            case .sqrt: y >= 0 ? y * y : .nan
            }
        }
    }

    /// The function applied to every value.
    public let function: Function

    public init(_ function: Function = .log1p) {
        self.function = function
    }

    static let name = "FunctionTransformer"

    /// Records the schema of `x` (the transform is stateless).
    /// - Throws: `FeatureError.emptyInput` for zero rows; `.columnCountMismatch` /
    ///   `.invalidColumnNames` for bad names.
    /// - Complexity: O(columns); the data is not read.
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil) throws -> Fitted {
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: Self.name)
        guard x.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        return Fitted(configuration: self, inputSchema: schema)
    }

    /// Records a schema without data.
    public func fit(schema: FeatureSchema) -> Fitted {
        Fitted(configuration: self, inputSchema: schema)
    }

    /// A fitted FunctionTransformer: the function and the schema it accepts.
    public struct Fitted: InvertibleTransform, Hashable {
        public let configuration: FunctionTransformer
        public let inputSchema: FeatureSchema

        public var outputNames: [String] { inputSchema.names }

        /// `f(x)` element-wise into a new matrix, over fixed row blocks on `threads` threads.
        /// Computed in Double and rounded once for Float input.
        /// - Throws: `.columnCountMismatch` / `.schemaMismatch`; `.outOfDomain`, `.infiniteValue`
        ///   naming the row and column of the first bad value (in row order).
        /// - Complexity: one read, one write, one libm call per element.
        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: FunctionTransformer.name)
            return try dispatch(x, inverse: false, threads: threads)
        }

        /// `f^-1(y)` element-wise into a new matrix.
        /// - Throws: `.columnCountMismatch`; `.outOfDomain` (a negative value for `sqrt`'s inverse),
        ///   `.infiniteValue`, or `.overflow` (e.g. `expm1` of a value above ~709.78).
        public func inverseTransform<Scalar: LinearAlgebraScalar>(_ y: Matrix<Scalar>, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: y.columns, names: nil, transform: FunctionTransformer.name)
            return try dispatch(y, inverse: true, threads: threads)
        }

        private func dispatch<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, inverse: Bool, threads: Int) throws -> Matrix<Scalar> {
            if let x = x as? Matrix<Double>, let y = try run(x, inverse: inverse, threads: threads) as? Matrix<Scalar> { return y }
            if let x = x as? Matrix<Float>, let y = try run(x, inverse: inverse, threads: threads) as? Matrix<Scalar> { return y }
            return try run(x, inverse: inverse, threads: threads)
        }

        private func run<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, inverse: Bool, threads: Int) throws -> Matrix<Scalar> {
            let f = configuration.function
            let (y, flag) = try RowKernels.mapElements(x, blockRows: Swift.max(16, 32768 / Swift.max(x.columns, 1)), threads: threads) { value, _ in
                Scalar(inverse ? f.invert(Double(value)) : f.apply(Double(value)))
            }
            guard let flag else { return y }
            let column = inputSchema.names[flag.column]
            let input = Double(x[flag.row, flag.column])
            if flag.inInput {
                throw FeatureError.infiniteValue(transform: FunctionTransformer.name, row: flag.row, column: column, value: input)
            }
            if flag.value.isNaN || !inverse {
                // Forward: NaN, or -inf at the domain's edge (log1p(-1), log(0)).
                throw FeatureError.outOfDomain(transform: FunctionTransformer.name, row: flag.row, column: column, value: input,
                                               requirement: inverse ? f.inverseRequirement : f.requirement)
            }
            throw FeatureError.overflow(transform: FunctionTransformer.name, row: flag.row, column: column, value: input)
        }
    }
}

// File-scope wrappers: inside `Function` the names `log1p` and `log` are its cases.
@inline(__always) private func libmLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func libmLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func libmExpm1(_ x: Double) -> Double { expm1(x) }
@inline(__always) private func libmExp(_ x: Double) -> Double { exp(x) }

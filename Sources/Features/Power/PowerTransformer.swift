import LinearAlgebra
import Statistics

/// Make each column more Gaussian with a power transform whose parameter is fitted by maximum
/// likelihood, then (by default) standardise it.
///
/// Yeo-Johnson, for any real `x`:
/// `x >= 0: ((x + 1)^l - 1) / l` (`log(x + 1)` at `l = 0`);
/// `x < 0: -((1 - x)^(2 - l) - 1) / (2 - l)` (`-log(1 - x)` at `l = 2`).
/// Box-Cox, for `x > 0`: `(x^l - 1) / l` (`log x` at `l = 0`).
/// Each column's `l` maximises the Gaussian log-likelihood of the transformed column:
/// Yeo-Johnson `-n/2 log var(y) + (l - 1) sum sign(x) log(1 + |x|)` by Brent's bounded method
/// (SciPy's `fminbound`) on bounds that keep `y` away from overflow; Box-Cox
/// `(l - 1) sum log x - n/2 log var(y)` by Brent's method from the bracket (-2, 2), then capped so
/// the transformed extreme stays below `Double.max / 1e4` (SciPy's `ymax` guard).
///
/// scikit-learn equivalent: `sklearn.preprocessing.PowerTransformer(method=, standardize=)`
/// (which calls `scipy.stats.yeojohnson` / `boxcox`). The minimisers are transcribed from SciPy
/// step for step and the likelihoods use NumPy's pairwise summation, so lambdas agree with
/// scikit-learn's to ~1e-8 (the minimiser's tolerance), not bit for bit (glibc's `log`/`expm1`
/// against NumPy's). Semantics: NaN is ignored by `fit` and kept by `transform`; a Yeo-Johnson
/// column that is constant (scikit-learn's `_is_constant_feature`) gets `l = 1` (the identity).
/// Different from scikit-learn: that constant test looks at the non-NaN values (scikit-learn's
/// mean and variance are NaN for a column with NaN, so it optimises a flat likelihood and returns
/// an arbitrary lambda); `Float` input is fitted and transformed in `Double`; nothing becomes NaN
/// silently: a Box-Cox value `<= 0`, ±infinity, an overflow to infinity, or an inverse outside the
/// map's range is a typed error naming row and column.
public struct PowerTransformer: Sendable, Hashable, Codable {
    /// The power family.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// Yeo-Johnson: any real input (scikit-learn's default).
        case yeoJohnson
        /// Box-Cox: strictly positive input.
        case boxCox
    }

    /// scikit-learn's `method`.
    public let method: Method
    /// Standardise the transformed columns to zero mean and unit variance (scikit-learn's
    /// `standardize`), with `StandardScaler`.
    public let standardize: Bool

    public init(method: Method = .yeoJohnson, standardize: Bool = true) {
        self.method = method
        self.standardize = standardize
    }

    static let name = "PowerTransformer"

    /// Fits one lambda per column (columns in parallel on `threads` threads; each column's search
    /// is sequential, so the result does not depend on the thread count), then the scaler.
    /// - Throws: `FeatureError.emptyInput`; `.infiniteValue` (row, column); `.noObservedValues`
    ///   for an all-NaN column; Box-Cox: `.outOfDomain` for the first value `<= 0` (row, column),
    ///   `.fitFailed` for a constant column or a likelihood without an interior maximum;
    ///   Yeo-Johnson: `.fitFailed` when values of both signs are so large (~1e150) that no lambda
    ///   keeps the transform finite (scikit-learn raises there too);
    ///   `.overflow` when the transformed training data overflows; `.columnCountMismatch` /
    ///   `.invalidColumnNames` for bad names.
    /// - Complexity: O(rows) per likelihood evaluation, ~20-60 evaluations per column; one
    ///   transformed copy of `x` in Double for the scaler.
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1) throws -> Fitted {
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: Self.name)
        guard x.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        let method = self.method
        let rows = x.rows
        // Per column: the non-NaN values (as Double), validated in row order.
        let fits: [Double] = try ParallelRows.map(count: x.columns, threads: threads) { j in
            let column = try x.column(j)
            var values: [Double] = []
            values.reserveCapacity(rows)
            for i in 0..<rows {
                let v = Double(column[i])
                if v.isNaN { continue }
                if v.isInfinite {
                    throw FeatureError.infiniteValue(transform: Self.name, row: i, column: schema.names[j], value: v)
                }
                if method == .boxCox && v <= 0 {
                    throw FeatureError.outOfDomain(transform: Self.name, row: i, column: schema.names[j], value: v,
                                                   requirement: "Box-Cox needs strictly positive values")
                }
                values.append(v)
            }
            guard !values.isEmpty else { throw FeatureError.noObservedValues(transform: Self.name, column: schema.names[j]) }
            return try Self.fitLambda(values, method: method, column: schema.names[j])
        }
        let lambdas = fits
        guard standardize else {
            return Fitted(configuration: self, inputSchema: schema, lambdas: lambdas, scaler: nil)
        }
        // The transformed training data, for the scaler (in Double).
        let unscaled = Fitted(configuration: PowerTransformer(method: method, standardize: false),
                              inputSchema: schema, lambdas: lambdas, scaler: nil)
        let xd: Matrix<Double> = try (x as? Matrix<Double>) ?? Matrix(rows: x.rows, columns: x.columns, elements: x.elements.map { Double($0) })
        let transformed = try unscaled.transform(xd, columnNames: nil, threads: threads)
        let scaler = try StandardScaler().fit(transformed, columnNames: schema.names, threads: threads)
        return Fitted(configuration: self, inputSchema: schema, lambdas: lambdas, scaler: scaler)
    }

    /// The lambda of one column's non-NaN values.
    static func fitLambda(_ values: [Double], method: Method, column: String) throws -> Double {
        let result: ScalarMinimizer.Result
        switch method {
        case .yeoJohnson:
            let (mean, variance) = PowerMath.variance(values)
            if PowerMath.isConstant(variance: variance, mean: mean, count: values.count) { return 1 }
            do {
                result = try PowerMath.yeoJohnsonLambda(values)
            } catch let failure as ScalarMinimizer.BracketFailure {
                throw FeatureError.fitFailed(transform: name, column: column, reason: failure.reason)
            }
        case .boxCox:
            if values.allSatisfy({ $0 == values[0] }) {
                throw FeatureError.fitFailed(transform: name, column: column,
                                             reason: "Box-Cox cannot be fitted on a constant column (the likelihood has no maximum)")
            }
            do {
                result = try PowerMath.boxCoxLambda(values)
            } catch let failure as ScalarMinimizer.BracketFailure {
                throw FeatureError.fitFailed(transform: name, column: column, reason: failure.reason)
            }
        }
        guard result.x.isFinite else {
            throw FeatureError.fitFailed(transform: name, column: column, reason: "the likelihood search produced a non-finite lambda")
        }
        return result.x
    }

    /// A fitted PowerTransformer: scikit-learn's `lambdas_` and its `_scaler`.
    public struct Fitted: InvertibleTransform, Hashable {
        public let configuration: PowerTransformer
        public let inputSchema: FeatureSchema
        /// The fitted lambda per column (scikit-learn's `lambdas_`).
        public let lambdas: [Double]
        /// The scaler fitted on the transformed training data (nil without `standardize`).
        public let scaler: StandardScaler.Fitted?

        public var outputNames: [String] { inputSchema.names }

        /// After decoding (a model file's fitted state is data anyone can edit): one finite lambda
        /// per column, and a scaler over the same columns (the scaler checked itself as it was decoded).
        /// - Throws: `FeatureError.invalidSpec` naming the field.
        func checkDecoded() throws {
            let n = inputSchema.count
            guard lambdas.count == n else {
                throw FeatureError.invalidSpec(path: "PowerTransformer.lambdas", reason: "\(lambdas.count) entries for \(n) columns")
            }
            if let j = lambdas.firstIndex(where: { !$0.isFinite }) {
                throw FeatureError.invalidSpec(path: "PowerTransformer.lambdas", reason: "non-finite value \(lambdas[j]) for column '\(inputSchema.names[j])'")
            }
            if let scaler {
                guard scaler.inputSchema.count == n else {
                    throw FeatureError.invalidSpec(path: "PowerTransformer.scaler", reason: "\(scaler.inputSchema.count) columns for \(n)")
                }
            }
        }

        /// The power map (then the scaler) element-wise into a new matrix, over fixed row blocks
        /// on `threads` threads (the result does not depend on it); NaN kept.
        /// - Throws: `.columnCountMismatch` / `.schemaMismatch`; `.infiniteValue`; Box-Cox
        ///   `.outOfDomain` for a value `<= 0`; `.overflow` when a finite value transforms to
        ///   infinity (far outside the training range); each names the first row and column.
        /// - Complexity: one read, one write, ~2 libm calls per element.
        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: PowerTransformer.name)
            return try dispatch(x, inverse: false, threads: threads)
        }

        /// The scaler's inverse, then the inverse power map.
        /// - Throws: `.columnCountMismatch`; `.infiniteValue`; `.outOfDomain` for a value outside
        ///   the range of the fitted map (where NumPy would return NaN); `.overflow`.
        public func inverseTransform<Scalar: LinearAlgebraScalar>(_ y: Matrix<Scalar>, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: y.columns, names: nil, transform: PowerTransformer.name)
            return try dispatch(y, inverse: true, threads: threads)
        }

        private func dispatch<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, inverse: Bool, threads: Int) throws -> Matrix<Scalar> {
            if let x = x as? Matrix<Double>, let y = try run(x, inverse: inverse, threads: threads) as? Matrix<Scalar> { return y }
            if let x = x as? Matrix<Float>, let y = try run(x, inverse: inverse, threads: threads) as? Matrix<Scalar> { return y }
            return try run(x, inverse: inverse, threads: threads)
        }

        private func run<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, inverse: Bool, threads: Int) throws -> Matrix<Scalar> {
            let lambdas = self.lambdas
            let n = lambdas.count
            let affine = scaler?.affine
            let offset = affine?.offset ?? Array(repeating: 0, count: n)
            let factor = affine?.factor ?? Array(repeating: 1, count: n)
            let inverseFactor = affine?.inverseFactor ?? Array(repeating: 1, count: n)
            let boxCox = configuration.method == .boxCox
            let (y, flag) = try RowKernels.mapElements(x, blockRows: Swift.max(16, 32768 / Swift.max(x.columns, 1)), threads: threads) { value, j in
                let v = Double(value)
                if inverse {
                    let u = v * inverseFactor[j] + offset[j]
                    return Scalar(boxCox ? PowerMath.boxCoxInverse(u, lambdas[j]) : PowerMath.yeoJohnsonInverse(u, lambdas[j]))
                }
                let u = boxCox ? PowerMath.boxCox(v, lambdas[j]) : PowerMath.yeoJohnson(v, lambdas[j])
                return Scalar((u - offset[j]) * factor[j])
            }
            guard let flag else { return y }
            let column = inputSchema.names[flag.column]
            let input = Double(x[flag.row, flag.column])
            if flag.inInput {
                throw FeatureError.infiniteValue(transform: PowerTransformer.name, row: flag.row, column: column, value: input)
            }
            if !inverse && boxCox && input <= 0 {
                throw FeatureError.outOfDomain(transform: PowerTransformer.name, row: flag.row, column: column, value: input,
                                               requirement: "Box-Cox needs strictly positive values")
            }
            if inverse && flag.value.isNaN {
                throw FeatureError.outOfDomain(transform: PowerTransformer.name, row: flag.row, column: column, value: input,
                                               requirement: "the value is outside the range of the fitted power map (lambda \(lambdas[flag.column]))")
            }
            throw FeatureError.overflow(transform: PowerTransformer.name, row: flag.row, column: column, value: input)
        }
    }
}

/// The largest square matrix the dense solvers build: LinearRegression's and Ridge's d x d factors
/// (Gram, R, SVD) and Newton-Cholesky's p x p Hessian. 16,384 columns make a 2 GiB matrix; beyond
/// that (e.g. PolynomialFeatures degree 30 on 4 columns: 46,376 features, a 17 GB factor) the
/// allocation alone would fail or exhaust the machine, so the fit is refused up front.
enum DenseSolverLimit {
    static let maximumOrder = 16_384

    /// - Throws: `ModelError.invalidParameter` (`X`) naming the order, its memory and the way out.
    static func check(model: String, solver: String, order: Int) throws {
        guard order > maximumOrder else { return }
        let gib = (Double(order) * Double(order) * 8 / Double(1 << 30) * 10).rounded() / 10
        throw ModelError.invalidParameter(
            model: model, parameter: "X",
            reason: "solver '\(solver)' needs a \(order) x \(order) matrix (\(gib) GiB), more than the \(maximumOrder) x \(maximumOrder) limit; use fewer features\(model == "LogisticRegression" ? " or the lbfgs solver" : "")")
    }
}

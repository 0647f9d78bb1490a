/// Problems of the production lifecycle (profiles, drift, model files), named precisely.
public enum LifecycleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Profiling or comparing a table without rows.
    case emptyTable(what: String)
    /// A parameter outside its domain.
    case invalidParameter(parameter: String, reason: String)

    public var description: String {
        switch self {
        case let .emptyTable(what):
            return "\(what): the table has no rows"
        case let .invalidParameter(parameter, reason):
            return "invalid parameter '\(parameter)': \(reason)"
        }
    }
}

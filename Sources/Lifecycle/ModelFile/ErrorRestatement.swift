import Features
import LinearAlgebra
import Models
import Statistics
import Tabular

/// Errors of the features pipeline and the model restated in the caller's terms: rows of a block
/// as rows of the whole input (a stream processed block by block: the transforms and models name
/// rows of the block, the caller knows where it starts), and a column of the model's input X as the
/// feature it holds.
public enum ErrorRestatement {
    /// `body`, with a non-finite value in the model's input X restated as
    /// `LifecycleError.nonFiniteFeature` naming the feature (`featureNames`: the pipeline's outputs).
    static func namingFeatures<T>(_ featureNames: [String], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let ModelError.nonFiniteValue(model, "X", row, column?, value) where featureNames.indices.contains(column) {
            throw LifecycleError.nonFiniteFeature(model: model, feature: featureNames[column], row: row, value: value)
        }
    }

    /// `error` with every row it names moved by `offset` (saturating; errors without rows unchanged).
    static func shiftingRows(_ error: any Error, by offset: Int) -> any Error {
        guard offset != 0 else { return error }
        return mappingRows(error) { row in row.addingReportingOverflow(offset).overflow ? Int.max : row + offset }
    }

    /// The data row `error` names (0-based), if it names one: the row of a non-finite value, an
    /// unknown category, a stray text value, a bad label... (nil for errors about a column, a
    /// parameter or a file as a whole).
    public static func row(of error: any Error) -> Int? {
        var found: Int?
        _ = mappingRows(error) { row in
            if found == nil { found = row }
            return row
        }
        return found
    }

    /// `error` with every row it names replaced by `moved(row)` (errors without rows unchanged).
    static func mappingRows(_ error: any Error, _ moved: (Int) -> Int) -> any Error {
        switch error {
        case let error as FeatureError:
            switch error {
            case let .infiniteValue(transform, row, column, value):
                return FeatureError.infiniteValue(transform: transform, row: moved(row), column: column, value: value)
            case let .overflow(transform, row, column, value):
                return FeatureError.overflow(transform: transform, row: moved(row), column: column, value: value)
            case let .missingValue(transform, row, column):
                return FeatureError.missingValue(transform: transform, row: moved(row), column: column)
            case let .invalidEncodedValue(transform, row, column, value, reason):
                return FeatureError.invalidEncodedValue(transform: transform, row: moved(row), column: column, value: value, reason: reason)
            case let .outOfDomain(transform, row, column, value, requirement):
                return FeatureError.outOfDomain(transform: transform, row: moved(row), column: column, value: value, requirement: requirement)
            case let .unknownCategory(transform, column, value, row?):
                return FeatureError.unknownCategory(transform: transform, column: column, value: value, row: moved(row))
            case let .invalidTarget(transform, row?, reason):
                return FeatureError.invalidTarget(transform: transform, row: moved(row), reason: reason)
            default:
                return error
            }
        case let error as ModelError:
            switch error {
            case let .nonFiniteValue(model, argument, row, column, value):
                return ModelError.nonFiniteValue(model: model, argument: argument, row: moved(row), column: column, value: value)
            case let .negativeWeight(model, row, value):
                return ModelError.negativeWeight(model: model, row: moved(row), value: value)
            case let .mixedLabelTypes(model, row):
                return ModelError.mixedLabelTypes(model: model, row: moved(row))
            case let .linearAlgebra(model, underlying):
                return ModelError.linearAlgebra(model: model, underlying: mappingRows(underlying, moved) as? LinearAlgebraError ?? underlying)
            case let .continuousTarget(model, row, value):
                return ModelError.continuousTarget(model: model, row: moved(row), value: value)
            default:
                return error
            }
        case let LinearAlgebraError.nonFinite(operation, row, column, value):
            return LinearAlgebraError.nonFinite(operation: operation, row: moved(row), column: column, value: value)
        case let StatisticsError.infiniteValue(row, column, value):
            return StatisticsError.infiniteValue(row: moved(row), column: column, value: value)
        case let LifecycleError.nonFiniteFeature(model, feature, row, value):
            return LifecycleError.nonFiniteFeature(model: model, feature: feature, row: moved(row), value: value)
        case let LifecycleError.invalidTarget(column, row?, reason):
            return LifecycleError.invalidTarget(column: column, row: moved(row), reason: reason)
        case let TableError.notNumeric(column, row, value):
            return TableError.notNumeric(column: column, row: moved(row), value: value)
        default:
            return error
        }
    }
}

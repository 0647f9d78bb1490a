import Foundation

/// Decoding that checks the profile (`checkDecoded`), whichever way it is decoded: a profile saved
/// with `JSONEncoder` and edited (edges out of order, fewer fractions than bins, negative counts)
/// would otherwise give `DriftReport(profile:table:)` a silently wrong PSI.
extension DataProfile {
    private enum CheckedKeys: String, CodingKey { case rowCount, names, columns }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        rowCount = try c.decode(Int.self, forKey: .rowCount)
        names = try c.decode([String].self, forKey: .names)
        columns = try c.decode([ColumnProfile].self, forKey: .columns)
        do {
            try checkDecoded()
        } catch let error as LifecycleError {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }
}

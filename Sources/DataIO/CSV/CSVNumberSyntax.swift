import CFastFloat

/// The numbers the CSV reader accepts, and how they are parsed.
///
/// Syntax: an optional `+` or `-`, digits with an optional `.` (".5" and "5." are numbers), an optional
/// exponent (`e` or `E`, optional sign, digits). ASCII spaces and tabs around the number are allowed
/// (as pandas and `strtod` do); nothing else is: no hexadecimal, no thousands separators, no
/// decimal comma (use `delimiter: ";"` and convert), no `_`.
///
/// Values: correctly rounded to the nearest Double, ties to even (the same value as Swift's
/// `Double(String)`, `strtod`, numpy and Python's `float`), so the shortest representation that the
/// writer prints reads back bit for bit. Underflow rounds to a subnormal or to (signed) zero.
/// Refused with an error naming the cell in a column declared numeric: a finite literal beyond
/// `Double.greatestFiniteMagnitude` ("1e400": overflow), and infinities or NaN spelled out ("inf",
/// "-Infinity", "NAN") unless the token is one of `missingValues` (by default "NaN" and "nan" are,
/// and read as missing). In an inferred column a spelled-out infinity ("inf", "infinity", any case,
/// optional sign) and an overflowing literal ("1e400") are read as ±infinity, as pandas and polars
/// do, whatever the block size; the transforms and fits then refuse them with an error naming the
/// row and column. NaN spellings that are not missing-value tokens make an inferred column
/// categorical (see `CSVReadOptions.columnTypes`).
///
/// **Why fast_float** (`CFastFloat`, Daniel Lemire's algorithm, header-only C++ from Debian's
/// libfast-float-dev) rather than Swift's `Double(Substring)`: both are correctly rounded (Swift's
/// calls `strtod_l`), but fast_float was 3.1x to 4.5x faster per number in
/// `featurekit bench --only csv.parse` (the first 1,000,000 tokens of the canonical 1,000,000 x 32
/// CSV, shortest round-trip digits, one thread, one `Substring` per token made untimed):
///
/// | run (2026-11-27, 2-core Xeon, shared and loaded: load average 10-14) | Double(Substring) | fast_float |
/// |---|---|---|
/// | 1 | 494 ns/number | 158 ns/number |
/// | 2 | 775 ns/number | 174 ns/number |
/// | 3 | 487 ns/number | 107 ns/number |
///
/// (Wall time on a busy machine: the absolute figures are inflated, the ratio is what counts.)
/// In the reader fast_float also parses in place from the file buffer, with no `Substring` at all,
/// and it stops at the first byte that is not part of the number, so the tokenizer does not scan
/// a numeric field twice.
public enum CSVNumberSyntax {
    /// `text` as a number under the reader's rules, or nil when it is not one (also for overflow and
    /// spelled-out infinities or NaN).
    public static func parse(_ text: Substring) -> Double? {
        var value = 0.0
        let status: Int32? = text.utf8.withContiguousStorageIfAvailable { buffer in
            CSVPieceParser.parseNumber(buffer, &value)
        }
        if let status { return status == Int32(FK_PARSE_OK) ? value : nil }
        var copy = String(text)
        return copy.withUTF8 { CSVPieceParser.parseNumber($0, &value) } == Int32(FK_PARSE_OK) ? value : nil
    }
}

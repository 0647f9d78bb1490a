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
/// Refused with an error naming the cell: a finite literal beyond `Double.greatestFiniteMagnitude`
/// ("1e400": overflow), and infinities or NaN spelled out ("inf", "-Infinity", "NAN") unless the
/// token is one of `missingValues` (by default "NaN" and "nan" are, and read as missing). Infinities
/// are refused because every fit downstream refuses them, and the error is clearer at the cell.
///
/// **Why fast_float** (`CFastFloat`, Daniel Lemire's algorithm, header-only C++ from Debian's
/// libfast-float-dev) rather than Swift's `Double(Substring)`: both are correctly rounded, but on
/// the 1,000,000 x 32 synthetic benchmark tokens (shortest representations, 17-19 characters) Swift's
/// parser took ~104 ns a number against ~23 ns for fast_float, one thread, this machine
/// (`featurekit bench --only csv.parse`: "csv.parse Double(Substring)" vs "csv.parse fast_float";
/// figures in BENCHMARKS.md). At 32 million numbers that is 3.3 s against 0.7 s of a 2-core budget
/// of ~1 s. fast_float also needs no `Substring` per token: it parses in place from the file buffer.
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

// CFastFloat: a C-callable face of fast_float (Debian's libfast-float-dev, header-only C++), plus the
// byte scans the CSV reader needs (record boundaries that respect quotes). See README.md for why.
#ifndef CFASTFLOAT_H
#define CFASTFLOAT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// fk_parse_double status codes.
enum {
    /// A finite number, correctly rounded (round to nearest, ties to even; underflow gives 0 or a subnormal).
    FK_PARSE_OK = 0,
    /// Not a number (no digits, or nothing parsable at the start).
    FK_PARSE_INVALID = 1,
    /// A finite literal whose magnitude exceeds the largest finite value (e.g. "1e400").
    FK_PARSE_OVERFLOW = 2,
    /// An infinity or NaN spelled out ("inf", "-Infinity", "nan").
    FK_PARSE_NONFINITE = 3,
};

/// Parses the whole of [first, first + length) as a decimal number: an optional '+' or '-', digits with
/// an optional '.', an optional exponent (e or E). No spaces, no hexadecimal. Returns FK_PARSE_INVALID
/// when any character is left over. *out is written only for FK_PARSE_OK.
int fk_parse_double(const char *first, size_t length, double *out);

/// Parses the longest number at the start of [first, last); returns how many bytes it used (0 when
/// none), and the status in *status. Used by the CSV reader's fast path, which then checks that a
/// delimiter or line end follows.
size_t fk_parse_double_prefix(const char *first, const char *last, double *out, int *status);

/// The reader's common-shape parser alone (for tests): an optional '-', digits with an optional '.',
/// an optional exponent, at most 19 digits. Returns the bytes used, or 0 when it refuses the text (the
/// reader then calls fk_parse_double_prefix); when it accepts, *out is bit-identical to fast_float's
/// value and the length equals fk_parse_double_prefix's.
size_t fk_parse_common_prefix(const char *first, const char *last, double *out);

/// The reader's AVX2 plain-decimal field parser alone (for tests): parses the field [start, end)
/// (end: where the reader found the next delimiter or line end) when it is an optional '-' and 1 to
/// 31 bytes of digits with at most one '.' and at least one digit, with at most 19 significant
/// digits. It reads [end - 33, end), so it refuses (returns 0) unless start - first >= 33 and
/// end <= last, and it refuses anything else it does not handle (the reader then calls
/// fk_parse_common_prefix / fk_parse_double_prefix from `start`). When it accepts it returns 1, and
/// then fk_parse_double_prefix(start, last) (with a delimiter or line end at `end`) uses end - start
/// bytes, with status FK_PARSE_OK and the same *out. Always 0 without AVX2 and BMI2.
int fk_parse_plain_field(const char *first, const char *start, const char *end, const char *last, double *out);

/// 1 when this CPU runs the AVX2 plain-decimal path of fk_parse_numeric_lines, else 0.
int fk_plain_path_available(void);

/// The same for float (correctly rounded to binary32).
int fk_parse_float(const char *first, size_t length, float *out);

/// Record boundaries of a CSV buffer that starts at a record start, outside quotes. Quote state is the
/// parity of `quote` bytes seen (RFC 4180: a doubled quote inside a quoted field counts twice).
/// For each of the `count` ascending offsets in `targets`, `ends[k]` is the offset just after the
/// first '\n' at or after `targets[k]` with even parity (or `length` when there is none). Returns the
/// offset just after the last '\n' with even parity (0 when there is none).
size_t fk_record_ends(const char *buffer, size_t length, char quote, const size_t *targets, size_t count,
                      size_t *ends);

/// The number of '\n' bytes in [buffer, buffer + length).
size_t fk_count_newlines(const char *buffer, size_t length);

/// One pass over [buffer, buffer + length) for the reader's block split, run on several threads over
/// parts of a block: returns the number of '\n' bytes, and sets *has_quote to 1 when a `quote` byte
/// occurs (0 otherwise; the count is then not meaningful and the scan may stop early).
size_t fk_scan_newlines_and_quotes(const char *buffer, size_t length, char quote, int *has_quote);

/// fk_record_ends for a buffer known to hold no quote byte (every '\n' ends a record): the same
/// results without its own scan for quotes.
size_t fk_record_ends_unquoted(const char *buffer, size_t length, const size_t *targets, size_t count, size_t *ends);

/// The CSV reader's whole-line fast path: parses consecutive lines of [first, last) that consist of
/// exactly `width` unquoted numbers, each accepted by `fk_parse_double_prefix` with status
/// FK_PARSE_OK (a number must start with a digit, '-', '+' or '.'), separated by `delimiter`, the
/// last followed by "\n", "\r\n" or `last` (the end of the file). Line r's values go to
/// columns[c][row + r]. It stops before the first line that is anything else (a quote, a missing or
/// non-numeric token, spaces, a ragged or empty line, a bare '\r', ...), which the caller's general
/// parser then reads, or after `max_rows` lines. Returns the bytes consumed (always whole lines);
/// *rows_out gets the lines parsed and *newlines_out the '\n' bytes among them (one less than the
/// lines when the last ends at `last`). Values of the line it stopped at may have been written to
/// columns[c][row + *rows_out] (the caller overwrites or ignores them).
size_t fk_parse_numeric_lines(const char *first, const char *last, char delimiter, size_t width,
                              double *const *columns, size_t row, size_t max_rows,
                              size_t *rows_out, size_t *newlines_out);

/// fk_parse_numeric_lines's field-by-field loop alone (for tests): the same contract and results. On
/// CPUs with AVX2, fk_parse_numeric_lines reads a line at a time in batches of fields and hands a
/// line it does not take whole to this loop; both must agree on every input (lines taken, bytes
/// consumed, newlines, and every value bit for bit).
size_t fk_parse_numeric_lines_by_field(const char *first, const char *last, char delimiter, size_t width,
                                       double *const *columns, size_t row, size_t max_rows,
                                       size_t *rows_out, size_t *newlines_out);

#ifdef __cplusplus
}
#endif

#endif

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

#ifdef __cplusplus
}
#endif

#endif

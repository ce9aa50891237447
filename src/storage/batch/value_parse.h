#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "storage/batch/column.h"

namespace keel::batch {

// Parsers for the text forms of values that appear in SQL literals and in `add.stats`. They
// return nullopt on anything malformed or out of range; callers write the user-facing message.
// (The inverse of value_format.h; shared by storage/delta and storage/csv.)

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// "YYYY-MM-DD" (a sign and more than four year digits allowed, as FormatDate writes them).
std::optional<int32_t> ParseDate(std::string_view text);

struct ParsedTimestamp {
  int64_t micros = 0;       // since the epoch, UTC (the zone offset applied)
  int fraction_digits = 0;  // digits written after the seconds' point (0 when none)
};

// "YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][Z|+HH:MM|-HH:MM|+HHMM]" or a bare date (midnight).
// Without a zone the time is taken as UTC. Digits beyond microseconds are truncated.
std::optional<ParsedTimestamp> ParseTimestamp(std::string_view text);

struct ParsedDecimal {
  Int128 unscaled = 0;
  int precision = 1;  // significant digits, at least 1 and at least scale
  int scale = 0;
};

// "[-+]digits[.digits]" with at most kMaxDecimalPrecision digits in all.
std::optional<ParsedDecimal> ParseDecimal(std::string_view text);

// `d` rescaled from `from_scale` to `to_scale` (to_scale >= from_scale); nullopt on overflow
// of 38 digits.
std::optional<Int128> RescaleDecimal(Int128 d, int from_scale, int to_scale);

// 10^n for 0 <= n <= 38.
Int128 PowerOfTen(int n);

}  // namespace keel::batch

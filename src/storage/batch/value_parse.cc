#include "storage/batch/value_parse.h"

#include <algorithm>

#include "storage/batch/data_type.h"

namespace keel::batch {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
// Years beyond this are refused so that micros never overflow int64 (±292,000 years).
constexpr int64_t kMaxAbsYear = 200000;

// Reads exactly `n` digits at *pos.
std::optional<int64_t> Digits(std::string_view s, size_t* pos, size_t n) {
  if (s.size() - *pos < n) return std::nullopt;
  int64_t v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[*pos + k];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  return v;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// The date at the front of `s`; *pos is left after it.
std::optional<int64_t> DatePrefix(std::string_view s, size_t* pos) {
  bool negative = false;
  if (*pos < s.size() && (s[*pos] == '+' || s[*pos] == '-')) {
    negative = s[*pos] == '-';
    ++*pos;
  }
  size_t start = *pos;
  int64_t year = 0;
  while (*pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9' && *pos - start < 7) {
    year = year * 10 + (s[*pos] - '0');
    ++*pos;
  }
  if (*pos - start < 4 || year > kMaxAbsYear) return std::nullopt;
  if (negative) year = -year;
  if (*pos >= s.size() || s[(*pos)++] != '-') return std::nullopt;
  auto month = Digits(s, pos, 2);
  if (!month || *pos >= s.size() || s[(*pos)++] != '-') return std::nullopt;
  auto day = Digits(s, pos, 2);
  if (!day || *month < 1 || *month > 12) return std::nullopt;
  if (*day < 1 || *day > DaysInMonth(year, static_cast<unsigned>(*month))) return std::nullopt;
  return DaysFromCivil(year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
}

// "Z", "+HH:MM", "-HH:MM", "+HHMM", "+HH" at *pos, as seconds east of UTC.
std::optional<int64_t> ZoneOffsetSeconds(std::string_view s, size_t* pos) {
  if (s[*pos] == 'Z' || s[*pos] == 'z') {
    ++*pos;
    return 0;
  }
  if (s[*pos] != '+' && s[*pos] != '-') return std::nullopt;
  int64_t sign = s[(*pos)++] == '-' ? -1 : 1;
  auto hours = Digits(s, pos, 2);
  if (!hours || *hours > 18) return std::nullopt;
  int64_t minutes = 0;
  if (*pos < s.size()) {
    if (s[*pos] == ':') ++*pos;
    auto m = Digits(s, pos, 2);
    if (!m || *m > 59) return std::nullopt;
    minutes = *m;
  }
  return sign * (*hours * 3600 + minutes * 60);
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil, the inverse of batch's CivilFromDays.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int32_t> ParseDate(std::string_view text) {
  size_t pos = 0;
  auto days = DatePrefix(text, &pos);
  if (!days || pos != text.size()) return std::nullopt;
  return static_cast<int32_t>(*days);
}

std::optional<ParsedTimestamp> ParseTimestamp(std::string_view s) {
  size_t pos = 0;
  auto days = DatePrefix(s, &pos);
  if (!days) return std::nullopt;
  ParsedTimestamp out;
  out.micros = *days * kMicrosPerDay;
  if (pos == s.size()) return out;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
  ++pos;
  auto hour = Digits(s, &pos, 2);
  if (!hour || *hour > 23 || pos >= s.size() || s[pos++] != ':') return std::nullopt;
  auto minute = Digits(s, &pos, 2);
  if (!minute || *minute > 59) return std::nullopt;
  int64_t second = 0;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    auto sec = Digits(s, &pos, 2);
    if (!sec || *sec > 59) return std::nullopt;
    second = *sec;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (pos - start < 6) micros = micros * 10 + (s[pos] - '0');
        ++pos;
      }
      out.fraction_digits = static_cast<int>(pos - start);
      if (out.fraction_digits == 0 || out.fraction_digits > 9) return std::nullopt;
      for (int k = out.fraction_digits; k < 6; ++k) micros *= 10;
    }
  }
  int64_t offset_seconds = 0;
  if (pos < s.size()) {
    auto offset = ZoneOffsetSeconds(s, &pos);
    if (!offset || pos != s.size()) return std::nullopt;
    offset_seconds = *offset;
  }
  out.micros += ((*hour * 60 + *minute) * 60 + second - offset_seconds) * kMicrosPerSecond + micros;
  return out;
}

Int128 PowerOfTen(int n) {
  Int128 v = 1;
  for (int k = 0; k < n; ++k) v *= 10;
  return v;
}

std::optional<Int128> RescaleDecimal(Int128 d, int from_scale, int to_scale) {
  Int128 factor = PowerOfTen(to_scale - from_scale);
  Int128 out;
  if (__builtin_mul_overflow(d, factor, &out)) return std::nullopt;
  Int128 limit = PowerOfTen(batch::kMaxDecimalPrecision);
  if (out >= limit || out <= -limit) return std::nullopt;
  return out;
}

std::optional<ParsedDecimal> ParseDecimal(std::string_view s) {
  size_t pos = 0;
  bool negative = false;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) negative = s[pos++] == '-';
  ParsedDecimal out;
  int digits = 0;
  int significant = 0;
  bool seen_point = false;
  for (; pos < s.size(); ++pos) {
    char c = s[pos];
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    ++digits;
    if (seen_point) ++out.scale;
    if (significant > 0 || c != '0') ++significant;
    if (significant > batch::kMaxDecimalPrecision) return std::nullopt;
    out.unscaled = out.unscaled * 10 + (c - '0');
  }
  if (digits == 0 || out.scale > batch::kMaxDecimalPrecision) return std::nullopt;
  if (negative) out.unscaled = -out.unscaled;
  out.precision = std::max(std::max(significant, out.scale), 1);
  return out;
}

}  // namespace keel::batch

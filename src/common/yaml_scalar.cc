// Scalars by the YAML 1.2 core schema, and UTF-8 decoding: shared by yaml.cc and yaml_emit.cc.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include "common/yaml_internal.h"

namespace keel::yaml::internal {

size_t DecodeUtf8(std::string_view text, size_t pos, uint32_t* cp) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (len == 0 || b0 > 0xF4 || pos + len > text.size()) return 0;
  uint32_t value = b0 & (0x7F >> len);
  for (size_t i = 1; i < len; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kMinForLength[len] || value > 0x10FFFF) return 0;
  if (value >= 0xD800 && value <= 0xDFFF) return 0;
  *cp = value;
  return len;
}

namespace {

bool AllOf(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool IsOctal(char c) { return c >= '0' && c <= '7'; }

// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
bool IsCoreFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (i == s.size()) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i == s.size();
}

json::Value ParseDouble(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec == std::errc::result_out_of_range) {
    // Overflow reads as infinity and underflow as zero, as PyYAML's float() does.
    bool negative = !s.empty() && s[0] == '-';
    bool underflow =
        s.find_first_of("eE") != std::string_view::npos && s[s.find_first_of("eE") + 1] == '-';
    d = underflow ? 0.0 : HUGE_VAL;
    if (negative) d = -d;
  }
  return json::Value(d);
}

json::Value ParseInteger(std::string_view digits, int base, bool negative) {
  uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  bool fits =
      ec == std::errc() && magnitude <= (negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX});
  if (!fits) {
    // Too large for int64: a double, as keel's JSON parser does.
    double d = 0;
    for (char c : digits) d = d * base + (IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    return json::Value(negative ? -d : d);
  }
  if (negative) return json::Value(static_cast<int64_t>(0 - magnitude));
  return json::Value(static_cast<int64_t>(magnitude));
}

}  // namespace

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), s) != words.end();
}

// The value of a plain scalar other than the null forms (yaml-cpp reports those as nulls).
json::Value ResolvePlain(std::string_view s) {
  if (IsOneOf(s, {"true", "True", "TRUE"})) return json::Value(true);
  if (IsOneOf(s, {"false", "False", "FALSE"})) return json::Value(false);
  if (IsOneOf(s, {"null", "Null", "NULL", "~"})) return json::Value();
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (AllOf(body, IsDigit)) return ParseInteger(body, 10, negative);
  if (body.size() > 2 && body.size() == s.size() && body[0] == '0') {
    if (body[1] == 'x' && AllOf(body.substr(2), IsHex))
      return ParseInteger(body.substr(2), 16, false);
    if (body[1] == 'o' && AllOf(body.substr(2), IsOctal))
      return ParseInteger(body.substr(2), 8, false);
  }
  if (IsCoreFloat(s)) return ParseDouble(s);
  if (IsOneOf(body, {".inf", ".Inf", ".INF"})) return json::Value(negative ? -HUGE_VAL : HUGE_VAL);
  if (IsOneOf(s, {".nan", ".NaN", ".NAN"})) return json::Value(std::nan(""));
  return json::Value(std::string(s));
}

}  // namespace keel::yaml::internal

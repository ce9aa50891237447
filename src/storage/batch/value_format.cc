#include "storage/batch/value_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "common/base64.h"
#include "common/json.h"

namespace keel::batch {

namespace {

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::string FormatYmd(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  if (y >= 0 && y <= 9999) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  } else {
    std::snprintf(buf, sizeof(buf), "%+05lld-%02u-%02u", static_cast<long long>(y), m, d);
  }
  return buf;
}

template <typename F>
void AppendFloat(F v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), v);
    out->append(buf, res.ptr);
  }
}

template <typename F>
std::string FloatText(F v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

}  // namespace

std::string FormatDate(int32_t days) { return FormatYmd(days); }

std::string FormatTimestampMicros(int64_t micros, bool utc) {
  constexpr int64_t kPerDay = 86400LL * 1000000;
  int64_t days = micros / kPerDay;
  int64_t rem = micros % kPerDay;
  if (rem < 0) {
    rem += kPerDay;
    --days;
  }
  int64_t secs = rem / 1000000;
  int64_t frac = rem % 1000000;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "T%02lld:%02lld:%02lld.%06lld%s",
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60), static_cast<long long>(frac), utc ? "Z" : "");
  return FormatYmd(days) + buf;
}

std::string FormatDecimal(Int128 unscaled, int scale) {
  bool negative = unscaled < 0;
  unsigned __int128 mag = negative ? -static_cast<unsigned __int128>(unscaled)
                                   : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  } while (mag > 0);
  while (static_cast<int>(digits.size()) <= scale) digits.push_back('0');
  std::string out = negative ? "-" : "";
  for (int i = static_cast<int>(digits.size()) - 1; i >= 0; --i) {
    out.push_back(digits[i]);
    if (i == scale && scale > 0) out.push_back('.');
  }
  return out;
}


void AppendValueJson(const Column& c, int64_t i, std::string* out) {
  if (!c.IsValid(i)) {
    out->append("null");
    return;
  }
  switch (c.type.id) {
    case TypeId::kBoolean:
      out->append(c.bools[i] ? "true" : "false");
      return;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
      out->append(std::to_string(c.i32[i]));
      return;
    case TypeId::kLong:
      out->append(std::to_string(c.i64[i]));
      return;
    case TypeId::kFloat:
      AppendFloat(c.f32[i], out);
      return;
    case TypeId::kDouble:
      AppendFloat(c.f64[i], out);
      return;
    case TypeId::kString:
      json::AppendQuoted(c.StringAt(i), out);
      return;
    case TypeId::kBinary:
      json::AppendQuoted(Base64Encode(c.StringAt(i)), out);
      return;
    case TypeId::kDate:
      json::AppendQuoted(FormatDate(c.i32[i]), out);
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      json::AppendQuoted(FormatTimestampMicros(c.i64[i], c.type.id == TypeId::kTimestamp), out);
      return;
    case TypeId::kDecimal:
      json::AppendQuoted(FormatDecimal(c.dec[i], c.type.scale), out);
      return;
    case TypeId::kStruct:
      out->push_back('{');
      for (size_t k = 0; k < c.children.size(); ++k) {
        if (k) out->push_back(',');
        json::AppendQuoted(c.type.children[k].name, out);
        out->push_back(':');
        AppendValueJson(c.children[k], i, out);
      }
      out->push_back('}');
      return;
    case TypeId::kArray:
      out->push_back('[');
      for (int64_t j = c.offsets[i]; j < c.offsets[i + 1]; ++j) {
        if (j > c.offsets[i]) out->push_back(',');
        AppendValueJson(c.children[0], j, out);
      }
      out->push_back(']');
      return;
    case TypeId::kMap: {
      bool string_keys = c.children[0].type.id == TypeId::kString;
      out->push_back(string_keys ? '{' : '[');
      for (int64_t j = c.offsets[i]; j < c.offsets[i + 1]; ++j) {
        if (j > c.offsets[i]) out->push_back(',');
        if (string_keys) {
          AppendValueJson(c.children[0], j, out);
          out->push_back(':');
          AppendValueJson(c.children[1], j, out);
        } else {
          out->append("{\"key\":");
          AppendValueJson(c.children[0], j, out);
          out->append(",\"value\":");
          AppendValueJson(c.children[1], j, out);
          out->push_back('}');
        }
      }
      out->push_back(string_keys ? '}' : ']');
      return;
    }
  }
}

std::string RowToJson(const RecordBatch& batch, int64_t row) {
  std::string out = "{";
  for (size_t k = 0; k < batch.columns.size(); ++k) {
    if (k) out.push_back(',');
    json::AppendQuoted(batch.schema.fields[k].name, &out);
    out.push_back(':');
    AppendValueJson(batch.columns[k], row, &out);
  }
  out.push_back('}');
  return out;
}

std::string ValueToCsvField(const Column& c, int64_t i) {
  if (!c.IsValid(i)) return "";
  switch (c.type.id) {
    case TypeId::kString:
      return std::string(c.StringAt(i));
    case TypeId::kBinary:
      return Base64Encode(c.StringAt(i));
    case TypeId::kDate:
      return FormatDate(c.i32[i]);
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return FormatTimestampMicros(c.i64[i], c.type.id == TypeId::kTimestamp);
    case TypeId::kDecimal:
      return FormatDecimal(c.dec[i], c.type.scale);
    case TypeId::kFloat:
      return FloatText(c.f32[i]);
    case TypeId::kDouble:
      return FloatText(c.f64[i]);
    default: {
      std::string out;
      AppendValueJson(c, i, &out);
      return out;
    }
  }
}

std::string QuoteCsv(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char ch : field) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  out.push_back('"');
  return out;
}

}  // namespace keel::batch

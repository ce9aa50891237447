#include "storage/delta/partition_values.h"

#include <cerrno>
#include <cstdlib>

#include "storage/batch/value_format.h"
#include "storage/batch/value_parse.h"

namespace keel::delta {
namespace {

using batch::TypeId;
using batch::Value;

Status BadValue(std::string_view text, const batch::DataType& type) {
  return Status::Corruption("partition value '" + std::string(text) + "' is not a valid " +
                            type.ToString());
}

// True when an ISO/Spark timestamp text names its zone (Z or an offset after the time).
bool HasZone(std::string_view text) {
  if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) return true;
  size_t t = text.find_first_of("T ", 0);
  if (t == std::string_view::npos) return false;
  return text.find_first_of("+-", t) != std::string_view::npos;
}

bool ParseInt(std::string_view text, int64_t lo, int64_t hi, int64_t* out) {
  std::string s(text);
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

}  // namespace

Result<Value> ParsePartitionValue(const std::optional<std::string>& text,
                                  const batch::DataType& type, int naive_offset_minutes) {
  if (!text) return Value();
  const std::string& s = *text;
  if (type.id == TypeId::kString) return Value(s);
  if (s.empty()) return Value();
  int64_t n = 0;
  switch (type.id) {
    case TypeId::kBoolean:
      if (s == "true" || s == "TRUE" || s == "True") return Value(true);
      if (s == "false" || s == "FALSE" || s == "False") return Value(false);
      return BadValue(s, type);
    case TypeId::kByte:
      if (!ParseInt(s, -128, 127, &n)) return BadValue(s, type);
      return Value(n);
    case TypeId::kShort:
      if (!ParseInt(s, -32768, 32767, &n)) return BadValue(s, type);
      return Value(n);
    case TypeId::kInt:
      if (!ParseInt(s, INT32_MIN, INT32_MAX, &n)) return BadValue(s, type);
      return Value(n);
    case TypeId::kLong:
      if (!ParseInt(s, INT64_MIN, INT64_MAX, &n)) return BadValue(s, type);
      return Value(n);
    case TypeId::kFloat:
    case TypeId::kDouble: {
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (*end != '\0') return BadValue(s, type);
      if (type.id == TypeId::kFloat) return Value(static_cast<float>(d));
      return Value(d);
    }
    case TypeId::kBinary:
      return Value(s);
    case TypeId::kDate: {
      auto d = batch::ParseDate(s);
      if (!d) {
        // Some writers put a timestamp in a date partition; take its date.
        auto ts = batch::ParseTimestamp(s);
        if (!ts) return BadValue(s, type);
        int64_t days = ts->micros / 86400000000LL - (ts->micros % 86400000000LL < 0 ? 1 : 0);
        return Value(days);
      }
      return Value(static_cast<int64_t>(*d));
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      auto ts = batch::ParseTimestamp(s);
      if (!ts) return BadValue(s, type);
      int64_t micros = ts->micros;
      if (type.id == TypeId::kTimestamp && !HasZone(s)) {
        micros -= static_cast<int64_t>(naive_offset_minutes) * 60 * 1000000;
      }
      return Value(micros);
    }
    case TypeId::kDecimal: {
      auto d = batch::ParseDecimal(s);
      if (!d || d->scale > type.scale) return BadValue(s, type);
      auto scaled = batch::RescaleDecimal(d->unscaled, d->scale, type.scale);
      if (!scaled) return BadValue(s, type);
      return Value(*scaled);
    }
    default:
      return Status::Corruption("partition column of type " + type.ToString() +
                                " is not supported");
  }
}

Result<std::optional<std::string>> FormatPartitionValue(const batch::Column& c, int64_t i) {
  if (!c.IsValid(i)) return std::optional<std::string>();
  switch (c.type.id) {
    case TypeId::kBoolean:
      return std::optional<std::string>(c.bools[i] ? "true" : "false");
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
      return std::optional<std::string>(std::to_string(c.i32[i]));
    case TypeId::kLong:
      return std::optional<std::string>(std::to_string(c.i64[i]));
    case TypeId::kDate:
      return std::optional<std::string>(batch::FormatDate(c.i32[i]));
    case TypeId::kTimestamp:
      return std::optional<std::string>(batch::FormatTimestampMicros(c.i64[i], true));
    case TypeId::kTimestampNtz:
      return std::optional<std::string>(batch::FormatTimestampMicros(c.i64[i], false));
    case TypeId::kDecimal:
      return std::optional<std::string>(batch::FormatDecimal(c.dec[i], c.type.scale));
    case TypeId::kString:
      return std::optional<std::string>(std::string(c.StringAt(i)));
    default:
      return Status::InvalidArgument("a column of type " + c.type.ToString() +
                                           " cannot be a partition column");
  }
}

std::string PartitionDirectory(std::string_view column, const std::optional<std::string>& value) {
  static const char kHex[] = "0123456789ABCDEF";
  auto escape = [](std::string_view s, std::string* out) {
    for (unsigned char c : s) {
      bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
      if (keep) {
        out->push_back(static_cast<char>(c));
      } else {
        out->push_back('%');
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
      }
    }
  };
  std::string out;
  escape(column, &out);
  out.push_back('=');
  if (!value) {
    out += "__HIVE_DEFAULT_PARTITION__";
  } else {
    escape(*value, &out);
  }
  return out;
}

}  // namespace keel::delta

// Text cells and JSON values into typed columns: the one place that decides what text fits a
// type, shared by the CSV and JSON-lines readers and by schema inference.

#include <charconv>
#include <limits>

#include "common/base64.h"
#include "common/strings.h"
#include "storage/batch/value_parse.h"
#include "storage/csv/text_ingest_internal.h"

namespace keel::csv {

namespace {

using batch::Column;
using batch::TypeId;

// A number as from_chars reads it, with an optional '+' and nothing after it.
template <typename N>
bool ParseNumber(std::string_view s, N* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

bool ParseInt64Text(std::string_view s, int64_t* out) { return ParseNumber(s, out); }
bool ParseDoubleText(std::string_view s, double* out) { return ParseNumber(s, out); }
bool ParseBoolText(std::string_view s, bool* out) {
  *out = EqualsIgnoringCase(s, "true");
  return *out || EqualsIgnoringCase(s, "false");
}

namespace {

bool AppendInt32(int64_t v, int64_t lo, int64_t hi, Column* c) {
  if (v < lo || v > hi) return false;
  c->i32.push_back(static_cast<int32_t>(v));
  c->MarkAppendedValid();
  return true;
}

bool AppendInteger(int64_t v, Column* c) {
  switch (c->type.id) {
    case TypeId::kByte:
      return AppendInt32(v, INT8_MIN, INT8_MAX, c);
    case TypeId::kShort:
      return AppendInt32(v, INT16_MIN, INT16_MAX, c);
    case TypeId::kInt:
      return AppendInt32(v, INT32_MIN, INT32_MAX, c);
    default:
      c->i64.push_back(v);
      c->MarkAppendedValid();
      return true;
  }
}

// Decimals must fit the column's precision and may not carry more fraction digits than its
// scale: silently rounding money is worse than asking for a wider type.
bool AppendDecimal(std::string_view s, Column* c) {
  auto d = batch::ParseDecimal(s);
  if (!d || d->scale > c->type.scale) return false;
  auto v = batch::RescaleDecimal(d->unscaled, d->scale, c->type.scale);
  if (!v) return false;
  batch::Int128 limit = batch::PowerOfTen(c->type.precision);
  if (*v >= limit || *v <= -limit) return false;
  c->dec.push_back(*v);
  c->MarkAppendedValid();
  return true;
}

template <typename F>
bool AppendFloat(std::string_view s, std::vector<F>* values, Column* c) {
  F v;
  if (!ParseNumber(s, &v)) return false;
  values->push_back(v);
  c->MarkAppendedValid();
  return true;
}

void AppendBytes(std::string_view s, Column* c) {
  c->bytes.append(s);
  c->offsets.push_back(static_cast<int64_t>(c->bytes.size()));
  c->MarkAppendedValid();
}

}  // namespace

bool AppendCell(std::string_view s, Column* c) {
  switch (c->type.id) {
    case TypeId::kBoolean: {
      bool t;
      if (!ParseBoolText(s, &t)) return false;
      c->bools.push_back(t ? 1 : 0);
      c->MarkAppendedValid();
      return true;
    }
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong: {
      int64_t v;
      return ParseInt64Text(s, &v) && AppendInteger(v, c);
    }
    case TypeId::kFloat:
      return AppendFloat(s, &c->f32, c);
    case TypeId::kDouble:
      return AppendFloat(s, &c->f64, c);
    case TypeId::kString:
      AppendBytes(s, c);
      return true;
    case TypeId::kBinary: {
      auto bytes = Base64Decode(s);
      if (!bytes.ok()) return false;
      AppendBytes(*bytes, c);
      return true;
    }
    case TypeId::kDate: {
      auto d = batch::ParseDate(s);
      if (!d) return false;
      c->i32.push_back(*d);
      c->MarkAppendedValid();
      return true;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      auto ts = batch::ParseTimestamp(s);
      if (!ts) return false;
      c->i64.push_back(ts->micros);
      c->MarkAppendedValid();
      return true;
    }
    case TypeId::kDecimal:
      return AppendDecimal(s, c);
    case TypeId::kStruct:
    case TypeId::kArray:
    case TypeId::kMap: {
      json::ParseOptions options;
      options.max_depth = kMaxJsonDepth;
      auto v = json::Parse(s, options);
      return v.ok() && AppendJson(*v, c);
    }
  }
  return false;
}

bool AppendJson(const json::Value& v, Column* c) {
  if (v.is_null()) {
    c->AppendNull();
    return true;
  }
  switch (c->type.id) {
    case TypeId::kBoolean:
      if (!v.is_bool()) return false;
      c->bools.push_back(v.as_bool() ? 1 : 0);
      c->MarkAppendedValid();
      return true;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
      return v.is_int() && AppendInteger(v.as_int(), c);
    case TypeId::kFloat:
    case TypeId::kDouble:
      if (v.is_string()) return AppendCell(v.as_string(), c);  // "NaN", "Infinity"
      if (!v.is_number()) return false;
      if (c->type.id == TypeId::kFloat) {
        c->f32.push_back(static_cast<float>(v.as_double()));
      } else {
        c->f64.push_back(v.as_double());
      }
      c->MarkAppendedValid();
      return true;
    case TypeId::kString:
      // A column inferred from mixed values keeps the others as their JSON text.
      AppendBytes(v.is_string() ? std::string_view(v.as_string()) : std::string_view(v.Dump()), c);
      return true;
    case TypeId::kBinary:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return v.is_string() && AppendCell(v.as_string(), c);
    case TypeId::kDecimal:
      if (v.is_string()) return AppendCell(v.as_string(), c);
      return v.is_number() && AppendCell(v.Dump(), c);
    case TypeId::kStruct: {
      if (!v.is_object()) return false;
      for (size_t k = 0; k < c->children.size(); ++k) {
        const json::Value* member = v.Find(c->type.children[k].name);
        if (!AppendJson(member ? *member : json::Value(), &c->children[k])) return false;
      }
      c->MarkAppendedValid();
      return true;
    }
    case TypeId::kArray: {
      if (!v.is_array()) return false;
      for (const auto& e : v.as_array()) {
        if (!AppendJson(e, &c->children[0])) return false;
      }
      c->offsets.push_back(c->children[0].length);
      c->MarkAppendedValid();
      return true;
    }
    case TypeId::kMap: {
      if (!v.is_object()) return false;
      for (const auto& [key, value] : v.as_object()) {
        if (!AppendCell(key, &c->children[0]) || !AppendJson(value, &c->children[1])) {
          return false;
        }
      }
      c->offsets.push_back(c->children[0].length);
      c->MarkAppendedValid();
      return true;
    }
  }
  return false;
}

std::string QuoteForMessage(std::string_view text) {
  if (text.size() <= kMaxQuotedValueBytes) return "'" + std::string(text) + "'";
  // Cut on a UTF-8 character boundary so the message stays valid text.
  size_t n = kMaxQuotedValueBytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return "'" + std::string(text.substr(0, n)) + "...' (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace keel::csv

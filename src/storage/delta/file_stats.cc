// Delta's per-file statistics (PROTOCOL.md, "Per-file Statistics"): reading `add.stats` and
// writing it for a batch. Rules that keep data skipping correct:
//  - Timestamps are written with milliseconds, as Spark writes them: min rounded down and max
//    rounded up to the millisecond. On reading, a max with at most three fractional digits is
//    taken as up to 999 µs later, because Spark truncates it.
//  - Strings: min is cut to a prefix of at most kMaxStatsStringBytes bytes at a UTF-8
//    boundary (a prefix is still a lower bound); a longer max is left out.
//  - Floats: NaN is left out of min/max (a column of only NaN has none); so are infinities.
//    Read as float, a bound is rounded outwards.
//  - Decimals are written as JSON numbers with their scale (12.50). Read back through a
//    double, a value beyond 2^52 units is widened by the double's error.
//  - Booleans and binary get no min/max; arrays and maps only a nullCount. A struct field
//    under a null struct counts as null.

#include "storage/delta/file_stats.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/json.h"
#include "storage/batch/value_format.h"
#include "storage/batch/value_parse.h"

namespace keel::delta {

namespace {

using batch::Column;
using batch::DataType;
using batch::Int128;
using batch::TypeId;
using batch::Value;

// ---- parsing ------------------------------------------------------------------------------

std::optional<int64_t> AsInteger(const json::Value& v) {
  if (v.is_int()) return v.as_int();
  if (!v.is_double()) return std::nullopt;
  double d = v.as_double();
  // 2^63 itself is out of range; every double below it converts exactly when integral.
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || std::trunc(d) != d) {
    return std::nullopt;
  }
  return static_cast<int64_t>(d);
}

std::optional<double> AsFloating(const json::Value& v) {
  double d;
  if (v.is_number()) {
    d = v.as_double();
  } else if (v.is_string() && (v.as_string() == "Infinity" || v.as_string() == "-Infinity")) {
    d = v.as_string()[0] == '-' ? -INFINITY : INFINITY;
  } else {
    return std::nullopt;
  }
  if (std::isnan(d)) return std::nullopt;
  return d;
}

// A JSON number as an unscaled decimal of `scale`. Numbers arrive as doubles when they have a
// fraction; below 2^52 (unscaled) the nearest integer is the written value exactly, above it
// the bound is widened by the double's error so that skipping stays correct.
std::optional<Int128> AsDecimal(const json::Value& v, int scale, bool is_max) {
  if (v.is_int()) return batch::RescaleDecimal(v.as_int(), 0, scale);
  if (v.is_string()) {
    auto d = batch::ParseDecimal(v.as_string());
    if (!d || d->scale > scale) return std::nullopt;
    return batch::RescaleDecimal(d->unscaled, d->scale, scale);
  }
  if (!v.is_double() || !std::isfinite(v.as_double())) return std::nullopt;
  long double x =
      static_cast<long double>(v.as_double()) * static_cast<long double>(batch::PowerOfTen(scale));
  if (std::fabs(x) >= 1e38L) return std::nullopt;
  if (std::fabs(x) < 4503599627370496.0L) return static_cast<Int128>(std::llround(x));
  long double err = std::fabs(x) / 2251799813685248.0L + 1;  // |x| * 2^-51, and one unit
  return static_cast<Int128>(is_max ? std::ceil(x + err) : std::floor(x - err));
}

std::optional<Value> ParseStatValue(const json::Value& v, const DataType& type, bool is_max) {
  switch (type.id) {
    case TypeId::kBoolean:
      if (v.is_bool()) return Value(v.as_bool());
      return std::nullopt;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong: {
      auto i = AsInteger(v);
      if (!i) return std::nullopt;
      return Value(*i);
    }
    case TypeId::kFloat: {
      auto d = AsFloating(v);
      if (!d) return std::nullopt;
      // Rounding to float must not move a bound inwards.
      float f = static_cast<float>(*d);
      if (!is_max && f > *d) f = std::nextafter(f, -INFINITY);
      if (is_max && f < *d) f = std::nextafter(f, INFINITY);
      return Value(f);
    }
    case TypeId::kDouble: {
      auto d = AsFloating(v);
      if (!d) return std::nullopt;
      return Value(*d);
    }
    case TypeId::kDecimal: {
      auto d = AsDecimal(v, type.scale, is_max);
      if (!d) return std::nullopt;
      return Value(*d);
    }
    case TypeId::kString:
      if (v.is_string()) return Value(v.as_string());
      return std::nullopt;
    case TypeId::kDate: {
      if (!v.is_string()) return std::nullopt;
      auto days = batch::ParseDate(v.as_string());
      if (!days) return std::nullopt;
      return Value(int64_t{*days});
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      if (!v.is_string()) return std::nullopt;
      auto ts = batch::ParseTimestamp(v.as_string());
      if (!ts) return std::nullopt;
      // Spark writes milliseconds and truncates: the true max may be up to 999 µs later.
      if (is_max && ts->fraction_digits <= 3) ts->micros += 999;
      return Value(ts->micros);
    }
    case TypeId::kBinary:
    case TypeId::kStruct:
    case TypeId::kArray:
    case TypeId::kMap:
      return std::nullopt;
  }
  return std::nullopt;
}

const json::Value* Member(const json::Value* obj, const std::string& name) {
  return obj && obj->is_object() ? obj->Find(name) : nullptr;
}

void ParseFields(const std::vector<batch::Field>& fields, const std::string& prefix,
                 const json::Value* mins, const json::Value* maxs, const json::Value* nulls,
                 FileStats* out) {
  for (const batch::Field& f : fields) {
    std::string key = prefix + f.name;
    const json::Value* min = Member(mins, f.name);
    const json::Value* max = Member(maxs, f.name);
    const json::Value* null_count = Member(nulls, f.name);
    if (f.type.id == TypeId::kStruct) {
      ParseFields(f.type.children, key + ".", min, max, null_count, out);
      continue;
    }
    ColumnStats cs;
    if (min) cs.min = ParseStatValue(*min, f.type, /*is_max=*/false);
    if (max) cs.max = ParseStatValue(*max, f.type, /*is_max=*/true);
    if (null_count) {
      auto n = AsInteger(*null_count);
      if (n && *n >= 0) cs.null_count = *n;
    }
    if (cs.min || cs.max || cs.null_count) out->columns[key] = std::move(cs);
  }
}

// ---- computing ----------------------------------------------------------------------------

// JSON object bodies ("k":v,"k2":v2) for the three maps of one struct level.
struct StatsObjects {
  std::string min, max, nulls;
};

void AppendMember(const std::string& name, const std::string& value, std::string* body) {
  if (!body->empty()) body->push_back(',');
  json::AppendQuoted(name, body);
  body->push_back(':');
  body->append(value);
}

// Valid rows of `c` under its parents: nullptr when every row is valid.
const uint8_t* EffectiveValidity(const Column& c, const std::vector<uint8_t>* parent,
                                 std::vector<uint8_t>* scratch) {
  if (!parent) return c.validity.empty() ? nullptr : c.validity.data();
  if (c.validity.empty()) return parent->data();
  scratch->resize(c.length);
  for (int64_t i = 0; i < c.length; ++i) (*scratch)[i] = c.validity[i] & (*parent)[i];
  return scratch->data();
}

// Min and max of the valid, non-NaN values in one pass.
template <typename T, typename Get>
std::optional<std::pair<T, T>> MinMax(int64_t n, const uint8_t* valid, Get get) {
  std::optional<std::pair<T, T>> out;
  for (int64_t i = 0; i < n; ++i) {
    if (valid && !valid[i]) continue;
    T v = get(i);
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) continue;
    }
    if (!out) {
      out.emplace(v, v);
    } else {
      if (v < out->first) out->first = v;
      if (out->second < v) out->second = v;
    }
  }
  return out;
}

template <typename F>
std::string FloatJson(F v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

std::string Quoted(std::string_view s) {
  std::string out;
  json::AppendQuoted(s, &out);
  return out;
}

// Spark's millisecond form; REQUIRES: micros is a whole number of milliseconds.
std::string TimestampJson(int64_t micros, bool utc) {
  std::string text = batch::FormatTimestampMicros(micros, utc);
  size_t point = text.rfind('.');
  if (point != std::string::npos) text.erase(point + 4, 3);  // .123000 -> .123
  return Quoted(text);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// The longest prefix of `s` of at most `limit` bytes that ends on a UTF-8 character boundary.
std::string_view Utf8Prefix(std::string_view s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

// Writes min and max of a primitive column (nothing for the types Delta keeps no bounds for).
void AddBounds(const Column& c, const uint8_t* valid, const std::string& name, StatsObjects* out) {
  const int64_t n = c.length;
  auto emit = [&](const std::string& min, const std::string& max) {
    if (!min.empty()) AppendMember(name, min, &out->min);
    if (!max.empty()) AppendMember(name, max, &out->max);
  };
  switch (c.type.id) {
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
      if (auto mm = MinMax<int32_t>(n, valid, [&](int64_t i) { return c.i32[i]; })) {
        emit(std::to_string(mm->first), std::to_string(mm->second));
      }
      return;
    case TypeId::kLong:
      if (auto mm = MinMax<int64_t>(n, valid, [&](int64_t i) { return c.i64[i]; })) {
        emit(std::to_string(mm->first), std::to_string(mm->second));
      }
      return;
    case TypeId::kDate:
      if (auto mm = MinMax<int32_t>(n, valid, [&](int64_t i) { return c.i32[i]; })) {
        emit(Quoted(batch::FormatDate(mm->first)), Quoted(batch::FormatDate(mm->second)));
      }
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      if (auto mm = MinMax<int64_t>(n, valid, [&](int64_t i) { return c.i64[i]; })) {
        // Milliseconds, as Spark writes them: min rounds down and max up, so that the
        // bounds still hold every value.
        bool utc = c.type.id == TypeId::kTimestamp;
        int64_t lo = FloorDiv(mm->first, 1000);
        int64_t hi = FloorDiv(mm->second, 1000) + (mm->second % 1000 != 0);
        std::string max = hi <= INT64_MAX / 1000 ? TimestampJson(hi * 1000, utc) : "";
        emit(TimestampJson(lo * 1000, utc), max);
      }
      return;
    case TypeId::kFloat:
      if (auto mm = MinMax<float>(n, valid, [&](int64_t i) { return c.f32[i]; })) {
        emit(std::isfinite(mm->first) ? FloatJson(mm->first) : "",
             std::isfinite(mm->second) ? FloatJson(mm->second) : "");
      }
      return;
    case TypeId::kDouble:
      if (auto mm = MinMax<double>(n, valid, [&](int64_t i) { return c.f64[i]; })) {
        emit(std::isfinite(mm->first) ? FloatJson(mm->first) : "",
             std::isfinite(mm->second) ? FloatJson(mm->second) : "");
      }
      return;
    case TypeId::kDecimal:
      if (auto mm = MinMax<Int128>(n, valid, [&](int64_t i) { return c.dec[i]; })) {
        emit(batch::FormatDecimal(mm->first, c.type.scale),
             batch::FormatDecimal(mm->second, c.type.scale));
      }
      return;
    case TypeId::kString:
      if (auto mm = MinMax<std::string_view>(n, valid, [&](int64_t i) { return c.StringAt(i); })) {
        // A prefix is still a lower bound; a cut max would not be an upper one.
        emit(Quoted(Utf8Prefix(mm->first, kMaxStatsStringBytes)),
             mm->second.size() <= kMaxStatsStringBytes ? Quoted(mm->second) : "");
      }
      return;
    case TypeId::kBoolean:
    case TypeId::kBinary:
    case TypeId::kStruct:
    case TypeId::kArray:
    case TypeId::kMap:
      return;
  }
}

void AddColumn(const Column& c, const batch::Field& field, const std::vector<uint8_t>* parent,
               StatsObjects* out) {
  std::vector<uint8_t> scratch;
  const uint8_t* valid = EffectiveValidity(c, parent, &scratch);
  if (field.type.id == TypeId::kStruct) {
    std::vector<uint8_t> own;
    if (valid) own.assign(valid, valid + c.length);
    StatsObjects nested;
    for (size_t k = 0; k < field.type.children.size() && k < c.children.size(); ++k) {
      AddColumn(c.children[k], field.type.children[k], valid ? &own : nullptr, &nested);
    }
    if (!nested.min.empty()) AppendMember(field.name, "{" + nested.min + "}", &out->min);
    if (!nested.max.empty()) AppendMember(field.name, "{" + nested.max + "}", &out->max);
    AppendMember(field.name, "{" + nested.nulls + "}", &out->nulls);
    return;
  }
  int64_t null_count = 0;
  if (valid) {
    for (int64_t i = 0; i < c.length; ++i) null_count += !valid[i];
  }
  AppendMember(field.name, std::to_string(null_count), &out->nulls);
  AddBounds(c, valid, field.name, out);
}

}  // namespace

Result<FileStats> ParseFileStats(std::string_view text, const batch::Schema& schema) {
  json::ParseOptions options;
  options.max_depth = batch::kMaxTypeDepth + 2;  // the maps, then one level per struct
  auto doc = json::Parse(text, options);
  if (!doc.ok() || !doc->is_object()) {
    return Status::Corruption(
        "add.stats of a data file is not a JSON object" +
        (doc.ok() ? std::string() : " (" + doc.status().message() + ")") +
        "; the table's log is damaged there: rewrite the file's add action, or read the table "
        "without data skipping");
  }
  FileStats stats;
  if (const json::Value* n = doc->Find("numRecords")) {
    auto records = AsInteger(*n);
    if (records && *records >= 0) stats.num_records = *records;
  }
  ParseFields(schema.fields, "", doc->Find("minValues"), doc->Find("maxValues"),
              doc->Find("nullCount"), &stats);
  return stats;
}

std::string ComputeFileStatsJson(const batch::RecordBatch& batch,
                                 const std::vector<std::string>& skip) {
  StatsObjects objects;
  for (size_t k = 0; k < batch.schema.fields.size() && k < batch.columns.size(); ++k) {
    const batch::Field& field = batch.schema.fields[k];
    if (std::find(skip.begin(), skip.end(), field.name) != skip.end()) continue;
    AddColumn(batch.columns[k], field, nullptr, &objects);
  }
  std::string out = "{\"numRecords\":" + std::to_string(batch.num_rows);
  out += ",\"minValues\":{" + objects.min + "}";
  out += ",\"maxValues\":{" + objects.max + "}";
  out += ",\"nullCount\":{" + objects.nulls + "}}";
  return out;
}

}  // namespace keel::delta

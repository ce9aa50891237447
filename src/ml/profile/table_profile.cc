#include "ml/profile/table_profile.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <span>
#include <string_view>
#include <type_traits>

#include "ml/profile/hyperloglog.h"
#include "ml/profile/profile_internal.h"
#include "storage/batch/value_format.h"

namespace keel::ml {

namespace {

using batch::Column;
using batch::TypeId;
using profile_internal::ValueCount;

// Decimals of up to this many digits fit an int64 unscaled value, so they keep exact keys.
constexpr int kMaxInt64DecimalPrecision = 18;
// Row ids of categorical groups are int32.
constexpr int64_t kMaxCategoricalRows = INT32_MAX;
// First size of the open-addressing table that counts categorical values (a power of two).
constexpr size_t kInitialCategorySlots = 1024;

// ---------------------------------------------------------------------------------------------
// Numeric columns: every non-NaN value becomes an order-preserving 64-bit key; one radix sort of
// the keys then gives min/max, quantiles, the histogram, distinct values and their counts.

enum class KeyKind {
  kInt32,      // byte, short, int, date
  kInt64,      // long, timestamp, timestamp_ntz
  kDecimal64,  // decimal(p <= 18, s): the unscaled value
  kFloat64,    // float, double, wider decimals (as doubles)
};

struct KeyCodec {
  KeyKind kind = KeyKind::kFloat64;
  TypeId type = TypeId::kDouble;
  int scale = 0;            // decimals
  double scale_factor = 1;  // 10^scale
};

// The key of NaN: above +Infinity's, never produced by a number, and decoded back to NaN.
constexpr uint64_t kNanKey = 0xfff8000000000000ULL;

bool IsNumeric(TypeId id) {
  switch (id) {
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return true;
    default:
      return false;
  }
}

// Columns whose values can be grouped for a correlation ratio or coded as label classes.
bool IsCategorical(TypeId id) {
  return id == TypeId::kBoolean || id == TypeId::kString || id == TypeId::kBinary;
}

KeyCodec CodecFor(const batch::DataType& type) {
  KeyCodec codec;
  codec.type = type.id;
  switch (type.id) {
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kDate:
      codec.kind = KeyKind::kInt32;
      break;
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      codec.kind = KeyKind::kInt64;
      break;
    case TypeId::kDecimal:
      codec.kind =
          type.precision <= kMaxInt64DecimalPrecision ? KeyKind::kDecimal64 : KeyKind::kFloat64;
      codec.scale = type.scale;
      for (int digit = 0; digit < type.scale; ++digit) codec.scale_factor *= 10;
      break;
    default:
      codec.kind = KeyKind::kFloat64;
  }
  return codec;
}

double KeyValue(const KeyCodec& codec, uint64_t key) {
  switch (codec.kind) {
    case KeyKind::kInt32:
      return profile_internal::Int32OfKey(key);
    case KeyKind::kInt64:
      return static_cast<double>(profile_internal::Int64OfKey(key));
    case KeyKind::kDecimal64:
      return static_cast<double>(profile_internal::Int64OfKey(key)) / codec.scale_factor;
    case KeyKind::kFloat64:
      return profile_internal::DoubleOfKey(key);
  }
  return 0;
}

// The batch text forms of batch::ValueToCsvField.
template <typename F>
std::string FloatText(F v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

std::string KeyText(const KeyCodec& codec, uint64_t key) {
  switch (codec.kind) {
    case KeyKind::kInt32: {
      const int32_t v = profile_internal::Int32OfKey(key);
      return codec.type == TypeId::kDate ? batch::FormatDate(v) : std::to_string(v);
    }
    case KeyKind::kInt64: {
      const int64_t v = profile_internal::Int64OfKey(key);
      if (codec.type == TypeId::kLong) return std::to_string(v);
      return batch::FormatTimestampMicros(v, codec.type == TypeId::kTimestamp);
    }
    case KeyKind::kDecimal64:
      return batch::FormatDecimal(profile_internal::Int64OfKey(key), codec.scale);
    case KeyKind::kFloat64: {
      const double v = profile_internal::DoubleOfKey(key);
      return codec.type == TypeId::kFloat ? FloatText(static_cast<float>(v)) : FloatText(v);
    }
  }
  return "";
}

// Working memory reused from column to column: buffers of a million values are served by mmap,
// so allocating them afresh per column costs more in page faults than the statistics themselves.
struct Scratch {
  std::vector<uint64_t> keys;
  std::vector<uint64_t> radix_buffer;
  std::vector<ValueCount> runs;
  std::vector<double> sorted;
  std::vector<double> row_values;
};

// A span of the first n elements of *buffer, grown (never shrunk) to hold them.
template <typename T>
std::span<T> Prefix(std::vector<T>* buffer, size_t n) {
  if (buffer->size() < n) buffer->resize(n);
  return std::span<T>(buffer->data(), n);
}

struct NumericKeys {
  std::span<uint64_t> keys;  // every present value but NaN, in scratch memory
  int64_t nan_count = 0;
  int64_t negative_inf_count = 0;
  int64_t positive_inf_count = 0;
};

template <typename T, typename KeyFn>
void CollectKeys(const Column& column, const std::vector<T>& data, KeyFn key_of, NumericKeys* out) {
  uint64_t* keys = out->keys.data();
  size_t num_keys = 0;
  const bool all_valid = column.validity.empty();
  for (int64_t row_idx = 0; row_idx < column.length; ++row_idx) {
    if (!all_valid && !column.validity[row_idx]) continue;
    if constexpr (std::is_floating_point_v<T>) {
      const double v = data[row_idx];
      if (std::isnan(v)) {
        ++out->nan_count;
        continue;
      }
      if (std::isinf(v)) ++(v < 0 ? out->negative_inf_count : out->positive_inf_count);
      keys[num_keys++] = profile_internal::KeyOfDouble(v);
    } else {
      keys[num_keys++] = key_of(data[row_idx]);
    }
  }
  out->keys = out->keys.first(num_keys);
}

NumericKeys CollectNumericKeys(const Column& column, const KeyCodec& codec,
                               std::vector<uint64_t>* keys) {
  NumericKeys out;
  out.keys = Prefix(keys, static_cast<size_t>(column.length));
  auto unused = [](auto) { return uint64_t{0}; };
  switch (codec.kind) {
    case KeyKind::kInt32:
      CollectKeys(column, column.i32, profile_internal::KeyOfInt32, &out);
      break;
    case KeyKind::kInt64:
      CollectKeys(column, column.i64, profile_internal::KeyOfInt64, &out);
      break;
    case KeyKind::kDecimal64:
      CollectKeys(
          column, column.dec,
          [](batch::Int128 v) { return profile_internal::KeyOfInt64(static_cast<int64_t>(v)); },
          &out);
      break;
    case KeyKind::kFloat64:
      if (codec.type == TypeId::kFloat) {
        CollectKeys(column, column.f32, unused, &out);
      } else if (codec.type == TypeId::kDouble) {
        CollectKeys(column, column.f64, unused, &out);
      } else {  // a decimal too wide for int64: its double is never NaN or infinite
        const double factor = codec.scale_factor;
        CollectKeys(
            column, column.dec,
            [factor](batch::Int128 v) {
              return profile_internal::KeyOfDouble(static_cast<double>(v) / factor);
            },
            &out);
      }
      break;
  }
  return out;
}

// Each row's value as a double, NaN for null: what the correlations read. Written into *buffer.
std::span<const double> RowValues(const Column& column, const KeyCodec& codec,
                                  std::vector<double>* buffer) {
  std::span<double> values = Prefix(buffer, static_cast<size_t>(column.length));
  for (int64_t row_idx = 0; row_idx < column.length; ++row_idx) {
    double v;
    switch (column.type.id) {
      case TypeId::kLong:
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
        v = static_cast<double>(column.i64[row_idx]);
        break;
      case TypeId::kFloat:
        v = column.f32[row_idx];
        break;
      case TypeId::kDouble:
        v = column.f64[row_idx];
        break;
      case TypeId::kDecimal:
        v = static_cast<double>(column.dec[row_idx]) / codec.scale_factor;
        break;
      default:
        v = column.i32[row_idx];
    }
    values[row_idx] = column.IsValid(row_idx) ? v : std::nan("");
  }
  return values;
}

int64_t ApproximateDistinct(const HyperLogLog& sketch, int64_t count) {
  const int64_t estimate = std::llround(sketch.Estimate());
  return std::clamp<int64_t>(estimate, count > 0 ? 1 : 0, count);
}

void ProfileNumeric(const Column& column, const ProfileOptions& options, Scratch* scratch,
                    ColumnProfile* out) {
  const KeyCodec codec = CodecFor(column.type);
  NumericKeys scan = CollectNumericKeys(column, codec, &scratch->keys);
  out->nan_count = scan.nan_count;
  out->inf_count = scan.negative_inf_count + scan.positive_inf_count;
  const std::span<uint64_t> keys = scan.keys;
  profile_internal::RadixSort(keys, &scratch->radix_buffer);

  // Distinct values and their counts, from the runs of equal keys.
  std::vector<ValueCount>& runs = scratch->runs;
  runs.clear();
  for (size_t run_begin = 0; run_begin < keys.size();) {
    size_t run_end = run_begin + 1;
    while (run_end < keys.size() && keys[run_end] == keys[run_begin]) ++run_end;
    runs.push_back({static_cast<int64_t>(run_end - run_begin), keys[run_begin]});
    run_begin = run_end;
  }
  if (scan.nan_count > 0) runs.push_back({scan.nan_count, kNanKey});
  out->distinct = static_cast<int64_t>(runs.size());
  if (out->count > options.exact_distinct_limit) {
    HyperLogLog sketch;
    for (const ValueCount& run : runs) sketch.AddHash(HashUint64(run.id));
    out->distinct = ApproximateDistinct(sketch, out->count);
    out->distinct_approximate = true;
  }
  out->top_values = profile_internal::SelectTopValues(
      &runs, options.top_k, profile_internal::TieOrder::kById,
      [&codec](uint64_t key, std::string* text) { *text = KeyText(codec, key); });

  // The finite values sit between the -Infinity and +Infinity keys.
  const size_t finite_begin = static_cast<size_t>(scan.negative_inf_count);
  const size_t finite_end = keys.size() - static_cast<size_t>(scan.positive_inf_count);
  if (finite_begin >= finite_end) return;
  std::span<double> sorted = Prefix(&scratch->sorted, finite_end - finite_begin);
  for (size_t value_idx = 0; value_idx < sorted.size(); ++value_idx) {
    sorted[value_idx] = KeyValue(codec, keys[finite_begin + value_idx]);
  }
  out->min = sorted.front();
  out->max = sorted.back();
  auto [mean, stddev] = profile_internal::MeanAndStddev(sorted);
  out->mean = mean;
  out->stddev = stddev;
  for (double q : options.quantiles) {
    out->quantiles.emplace_back(q, profile_internal::LinearQuantile(sorted, q));
  }
  out->histogram = profile_internal::EqualWidthHistogram(sorted, options.histogram_bins);
}

// ---------------------------------------------------------------------------------------------
// Other columns: values are counted exactly in an open-addressing hash table keyed by their bytes
// (strings, binary) or text form (booleans, nested values).

struct CategoryCounts {
  struct Entry {
    uint64_t hash = 0;
    int64_t first_row = 0;
    int64_t count = 0;
  };
  std::vector<Entry> entries;       // in order of first appearance
  std::vector<int32_t> row_groups;  // when asked for: each row's entry, -1 for null
};

Result<CategoryCounts> CountCategories(const Column& column, bool want_row_groups) {
  if (column.length > kMaxCategoricalRows) {
    return Status::InvalidArgument("cannot profile more than " +
                                   std::to_string(kMaxCategoricalRows) +
                                   " rows of a non-numeric column at once; profile a sample");
  }
  // Nested values have no contiguous bytes, so their text forms stand in (one
  // string per row: slower, but such columns are rare in profiles).
  std::vector<std::string> texts;
  const bool has_bytes = column.type.id == TypeId::kString || column.type.id == TypeId::kBinary;
  const bool is_boolean = column.type.id == TypeId::kBoolean;
  if (!has_bytes && !is_boolean) {
    texts.resize(static_cast<size_t>(column.length));
    for (int64_t row_idx = 0; row_idx < column.length; ++row_idx) {
      if (column.IsValid(row_idx)) texts[row_idx] = batch::ValueToCsvField(column, row_idx);
    }
  }
  auto key_at = [&](int64_t row_idx) -> std::string_view {
    if (has_bytes) return column.StringAt(row_idx);
    if (is_boolean) return column.bools[row_idx] ? "true" : "false";
    return texts[row_idx];
  };

  CategoryCounts out;
  if (want_row_groups) out.row_groups.assign(static_cast<size_t>(column.length), -1);
  std::vector<int32_t> slots(kInitialCategorySlots, -1);
  for (int64_t row_idx = 0; row_idx < column.length; ++row_idx) {
    if (!column.IsValid(row_idx)) continue;
    const std::string_view key = key_at(row_idx);
    const uint64_t hash = HashBytes(key);
    size_t mask = slots.size() - 1;
    size_t slot = static_cast<size_t>(hash) & mask;
    int32_t group = -1;
    while (true) {
      const int32_t entry_idx = slots[slot];
      if (entry_idx < 0) break;
      const CategoryCounts::Entry& entry = out.entries[entry_idx];
      if (entry.hash == hash && key_at(entry.first_row) == key) {
        group = entry_idx;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (group >= 0) {
      ++out.entries[group].count;
    } else {
      group = static_cast<int32_t>(out.entries.size());
      out.entries.push_back({hash, row_idx, 1});
      slots[slot] = group;
      if (out.entries.size() * 2 > slots.size()) {  // keep the load at most one half
        slots.assign(slots.size() * 2, -1);
        mask = slots.size() - 1;
        for (size_t entry_idx = 0; entry_idx < out.entries.size(); ++entry_idx) {
          size_t s = static_cast<size_t>(out.entries[entry_idx].hash) & mask;
          while (slots[s] >= 0) s = (s + 1) & mask;
          slots[s] = static_cast<int32_t>(entry_idx);
        }
      }
    }
    if (want_row_groups) out.row_groups[row_idx] = group;
  }
  return out;
}

void ProfileCategories(const Column& column, const CategoryCounts& counts,
                       const ProfileOptions& options, ColumnProfile* out) {
  out->distinct = static_cast<int64_t>(counts.entries.size());
  if (out->count > options.exact_distinct_limit) {
    HyperLogLog sketch;
    for (const CategoryCounts::Entry& entry : counts.entries) sketch.AddHash(entry.hash);
    out->distinct = ApproximateDistinct(sketch, out->count);
    out->distinct_approximate = true;
  }
  std::vector<ValueCount> candidates;
  candidates.reserve(counts.entries.size());
  for (const CategoryCounts::Entry& entry : counts.entries) {
    candidates.push_back({entry.count, static_cast<uint64_t>(entry.first_row)});
  }
  const bool is_string = column.type.id == TypeId::kString;
  out->top_values = profile_internal::SelectTopValues(
      &candidates, options.top_k, profile_internal::TieOrder::kByText,
      [&column, is_string](uint64_t row, std::string* text) {
        if (is_string) {
          text->assign(column.StringAt(static_cast<int64_t>(row)));
        } else {
          *text = batch::ValueToCsvField(column, static_cast<int64_t>(row));
        }
      });
}

// ---------------------------------------------------------------------------------------------
// The label column, read once in the shape the correlations need.

struct Label {
  enum class Kind { kNone, kNumeric, kCategorical };
  Kind kind = Kind::kNone;
  size_t column_idx = 0;
  std::vector<double> values;    // kNumeric: per row, NaN for null
  std::vector<int32_t> classes;  // kCategorical: per row, the class in sorted text order, or -1
  int32_t num_classes = 0;
  std::vector<double> class_codes;  // kCategorical with two classes: classes as 0/1, NaN for null
};

Result<Label> ReadLabel(const Column& column, size_t column_idx) {
  Label label;
  label.column_idx = column_idx;
  if (IsNumeric(column.type.id)) {
    label.kind = Label::Kind::kNumeric;
    std::vector<double> buffer;
    std::span<const double> values = RowValues(column, CodecFor(column.type), &buffer);
    label.values.assign(values.begin(), values.end());
    return label;
  }
  if (!IsCategorical(column.type.id)) return label;
  label.kind = Label::Kind::kCategorical;
  KEEL_ASSIGN_OR_RETURN(CategoryCounts counts, CountCategories(column, true));
  std::vector<std::pair<std::string, int32_t>> by_text;
  for (size_t entry_idx = 0; entry_idx < counts.entries.size(); ++entry_idx) {
    by_text.emplace_back(batch::ValueToCsvField(column, counts.entries[entry_idx].first_row),
                         static_cast<int32_t>(entry_idx));
  }
  std::sort(by_text.begin(), by_text.end());
  std::vector<int32_t> class_of_entry(by_text.size());
  for (size_t rank = 0; rank < by_text.size(); ++rank) {
    class_of_entry[by_text[rank].second] = static_cast<int32_t>(rank);
  }
  label.num_classes = static_cast<int32_t>(by_text.size());
  label.classes = std::move(counts.row_groups);
  for (int32_t& c : label.classes) {
    if (c >= 0) c = class_of_entry[c];
  }
  if (label.num_classes == 2) {
    label.class_codes.reserve(label.classes.size());
    for (int32_t c : label.classes) label.class_codes.push_back(c < 0 ? std::nan("") : c);
  }
  return label;
}

std::optional<double> NumericColumnCorrelation(std::span<const double> x, const Label& label) {
  switch (label.kind) {
    case Label::Kind::kNumeric:
      return profile_internal::Pearson(x, label.values);
    case Label::Kind::kCategorical:
      if (label.num_classes == 2) return profile_internal::Pearson(x, label.class_codes);
      if (label.num_classes > 2) {
        return profile_internal::CorrelationRatio(label.classes, label.num_classes, x);
      }
      return std::nullopt;
    case Label::Kind::kNone:
      return std::nullopt;
  }
  return std::nullopt;
}

Status ValidateOptions(const ProfileOptions& options) {
  if (options.top_k < 1) {
    return Status::InvalidArgument("top_k must be at least 1 (got " +
                                   std::to_string(options.top_k) + ")");
  }
  if (options.histogram_bins < 1 || options.histogram_bins > kMaxHistogramBins) {
    return Status::InvalidArgument("histogram_bins must be between 1 and " +
                                   std::to_string(kMaxHistogramBins) + " (got " +
                                   std::to_string(options.histogram_bins) + ")");
  }
  for (double q : options.quantiles) {
    if (!(q >= 0 && q <= 1)) {
      return Status::InvalidArgument("quantiles must be between 0 and 1 (got " + FloatText(q) +
                                     "); write the median as 0.5, not 50");
    }
  }
  return Status::OK();
}

std::string ColumnNames(const batch::Schema& schema) {
  std::string out;
  for (const batch::Field& field : schema.fields) out += (out.empty() ? "" : ", ") + field.name;
  return "[" + out + "]";
}

json::Value Number(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return json::Value();
  return json::Value(*v);
}

}  // namespace

Result<TableProfile> ProfileBatch(const batch::RecordBatch& batch, const ProfileOptions& options) {
  KEEL_RETURN_IF_ERROR(ValidateOptions(options));
  KEEL_RETURN_IF_ERROR(batch.Validate());
  TableProfile profile;
  profile.num_rows = batch.num_rows;

  Label label;
  if (!options.label_column.empty()) {
    std::optional<size_t> label_idx = batch.schema.ResolveFieldIndex(options.label_column);
    if (!label_idx) {
      return Status::InvalidArgument("label column '" + options.label_column +
                                     "' is not in the table; its columns are " +
                                     ColumnNames(batch.schema));
    }
    profile.label_column = batch.schema.fields[*label_idx].name;
    KEEL_ASSIGN_OR_RETURN(label, ReadLabel(batch.columns[*label_idx], *label_idx));
  }
  const bool has_label = !profile.label_column.empty();

  profile.columns.reserve(batch.columns.size());
  Scratch scratch;
  for (size_t column_idx = 0; column_idx < batch.columns.size(); ++column_idx) {
    const Column& column = batch.columns[column_idx];
    ColumnProfile out;
    out.name = batch.schema.fields[column_idx].name;
    out.type = column.type.ToString();
    out.nulls = column.null_count();
    out.count = column.length - out.nulls;
    const bool correlate =
        has_label && column_idx != label.column_idx && label.kind != Label::Kind::kNone;
    if (IsNumeric(column.type.id)) {
      ProfileNumeric(column, options, &scratch, &out);
      if (correlate) {
        out.label_correlation = NumericColumnCorrelation(
            RowValues(column, CodecFor(column.type), &scratch.row_values), label);
      }
    } else {
      const bool grouped =
          correlate && IsCategorical(column.type.id) && label.kind == Label::Kind::kNumeric;
      KEEL_ASSIGN_OR_RETURN(CategoryCounts counts, CountCategories(column, grouped));
      ProfileCategories(column, counts, options, &out);
      if (grouped) {
        out.label_correlation = profile_internal::CorrelationRatio(
            counts.row_groups, static_cast<int32_t>(counts.entries.size()), label.values);
      }
    }
    profile.columns.push_back(std::move(out));
  }
  return profile;
}

json::Value TableProfile::ToJson() const {
  json::Value out = json::Value::MakeObject();
  out.Set("num_rows", json::Value(static_cast<long long>(num_rows)));
  out.Set("label_column", label_column.empty() ? json::Value() : json::Value(label_column));
  json::Value columns_json = json::Value::MakeArray();
  for (const ColumnProfile& column : columns) {
    json::Value c = json::Value::MakeObject();
    c.Set("name", column.name);
    c.Set("type", column.type);
    c.Set("count", static_cast<long long>(column.count));
    c.Set("nulls", static_cast<long long>(column.nulls));
    c.Set("distinct", static_cast<long long>(column.distinct));
    c.Set("distinct_approximate", column.distinct_approximate);
    c.Set("min", Number(column.min));
    c.Set("max", Number(column.max));
    c.Set("mean", Number(column.mean));
    c.Set("stddev", Number(column.stddev));
    c.Set("nan_count", static_cast<long long>(column.nan_count));
    c.Set("inf_count", static_cast<long long>(column.inf_count));
    json::Value quantiles = json::Value::MakeArray();
    for (const auto& [q, value] : column.quantiles) {
      json::Value entry = json::Value::MakeObject();
      entry.Set("q", Number(q));
      entry.Set("value", Number(value));
      quantiles.Append(std::move(entry));
    }
    c.Set("quantiles", std::move(quantiles));
    json::Value histogram = json::Value::MakeArray();
    for (const ColumnProfile::Bin& bin : column.histogram) {
      json::Value entry = json::Value::MakeObject();
      entry.Set("low", Number(bin.low));
      entry.Set("high", Number(bin.high));
      entry.Set("count", static_cast<long long>(bin.count));
      histogram.Append(std::move(entry));
    }
    c.Set("histogram", std::move(histogram));
    json::Value top_values = json::Value::MakeArray();
    for (const auto& [value, count] : column.top_values) {
      json::Value entry = json::Value::MakeObject();
      entry.Set("value", value);
      entry.Set("count", static_cast<long long>(count));
      top_values.Append(std::move(entry));
    }
    c.Set("top_values", std::move(top_values));
    c.Set("label_correlation", Number(column.label_correlation));
    columns_json.Append(std::move(c));
  }
  out.Set("columns", std::move(columns_json));
  return out;
}

}  // namespace keel::ml

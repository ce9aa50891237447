#include "storage/parquet/row_group_filter.h"

#include <cmath>
#include <cstring>

namespace keel::parquet {

namespace {

using batch::Int128;
using batch::Value;

template <typename T>
bool Load(const std::string& raw, T* out) {
  if (raw.size() != sizeof(T)) return false;
  std::memcpy(out, raw.data(), sizeof(T));
  return true;
}

// A statistics bound as a Value of the leaf's kind, or nullopt when it cannot be used.
std::optional<Value> DecodeBound(const LeafDescriptor& leaf, const std::string& raw) {
  int32_t i32;
  int64_t i64;
  float f;
  double d;
  switch (leaf.conversion) {
    case LeafConversion::kInt32:
      if (!Load(raw, &i32)) return std::nullopt;
      return Value(static_cast<int64_t>(i32));
    case LeafConversion::kUint32ToLong:
      if (!Load(raw, &i32)) return std::nullopt;
      return Value(static_cast<int64_t>(static_cast<uint32_t>(i32)));
    case LeafConversion::kInt64:
      if (!Load(raw, &i64)) return std::nullopt;
      return Value(i64);
    case LeafConversion::kInt64Millis:
      if (!Load(raw, &i64) || __builtin_mul_overflow(i64, 1000, &i64)) return std::nullopt;
      return Value(i64);
    case LeafConversion::kInt64Nanos:
      if (!Load(raw, &i64)) return std::nullopt;
      return Value(i64 / 1000 - (i64 % 1000 < 0 ? 1 : 0));
    case LeafConversion::kFloat:
      if (!Load(raw, &f) || std::isnan(f)) return std::nullopt;
      return Value(static_cast<double>(f));
    case LeafConversion::kDouble:
      if (!Load(raw, &d) || std::isnan(d)) return std::nullopt;
      return Value(d);
    case LeafConversion::kBytes:
      return Value(raw);
    case LeafConversion::kInt32Decimal:
      if (!Load(raw, &i32)) return std::nullopt;
      return Value(static_cast<Int128>(i32));
    case LeafConversion::kInt64Decimal:
      if (!Load(raw, &i64)) return std::nullopt;
      return Value(static_cast<Int128>(i64));
    case LeafConversion::kBytesDecimal: {
      if (raw.empty() || raw.size() > 16) return std::nullopt;
      unsigned __int128 acc =
          (static_cast<uint8_t>(raw[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
      for (char ch : raw) acc = (acc << 8) | static_cast<uint8_t>(ch);
      return Value(static_cast<Int128>(acc));
    }
    default:
      return std::nullopt;  // booleans, INT96, FLOAT16, UINT_64: no bound used
  }
}

bool IsNumber(const Value& v) {
  return v.is<int64_t>() || v.is<float>() || v.is<double>() || v.is<Int128>();
}

long double AsLongDouble(const Value& v) {
  if (v.is<int64_t>()) return v.as<int64_t>();
  if (v.is<float>()) return v.as<float>();
  if (v.is<double>()) return v.as<double>();
  return static_cast<long double>(v.as<Int128>());
}

// -1, 0 or 1; nullopt when the kinds cannot be compared.
std::optional<int> Compare(const Value& a, const Value& b) {
  if (a.is<std::string>() && b.is<std::string>()) {
    int c = a.as<std::string>().compare(b.as<std::string>());  // unsigned bytes
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.is<Int128>() && b.is<Int128>()) {
    return a.as<Int128>() < b.as<Int128>() ? -1 : a.as<Int128>() > b.as<Int128>() ? 1 : 0;
  }
  if (a.is<int64_t>() && b.is<int64_t>()) {
    return a.as<int64_t>() < b.as<int64_t>() ? -1 : a.as<int64_t>() > b.as<int64_t>() ? 1 : 0;
  }
  if (IsNumber(a) && IsNumber(b)) {
    long double x = AsLongDouble(a), y = AsLongDouble(b);
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return std::nullopt;
}

// Signed numeric columns whose legacy min/max share the type-defined order.
bool LegacyStatsUsable(const LeafDescriptor& leaf) {
  switch (leaf.conversion) {
    case LeafConversion::kInt32:
    case LeafConversion::kInt64:
    case LeafConversion::kInt64Millis:
    case LeafConversion::kInt64Nanos:
    case LeafConversion::kFloat:
    case LeafConversion::kDouble:
    case LeafConversion::kInt32Decimal:
    case LeafConversion::kInt64Decimal:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<std::vector<int>> SelectRowGroups(const FileReader& reader,
                                         const std::vector<ColumnRange>& ranges) {
  struct Resolved {
    const ColumnRange* range;
    int leaf;
  };
  std::vector<Resolved> resolved;
  for (const ColumnRange& r : ranges) {
    KEEL_ASSIGN_OR_RETURN(std::vector<int> idx, reader.ResolveColumns({r.column}));
    const SchemaNode& node = reader.parquet_schema().fields()[idx[0]];
    if (node.kind != SchemaNode::Kind::kLeaf) {
      return Status::InvalidArgument("cannot filter row groups on nested column '" + r.column +
                                     "'");
    }
    for (const auto* bound : {&r.lower, &r.upper}) {
      if (bound->has_value() && (*bound)->is_null()) {
        return Status::InvalidArgument("range bound on '" + r.column + "' is null");
      }
    }
    resolved.push_back({&r, node.leaf_index});
  }
  std::vector<int> out;
  const FileMetaData& md = reader.metadata();
  for (int g = 0; g < reader.num_row_groups(); ++g) {
    bool may_match = true;
    for (const Resolved& r : resolved) {
      const LeafDescriptor& leaf = reader.parquet_schema().leaves()[r.leaf];
      const auto& m = md.row_groups[g].columns[r.leaf].meta_data;
      if (!m || !m->statistics) continue;
      const Statistics& s = *m->statistics;
      bool bounded = r.range->lower.has_value() || r.range->upper.has_value();
      if (bounded && s.null_count && *s.null_count == md.row_groups[g].num_rows &&
          md.row_groups[g].num_rows > 0) {
        may_match = false;  // only nulls, which match no bound
        break;
      }
      const std::string* lo_raw = s.min_value ? &*s.min_value : nullptr;
      const std::string* hi_raw = s.max_value ? &*s.max_value : nullptr;
      if (!lo_raw && !hi_raw && LegacyStatsUsable(leaf)) {
        lo_raw = s.min ? &*s.min : nullptr;
        hi_raw = s.max ? &*s.max : nullptr;
      }
      std::optional<Value> lo = lo_raw ? DecodeBound(leaf, *lo_raw) : std::nullopt;
      std::optional<Value> hi = hi_raw ? DecodeBound(leaf, *hi_raw) : std::nullopt;
      if (r.range->lower && hi) {
        std::optional<int> c = Compare(*hi, *r.range->lower);
        if (!c) {
          return Status::InvalidArgument("range bound on '" + r.range->column +
                                         "' is not of the column's kind");
        }
        if (*c < 0) may_match = false;
      }
      if (r.range->upper && lo) {
        std::optional<int> c = Compare(*lo, *r.range->upper);
        if (!c) {
          return Status::InvalidArgument("range bound on '" + r.range->column +
                                         "' is not of the column's kind");
        }
        if (*c > 0) may_match = false;
      }
      if (!may_match) break;
    }
    if (may_match) out.push_back(g);
  }
  return out;
}

}  // namespace keel::parquet

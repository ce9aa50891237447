#include "storage/parquet/statistics.h"

#include <cmath>
#include <cstring>
#include <string_view>

namespace keel::parquet {

namespace {

template <typename V>
std::string Raw(V v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof(V));
}

template <typename V>
void IntMinMax(const std::vector<V>& vals, Statistics* s) {
  if (vals.empty()) return;
  V lo = vals[0], hi = vals[0];
  for (V v : vals) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  s->min_value = Raw(lo);
  s->max_value = Raw(hi);
}

template <typename V>
void FloatMinMax(const std::vector<V>& vals, Statistics* s) {
  bool any = false;
  V lo = 0, hi = 0;
  for (V v : vals) {
    if (std::isnan(v)) continue;
    if (!any) {
      lo = hi = v;
      any = true;
      continue;
    }
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  if (!any) return;
  if (lo == 0) lo = -static_cast<V>(0.0);
  if (hi == 0) hi = static_cast<V>(0.0);
  s->min_value = Raw(lo);
  s->max_value = Raw(hi);
}

// Signed big-endian comparison of two equally wide two's-complement byte strings.
bool SignedLess(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.size() < b.size();
  bool na = static_cast<uint8_t>(a[0]) & 0x80, nb = static_cast<uint8_t>(b[0]) & 0x80;
  if (na != nb) return na;
  if (a.size() != b.size()) return na ? a.size() > b.size() : a.size() < b.size();
  return a < b;  // same sign, same width: unsigned byte order is the numeric order
}

}  // namespace

Statistics ComputeStatistics(const LeafDescriptor& leaf, const PhysicalValues& v,
                             int64_t null_count) {
  Statistics s;
  s.null_count = null_count;
  switch (leaf.physical) {
    case Type::kBoolean:
      if (!v.bools.empty()) {
        uint8_t lo = 1, hi = 0;
        for (uint8_t b : v.bools) {
          lo = b < lo ? b : lo;
          hi = b > hi ? b : hi;
        }
        s.min_value = std::string(1, static_cast<char>(lo));
        s.max_value = std::string(1, static_cast<char>(hi));
      }
      break;
    case Type::kInt32:
      IntMinMax(v.i32, &s);
      break;
    case Type::kInt64:
      IntMinMax(v.i64, &s);
      break;
    case Type::kFloat:
      FloatMinMax(v.f32, &s);
      break;
    case Type::kDouble:
      FloatMinMax(v.f64, &s);
      break;
    case Type::kInt96:
      break;  // no defined order
    case Type::kByteArray:
    case Type::kFixedLenByteArray: {
      int64_t n = v.byte_array_count();
      if (n == 0) break;
      bool is_decimal = leaf.type.id == batch::TypeId::kDecimal;
      std::string_view lo = v.ByteArrayAt(0), hi = lo;
      for (int64_t i = 1; i < n; ++i) {
        std::string_view x = v.ByteArrayAt(i);
        if (is_decimal ? SignedLess(x, lo) : x < lo) lo = x;
        if (is_decimal ? SignedLess(hi, x) : hi < x) hi = x;
      }
      if (lo.size() <= kMaxStatisticsValueBytes && hi.size() <= kMaxStatisticsValueBytes) {
        s.min_value = std::string(lo);
        s.max_value = std::string(hi);
      }
      break;
    }
  }
  return s;
}

}  // namespace keel::parquet

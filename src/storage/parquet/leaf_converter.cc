#include "storage/parquet/leaf_converter.h"

#include <cmath>
#include <cstring>

namespace keel::parquet {

namespace {

constexpr int64_t kJulianEpochDay = 2440588;  // Julian day number of 1970-01-01
constexpr int64_t kMicrosPerDay = 86400LL * 1000 * 1000;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

float HalfToFloat(uint16_t h) {
  int sign = (h >> 15) & 1;
  int exp = (h >> 10) & 0x1f;
  int mant = h & 0x3ff;
  float v;
  if (exp == 0)
    v = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31)
    v = mant ? std::nanf("") : INFINITY;
  else
    v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  return sign ? -v : v;
}

}  // namespace

Result<batch::Column> ConvertLeafValues(const LeafDescriptor& leaf, PhysicalValues&& v) {
  batch::Column c = batch::Column::Make(leaf.type);
  switch (leaf.conversion) {
    case LeafConversion::kBoolean:
      c.bools = std::move(v.bools);
      c.length = static_cast<int64_t>(c.bools.size());
      break;
    case LeafConversion::kInt32:
      c.i32 = std::move(v.i32);
      c.length = static_cast<int64_t>(c.i32.size());
      break;
    case LeafConversion::kUint32ToLong:
      c.i64.reserve(v.i32.size());
      for (int32_t x : v.i32) c.i64.push_back(static_cast<uint32_t>(x));
      c.length = static_cast<int64_t>(c.i64.size());
      break;
    case LeafConversion::kInt64:
      c.i64 = std::move(v.i64);
      c.length = static_cast<int64_t>(c.i64.size());
      break;
    case LeafConversion::kInt64Millis:
      c.i64 = std::move(v.i64);
      for (int64_t& x : c.i64) {
        if (__builtin_mul_overflow(x, 1000, &x)) {
          return Status::Corruption("timestamp in milliseconds out of range");
        }
      }
      c.length = static_cast<int64_t>(c.i64.size());
      break;
    case LeafConversion::kInt64Nanos:
      c.i64 = std::move(v.i64);
      for (int64_t& x : c.i64) x = FloorDiv(x, 1000);
      c.length = static_cast<int64_t>(c.i64.size());
      break;
    case LeafConversion::kUint64ToDecimal:
      for (int64_t x : v.i64) c.dec.push_back(static_cast<batch::Int128>(static_cast<uint64_t>(x)));
      c.length = static_cast<int64_t>(c.dec.size());
      break;
    case LeafConversion::kInt96: {
      int64_t n = v.byte_array_count();
      c.i64.resize(n);
      for (int64_t i = 0; i < n; ++i) {
        const char* p = v.bytes.data() + v.offsets[i];
        int64_t nanos;
        uint32_t julian;  // unsigned, as DuckDB and Impala read it
        std::memcpy(&nanos, p, 8);
        std::memcpy(&julian, p + 8, 4);
        // Straight to microseconds (going through int64 nanoseconds overflows for dates after
        // 2262). Values beyond the int64 microsecond range wrap, matching DuckDB bit for bit.
        uint64_t micros = static_cast<uint64_t>(static_cast<int64_t>(julian) - kJulianEpochDay) *
                              static_cast<uint64_t>(kMicrosPerDay) +
                          static_cast<uint64_t>(nanos / 1000);
        c.i64[i] = static_cast<int64_t>(micros);
      }
      c.length = n;
      break;
    }
    case LeafConversion::kFloat:
      c.f32 = std::move(v.f32);
      c.length = static_cast<int64_t>(c.f32.size());
      break;
    case LeafConversion::kDouble:
      c.f64 = std::move(v.f64);
      c.length = static_cast<int64_t>(c.f64.size());
      break;
    case LeafConversion::kFloat16: {
      int64_t n = v.byte_array_count();
      c.f32.resize(n);
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, v.bytes.data() + v.offsets[i], 2);
        c.f32[i] = HalfToFloat(h);
      }
      c.length = n;
      break;
    }
    case LeafConversion::kBytes:
      c.offsets = std::move(v.offsets);
      c.bytes = std::move(v.bytes);
      c.length = static_cast<int64_t>(c.offsets.size()) - 1;
      break;
    case LeafConversion::kInt32Decimal:
      c.dec.assign(v.i32.begin(), v.i32.end());
      c.length = static_cast<int64_t>(c.dec.size());
      break;
    case LeafConversion::kInt64Decimal:
      c.dec.assign(v.i64.begin(), v.i64.end());
      c.length = static_cast<int64_t>(c.dec.size());
      break;
    case LeafConversion::kBytesDecimal: {
      int64_t n = v.byte_array_count();
      c.dec.resize(n);
      for (int64_t i = 0; i < n; ++i) {
        std::string_view b = v.ByteArrayAt(i);
        if (b.size() > 16) return Status::Corruption("decimal value wider than 16 bytes");
        // Big-endian two's complement: sign-extend from the first byte.
        unsigned __int128 acc = (!b.empty() && (static_cast<uint8_t>(b[0]) & 0x80))
                                    ? ~static_cast<unsigned __int128>(0)
                                    : 0;
        for (char ch : b) acc = (acc << 8) | static_cast<uint8_t>(ch);
        c.dec[i] = static_cast<batch::Int128>(acc);
      }
      c.length = n;
      break;
    }
  }
  return c;
}

}  // namespace keel::parquet

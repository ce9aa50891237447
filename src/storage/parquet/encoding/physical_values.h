#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keel::parquet {

// Decoded values of one physical type, in the order they appear (nulls are not stored; the
// levels say where they go). Which vector is used depends on the physical type:
//   BOOLEAN -> bools; INT32 -> i32; INT64 -> i64; FLOAT -> f32; DOUBLE -> f64;
//   BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY and INT96 (12 raw bytes) -> offsets + bytes, where
//   value i is bytes[offsets[i], offsets[i+1]) and offsets starts with 0.
struct PhysicalValues {
  std::vector<uint8_t> bools;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<float> f32;
  std::vector<double> f64;
  std::vector<int64_t> offsets{0};
  std::string bytes;

  int64_t byte_array_count() const { return static_cast<int64_t>(offsets.size()) - 1; }
  std::string_view ByteArrayAt(int64_t i) const {
    return std::string_view(bytes).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }
  void AppendByteArray(std::string_view v) {
    bytes.append(v);
    offsets.push_back(static_cast<int64_t>(bytes.size()));
  }
  void Clear() {
    bools.clear();
    i32.clear();
    i64.clear();
    f32.clear();
    f64.clear();
    offsets.assign(1, 0);
    bytes.clear();
  }
};

}  // namespace keel::parquet

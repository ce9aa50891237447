#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace keel::parquet {

// Decoder for the RLE/bit-packed hybrid encoding (levels, dictionary indices, RLE booleans).
// Reads only inside `data`; running out of input before the requested values is kCorruption.
// A final bit-packed run shorter than its header claims (some writers truncate padding) is
// accepted up to the values actually present. Not thread-safe.
class RleDecoder {
 public:
  RleDecoder(std::string_view data, int bit_width) : data_(data), bit_width_(bit_width) {}

  // Decodes exactly `n` values into `out`.
  template <typename T>
  Status Get(int64_t n, T* out);

 private:
  Status NextRun();

  std::string_view data_;
  int bit_width_;
  size_t pos_ = 0;
  int64_t repeat_left_ = 0;
  uint64_t repeat_value_ = 0;
  std::vector<uint32_t> literals_;  // the current bit-packed run, unpacked
  size_t literal_pos_ = 0;
};

// Encodes `values` with the hybrid encoding at `bit_width` bits (no length prefix).
void EncodeRle(const uint32_t* values, int64_t count, int bit_width, std::string* out);

extern template Status RleDecoder::Get<int16_t>(int64_t, int16_t*);
extern template Status RleDecoder::Get<uint32_t>(int64_t, uint32_t*);
extern template Status RleDecoder::Get<uint8_t>(int64_t, uint8_t*);

}  // namespace keel::parquet

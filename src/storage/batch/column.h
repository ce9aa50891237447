#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/batch/data_type.h"

namespace keel::batch {

// Decimals are unscaled two's-complement 128-bit integers (precision <= 38).
using Int128 = __int128;

// One typed column of `length` values, stored Arrow-style so that encoders and decoders work on
// contiguous arrays. Which storage vector is used depends on type.id:
//   kBoolean                      -> bools (0/1 per value)
//   kByte, kShort, kInt, kDate    -> i32
//   kLong, kTimestamp(_ntz)       -> i64
//   kFloat -> f32, kDouble -> f64, kDecimal -> dec
//   kString, kBinary              -> offsets (length+1 byte offsets into bytes) + bytes
//   kStruct                       -> children (one per field, each of `length` values)
//   kArray                        -> offsets (length+1 into children[0]) + children[0]
//   kMap                          -> offsets (length+1 into both) + children[0] keys,
//                                    children[1] values
// Invariants (checked by Validate): fixed-width vectors hold exactly `length` entries, null
// slots included (their content is unspecified, usually zero); offsets are non-decreasing.
// `validity` is empty when every value is present, else it has `length` bytes, 1 = present.
//
// A plain value type with public members, like a struct of arrays; not thread-safe to mutate.
struct Column {
  DataType type;
  int64_t length = 0;
  std::vector<uint8_t> validity;

  std::vector<uint8_t> bools;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<float> f32;
  std::vector<double> f64;
  std::vector<Int128> dec;
  std::vector<int64_t> offsets;
  std::string bytes;
  std::vector<Column> children;

  // An empty column of `type` (offsets start at {0}; children created recursively).
  static Column Make(const DataType& type);

  bool IsValid(int64_t i) const { return validity.empty() || validity[i] != 0; }
  int64_t null_count() const;
  // Bytes of string/binary value i. REQUIRES: type is kString or kBinary.
  std::string_view StringAt(int64_t i) const {
    return std::string_view(bytes).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }

  // Appends one null (zero in fixed-width storage, an empty range for variable ones; struct
  // children get a null too).
  void AppendNull();
  // Marks slot `length` valid and advances length; the caller has appended the data.
  void MarkAppendedValid();

  // Checks the invariants above, recursively. Error: kInternalError naming the broken rule.
  Status Validate() const;
};

}  // namespace keel::batch

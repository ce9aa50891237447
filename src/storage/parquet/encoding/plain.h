#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/parquet/encoding/physical_values.h"
#include "storage/parquet/format.h"

namespace keel::parquet {

// PLAIN encoding. Decode appends `count` values of physical `type` (`type_length` bytes for
// FIXED_LEN_BYTE_ARRAY) from `data` to `out` and sets *consumed to the bytes used. Input that
// ends early, or a byte-array length past the end, is kCorruption.
Status DecodePlain(Type type, int32_t type_length, std::string_view data, int64_t count,
                   PhysicalValues* out, size_t* consumed);

// Appends values [begin, end) of `values` PLAIN-encoded to `out`.
void EncodePlain(Type type, const PhysicalValues& values, int64_t begin, int64_t end,
                 std::string* out);

}  // namespace keel::parquet

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace keel::parquet {

// BYTE_STREAM_SPLIT: byte k of value i is stored at data[k * count + i]. Decode writes
// count * width bytes (values in plain little-endian order) to *out; data must hold exactly
// count * width bytes, else kCorruption.
Status DecodeByteStreamSplit(std::string_view data, int width, int64_t count, std::string* out);

}  // namespace keel::parquet

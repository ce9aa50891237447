#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "storage/parquet/encoding/physical_values.h"

namespace keel::parquet {

// Decodes DELTA_LENGTH_BYTE_ARRAY: `count` lengths (DELTA_BINARY_PACKED), then the bytes.
// Appends to out->offsets/bytes; *consumed is the bytes used. Bad lengths: kCorruption.
Status DecodeDeltaLengthByteArray(std::string_view data, int64_t count, PhysicalValues* out,
                                  size_t* consumed);

}  // namespace keel::parquet

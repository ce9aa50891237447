#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "storage/parquet/encoding/physical_values.h"

namespace keel::parquet {

// Decodes DELTA_BYTE_ARRAY (incremental/front coding): prefix lengths (DELTA_BINARY_PACKED),
// then the suffixes (DELTA_LENGTH_BYTE_ARRAY). `previous` is the last value of the previous
// page of the chunk (empty at the start); it is updated to this page's last value. Appends to
// `out`. A prefix longer than the previous value is kCorruption.
Status DecodeDeltaByteArray(std::string_view data, int64_t count, std::string* previous,
                            PhysicalValues* out);

}  // namespace keel::parquet

#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace keel::parquet {

// Largest DELTA_BINARY_PACKED block (values) and miniblock count accepted; parquet-mr and
// arrow write 128 values in 4 miniblocks.
inline constexpr uint64_t kMaxDeltaBlockValues = 1 << 16;
inline constexpr uint64_t kMaxDeltaMiniblocks = 1 << 10;

// Decodes DELTA_BINARY_PACKED: appends exactly `count` values to `out` (as 64-bit; INT32
// columns truncate) and sets *consumed to the bytes up to the end of the last miniblock used.
// A header announcing fewer values than `count` is kCorruption.
Status DecodeDeltaBinaryPacked(std::string_view data, int64_t count, std::vector<int64_t>* out,
                               size_t* consumed);

}  // namespace keel::parquet

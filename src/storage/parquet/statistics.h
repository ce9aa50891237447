#pragma once

#include <cstdint>

#include "storage/parquet/encoding/physical_values.h"
#include "storage/parquet/format.h"
#include "storage/parquet/schema.h"

namespace keel::parquet {

// Longest min/max value written; longer byte-array bounds are left out rather than truncated.
inline constexpr size_t kMaxStatisticsValueBytes = 4096;

// Column statistics for the present values `values` of `leaf` plus `null_count`, encoded as
// the spec's min_value/max_value: the type-defined order (signed integers and decimals,
// unsigned lexicographic bytes, IEEE floats with NaN left out and zeros as -0/+0).
Statistics ComputeStatistics(const LeafDescriptor& leaf, const PhysicalValues& values,
                             int64_t null_count);

}  // namespace keel::parquet

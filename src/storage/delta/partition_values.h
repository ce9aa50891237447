#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/batch/column.h"
#include "storage/batch/data_type.h"
#include "storage/batch/row.h"

namespace keel::delta {

// Partition values as Delta serialises them in `partitionValues` (PROTOCOL.md "Partition Value
// Serialization"), and the Hive-style directory names that data files live under.

// The value of a serialised partition value for a column of `type`. nullopt, and "" for
// non-string types, are null. Timestamps without a zone ("2021-09-08 11:11:11") are read in the
// zone `naive_offset_minutes` east of UTC (Spark writes them in its session time zone; Keel
// writes ISO-8601 with Z). Errors: kCorruption naming the value and type.
Result<batch::Value> ParsePartitionValue(const std::optional<std::string>& text,
                                         const batch::DataType& type,
                                         int naive_offset_minutes = 0);

// The serialised form of value `i` of `column` (nullopt for null): integers in decimal, dates
// YYYY-MM-DD, timestamps ISO-8601 UTC with microseconds and Z, decimals with their scale,
// booleans true/false, strings as they are. kInvalidParameterValue for types that cannot
// partition (float/double, binary, nested).
Result<std::optional<std::string>> FormatPartitionValue(const batch::Column& column, int64_t i);

// "col=value" with Hive escaping (%XX for characters outside [A-Za-z0-9._-] and for
// non-ASCII bytes), null as __HIVE_DEFAULT_PARTITION__.
std::string PartitionDirectory(std::string_view column, const std::optional<std::string>& value);

}  // namespace keel::delta

#pragma once

#include <string_view>

#include "common/result.h"
#include "storage/batch/column.h"
#include "storage/batch/data_type.h"

namespace keel::delta {

// Reads a column of a data file as the type the table schema gives it: the same type passes
// through; byte/short/int widen to each other and to long, float to double, integers to double,
// decimals to a wider precision or scale, timestamp and timestamp_ntz relabel; structs match
// their fields by name (fields missing from the file are null), arrays and maps adapt their
// children. Anything else is kCorruption naming `what` and both types.
Result<batch::Column> AdaptColumn(batch::Column column, const batch::DataType& target,
                                  std::string_view what);

// An all-null column of `type` and `length` rows.
batch::Column NullColumn(const batch::DataType& type, int64_t length);

}  // namespace keel::delta

#pragma once

#include "common/status.h"
#include "storage/batch/column.h"
#include "storage/parquet/encoding/physical_values.h"
#include "storage/parquet/schema.h"

namespace keel::parquet {

// Turns the decoded physical values of `leaf` into a dense batch column (no nulls) of the
// leaf's batch type, moving storage where the representation is the same. Values that cannot
// be represented (a decimal wider than 16 bytes, an INT96 out of the timestamp range) are
// kCorruption.
Result<batch::Column> ConvertLeafValues(const LeafDescriptor& leaf, PhysicalValues&& values);

}  // namespace keel::parquet

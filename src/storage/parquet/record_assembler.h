#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "storage/batch/column.h"
#include "storage/parquet/column_reader.h"
#include "storage/parquet/schema.h"

namespace keel::parquet {

// Builds the batch column of the top-level field `node` from its decoded leaves (Dremel record
// assembly). `leaves` is indexed by leaf index; every leaf under `node` must be filled. The
// result has exactly `num_rows` values; leaves that disagree with each other or with
// `num_rows` (different lengths, levels that skip values) are kCorruption. Leaf values are
// moved out of `leaves` where possible.
Result<batch::Column> AssembleField(const SchemaNode& node, std::vector<LeafData>& leaves,
                                    int64_t num_rows);

}  // namespace keel::parquet

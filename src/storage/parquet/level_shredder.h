#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "storage/batch/column.h"
#include "storage/parquet/schema.h"

namespace keel::parquet {

// One leaf's share of a batch column, ready for a column writer: Dremel levels (empty when
// the max level is 0) and the indices of the present values in `column`.
struct ShreddedLeaf {
  const batch::Column* column = nullptr;  // the leaf's column inside the batch column tree
  std::vector<int16_t> def;
  std::vector<int16_t> rep;
  std::vector<int64_t> value_index;
  int64_t num_levels = 0;
  // Top-level primitive columns skip value_index: the present values are the valid rows of
  // [row_begin, row_end) of `column` (row_begin < 0 when value_index is used).
  int64_t row_begin = -1;
  int64_t row_end = -1;
};

// Shreds rows [begin, end) of top-level `column` (described by `node`) into `leaves`, which is
// indexed by leaf index (entries for leaves under `node` are filled). A null in a field the
// schema marks required is kInvalidParameterValue.
Status ShredColumn(const SchemaNode& node, const batch::Column& column, int64_t begin, int64_t end,
                   std::vector<ShreddedLeaf>* leaves);

}  // namespace keel::parquet

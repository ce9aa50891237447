#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/fs/file_system.h"
#include "common/result.h"
#include "storage/batch/column.h"
#include "storage/parquet/format.h"
#include "storage/parquet/schema.h"

namespace keel::parquet {

// Most levels (values, nulls included) one page may declare. A page is at most
// kMaxPageBytes, but RLE can describe many values in few bytes, so counts get their own cap.
inline constexpr int64_t kMaxPageValues = int64_t{1} << 26;

// One leaf column chunk, decoded: Dremel levels (empty when the max level is 0) and the dense
// non-null values converted to the leaf's batch type.
struct LeafData {
  int64_t num_levels = 0;
  std::vector<int16_t> def;
  std::vector<int16_t> rep;
  batch::Column values;
};

// Reads and decodes the column chunk `chunk` of `leaf` from `file`. Checks every page header,
// size and level against the metadata and the limits above; any inconsistency is kCorruption
// naming the byte offset (callers add the file path).
Result<LeafData> ReadColumnChunk(const RandomAccessFile& file, const ColumnChunk& chunk,
                                 const LeafDescriptor& leaf);

}  // namespace keel::parquet

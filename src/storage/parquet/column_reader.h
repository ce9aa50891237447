#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/fs/file_system.h"
#include "common/result.h"
#include "storage/batch/column.h"
#include "storage/parquet/encoding/physical_values.h"
#include "storage/parquet/format.h"
#include "storage/parquet/schema.h"

namespace keel::parquet {

// Most levels (values, nulls included) one page may declare. A page is at most
// kMaxPageBytes, but RLE can describe many values in few bytes, so counts get their own cap.
inline constexpr int64_t kMaxPageValues = int64_t{1} << 26;
// Most values (levels) one column chunk may declare: RLE lets a few bytes describe millions of
// nulls, so the decoded size needs a cap of its own (about 1 GiB of levels and validity).
inline constexpr int64_t kMaxChunkValues = int64_t{1} << 27;
// Most bytes one page may decode to (a small dictionary-encoded page can name a long
// dictionary entry many times).
inline constexpr uint64_t kMaxDecodedPageBytes = uint64_t{1} << 30;

// One leaf column chunk, decoded: Dremel levels (empty when the max level is 0) and the dense
// non-null values converted to the leaf's batch type.
struct LeafData {
  int64_t num_levels = 0;
  std::vector<int16_t> def;
  std::vector<int16_t> rep;
  batch::Column values;
};

// Decodes the column chunk `chunk` of `leaf`, appending its levels to *out (num_levels, def,
// rep; out->values is untouched) and its present values to *values. Used to gather the chunks
// of one leaf across row groups before converting and assembling them once.
// With `verify_checksums`, a page whose header carries a CRC that does not match its bytes
// is kCorruption.
Status AppendColumnChunk(const RandomAccessFile& file, const ColumnChunk& chunk,
                         const LeafDescriptor& leaf, LeafData* out, PhysicalValues* values,
                         bool verify_checksums = false);

// Reads and decodes the column chunk `chunk` of `leaf` from `file`. Checks every page header,
// size and level against the metadata and the limits above; any inconsistency is kCorruption
// naming the byte offset (callers add the file path).
Result<LeafData> ReadColumnChunk(const RandomAccessFile& file, const ColumnChunk& chunk,
                                 const LeafDescriptor& leaf);

}  // namespace keel::parquet

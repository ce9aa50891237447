#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "storage/parquet/format.h"
#include "storage/parquet/level_shredder.h"
#include "storage/parquet/schema.h"

namespace keel::parquet {

// Settings for one column chunk; FileWriter fills them from WriterOptions.
struct ColumnWriteOptions {
  Codec codec = Codec::kSnappy;
  int64_t page_bytes = 1 << 20;             // target uncompressed data page size
  bool dictionary = true;                   // try dictionary encoding first
  int64_t dictionary_page_bytes = 1 << 20;  // beyond this the chunk falls back to PLAIN
  bool statistics = true;
};

// Encodes one leaf's column chunk (optional dictionary page, then DATA_PAGE v1 pages with RLE
// levels, each compressed) and appends it to *out. `file_offset` is the file position where
// *out currently ends. Returns the chunk's metadata. Errors: a codec that cannot write.
Result<ColumnChunk> WriteColumnChunk(const LeafDescriptor& leaf, const ShreddedLeaf& data,
                                     const ColumnWriteOptions& options, uint64_t file_offset,
                                     std::string* out);

}  // namespace keel::parquet

#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/parquet/format.h"

namespace keel::parquet {

// Upper bounds on metadata counts, checked before anything is allocated for them.
inline constexpr int32_t kMaxSchemaElements = 100000;
inline constexpr int32_t kMaxRowGroups = 1000000;

// Decodes a FileMetaData footer. `base_offset` is where `bytes` starts in the file, so errors
// (kCorruption) name the absolute byte offset. Unknown fields are skipped.
Result<FileMetaData> ParseFileMetaData(std::string_view bytes, uint64_t base_offset);

// Decodes one PageHeader from the front of `bytes`; sets *header_size to the bytes it used.
Result<PageHeader> ParsePageHeader(std::string_view bytes, uint64_t base_offset,
                                   size_t* header_size);

// Encodes (compact protocol) for the writer.
std::string SerializeFileMetaData(const FileMetaData& metadata);
std::string SerializePageHeader(const PageHeader& header);

}  // namespace keel::parquet

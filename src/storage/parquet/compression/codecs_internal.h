#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

// One adapter per compression library; only this folder includes their headers.
namespace keel::parquet::internal {

Status SnappyDecompress(std::string_view in, size_t n, std::string* out);
Status SnappyCompress(std::string_view in, std::string* out);
Status GzipDecompress(std::string_view in, size_t n, std::string* out);
Status GzipCompress(std::string_view in, std::string* out);
Status ZstdDecompress(std::string_view in, size_t n, std::string* out);
Status ZstdCompress(std::string_view in, std::string* out);
Status Lz4RawDecompress(std::string_view in, size_t n, std::string* out);
Status Lz4HadoopDecompress(std::string_view in, size_t n, std::string* out);
Status Lz4RawCompress(std::string_view in, std::string* out);

}  // namespace keel::parquet::internal

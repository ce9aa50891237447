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

// Compression into caller buffers (see CompressTo in codec.h).
size_t SnappyMaxCompressed(size_t n);
Status SnappyCompressTo(std::string_view in, char* dst, size_t cap, size_t* written);
size_t ZstdMaxCompressed(size_t n);
Status ZstdCompressTo(std::string_view in, char* dst, size_t cap, size_t* written);
size_t GzipMaxCompressed(size_t n);
Status GzipCompressTo(std::string_view in, char* dst, size_t cap, size_t* written);
size_t Lz4MaxCompressed(size_t n);
Status Lz4RawCompressTo(std::string_view in, char* dst, size_t cap, size_t* written);

}  // namespace keel::parquet::internal

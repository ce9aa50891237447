#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/parquet/format.h"

namespace keel::parquet {

// Largest page (compressed or uncompressed) the reader will allocate for.
inline constexpr size_t kMaxPageBytes = 512u * 1024 * 1024;

// Decompresses one page with `codec` into *out, which ends up exactly `uncompressed_size`
// bytes long. A size mismatch or a damaged stream is kCorruption; a codec this build cannot
// read (LZO, BROTLI) is kNotImplemented. REQUIRES: uncompressed_size <= kMaxPageBytes.
Status Decompress(Codec codec, std::string_view in, size_t uncompressed_size, std::string* out);

// Compresses `in` with `codec` (UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW) into *out.
Status Compress(Codec codec, std::string_view in, std::string* out);

// Upper bound of the compressed size of `n` bytes with `codec` (one of CanCompress).
size_t MaxCompressedBytes(Codec codec, size_t n);

// Like Compress, into a caller-owned buffer of `capacity` >= MaxCompressedBytes(codec, in.size())
// bytes, so that a writer can reuse one buffer for every page. Sets *written.
Status CompressTo(Codec codec, std::string_view in, char* dst, size_t capacity, size_t* written);

// CRC-32 (the zlib/gzip polynomial) of `data`, as Parquet page headers store it.
uint32_t Crc32(std::string_view data);

// True when Compress supports `codec`.
bool CanCompress(Codec codec);

}  // namespace keel::parquet

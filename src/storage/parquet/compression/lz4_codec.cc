#include <lz4.h>

#include "storage/parquet/compression/codecs_internal.h"

namespace keel::parquet::internal {

Status Lz4RawDecompress(std::string_view in, size_t n, std::string* out) {
  out->resize(n);
  if (n == 0 && in.size() <= 1) return Status::OK();
  int rc =
      LZ4_decompress_safe(in.data(), out->data(), static_cast<int>(in.size()), static_cast<int>(n));
  if (rc < 0 || static_cast<size_t>(rc) != n) {
    return Status::Corruption("damaged LZ4 block (or size differs from the page header)");
  }
  return Status::OK();
}

namespace {

uint32_t ReadBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

}  // namespace

// Hadoop framing: per block, 4-byte big-endian uncompressed length, then one or more chunks of
// 4-byte big-endian compressed length + raw LZ4 block.
Status Lz4HadoopDecompress(std::string_view in, size_t n, std::string* out) {
  out->resize(n);
  size_t pos = 0, written = 0;
  while (pos < in.size()) {
    if (in.size() - pos < 8) return Status::Corruption("truncated Hadoop LZ4 frame");
    uint32_t raw_len = ReadBigEndian32(in.data() + pos);
    uint32_t comp_len = ReadBigEndian32(in.data() + pos + 4);
    pos += 8;
    if (raw_len > n - written || comp_len > in.size() - pos) {
      return Status::Corruption("Hadoop LZ4 frame lengths exceed the page");
    }
    int rc = LZ4_decompress_safe(in.data() + pos, out->data() + written, static_cast<int>(comp_len),
                                 static_cast<int>(raw_len));
    if (rc < 0 || static_cast<uint32_t>(rc) != raw_len) {
      return Status::Corruption("damaged Hadoop LZ4 block");
    }
    pos += comp_len;
    written += raw_len;
  }
  if (written != n) return Status::Corruption("Hadoop LZ4 frames do not fill the page");
  return Status::OK();
}

Status Lz4RawCompress(std::string_view in, std::string* out) {
  out->resize(LZ4_compressBound(static_cast<int>(in.size())));
  int rc = LZ4_compress_default(in.data(), out->data(), static_cast<int>(in.size()),
                                static_cast<int>(out->size()));
  if (rc <= 0) return Status::Internal("LZ4 compression failed");
  out->resize(rc);
  return Status::OK();
}

size_t Lz4MaxCompressed(size_t n) { return LZ4_compressBound(static_cast<int>(n)); }

Status Lz4RawCompressTo(std::string_view in, char* dst, size_t cap, size_t* written) {
  int rc = LZ4_compress_default(in.data(), dst, static_cast<int>(in.size()), static_cast<int>(cap));
  if (rc <= 0) return Status::Internal("LZ4 compression failed");
  *written = static_cast<size_t>(rc);
  return Status::OK();
}

}  // namespace keel::parquet::internal

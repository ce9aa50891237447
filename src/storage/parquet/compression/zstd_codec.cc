#include <zstd.h>

#include "storage/parquet/compression/codecs_internal.h"

namespace keel::parquet::internal {

Status ZstdDecompress(std::string_view in, size_t n, std::string* out) {
  // Refuse a frame that announces another size before allocating for it.
  unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR &&
      declared > n) {
    return Status::Corruption("ZSTD frame holds " + std::to_string(declared) +
                              " bytes, page header says " + std::to_string(n));
  }
  out->resize(n);
  size_t rc = ZSTD_decompress(out->data(), n, in.data(), in.size());
  if (ZSTD_isError(rc)) {
    return Status::Corruption(std::string("damaged ZSTD stream: ") + ZSTD_getErrorName(rc));
  }
  if (rc != n) {
    return Status::Corruption("ZSTD page decompresses to " + std::to_string(rc) +
                              " bytes, header says " + std::to_string(n));
  }
  return Status::OK();
}

Status ZstdCompress(std::string_view in, std::string* out) {
  out->resize(ZSTD_compressBound(in.size()));
  size_t rc = ZSTD_compress(out->data(), out->size(), in.data(), in.size(), 1);
  if (ZSTD_isError(rc)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(rc));
  out->resize(rc);
  return Status::OK();
}

size_t ZstdMaxCompressed(size_t n) { return ZSTD_compressBound(n); }

Status ZstdCompressTo(std::string_view in, char* dst, size_t cap, size_t* written) {
  size_t rc = ZSTD_compress(dst, cap, in.data(), in.size(), 1);
  if (ZSTD_isError(rc)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(rc));
  *written = rc;
  return Status::OK();
}

}  // namespace keel::parquet::internal

#include <snappy.h>

#include "storage/parquet/compression/codecs_internal.h"

namespace keel::parquet::internal {

Status SnappyDecompress(std::string_view in, size_t n, std::string* out) {
  size_t len = 0;
  if (!snappy::GetUncompressedLength(in.data(), in.size(), &len) || len != n) {
    return Status::Corruption("SNAPPY page header says " + std::to_string(n) +
                              " bytes, stream says otherwise");
  }
  out->resize(n);
  if (n == 0) return Status::OK();
  if (!snappy::RawUncompress(in.data(), in.size(), out->data())) {
    return Status::Corruption("damaged SNAPPY stream");
  }
  return Status::OK();
}

Status SnappyCompress(std::string_view in, std::string* out) {
  out->clear();
  snappy::Compress(in.data(), in.size(), out);
  return Status::OK();
}

size_t SnappyMaxCompressed(size_t n) { return snappy::MaxCompressedLength(n); }

Status SnappyCompressTo(std::string_view in, char* dst, size_t cap, size_t* written) {
  snappy::RawCompress(in.data(), in.size(), dst, written);
  return Status::OK();
}

}  // namespace keel::parquet::internal

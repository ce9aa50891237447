#include <zlib.h>

#include <algorithm>

#include "storage/parquet/compression/codec.h"
#include "storage/parquet/compression/codecs_internal.h"

namespace keel::parquet::internal {

Status GzipDecompress(std::string_view in, size_t n, std::string* out) {
  out->resize(n);
  z_stream zs{};
  // 15 + 32: accept gzip or zlib headers.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Internal("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out->data());
  zs.avail_out = static_cast<uInt>(n);
  Status status;
  while (true) {
    int rc = inflate(&zs, Z_FINISH);
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members: keep inflating while input remains.
      if (zs.avail_in > 0 && zs.avail_out > 0) {
        if (inflateReset(&zs) != Z_OK) {
          status = Status::Corruption("damaged GZIP stream");
          break;
        }
        continue;
      }
      break;
    }
    if (rc == Z_BUF_ERROR && zs.avail_out == 0) {
      status = Status::Corruption("GZIP page inflates past its declared size " + std::to_string(n));
      break;
    }
    if (rc != Z_OK) {
      status = Status::Corruption("damaged GZIP stream");
      break;
    }
  }
  size_t produced = n - zs.avail_out;
  inflateEnd(&zs);
  KEEL_RETURN_IF_ERROR(status);
  if (produced != n) {
    return Status::Corruption("GZIP page inflates to " + std::to_string(produced) +
                              " bytes, header says " + std::to_string(n));
  }
  return Status::OK();
}

Status GzipCompress(std::string_view in, std::string* out) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::Internal("deflateInit2 failed");
  }
  out->resize(deflateBound(&zs, in.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out->data());
  zs.avail_out = static_cast<uInt>(out->size());
  int rc = deflate(&zs, Z_FINISH);
  out->resize(out->size() - zs.avail_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal("deflate failed");
  return Status::OK();
}

size_t GzipMaxCompressed(size_t n) { return compressBound(n) + 64; }

Status GzipCompressTo(std::string_view in, char* dst, size_t cap, size_t* written) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::Internal("deflateInit2 failed");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(dst);
  zs.avail_out = static_cast<uInt>(cap);
  int rc = deflate(&zs, Z_FINISH);
  *written = cap - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal("deflate failed");
  return Status::OK();
}

}  // namespace keel::parquet::internal

namespace keel::parquet {

uint32_t Crc32(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large inputs in pieces.
  while (!data.empty()) {
    uInt n = static_cast<uInt>(std::min<size_t>(data.size(), 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), n);
    data.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

}  // namespace keel::parquet

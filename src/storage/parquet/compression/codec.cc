#include "storage/parquet/compression/codec.h"

#include <cstring>

#include "storage/parquet/compression/codecs_internal.h"

namespace keel::parquet {

Status Decompress(Codec codec, std::string_view in, size_t n, std::string* out) {
  if (n > kMaxPageBytes) {
    return Status::Corruption("page claims " + std::to_string(n) + " uncompressed bytes, over " +
                              std::to_string(kMaxPageBytes));
  }
  switch (codec) {
    case Codec::kUncompressed:
      if (in.size() != n) {
        return Status::Corruption("uncompressed page holds " + std::to_string(in.size()) +
                                  " bytes, header says " + std::to_string(n));
      }
      out->assign(in);
      return Status::OK();
    case Codec::kSnappy:
      return internal::SnappyDecompress(in, n, out);
    case Codec::kGzip:
      return internal::GzipDecompress(in, n, out);
    case Codec::kZstd:
      return internal::ZstdDecompress(in, n, out);
    case Codec::kLz4Raw:
      return internal::Lz4RawDecompress(in, n, out);
    case Codec::kLz4: {
      // Hadoop framing first; old parquet-cpp wrote raw blocks under the same codec id.
      Status s = internal::Lz4HadoopDecompress(in, n, out);
      if (s.ok()) return s;
      return internal::Lz4RawDecompress(in, n, out);
    }
    case Codec::kLzo:
    case Codec::kBrotli:
      break;
  }
  return Status::NotImplemented(std::string("compression codec ") +
                                CodecName(static_cast<int32_t>(codec)) +
                                " is not supported; rewrite the file with SNAPPY or ZSTD");
}

bool CanCompress(Codec codec) {
  return codec == Codec::kUncompressed || codec == Codec::kSnappy || codec == Codec::kGzip ||
         codec == Codec::kZstd || codec == Codec::kLz4Raw;
}

size_t MaxCompressedBytes(Codec codec, size_t n) {
  switch (codec) {
    case Codec::kSnappy:
      return internal::SnappyMaxCompressed(n);
    case Codec::kGzip:
      return internal::GzipMaxCompressed(n);
    case Codec::kZstd:
      return internal::ZstdMaxCompressed(n);
    case Codec::kLz4Raw:
      return internal::Lz4MaxCompressed(n);
    default:
      return n;
  }
}

Status CompressTo(Codec codec, std::string_view in, char* dst, size_t capacity, size_t* written) {
  if (capacity < MaxCompressedBytes(codec, in.size())) {
    return Status::Internal("compression buffer too small");
  }
  switch (codec) {
    case Codec::kUncompressed:
      if (!in.empty()) std::memcpy(dst, in.data(), in.size());
      *written = in.size();
      return Status::OK();
    case Codec::kSnappy:
      return internal::SnappyCompressTo(in, dst, capacity, written);
    case Codec::kGzip:
      return internal::GzipCompressTo(in, dst, capacity, written);
    case Codec::kZstd:
      return internal::ZstdCompressTo(in, dst, capacity, written);
    case Codec::kLz4Raw:
      return internal::Lz4RawCompressTo(in, dst, capacity, written);
    default:
      break;
  }
  return Status::InvalidArgument(std::string("cannot write compression codec ") +
                                 CodecName(static_cast<int32_t>(codec)));
}

Status Compress(Codec codec, std::string_view in, std::string* out) {
  switch (codec) {
    case Codec::kUncompressed:
      out->assign(in);
      return Status::OK();
    case Codec::kSnappy:
      return internal::SnappyCompress(in, out);
    case Codec::kGzip:
      return internal::GzipCompress(in, out);
    case Codec::kZstd:
      return internal::ZstdCompress(in, out);
    case Codec::kLz4Raw:
      return internal::Lz4RawCompress(in, out);
    default:
      break;
  }
  return Status::InvalidArgument(std::string("cannot write compression codec ") +
                                 CodecName(static_cast<int32_t>(codec)));
}

}  // namespace keel::parquet

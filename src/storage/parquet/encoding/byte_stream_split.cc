#include "storage/parquet/encoding/byte_stream_split.h"

namespace keel::parquet {

Status DecodeByteStreamSplit(std::string_view data, int width, int64_t count, std::string* out) {
  if (width <= 0) return Status::Corruption("BYTE_STREAM_SPLIT: bad value width");
  uint64_t need = static_cast<uint64_t>(count) * width;
  if (need > data.size()) {
    return Status::Corruption("BYTE_STREAM_SPLIT: page holds " + std::to_string(data.size()) +
                              " bytes, " + std::to_string(count) + " values need " +
                              std::to_string(need));
  }
  out->resize(need);
  for (int k = 0; k < width; ++k) {
    const char* stream = data.data() + static_cast<uint64_t>(k) * count;
    for (int64_t i = 0; i < count; ++i) (*out)[i * width + k] = stream[i];
  }
  return Status::OK();
}

}  // namespace keel::parquet

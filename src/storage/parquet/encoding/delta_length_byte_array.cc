#include "storage/parquet/encoding/delta_length_byte_array.h"

#include <vector>

#include "storage/parquet/encoding/delta_binary_packed.h"

namespace keel::parquet {

Status DecodeDeltaLengthByteArray(std::string_view data, int64_t count, PhysicalValues* out,
                                  size_t* consumed) {
  std::vector<int64_t> lengths;
  size_t pos = 0;
  KEEL_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, &lengths, &pos));
  uint64_t total = 0;
  for (int64_t len : lengths) {
    if (len < 0) return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY: negative length");
    total += static_cast<uint64_t>(len);
    if (total > data.size() - pos) {
      return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY: lengths exceed the page data");
    }
  }
  out->offsets.reserve(out->offsets.size() + count);
  for (int64_t len : lengths) {
    out->AppendByteArray(data.substr(pos, len));
    pos += len;
  }
  *consumed = pos;
  return Status::OK();
}

}  // namespace keel::parquet

#include "storage/parquet/encoding/delta_byte_array.h"

#include <vector>

#include "storage/parquet/encoding/delta_binary_packed.h"
#include "storage/parquet/encoding/delta_length_byte_array.h"

namespace keel::parquet {

Status DecodeDeltaByteArray(std::string_view data, int64_t count, std::string* previous,
                            PhysicalValues* out) {
  std::vector<int64_t> prefixes;
  size_t pos = 0;
  KEEL_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, &prefixes, &pos));
  PhysicalValues suffixes;
  size_t used = 0;
  KEEL_RETURN_IF_ERROR(DecodeDeltaLengthByteArray(data.substr(pos), count, &suffixes, &used));
  std::string value;
  out->offsets.reserve(out->offsets.size() + count);
  for (int64_t i = 0; i < count; ++i) {
    int64_t prefix = prefixes[i];
    if (prefix < 0 || static_cast<uint64_t>(prefix) > previous->size()) {
      return Status::Corruption("DELTA_BYTE_ARRAY: prefix length " + std::to_string(prefix) +
                                " exceeds the previous value");
    }
    value.assign(*previous, 0, prefix);
    value.append(suffixes.ByteArrayAt(i));
    out->AppendByteArray(value);
    previous->swap(value);
  }
  return Status::OK();
}

}  // namespace keel::parquet

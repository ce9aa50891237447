#include "storage/parquet/encoding/delta_binary_packed.h"

#include "storage/parquet/encoding/bit_util.h"

namespace keel::parquet {

namespace {

Status Bad(const std::string& what) { return Status::Corruption("DELTA_BINARY_PACKED: " + what); }

int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

}  // namespace

Status DecodeDeltaBinaryPacked(std::string_view data, int64_t count, std::vector<int64_t>* out,
                               size_t* consumed) {
  const auto* d = reinterpret_cast<const uint8_t*>(data.data());
  size_t pos = 0;
  uint64_t block_size, miniblocks, total, first_raw;
  if (!ReadUleb(d, data.size(), &pos, &block_size) ||
      !ReadUleb(d, data.size(), &pos, &miniblocks) || !ReadUleb(d, data.size(), &pos, &total) ||
      !ReadUleb(d, data.size(), &pos, &first_raw)) {
    return Bad("header ends early");
  }
  if (block_size == 0 || block_size % 128 != 0 || block_size > kMaxDeltaBlockValues) {
    return Bad("block size " + std::to_string(block_size) + " is not a multiple of 128");
  }
  if (miniblocks == 0 || miniblocks > kMaxDeltaMiniblocks || block_size % miniblocks != 0 ||
      (block_size / miniblocks) % 32 != 0) {
    return Bad("bad miniblock count " + std::to_string(miniblocks));
  }
  if (total < static_cast<uint64_t>(count)) {
    return Bad("header holds " + std::to_string(total) + " values, page needs " +
               std::to_string(count));
  }
  const uint64_t per_mini = block_size / miniblocks;
  size_t old = out->size();
  out->reserve(old + count);
  uint64_t value = static_cast<uint64_t>(ZigZagDecode(first_raw));
  if (count > 0) out->push_back(static_cast<int64_t>(value));
  int64_t produced = count > 0 ? 1 : 0;
  std::vector<uint64_t> deltas(per_mini);
  std::vector<uint8_t> widths(miniblocks);
  while (produced < count) {
    uint64_t min_raw;
    if (!ReadUleb(d, data.size(), &pos, &min_raw)) return Bad("block header ends early");
    uint64_t min_delta = static_cast<uint64_t>(ZigZagDecode(min_raw));
    if (data.size() - pos < miniblocks) return Bad("bit widths end early");
    for (uint64_t m = 0; m < miniblocks; ++m) widths[m] = d[pos + m];
    pos += miniblocks;
    for (uint64_t m = 0; m < miniblocks && produced < count; ++m) {
      int w = widths[m];
      if (w > 64) return Bad("bit width " + std::to_string(w) + " over 64");
      uint64_t bytes = BitPackedBytes(per_mini, w);
      uint64_t want = static_cast<uint64_t>(count - produced);
      uint64_t n = want < per_mini ? want : per_mini;
      if (BitPackedBytes(n, w) > data.size() - pos) return Bad("miniblock ends early");
      UnpackBits(d + pos, w, static_cast<int64_t>(n), deltas.data());
      for (uint64_t k = 0; k < n; ++k) {
        value += min_delta + deltas[k];  // wrapping arithmetic, as the spec requires
        out->push_back(static_cast<int64_t>(value));
      }
      produced += n;
      pos = bytes > data.size() - pos ? data.size() : pos + bytes;
    }
  }
  *consumed = pos;
  (void)old;
  return Status::OK();
}

}  // namespace keel::parquet

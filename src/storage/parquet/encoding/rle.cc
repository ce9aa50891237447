#include "storage/parquet/encoding/rle.h"

#include "storage/parquet/encoding/bit_util.h"

namespace keel::parquet {

Status RleDecoder::NextRun() {
  const auto* d = reinterpret_cast<const uint8_t*>(data_.data());
  uint64_t header;
  if (!ReadUleb(d, data_.size(), &pos_, &header)) {
    return Status::Corruption("RLE/bit-packed data ends before all values were decoded");
  }
  if (header & 1) {
    uint64_t groups = header >> 1;
    if (groups == 0 || groups > (uint64_t{1} << 28)) {
      return Status::Corruption("bad bit-packed run length in RLE data");
    }
    uint64_t values = groups * 8;
    if (bit_width_ > 0) {
      uint64_t available = (data_.size() - pos_) * 8 / bit_width_;
      if (available < values) values = available;
    }
    if (values == 0) return Status::Corruption("empty bit-packed run in RLE data");
    if (bit_width_ == 0) {  // all zeros and no bytes: a repeated run needs no buffer
      repeat_left_ = static_cast<int64_t>(values);
      repeat_value_ = 0;
      return Status::OK();
    }
    literals_.resize(values);
    UnpackBits(d + pos_, bit_width_, static_cast<int64_t>(values), literals_.data());
    literal_pos_ = 0;
    uint64_t run_bytes = groups * bit_width_;  // 8 values per group
    pos_ = run_bytes > data_.size() - pos_ ? data_.size() : pos_ + run_bytes;
  } else {
    uint64_t count = header >> 1;
    if (count == 0 || count > (uint64_t{1} << 31)) {
      return Status::Corruption("bad repeated run length in RLE data");
    }
    size_t width_bytes = (bit_width_ + 7) / 8;
    if (data_.size() - pos_ < width_bytes) {
      return Status::Corruption("RLE run value extends past the end of the data");
    }
    uint64_t v = 0;
    for (size_t k = 0; k < width_bytes; ++k) v |= static_cast<uint64_t>(d[pos_ + k]) << (8 * k);
    pos_ += width_bytes;
    repeat_left_ = static_cast<int64_t>(count);
    repeat_value_ = v;
  }
  return Status::OK();
}

template <typename T>
Status RleDecoder::Get(int64_t n, T* out) {
  if (bit_width_ < 0 || bit_width_ > 32) {
    return Status::Corruption("RLE bit width " + std::to_string(bit_width_) + " is over 32");
  }
  while (n > 0) {
    if (repeat_left_ == 0 && literal_pos_ == literals_.size()) KEEL_RETURN_IF_ERROR(NextRun());
    if (repeat_left_ > 0) {
      int64_t take = repeat_left_ < n ? repeat_left_ : n;
      T v = static_cast<T>(repeat_value_);
      for (int64_t i = 0; i < take; ++i) out[i] = v;
      out += take;
      n -= take;
      repeat_left_ -= take;
      continue;
    }
    int64_t left = static_cast<int64_t>(literals_.size() - literal_pos_);
    int64_t take = left < n ? left : n;
    for (int64_t i = 0; i < take; ++i) out[i] = static_cast<T>(literals_[literal_pos_ + i]);
    literal_pos_ += take;
    out += take;
    n -= take;
  }
  return Status::OK();
}

template Status RleDecoder::Get<int16_t>(int64_t, int16_t*);
template Status RleDecoder::Get<uint32_t>(int64_t, uint32_t*);
template Status RleDecoder::Get<uint8_t>(int64_t, uint8_t*);

namespace {

void WriteRepeated(uint32_t value, int64_t count, int bit_width, std::string* out) {
  WriteUleb(static_cast<uint64_t>(count) << 1, out);
  int width_bytes = (bit_width + 7) / 8;
  for (int k = 0; k < width_bytes; ++k)
    out->push_back(static_cast<char>((value >> (8 * k)) & 0xff));
}

void WriteLiterals(std::vector<uint32_t>* pending, int bit_width, std::string* out) {
  if (pending->empty()) return;
  while (pending->size() % 8 != 0) pending->push_back(0);
  WriteUleb(((pending->size() / 8) << 1) | 1, out);
  PackBits(pending->data(), static_cast<int64_t>(pending->size()), bit_width, out);
  pending->clear();
}

}  // namespace

void EncodeRle(const uint32_t* values, int64_t count, int bit_width, std::string* out) {
  std::vector<uint32_t> pending;
  int64_t i = 0;
  while (i < count) {
    int64_t run = 1;
    while (i + run < count && values[i + run] == values[i]) ++run;
    if (run >= 8) {
      // Fill the pending literals to a multiple of 8 from this run, so no padding lands
      // in the middle of the data.
      while (pending.size() % 8 != 0 && run > 0) {
        pending.push_back(values[i]);
        ++i;
        --run;
      }
      WriteLiterals(&pending, bit_width, out);
      if (run > 0) WriteRepeated(values[i], run, bit_width, out);
      i += run;
    } else {
      for (int64_t k = 0; k < run; ++k) pending.push_back(values[i + k]);
      i += run;
    }
  }
  WriteLiterals(&pending, bit_width, out);
}

}  // namespace keel::parquet

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace keel::parquet {

// Unpacks `count` values of `bit_width` (0..64) bits each, LSB first, from `data`.
// REQUIRES: size >= BitPackedBytes(count, bit_width).
inline uint64_t BitPackedBytes(int64_t count, int bit_width) {
  return (static_cast<uint64_t>(count) * bit_width + 7) / 8;
}

template <typename Out>
void UnpackBits(const uint8_t* data, int bit_width, int64_t count, Out* out) {
  if (bit_width == 0) {
    for (int64_t i = 0; i < count; ++i) out[i] = 0;
    return;
  }
  uint64_t bit = 0;
  const uint64_t mask = bit_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t byte = bit >> 3;
    int shift = static_cast<int>(bit & 7);
    int needed = shift + bit_width;  // bits to gather starting at `byte`
    uint64_t v = 0;
    int nbytes = (needed + 7) / 8;
    // Gather up to 8 bytes into v, then a possible ninth byte for 64-bit widths.
    int first = nbytes > 8 ? 8 : nbytes;
    for (int k = 0; k < first; ++k) v |= static_cast<uint64_t>(data[byte + k]) << (8 * k);
    v >>= shift;
    if (nbytes > 8) v |= static_cast<uint64_t>(data[byte + 8]) << (64 - shift);
    out[i] = static_cast<Out>(v & mask);
    bit += bit_width;
  }
}

// Appends `count` values packed LSB first with `bit_width` bits each.
template <typename In>
void PackBits(const In* values, int64_t count, int bit_width, std::string* out) {
  unsigned __int128 acc = 0;
  int bits = 0;
  const uint64_t mask = bit_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  for (int64_t i = 0; i < count; ++i) {
    acc |= static_cast<unsigned __int128>(static_cast<uint64_t>(values[i]) & mask) << bits;
    bits += bit_width;
    while (bits >= 8) {
      out->push_back(static_cast<char>(static_cast<uint8_t>(acc)));
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out->push_back(static_cast<char>(static_cast<uint8_t>(acc)));
}

// Bits needed to store values up to `max_value`.
inline int BitWidth(uint64_t max_value) {
  int w = 0;
  while (max_value) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

// Unsigned LEB128 varint; returns false when the input ends or the varint exceeds 64 bits.
inline bool ReadUleb(const uint8_t* data, size_t size, size_t* pos, uint64_t* out) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= size) return false;
    uint8_t b = data[(*pos)++];
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = result;
      return true;
    }
  }
  return false;
}

inline void WriteUleb(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace keel::parquet

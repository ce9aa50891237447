#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace keel {

// SHA-256 (FIPS 180-4). Used to store token hashes and, later, for HMAC signatures and content
// digests. Incremental: Update any number of times, then Finish once.
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  std::array<uint8_t, 32> Finish();

  static std::array<uint8_t, 32> Digest(std::string_view data);
  static std::string HexDigest(std::string_view data);

 private:
  void Block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_bytes_ = 0;
};

// HMAC-SHA256 (RFC 2104), hex encoded.
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);

}  // namespace keel

#include "ml/profile/hyperloglog.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace keel::ml {

namespace {

// MurmurHash3's 64-bit finalizer: a bijection whose every output bit depends on every input bit.
uint64_t Mix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

// Ertl's sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), for the empty-register term.
double Sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0;
  double z = x;
  while (true) {
    x *= x;
    double z_old = z;
    z += x * y;
    y += y;
    if (z_old == z) return z;
  }
}

// Ertl's tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3, for saturated registers.
double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  while (true) {
    x = std::sqrt(x);
    double z_old = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
    if (z_old == z) return z / 3.0;
  }
}

}  // namespace

uint64_t HashUint64(uint64_t key) { return Mix64(key + 0x9e3779b97f4a7c15ULL); }

uint64_t HashBytes(std::string_view bytes) {
  constexpr uint64_t kMul1 = 0x87c37b91114253d5ULL;
  constexpr uint64_t kMul2 = 0x4cf5ad432745937fULL;
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ (bytes.size() * kMul1);
  const char* p = bytes.data();
  size_t remaining = bytes.size();
  while (remaining >= 8) {
    uint64_t k = Load64(p) * kMul1;
    k = std::rotl(k, 31) * kMul2;
    h ^= k;
    h = std::rotl(h, 27) * 5 + 0x52dce729;
    p += 8;
    remaining -= 8;
  }
  uint64_t tail = 0;
  for (size_t byte_idx = 0; byte_idx < remaining; ++byte_idx) {
    tail |= static_cast<uint64_t>(static_cast<uint8_t>(p[byte_idx])) << (8 * byte_idx);
  }
  // The tail is mixed even when empty, so "" and a string of zero bytes differ by length alone.
  h ^= std::rotl(tail * kMul1, 31) * kMul2;
  return Mix64(h);
}

HyperLogLog::HyperLogLog(int precision)
    : precision_(precision), registers_(size_t{1} << precision, 0) {}

void HyperLogLog::AddHash(uint64_t hash) {
  // The top `precision_` bits pick the register; the rank is the position of the first 1 bit in
  // the remaining 64 - precision_ bits (64 - precision_ + 1 when they are all zero).
  const int q = 64 - precision_;
  const size_t index = static_cast<size_t>(hash >> q);
  const uint64_t rest = hash << precision_;
  const int rank = rest == 0 ? q + 1 : std::countl_zero(rest) + 1;
  uint8_t& reg = registers_[index];
  if (rank > reg) reg = static_cast<uint8_t>(rank);
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  for (size_t reg_idx = 0; reg_idx < registers_.size(); ++reg_idx) {
    if (other.registers_[reg_idx] > registers_[reg_idx]) {
      registers_[reg_idx] = other.registers_[reg_idx];
    }
  }
}

double HyperLogLog::Estimate() const {
  const int q = 64 - precision_;
  const double m = static_cast<double>(registers_.size());
  std::vector<double> histogram(q + 2, 0.0);
  for (uint8_t reg : registers_) histogram[reg] += 1.0;
  if (histogram[0] == m) return 0.0;
  double z = m * Tau(1.0 - histogram[q + 1] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + histogram[k]);
  z += m * Sigma(histogram[0] / m);
  const double alpha_inf = 0.5 / std::log(2.0);
  return alpha_inf * m * m / z;
}

}  // namespace keel::ml

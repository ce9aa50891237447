#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

// Approximate distinct counting for data profiles. A HyperLogLog sketch (Flajolet et al., 2007)
// keeps one small register per bucket of a 64-bit hash, so its memory does not grow with the
// data, and two sketches of the same precision merge into the sketch of the union (which is why
// monitoring windows can combine profiles). Estimates use Ertl's improved estimator ("New
// cardinality estimation algorithms for HyperLogLog sketches", 2017), which needs no empirical
// bias tables and is accurate from a handful of values up to 2^64.
namespace keel::ml {

// 64-bit hashes fed to the sketch. Both are deterministic across runs and platforms (the same
// value always lands in the same register), and mix every input bit into every output bit.
// Hash of a 64-bit key (an integer, or a double's bit pattern).
uint64_t HashUint64(uint64_t key);
// Hash of a byte string.
uint64_t HashBytes(std::string_view bytes);

class HyperLogLog {
 public:
  // Registers are 2^precision bytes. The default 14 gives 16 KiB and a standard error of about
  // 1.04 / sqrt(2^14) = 0.8%.
  static constexpr int kDefaultPrecision = 14;
  static constexpr int kMinPrecision = 4;
  static constexpr int kMaxPrecision = 18;

  // REQUIRES: kMinPrecision <= precision <= kMaxPrecision (a programmer's choice, not input).
  explicit HyperLogLog(int precision = kDefaultPrecision);

  // Adds a value by its hash (HashUint64 or HashBytes). Adding the same hash twice changes
  // nothing.
  void AddHash(uint64_t hash);

  // Folds `other` in, so that this sketch estimates the distinct count of both inputs.
  // REQUIRES: other.precision() == precision().
  void Merge(const HyperLogLog& other);

  // The estimated number of distinct hashes added (0 for an empty sketch).
  double Estimate() const;

  int precision() const { return precision_; }
  // One byte per register: the highest rank seen (0 = empty).
  const std::vector<uint8_t>& registers() const { return registers_; }

 private:
  int precision_;
  std::vector<uint8_t> registers_;
};

}  // namespace keel::ml

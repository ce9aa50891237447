#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>

#include "ml/profile/profile_internal.h"

namespace keel::ml::profile_internal {

namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;
// Below this many keys a comparison sort beats the radix sort's fixed cost.
constexpr size_t kRadixSortMinKeys = 2048;
// 11-bit digits: six passes over 64-bit keys, three over 32-bit ones, with counts that stay in
// the L2 cache.
constexpr int kRadixBits = 11;
constexpr int kRadixDigits = (64 + kRadixBits - 1) / kRadixBits;
constexpr size_t kRadixBuckets = size_t{1} << kRadixBits;
constexpr uint64_t kRadixMask = kRadixBuckets - 1;

// Neumaier's compensated sum: exact to the last bit or two where a plain sum of a million values
// can lose several digits.
class CompensatedSum {
 public:
  void Add(double v) {
    double t = sum_ + v;
    if (std::fabs(sum_) >= std::fabs(v)) {
      compensation_ += (sum_ - t) + v;
    } else {
      compensation_ += (v - t) + sum_;
    }
    sum_ = t;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0;
  double compensation_ = 0;
};

}  // namespace

void RadixSort(std::span<uint64_t> keys, std::vector<uint64_t>* buffer) {
  const size_t n = keys.size();
  if (n < kRadixSortMinKeys) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  std::vector<std::array<size_t, kRadixBuckets>> counts(kRadixDigits);
  for (auto& digit_counts : counts) digit_counts.fill(0);
  for (uint64_t key : keys) {
    for (int digit = 0; digit < kRadixDigits; ++digit) {
      ++counts[digit][(key >> (kRadixBits * digit)) & kRadixMask];
    }
  }
  if (buffer->size() < n) buffer->resize(n);
  uint64_t* src = keys.data();
  uint64_t* dst = buffer->data();
  for (int digit = 0; digit < kRadixDigits; ++digit) {
    std::array<size_t, kRadixBuckets>& digit_counts = counts[digit];
    const int shift = kRadixBits * digit;
    if (digit_counts[(src[0] >> shift) & kRadixMask] == n) continue;  // one value everywhere
    size_t offset = 0;
    for (size_t& c : digit_counts) {
      size_t next = offset + c;
      c = offset;
      offset = next;
    }
    for (size_t key_idx = 0; key_idx < n; ++key_idx) {
      const uint64_t key = src[key_idx];
      dst[digit_counts[(key >> shift) & kRadixMask]++] = key;
    }
    std::swap(src, dst);
  }
  if (src != keys.data()) std::memcpy(keys.data(), src, n * sizeof(uint64_t));
}

uint64_t KeyOfInt32(int32_t v) { return static_cast<uint32_t>(v) ^ 0x80000000u; }
uint64_t KeyOfInt64(int64_t v) { return static_cast<uint64_t>(v) ^ kSignBit; }
int32_t Int32OfKey(uint64_t key) {
  return static_cast<int32_t>(static_cast<uint32_t>(key) ^ 0x80000000u);
}
int64_t Int64OfKey(uint64_t key) { return static_cast<int64_t>(key ^ kSignBit); }

uint64_t KeyOfDouble(double v) {
  if (v == 0) v = 0.0;  // one key for -0.0 and 0.0
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  // Negative numbers order backwards by their bits, so flip them all; positives just move above.
  return (bits & kSignBit) ? ~bits : bits | kSignBit;
}

double DoubleOfKey(uint64_t key) {
  return std::bit_cast<double>((key & kSignBit) ? key & ~kSignBit : ~key);
}

double LinearQuantile(std::span<const double> sorted, double q) {
  const size_t n = sorted.size();
  const double virtual_index = static_cast<double>(n - 1) * q;
  if (virtual_index >= static_cast<double>(n - 1)) return sorted[n - 1];
  if (virtual_index < 0) return sorted[0];
  const double previous_index = std::floor(virtual_index);
  const size_t previous = static_cast<size_t>(previous_index);
  const double a = sorted[previous];
  const double b = sorted[previous + 1];
  const double t = virtual_index - previous_index;
  // numpy's _lerp: from the nearer end, so that the result stays within [a, b].
  const double diff_b_a = b - a;
  return t >= 0.5 ? b - diff_b_a * (1 - t) : a + diff_b_a * t;
}

std::vector<ColumnProfile::Bin> EqualWidthHistogram(std::span<const double> sorted, int bins) {
  double first = sorted.front();
  double last = sorted.back();
  if (first == last) {
    first -= 0.5;
    last += 0.5;
  }
  // numpy.linspace(first, last, bins + 1): edge i = i * step + first, the last edge exactly last.
  const double delta = last - first;
  const double step = delta / bins;
  std::vector<double> edges(bins + 1);
  for (int edge_idx = 0; edge_idx < bins; ++edge_idx) {
    edges[edge_idx] = std::isfinite(step) ? edge_idx * step + first
                                          : first + edge_idx * (last / bins - first / bins);
  }
  edges[bins] = last;
  std::vector<ColumnProfile::Bin> histogram(bins);
  // A value v is in bin i when edges[i] <= v < edges[i + 1]; the last bin also takes v == last.
  size_t begin = 0;
  for (int bin_idx = 0; bin_idx < bins; ++bin_idx) {
    size_t end = bin_idx + 1 == bins
                     ? sorted.size()
                     : static_cast<size_t>(std::lower_bound(sorted.begin() + begin, sorted.end(),
                                                            edges[bin_idx + 1]) -
                                           sorted.begin());
    histogram[bin_idx] = {edges[bin_idx], edges[bin_idx + 1], static_cast<int64_t>(end - begin)};
    begin = end;
  }
  return histogram;
}

std::pair<double, std::optional<double>> MeanAndStddev(std::span<const double> values) {
  CompensatedSum sum;
  for (double v : values) sum.Add(v);
  const double n = static_cast<double>(values.size());
  const double mean = sum.value() / n;
  if (values.size() < 2) return {mean, std::nullopt};
  CompensatedSum squares;
  for (double v : values) squares.Add((v - mean) * (v - mean));
  return {mean, std::sqrt(squares.value() / (n - 1))};
}

std::vector<std::pair<std::string, int64_t>> SelectTopValues(std::vector<ValueCount>* candidates_in,
                                                             int k, TieOrder order,
                                                             const ValueTextFn& text) {
  std::vector<ValueCount>& candidates = *candidates_in;
  using Ranked = std::pair<std::string, int64_t>;
  std::vector<Ranked> top;
  const size_t keep = std::min(static_cast<size_t>(std::max(k, 0)), candidates.size());
  if (keep == 0) return top;
  std::string buffer;
  auto text_of = [&](uint64_t id) {
    text(id, &buffer);
    return buffer;
  };
  if (order == TieOrder::kById) {
    std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(),
                      [](const ValueCount& a, const ValueCount& b) {
                        return a.count != b.count ? a.count > b.count : a.id < b.id;
                      });
    for (size_t rank = 0; rank < keep; ++rank) {
      top.emplace_back(text_of(candidates[rank].id), candidates[rank].count);
    }
    return top;
  }
  // Everything more frequent than the keep-th count is in; of the values exactly as frequent,
  // the first by text fill the remaining places, found with a max-heap of the best so far.
  std::nth_element(candidates.begin(), candidates.begin() + (keep - 1), candidates.end(),
                   [](const ValueCount& a, const ValueCount& b) { return a.count > b.count; });
  const int64_t threshold = candidates[keep - 1].count;
  std::vector<std::string> tied;  // a max-heap on text
  size_t places = keep;
  for (const ValueCount& c : candidates) {
    if (c.count > threshold) {
      top.emplace_back(text_of(c.id), c.count);
      --places;
    }
  }
  for (const ValueCount& c : candidates) {
    if (c.count != threshold) continue;
    text(c.id, &buffer);
    if (tied.size() < places) {
      tied.push_back(buffer);
      std::push_heap(tied.begin(), tied.end());
    } else if (buffer < tied.front()) {
      std::pop_heap(tied.begin(), tied.end());
      tied.back() = buffer;
      std::push_heap(tied.begin(), tied.end());
    }
  }
  for (std::string& t : tied) top.emplace_back(std::move(t), threshold);
  std::sort(top.begin(), top.end(), [](const Ranked& a, const Ranked& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return top;
}

std::optional<double> Pearson(std::span<const double> x, std::span<const double> y) {
  CompensatedSum sum_x, sum_y;
  int64_t n = 0;
  for (size_t row_idx = 0; row_idx < x.size(); ++row_idx) {
    if (!std::isfinite(x[row_idx]) || !std::isfinite(y[row_idx])) continue;
    sum_x.Add(x[row_idx]);
    sum_y.Add(y[row_idx]);
    ++n;
  }
  if (n < 2) return std::nullopt;
  const double mean_x = sum_x.value() / static_cast<double>(n);
  const double mean_y = sum_y.value() / static_cast<double>(n);
  CompensatedSum sxx, syy, sxy;
  for (size_t row_idx = 0; row_idx < x.size(); ++row_idx) {
    if (!std::isfinite(x[row_idx]) || !std::isfinite(y[row_idx])) continue;
    const double dx = x[row_idx] - mean_x;
    const double dy = y[row_idx] - mean_y;
    sxx.Add(dx * dx);
    syy.Add(dy * dy);
    sxy.Add(dx * dy);
  }
  if (sxx.value() <= 0 || syy.value() <= 0) return std::nullopt;
  const double r = sxy.value() / std::sqrt(sxx.value() * syy.value());
  return std::clamp(r, -1.0, 1.0);
}

std::optional<double> CorrelationRatio(std::span<const int32_t> groups, int32_t num_groups,
                                       std::span<const double> y) {
  std::vector<CompensatedSum> group_sums(num_groups);
  std::vector<int64_t> group_counts(num_groups, 0);
  CompensatedSum total;
  int64_t n = 0;
  for (size_t row_idx = 0; row_idx < y.size(); ++row_idx) {
    const int32_t group = groups[row_idx];
    if (group < 0 || !std::isfinite(y[row_idx])) continue;
    group_sums[group].Add(y[row_idx]);
    ++group_counts[group];
    total.Add(y[row_idx]);
    ++n;
  }
  if (n < 2) return std::nullopt;
  const double mean = total.value() / static_cast<double>(n);
  CompensatedSum ss_total;
  for (size_t row_idx = 0; row_idx < y.size(); ++row_idx) {
    if (groups[row_idx] < 0 || !std::isfinite(y[row_idx])) continue;
    ss_total.Add((y[row_idx] - mean) * (y[row_idx] - mean));
  }
  if (ss_total.value() <= 0) return std::nullopt;
  CompensatedSum ss_between;
  for (int32_t group = 0; group < num_groups; ++group) {
    if (group_counts[group] == 0) continue;
    const double group_mean = group_sums[group].value() / static_cast<double>(group_counts[group]);
    ss_between.Add(static_cast<double>(group_counts[group]) * (group_mean - mean) *
                   (group_mean - mean));
  }
  return std::sqrt(std::clamp(ss_between.value() / ss_total.value(), 0.0, 1.0));
}

}  // namespace keel::ml::profile_internal

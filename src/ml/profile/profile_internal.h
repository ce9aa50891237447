#pragma once

// Private to src/ml/profile/ and its tests: the numeric building blocks of ProfileBatch, kept
// apart from the column scanning so that each can be checked against numpy on its own.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ml/profile/table_profile.h"

namespace keel::ml::profile_internal {

// Sorts unsigned 64-bit keys ascending with an LSD radix sort (11-bit digits; a digit that is
// the same in every key is skipped, so 32-bit data costs three passes). *buffer is scratch space,
// grown to keys.size() when smaller, so that one buffer serves every column.
void RadixSort(std::span<uint64_t> keys, std::vector<uint64_t>* buffer);

// Order-preserving maps to unsigned keys: a < b exactly when Key(a) < Key(b).
uint64_t KeyOfInt32(int32_t v);
uint64_t KeyOfInt64(int64_t v);
// -0.0 maps to the key of 0.0. REQUIRES: v is not NaN.
uint64_t KeyOfDouble(double v);
int32_t Int32OfKey(uint64_t key);
int64_t Int64OfKey(uint64_t key);
double DoubleOfKey(uint64_t key);

// numpy.quantile(sorted, q) with the default 'linear' method, bit for bit (numpy's lerp).
// REQUIRES: sorted is ascending, non-empty and finite; 0 <= q <= 1.
double LinearQuantile(std::span<const double> sorted, double q);

// numpy.histogram(sorted, bins): equal-width bins between the first and last value (widened by
// 0.5 either side when they are equal). REQUIRES: sorted ascending, non-empty, finite; bins >= 1.
std::vector<ColumnProfile::Bin> EqualWidthHistogram(std::span<const double> sorted, int bins);

// Mean and sample standard deviation (nullopt below two values) of `values`, two-pass with
// compensated sums. REQUIRES: values non-empty and finite.
std::pair<double, std::optional<double>> MeanAndStddev(std::span<const double> values);

// A distinct value and how often it occurs; `id` is whatever the caller's text function reads.
struct ValueCount {
  int64_t count = 0;
  uint64_t id = 0;
};

// How SelectTopValues orders values of equal count.
enum class TieOrder {
  kById,    // ascending id: numeric order for the keys above, so nothing extra is formatted
  kByText,  // ascending text, byte order
};

// Writes the text of the value with id `id` into *text (a buffer reused between calls).
using ValueTextFn = std::function<void(uint64_t id, std::string* text)>;

// The `k` most frequent of `candidates` as (text, count), most frequent first, ties in `order`.
// Only the k results are kept as strings: with kByText the values tied at the k-th count are
// formatted one at a time into a buffer and compared with the worst kept one.
// *candidates is reordered.
std::vector<std::pair<std::string, int64_t>> SelectTopValues(std::vector<ValueCount>* candidates,
                                                             int k, TieOrder order,
                                                             const ValueTextFn& text);

// Pearson's r over the rows where both x and y are finite (NaN marks a missing value); nullopt
// for fewer than two such rows or a constant side.
std::optional<double> Pearson(std::span<const double> x, std::span<const double> y);

// The correlation ratio eta = sqrt(SS_between / SS_total) of y grouped by `groups` (group ids in
// [0, num_groups), negative = missing) over the rows with a group and a finite y; nullopt for
// fewer than two such rows or a constant y.
std::optional<double> CorrelationRatio(std::span<const int32_t> groups, int32_t num_groups,
                                       std::span<const double> y);

}  // namespace keel::ml::profile_internal

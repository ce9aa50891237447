#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "ml/profile/profile_internal.h"

namespace keel::ml::profile_internal {
namespace {

using Values = std::vector<double>;
using Groups = std::vector<int32_t>;

TEST(ProfileStatsTest, RadixSortMatchesStdSortOnLargeAndSmallInputs) {
  std::mt19937_64 rng(42);
  std::vector<uint64_t> buffer;  // shared by every size, as ProfileBatch shares it
  for (size_t n : {0u, 1u, 7u, 511u, 512u, 100000u}) {
    std::vector<uint64_t> keys(n);
    for (uint64_t& k : keys) k = rng();
    // Some keys share their high bytes (like 32-bit data), some are duplicates.
    for (size_t key_idx = 0; key_idx < n; key_idx += 3) keys[key_idx] &= 0xffff;
    for (size_t key_idx = 1; key_idx < n; key_idx += 5) keys[key_idx] = keys[key_idx - 1];
    std::vector<uint64_t> expected = keys;
    std::sort(expected.begin(), expected.end());
    RadixSort(keys, &buffer);
    EXPECT_EQ(keys, expected) << "n = " << n;
  }
}

TEST(ProfileStatsTest, KeysPreserveTheOrderOfIntegersAndDoubles) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> doubles = {-inf, -1e300, -2.5, -1e-310, 0.0, 1e-310, 3.0, 1e300, inf};
  for (size_t value_idx = 1; value_idx < doubles.size(); ++value_idx) {
    EXPECT_LT(KeyOfDouble(doubles[value_idx - 1]), KeyOfDouble(doubles[value_idx]))
        << doubles[value_idx];
    EXPECT_EQ(DoubleOfKey(KeyOfDouble(doubles[value_idx])), doubles[value_idx]);
  }
  EXPECT_EQ(KeyOfDouble(-0.0), KeyOfDouble(0.0));
  EXPECT_LT(KeyOfInt32(-5), KeyOfInt32(3));
  EXPECT_LT(KeyOfInt32(INT32_MIN), KeyOfInt32(INT32_MAX));
  EXPECT_LT(KeyOfInt64(INT64_MIN), KeyOfInt64(-1));
  EXPECT_LT(KeyOfInt64(-1), KeyOfInt64(0));
  EXPECT_EQ(Int32OfKey(KeyOfInt32(-7)), -7);
  EXPECT_EQ(Int64OfKey(KeyOfInt64(INT64_MIN)), INT64_MIN);
}

TEST(ProfileStatsTest, LinearQuantileInterpolatesAsNumpyDoes) {
  // numpy.quantile([1, 3, 3, 3, 7], q)
  const std::vector<double> sorted = {1, 3, 3, 3, 7};
  EXPECT_EQ(LinearQuantile(sorted, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(LinearQuantile(sorted, 0.1), 1.8);  // index 0.4: 1 + 2 * 0.4
  EXPECT_EQ(LinearQuantile(sorted, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(LinearQuantile(sorted, 0.95), 6.2);  // index 3.8: 7 - 4 * 0.2
  EXPECT_EQ(LinearQuantile(sorted, 1.0), 7.0);
  EXPECT_EQ(LinearQuantile(Values{42}, 0.3), 42.0);
}

TEST(ProfileStatsTest, HistogramUsesHalfOpenBinsWithAClosedLastBin) {
  // numpy.histogram([1, 3, 3, 3, 7], bins=3): edges [1, 3, 5, 7], counts [1, 3, 1].
  auto bins = EqualWidthHistogram(Values{1, 3, 3, 3, 7}, 3);
  ASSERT_EQ(bins.size(), 3u);
  EXPECT_EQ(bins[0].low, 1);
  EXPECT_EQ(bins[0].high, 3);
  EXPECT_EQ(bins[2].high, 7);
  EXPECT_EQ(bins[0].count, 1);
  EXPECT_EQ(bins[1].count, 3);
  EXPECT_EQ(bins[2].count, 1);
}

TEST(ProfileStatsTest, HistogramOfAConstantSpansHalfAUnitEachSide) {
  auto bins = EqualWidthHistogram(Values{4, 4, 4}, 2);
  ASSERT_EQ(bins.size(), 2u);
  EXPECT_EQ(bins[0].low, 3.5);
  EXPECT_EQ(bins[0].high, 4.0);
  EXPECT_EQ(bins[1].high, 4.5);
  EXPECT_EQ(bins[0].count, 0);
  EXPECT_EQ(bins[1].count, 3);
}

TEST(ProfileStatsTest, MeanAndSampleStddev) {
  auto [mean, stddev] = MeanAndStddev(Values{3, 1, 3, 7, 3});
  EXPECT_DOUBLE_EQ(mean, 3.4);
  ASSERT_TRUE(stddev.has_value());
  EXPECT_DOUBLE_EQ(*stddev, std::sqrt(4.8));
  EXPECT_FALSE(MeanAndStddev(Values{5}).second.has_value());
}

using Top = std::vector<std::pair<std::string, int64_t>>;

Top SelectTop(const std::vector<ValueCount>& candidates, int k, TieOrder order,
              const std::vector<std::string>& texts) {
  std::vector<ValueCount> copy = candidates;
  return SelectTopValues(&copy, k, order,
                         [&texts](uint64_t id, std::string* text) { *text = texts[id]; });
}

TEST(ProfileStatsTest, TopValuesAreMostFrequentFirstWithTiesByText) {
  const std::vector<std::string> texts = {"d", "b", "a", "c", "e", "aa"};
  const std::vector<ValueCount> candidates = {{1, 0}, {2, 1}, {1, 2}, {2, 3}, {1, 4}, {1, 5}};
  EXPECT_EQ(SelectTop(candidates, 3, TieOrder::kByText, texts),
            (Top{{"b", 2}, {"c", 2}, {"a", 1}}));
  EXPECT_EQ(SelectTop(candidates, 4, TieOrder::kByText, texts),
            (Top{{"b", 2}, {"c", 2}, {"a", 1}, {"aa", 1}}));
  EXPECT_EQ(SelectTop(candidates, 1, TieOrder::kByText, texts), (Top{{"b", 2}}));
  EXPECT_EQ(SelectTop(candidates, 10, TieOrder::kByText, texts),
            (Top{{"b", 2}, {"c", 2}, {"a", 1}, {"aa", 1}, {"d", 1}, {"e", 1}}));
}

TEST(ProfileStatsTest, TopValuesCanBreakTiesByIdForNumericKeys) {
  // Ids are order-preserving keys, so ties come out in numeric order: 10 before 9 by text, but
  // 9 first by value.
  const std::vector<std::string> texts = {"-1", "9", "10", "NaN"};
  const std::vector<ValueCount> candidates = {{1, 3}, {1, 2}, {5, 0}, {1, 1}};
  EXPECT_EQ(SelectTop(candidates, 3, TieOrder::kById, texts),
            (Top{{"-1", 5}, {"9", 1}, {"10", 1}}));
  EXPECT_EQ(SelectTop(candidates, 3, TieOrder::kByText, texts),
            (Top{{"-1", 5}, {"10", 1}, {"9", 1}}));
}

TEST(ProfileStatsTest, PearsonMatchesAHandComputation) {
  // x = 1..5, y = [2, 4, 5, 4, 5]: Sxy = 6, Sxx = 10, Syy = 6, r = 6 / sqrt(60).
  const std::vector<double> x = {1, 2, 3, 4, 5};
  const std::vector<double> y = {2, 4, 5, 4, 5};
  ASSERT_TRUE(Pearson(x, y).has_value());
  EXPECT_NEAR(*Pearson(x, y), 6 / std::sqrt(60.0), 1e-15);
  EXPECT_NEAR(*Pearson(Values{-1, -2, -3, -4, -5}, y), -6 / std::sqrt(60.0), 1e-15);
  // Rows with a NaN on either side are left out; a constant side has no correlation.
  const double nan = std::nan("");
  EXPECT_NEAR(*Pearson(Values{1, 2, nan, 3, 4, 5}, Values{2, 4, 9, 5, 4, 5}), 6 / std::sqrt(60.0),
              1e-15);
  EXPECT_FALSE(Pearson(Values{1, 1, 1}, Values{1, 2, 3}).has_value());
  EXPECT_FALSE(Pearson(Values{1}, Values{2}).has_value());
}

TEST(ProfileStatsTest, CorrelationRatioMatchesAHandComputation) {
  // Groups a = {2, 4}, b = {5, 4, 5}: SS_between = 2 * 1 + 3 * (2/3)^2 = 10/3, SS_total = 6.
  auto eta = CorrelationRatio(Groups{0, 0, 1, 1, 1, -1}, 2, Values{2, 4, 5, 4, 5, 100});
  ASSERT_TRUE(eta.has_value());
  EXPECT_NEAR(*eta, std::sqrt((10.0 / 3) / 6), 1e-15);
  EXPECT_FALSE(CorrelationRatio(Groups{0, 1}, 2, Values{3, 3}).has_value());
}

}  // namespace
}  // namespace keel::ml::profile_internal

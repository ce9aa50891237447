#include "ml/profile/hyperloglog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace keel::ml {
namespace {

double RelativeError(double estimate, double truth) { return std::fabs(estimate - truth) / truth; }

TEST(HyperLogLogTest, AnEmptySketchEstimatesZero) {
  HyperLogLog sketch;
  EXPECT_EQ(sketch.Estimate(), 0.0);
  EXPECT_EQ(sketch.registers().size(), 16384u);
}

TEST(HyperLogLogTest, RepeatedValuesCountOnce) {
  HyperLogLog sketch;
  for (int repeat = 0; repeat < 100; ++repeat) {
    for (uint64_t v = 0; v < 10; ++v) sketch.AddHash(HashUint64(v));
  }
  EXPECT_NEAR(sketch.Estimate(), 10.0, 0.5);
}

TEST(HyperLogLogTest, EstimatesAreWithinOnePercentOrSoAcrossScales) {
  // Small counts (linear-counting range), the transition range around 5 * 2^14 where the classic
  // estimator is biased, and a million.
  for (uint64_t truth : {100u, 5000u, 80000u, 1000000u}) {
    HyperLogLog sketch;
    for (uint64_t v = 0; v < truth; ++v) sketch.AddHash(HashUint64(v * 7919));
    EXPECT_LT(RelativeError(sketch.Estimate(), static_cast<double>(truth)), 0.025)
        << "truth " << truth << " estimate " << sketch.Estimate();
  }
}

TEST(HyperLogLogTest, StringHashesEstimateDistinctStrings) {
  HyperLogLog sketch;
  const int truth = 200000;
  for (int v = 0; v < truth; ++v) sketch.AddHash(HashBytes("user-" + std::to_string(v)));
  EXPECT_LT(RelativeError(sketch.Estimate(), truth), 0.025) << sketch.Estimate();
}

TEST(HyperLogLogTest, MergedSketchEstimatesTheUnion) {
  HyperLogLog a, b, both;
  for (uint64_t v = 0; v < 60000; ++v) {
    a.AddHash(HashUint64(v));
    both.AddHash(HashUint64(v));
  }
  for (uint64_t v = 40000; v < 100000; ++v) {
    b.AddHash(HashUint64(v));
    both.AddHash(HashUint64(v));
  }
  a.Merge(b);
  EXPECT_EQ(a.registers(), both.registers());
  EXPECT_LT(RelativeError(a.Estimate(), 100000), 0.025) << a.Estimate();
}

TEST(HyperLogLogTest, HashesAreStableAndSensitiveToEveryByte) {
  // Pinned values: a sketch written today must merge with one written by a later build.
  EXPECT_EQ(HashUint64(0), 0x9ca066f1a4ab2eeaULL);
  EXPECT_EQ(HashUint64(42), 0x2d1c8760f8047fc7ULL);
  EXPECT_EQ(HashBytes("keel"), 0x651dc60cc3624c4cULL);
  EXPECT_NE(HashBytes(""), HashBytes(std::string(1, '\0')));
  EXPECT_NE(HashBytes("abcdefgh1"), HashBytes("abcdefgh2"));
  EXPECT_NE(HashBytes("abcdefgh"), HashBytes("bbcdefgh"));
  EXPECT_NE(HashUint64(1), HashUint64(2));
}

}  // namespace
}  // namespace keel::ml

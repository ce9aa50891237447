#include "ml/tune/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/json.h"

namespace keel::ml {
namespace {

SearchSpace MakeSpace(const std::string& text) {
  Result<json::Value> spec = json::Parse(text);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  Result<SearchSpace> space = SearchSpace::FromJson(spec.ok() ? *spec : json::Value());
  EXPECT_TRUE(space.ok()) << space.status().ToString();
  return space.ok() ? *space : SearchSpace{};
}

std::unique_ptr<TpeSampler> MakeTpe(const SearchSpace& space, uint64_t seed,
                                    TpeOptions options = {}) {
  Result<std::unique_ptr<TpeSampler>> tpe = TpeSampler::Make(space, seed, options);
  EXPECT_TRUE(tpe.ok()) << tpe.status().ToString();
  return tpe.ok() ? std::move(tpe).value() : nullptr;
}

const char* kMixedSpace = R"({
    "depth": {"type": "int", "low": 2, "high": 8},
    "eta": {"type": "loguniform", "low": 0.001, "high": 10},
    "subsample": {"type": "uniform", "low": 0.5, "high": 1.0},
    "booster": ["gbtree", "dart", "gblinear"]})";

TEST(SearchStrategyTest, ParsesTheThreeNamesAndRefusesOthers) {
  EXPECT_EQ(*ParseSearchStrategy("random"), SearchStrategy::kRandom);
  EXPECT_EQ(*ParseSearchStrategy("grid"), SearchStrategy::kGrid);
  EXPECT_EQ(*ParseSearchStrategy("tpe"), SearchStrategy::kTpe);
  Result<SearchStrategy> bad = ParseSearchStrategy("bayes");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(bad.status().message().find("use random, grid or tpe"), std::string::npos);
  EXPECT_EQ(SearchStrategyName(SearchStrategy::kTpe), "tpe");
}

TEST(RandomSamplerTest, TrialParamsDependOnlyOnSeedAndTrialNumber) {
  RandomSampler a(MakeSpace(kMixedSpace), 42);
  RandomSampler b(MakeSpace(kMixedSpace), 42);
  RandomSampler other_seed(MakeSpace(kMixedSpace), 43);
  std::vector<json::Value> forward;
  for (int n = 0; n < 20; ++n) forward.push_back(*a.Suggest(n, {}));
  // Asked in reverse order, with a history, from another instance: the same configurations.
  std::vector<Observation> history = {{forward[0], 1.0}};
  for (int n = 19; n >= 0; --n) EXPECT_EQ(*b.Suggest(n, history), forward[n]) << n;
  int differing = 0;
  for (int n = 0; n < 20; ++n) differing += *other_seed.Suggest(n, {}) == forward[n] ? 0 : 1;
  EXPECT_EQ(differing, 20);
  EXPECT_NE(forward[0], forward[1]);
}

TEST(RandomSamplerTest, DrawsStayInBoundsWithTheRightTypes) {
  RandomSampler sampler(MakeSpace(kMixedSpace), 7);
  std::set<int64_t> depths;
  std::map<std::string, int> boosters;
  int per_decade[4] = {0, 0, 0, 0};  // eta in [1e-3,1e-2), [1e-2,1e-1), [1e-1,1), [1,10]
  double uniform_sum = 0;
  const int kDraws = 4000;
  for (int n = 0; n < kDraws; ++n) {
    json::Value config = *sampler.Suggest(n, {});
    ASSERT_EQ(config.size(), 4u);
    EXPECT_EQ(config.as_object()[0].first, "depth");  // the space's order
    const json::Value& depth = *config.Find("depth");
    ASSERT_TRUE(depth.is_int()) << depth.Dump();
    EXPECT_GE(depth.as_int(), 2);
    EXPECT_LE(depth.as_int(), 8);
    depths.insert(depth.as_int());
    const json::Value& eta = *config.Find("eta");
    ASSERT_TRUE(eta.is_double());
    ASSERT_GE(eta.as_double(), 0.001);
    ASSERT_LE(eta.as_double(), 10);
    per_decade[std::min(3, static_cast<int>(std::floor(std::log10(eta.as_double()) + 3)))]++;
    const json::Value& subsample = *config.Find("subsample");
    ASSERT_TRUE(subsample.is_double());
    EXPECT_GE(subsample.as_double(), 0.5);
    EXPECT_LE(subsample.as_double(), 1.0);
    uniform_sum += subsample.as_double();
    boosters[config.Find("booster")->as_string()]++;
  }
  EXPECT_EQ(depths.size(), 7u);  // every integer 2..8 drawn
  EXPECT_EQ(boosters.size(), 3u);
  for (const auto& [name, count] : boosters) EXPECT_NEAR(count, kDraws / 3.0, kDraws * 0.05);
  // Log-uniform: each of the four decades gets about a quarter (uniform would put 90% in the
  // last one).
  for (int decade = 0; decade < 4; ++decade) {
    EXPECT_NEAR(per_decade[decade], kDraws / 4.0, kDraws * 0.04) << "decade " << decade;
  }
  EXPECT_NEAR(uniform_sum / kDraws, 0.75, 0.01);
}

TEST(RandomSamplerTest, IntRangesNearTheLimitStayInBounds) {
  RandomSampler sampler(
      MakeSpace(R"({"big": {"type": "int", "low": -9007199254740992, "high": 9007199254740992},
                    "one": {"type": "int", "low": 5, "high": 5}})"),
      1);
  for (int n = 0; n < 100; ++n) {
    json::Value config = *sampler.Suggest(n, {});
    EXPECT_LE(std::abs(config.Find("big")->as_int()), int64_t{1} << 53);
    EXPECT_EQ(config.Find("one")->as_int(), 5);
  }
}

TEST(GridSamplerTest, EnumeratesExactlyTheProductFirstParamSlowest) {
  SearchSpace space = MakeSpace(R"({
      "depth": {"type": "int", "low": 1, "high": 3},
      "booster": ["gbtree", "dart"],
      "subsample": {"type": "uniform", "low": 0, "high": 1}})");
  Result<std::unique_ptr<GridSampler>> grid = GridSampler::Make(space, 3);
  ASSERT_TRUE(grid.ok()) << grid.status().ToString();
  EXPECT_EQ((*grid)->size(), 3 * 2 * 3);
  std::set<std::string> seen;
  std::vector<json::Value> configs;
  for (int n = 0;; ++n) {
    std::optional<json::Value> config = (*grid)->Suggest(n, {});
    if (!config) break;
    configs.push_back(*config);
    seen.insert(config->Dump());
  }
  ASSERT_EQ(configs.size(), 18u);
  EXPECT_EQ(seen.size(), 18u);  // every configuration once
  EXPECT_EQ(configs[0].Dump(), R"({"depth":1,"booster":"gbtree","subsample":0.0})");
  EXPECT_EQ(configs[1].Dump(), R"({"depth":1,"booster":"gbtree","subsample":0.5})");
  EXPECT_EQ(configs[3].Dump(), R"({"depth":1,"booster":"dart","subsample":0.0})");
  EXPECT_EQ(configs[6].Dump(), R"({"depth":2,"booster":"gbtree","subsample":0.0})");
  EXPECT_EQ(configs[17].Dump(), R"({"depth":3,"booster":"dart","subsample":1.0})");
  // The set is exactly the product of the axes.
  for (int64_t d = 1; d <= 3; ++d) {
    for (const char* b : {"gbtree", "dart"}) {
      for (double s : {0.0, 0.5, 1.0}) {
        json::Value expected = json::Value::MakeObject();
        expected.Set("depth", json::Value(d));
        expected.Set("booster", b);
        expected.Set("subsample", s);
        EXPECT_EQ(seen.count(expected.Dump()), 1u) << expected.Dump();
      }
    }
  }
  EXPECT_FALSE((*grid)->Suggest(18, {}).has_value());
  EXPECT_FALSE((*grid)->Suggest(-1, {}).has_value());
}

TEST(GridSamplerTest, AxesFollowTheKindOfEachParameter) {
  SearchSpace space = MakeSpace(R"({
      "wide_int": {"type": "int", "low": 0, "high": 100},
      "narrow_int": {"type": "int", "low": 1, "high": 3},
      "eta": {"type": "loguniform", "low": 0.001, "high": 10},
      "fixed": {"type": "uniform", "low": 2, "high": 2}})");
  Result<std::unique_ptr<GridSampler>> grid = GridSampler::Make(space, 5);
  ASSERT_TRUE(grid.ok());
  const auto& axes = (*grid)->axes();
  ASSERT_EQ(axes.size(), 4u);
  EXPECT_EQ(json::Value(axes[0]).Dump(), "[0,25,50,75,100]");
  EXPECT_EQ(json::Value(axes[1]).Dump(), "[1,2,3]");
  ASSERT_EQ(axes[2].size(), 5u);
  const double expected_eta[] = {0.001, 0.01, 0.1, 1, 10};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(axes[2][i].as_double(), expected_eta[i], 1e-12);
  EXPECT_EQ(json::Value(axes[3]).Dump(), "[2.0]");
  EXPECT_EQ((*grid)->size(), 5 * 3 * 5 * 1);

  Result<std::unique_ptr<GridSampler>> one = GridSampler::Make(space, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(json::Value((*one)->axes()[0]).Dump(), "[50]");
  EXPECT_NEAR((*one)->axes()[2][0].as_double(), 0.1, 1e-12);  // geometric midpoint
  EXPECT_EQ((*one)->size(), 1);
}

TEST(GridSamplerTest, HugeGridsSaturateInsteadOfOverflowing) {
  json::Value spec = json::Value::MakeObject();
  for (int i = 0; i < 64; ++i) {
    spec.Set("p" + std::to_string(i), json::Value(json::Value::Array{1, 2, 3, 4}));
  }
  Result<SearchSpace> space = SearchSpace::FromJson(spec);
  ASSERT_TRUE(space.ok());
  Result<std::unique_ptr<GridSampler>> grid = GridSampler::Make(*space, 5);
  ASSERT_TRUE(grid.ok());
  EXPECT_EQ((*grid)->size(), kMaxGridSize);
  json::Value last = *(*grid)->Suggest(1000, {});
  EXPECT_EQ(last.Find("p63")->as_int(), 1000 % 4 + 1);
  EXPECT_EQ(last.Find("p62")->as_int(), (1000 / 4) % 4 + 1);
}

TEST(GridSamplerTest, RefusesGridPointsOutOfRange) {
  SearchSpace space = MakeSpace(R"({"x": {"type": "uniform", "low": 0, "high": 1}})");
  for (int points : {0, -1, kMaxGridPointsPerParam + 1}) {
    Result<std::unique_ptr<GridSampler>> grid = GridSampler::Make(space, points);
    ASSERT_FALSE(grid.ok()) << points;
    EXPECT_EQ(grid.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_NE(grid.status().message().find("grid_points"), std::string::npos);
  }
}

TEST(TpeSamplerTest, RefusesBadOptions) {
  SearchSpace space = MakeSpace(kMixedSpace);
  EXPECT_FALSE(TpeSampler::Make(space, 0, TpeOptions{-1, 0.25, 24}).ok());
  EXPECT_FALSE(TpeSampler::Make(space, 0, TpeOptions{8, 0, 24}).ok());
  EXPECT_FALSE(TpeSampler::Make(space, 0, TpeOptions{8, 1.5, 24}).ok());
  EXPECT_FALSE(TpeSampler::Make(space, 0, TpeOptions{8, 0.25, 0}).ok());
  EXPECT_TRUE(TpeSampler::Make(space, 0, TpeOptions{0, 1.0, 1}).ok());
}

TEST(TpeSamplerTest, StartupTrialsAreTheRandomSamplersDraws) {
  SearchSpace space = MakeSpace(kMixedSpace);
  std::unique_ptr<TpeSampler> tpe = MakeTpe(space, 5, TpeOptions{3, 0.25, 24});
  RandomSampler random(space, 5);
  std::vector<Observation> history;
  for (int n = 0; n < 3; ++n) {
    json::Value config = *tpe->Suggest(n, history);
    EXPECT_EQ(config, *random.Suggest(n, {}));
    history.push_back({config, static_cast<double>(n)});
  }
  // With three observations the model takes over.
  EXPECT_NE(*tpe->Suggest(3, history), *random.Suggest(3, {}));
}

// Observations of a 1-D problem whose good region is near `x_good` (a loss of |x - x_good|).
std::vector<Observation> History(const Sampler& warmup, const std::string& name, double x_good,
                                 int count) {
  std::vector<Observation> history;
  for (int n = 0; n < count; ++n) {
    json::Value config = *warmup.Suggest(n, {});
    double x = config.Find(name)->as_double();
    history.push_back({config, std::fabs(x - x_good)});
  }
  return history;
}

TEST(TpeSamplerTest, ProposalsConcentrateWhereTheGoodTrialsAre) {
  SearchSpace space = MakeSpace(R"({"x": {"type": "uniform", "low": 0, "high": 10}})");
  std::unique_ptr<TpeSampler> tpe = MakeTpe(space, 11);
  std::vector<Observation> history = History(RandomSampler(space, 99), "x", 2.0, 30);
  int near = 0;
  for (int n = 30; n < 130; ++n) {
    double x = tpe->Suggest(n, history)->Find("x")->as_double();
    ASSERT_GE(x, 0);
    ASSERT_LE(x, 10);
    near += std::fabs(x - 2.0) < 1.0 ? 1 : 0;
  }
  // Random search would land within 1 of x = 2 a fifth of the time.
  EXPECT_GT(near, 70);
}

TEST(TpeSamplerTest, IntAndLogUniformProposalsKeepTheirTypeAndBounds) {
  SearchSpace space = MakeSpace(R"({"n": {"type": "int", "low": 1, "high": 50},
                                   "lr": {"type": "loguniform", "low": 1e-5, "high": 1}})");
  std::unique_ptr<TpeSampler> tpe = MakeTpe(space, 3);
  RandomSampler warmup(space, 4);
  std::vector<Observation> history;
  for (int n = 0; n < 20; ++n) {
    json::Value config = *warmup.Suggest(n, {});
    double loss = std::fabs(config.Find("n")->as_double() - 7) / 7 +
                  std::fabs(std::log10(config.Find("lr")->as_double()) + 3);
    history.push_back({config, loss});
  }
  int n_near = 0, lr_near = 0;
  for (int n = 20; n < 120; ++n) {
    json::Value config = *tpe->Suggest(n, history);
    ASSERT_TRUE(config.Find("n")->is_int());
    ASSERT_GE(config.Find("n")->as_int(), 1);
    ASSERT_LE(config.Find("n")->as_int(), 50);
    const double lr = config.Find("lr")->as_double();
    ASSERT_GE(lr, 1e-5);
    ASSERT_LE(lr, 1);
    n_near += std::abs(config.Find("n")->as_int() - 7) <= 5 ? 1 : 0;
    lr_near += std::fabs(std::log10(lr) + 3) < 1 ? 1 : 0;
  }
  // Both well above what random search gives: 11 of 50 values (22%) and 2 of 5 decades (40%).
  EXPECT_GT(n_near, 35);
  EXPECT_GT(lr_near, 60);
}

TEST(TpeSamplerTest, ChoiceFavoursTheCategoryOfTheGoodTrials) {
  SearchSpace space = MakeSpace(R"({"booster": ["gbtree", "dart", "gblinear"]})");
  std::unique_ptr<TpeSampler> tpe = MakeTpe(space, 1);
  std::vector<Observation> history;
  for (int n = 0; n < 12; ++n) {
    const char* booster = n % 3 == 0 ? "gbtree" : n % 3 == 1 ? "dart" : "gblinear";
    json::Value config = json::Value::MakeObject();
    config.Set("booster", booster);
    history.push_back({config, n % 3 == 1 ? 0.1 : 1.0 + n});
  }
  int dart = 0;
  for (int n = 12; n < 62; ++n)
    dart += tpe->Suggest(n, history)->Find("booster")->as_string() == "dart";
  EXPECT_GT(dart, 45);
}

TEST(TpeSamplerTest, SameHistoryAndTrialGiveTheSameProposal) {
  SearchSpace space = MakeSpace(kMixedSpace);
  std::unique_ptr<TpeSampler> a = MakeTpe(space, 8);
  std::unique_ptr<TpeSampler> b = MakeTpe(space, 8);
  RandomSampler warmup(space, 2);
  std::vector<Observation> history;
  for (int n = 0; n < 10; ++n) {
    history.push_back({*warmup.Suggest(n, {}), static_cast<double>((n * 7) % 10)});
  }
  EXPECT_EQ(*a->Suggest(10, history), *b->Suggest(10, history));
  EXPECT_NE(*a->Suggest(10, history), *a->Suggest(11, history));
}

}  // namespace
}  // namespace keel::ml

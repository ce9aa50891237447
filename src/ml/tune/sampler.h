#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "ml/tune/search_space.h"

// Samplers propose the configuration of each trial of a search. Every sampler is a pure function
// of (its settings, the trial number, the finished trials it is shown), so a search is
// reproducible: random and grid search give the same configurations whatever the thread timing,
// and TPE does too when trials run one at a time.
namespace keel::ml {

enum class SearchStrategy { kRandom, kGrid, kTpe };

// "random", "grid", "tpe" (as written in a tuning spec).
// Error: kInvalidParameterValue naming the accepted strategies.
Result<SearchStrategy> ParseSearchStrategy(std::string_view name);
std::string_view SearchStrategyName(SearchStrategy strategy);

// A finished, successful trial as a sampler sees it.
struct Observation {
  json::Value params;  // the configuration, as the sampler proposed it
  double loss = 0;     // finite; lower is better (the tuner negates a maximised objective)
};

// Proposes configurations: JSON objects holding one member per parameter of the space, in the
// space's order; uniform and loguniform values are doubles in [low, high], int values are JSON
// integers in [low, high], choice values are one of the choices.
//
// Thread-safety: immutable after construction; Suggest may be called from several threads.
class Sampler {
 public:
  virtual ~Sampler() = default;

  // The configuration of trial `trial_number` (>= 0) given the successful trials finished so far
  // (in the order they finished), or nullopt when the sampler has nothing left to propose (a
  // grid that has been enumerated).
  virtual std::optional<json::Value> Suggest(int trial_number,
                                             const std::vector<Observation>& history) const = 0;
};

// Independent uniform draws (log-uniform for loguniform). Trial n's configuration depends only
// on (seed, n).
class RandomSampler : public Sampler {
 public:
  RandomSampler(SearchSpace space, uint64_t seed) : space_(std::move(space)), seed_(seed) {}
  std::optional<json::Value> Suggest(int trial_number,
                                     const std::vector<Observation>& history) const override;

 private:
  SearchSpace space_;
  uint64_t seed_;
};

// Grids with more configurations than this are reported as this many (the search stops long
// before: trial numbers are ints).
inline constexpr int64_t kMaxGridSize = int64_t{1} << 62;
// More grid points per parameter are refused.
inline constexpr int kMaxGridPointsPerParam = 10000;

// The Cartesian product of per-parameter value lists, enumerated in a fixed order: the first
// parameter varies slowest, the last fastest (as Python's itertools.product). Value lists:
// uniform -> `grid_points` evenly spaced values from low to high inclusive (the midpoint when
// grid_points is 1, a single value when low == high); loguniform -> the same, evenly spaced in
// log space; int -> every integer when there are at most `grid_points` of them, else
// `grid_points` evenly spaced integers including both bounds; choice -> every value.
class GridSampler : public Sampler {
 public:
  // Error: kInvalidParameterValue when grid_points is not in [1, kMaxGridPointsPerParam].
  static Result<std::unique_ptr<GridSampler>> Make(const SearchSpace& space, int grid_points);

  // nullopt once trial_number >= size().
  std::optional<json::Value> Suggest(int trial_number,
                                     const std::vector<Observation>& history) const override;

  // The number of configurations in the full grid (saturating at kMaxGridSize).
  int64_t size() const { return size_; }
  // The values of each parameter, in the space's order.
  const std::vector<std::vector<json::Value>>& axes() const { return axes_; }

 private:
  GridSampler(SearchSpace space, std::vector<std::vector<json::Value>> axes, int64_t size)
      : space_(std::move(space)), axes_(std::move(axes)), size_(size) {}
  SearchSpace space_;
  std::vector<std::vector<json::Value>> axes_;
  int64_t size_;
};

struct TpeOptions {
  // Trials are drawn as RandomSampler draws them (same seed, same trial number) until this many
  // successful trials have finished. Default 8.
  int startup_trials = 8;
  // The best ceil(gamma * n) of n finished trials form the "good" density l(x), the rest the
  // "bad" density g(x). Default 0.25 (Bergstra et al., 2011).
  double gamma = 0.25;
  // Candidates drawn from l(x) per parameter; the one with the largest l(x)/g(x) is proposed.
  // Default 24 (as hyperopt).
  int candidates = 24;
};

// The Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio, Kegl: "Algorithms for
// Hyper-Parameter Optimization", NeurIPS 2011), univariate as in hyperopt: each parameter has its
// own pair of Parzen densities built from the finished trials. Numeric parameters use a mixture
// of Gaussians truncated to [low, high], one per observation plus a broad prior centred on the
// range, with hyperopt's adaptive bandwidths (the larger gap to a neighbour, clipped to
// [range / min(100, n + 1), range]); loguniform works in log space; int works on
// [low - 0.5, high + 0.5], rounds the draw and scores it by the mass of its unit bin. Choice
// parameters use category counts smoothed by one pseudo-count per category. Trial n's random
// draws depend only on (seed, n), so for a given history the proposal is fixed.
class TpeSampler : public Sampler {
 public:
  // Error: kInvalidParameterValue when startup_trials < 0, gamma is not in (0, 1] or candidates
  // is not in [1, 10000].
  static Result<std::unique_ptr<TpeSampler>> Make(SearchSpace space, uint64_t seed,
                                                  TpeOptions options = {});

  std::optional<json::Value> Suggest(int trial_number,
                                     const std::vector<Observation>& history) const override;

 private:
  TpeSampler(SearchSpace space, uint64_t seed, TpeOptions options)
      : random_(space, seed), space_(std::move(space)), seed_(seed), options_(options) {}
  RandomSampler random_;  // the startup trials
  SearchSpace space_;
  uint64_t seed_;
  TpeOptions options_;
};

}  // namespace keel::ml

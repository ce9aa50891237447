#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "ml/tune/sampler.h"
#include "ml/tune/search_space.h"

// Runs a hyperparameter search: proposes configurations with a Sampler, evaluates each with a
// caller-supplied objective on a bounded pool of threads, and reports every trial and the best.
// Independent of any model and of tracking: the caller's objective trains and logs a child run,
// and the caller logs the tuning run itself.
namespace keel::ml {

// More trials than this are refused (the result holds every trial in memory).
inline constexpr int kMaxTuneTrials = 100000;

struct TuneOptions {
  SearchStrategy strategy = SearchStrategy::kTpe;
  // Budget by count: at most this many trials start (>= 1, <= kMaxTuneTrials). Default 20.
  int max_trials = 20;
  // Budget by time, in seconds from the start of the search; 0 = none. No new trial starts after
  // it; running trials finish (the objective is not interrupted). Trial 0 always runs.
  double timeout_seconds = 0;
  // Trials evaluated at once, 1..std::thread::hardware_concurrency(). Default 1, which makes the
  // whole search deterministic for a seed (with random and grid it is deterministic anyway).
  int parallelism = 1;
  uint64_t seed = 0;
  // Direction of the objective: false = minimise (a loss), true = maximise (AUC, accuracy).
  bool maximize = false;
  // Grid: points per uniform/loguniform parameter; int parameters get every value when they have
  // at most this many, else this many evenly spaced ones (see GridSampler). Default 5.
  int grid_points = 5;
  // TPE: successful trials drawn at random before the model kicks in. Default 8.
  int tpe_startup_trials = 8;
};

struct TrialResult {
  int number = 0;        // 0, 1, 2, ... in the order trials started
  json::Value params;    // a JSON object name -> value
  Status status;         // the objective's error, if it failed
  double objective = 0;  // as returned (not negated for maximize); 0 when failed
  double seconds = 0;    // wall time of the objective call
};

// Why no further trial started.
enum class TuneStopReason {
  kMaxTrials,      // max_trials trials ran
  kTimeout,        // timeout_seconds passed
  kGridExhausted,  // every configuration of the grid ran (fewer than max_trials)
};

// Trains/evaluates one configuration and returns the value to optimise. Called from up to
// `parallelism` threads at once, so it must be thread-safe. A failed trial (an error, a
// non-finite value, or an exception) is recorded in its TrialResult and the search goes on.
using Objective = std::function<Result<double>(int trial_number, const json::Value& params)>;

struct TuneResult {
  std::vector<TrialResult> trials;  // in trial-number order: trials[i].number == i
  int best_trial = -1;              // index into trials; -1 if none succeeded
  TuneStopReason stop_reason = TuneStopReason::kMaxTrials;
  // Grid: the number of configurations in the full grid, so the caller can say that max_trials
  // cut it short (grid_size > trials.size()); 0 for the other strategies.
  int64_t grid_size = 0;
};

// Checks the options. Errors: kInvalidParameterValue naming the bad option (max_trials outside
// [1, kMaxTuneTrials], a negative or non-finite timeout, parallelism outside 1..cores,
// grid_points outside [1, kMaxGridPointsPerParam], a negative tpe_startup_trials).
Status ValidateTuneOptions(const TuneOptions& options);

// Runs the search. Ties for the best objective go to the lower trial number. The objective is
// called at most max_trials times; with parallelism 1 it runs on the calling thread.
// Errors: those of ValidateTuneOptions; when every trial fails, the first trial's error prefixed
// "every trial failed: ".
Result<TuneResult> RunSearch(const SearchSpace& space, const TuneOptions& options,
                             const Objective& objective);

}  // namespace keel::ml

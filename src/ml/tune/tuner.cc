#include "ml/tune/tuner.h"

#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace keel::ml {

namespace {

using Clock = std::chrono::steady_clock;

int HardwareCores() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

Result<std::unique_ptr<Sampler>> MakeSampler(const SearchSpace& space, const TuneOptions& options,
                                             int64_t* grid_size) {
  switch (options.strategy) {
    case SearchStrategy::kRandom:
      return std::unique_ptr<Sampler>(new RandomSampler(space, options.seed));
    case SearchStrategy::kGrid: {
      KEEL_ASSIGN_OR_RETURN(std::unique_ptr<GridSampler> grid,
                            GridSampler::Make(space, options.grid_points));
      *grid_size = grid->size();
      return std::unique_ptr<Sampler>(std::move(grid));
    }
    case SearchStrategy::kTpe: {
      TpeOptions tpe;
      tpe.startup_trials = options.tpe_startup_trials;
      KEEL_ASSIGN_OR_RETURN(std::unique_ptr<TpeSampler> sampler,
                            TpeSampler::Make(space, options.seed, tpe));
      return std::unique_ptr<Sampler>(std::move(sampler));
    }
  }
  return Status::Internal("unknown search strategy");
}

// Calls the objective, turning a non-finite value or an exception into an error.
Result<double> Evaluate(const Objective& objective, int trial_number, const json::Value& params) {
  try {
    Result<double> value = objective(trial_number, params);
    if (!value.ok()) return value;
    if (!std::isfinite(*value)) {
      return Status::InvalidArgument("trial " + std::to_string(trial_number) +
                                     ": the objective returned " + json::Value(*value).Dump() +
                                     ", which cannot be compared; return an error instead");
    }
    return value;
  } catch (const std::exception& e) {
    return Status::Internal("trial " + std::to_string(trial_number) +
                            ": the objective threw: " + e.what());
  } catch (...) {
    return Status::Internal("trial " + std::to_string(trial_number) +
                            ": the objective threw an unknown exception");
  }
}

// The state the workers share. Workers take the next trial under the mutex (the sampler sees the
// history as it stands then), run the objective unlocked, and record the result under the mutex.
class Search {
 public:
  Search(const Sampler* sampler, const TuneOptions& options, const Objective* objective)
      : sampler_(sampler), options_(options), objective_(objective), start_(Clock::now()) {}

  void Work() {
    for (;;) {
      int number;
      json::Value params;
      {
        std::lock_guard<std::mutex> lock(mu_);
        std::optional<json::Value> next = NextLocked();
        if (!next) return;
        number = static_cast<int>(trials_.size());
        params = std::move(*next);
        trials_.emplace_back();
        trials_.back().number = number;
        trials_.back().params = params;
      }
      const Clock::time_point begin = Clock::now();
      Result<double> value = Evaluate(*objective_, number, params);
      const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();

      std::lock_guard<std::mutex> lock(mu_);
      TrialResult& trial = trials_[number];
      trial.seconds = seconds;
      if (!value.ok()) {
        trial.status = value.status();
        continue;
      }
      trial.objective = *value;
      history_.push_back(Observation{params, options_.maximize ? -*value : *value});
    }
  }

  // REQUIRES: every worker has returned.
  TuneResult TakeResult() {
    TuneResult result;
    result.trials = std::move(trials_);
    result.stop_reason = stop_reason_;
    return result;
  }

 private:
  // The next configuration, or nullopt when the budget is spent (recording why).
  std::optional<json::Value> NextLocked() {
    if (stopped_) return std::nullopt;
    const int number = static_cast<int>(trials_.size());
    if (number >= options_.max_trials) return Stop(TuneStopReason::kMaxTrials);
    if (number > 0 && options_.timeout_seconds > 0 &&
        std::chrono::duration<double>(Clock::now() - start_).count() >= options_.timeout_seconds) {
      return Stop(TuneStopReason::kTimeout);
    }
    std::optional<json::Value> next = sampler_->Suggest(number, history_);
    if (!next) return Stop(TuneStopReason::kGridExhausted);
    return next;
  }

  std::nullopt_t Stop(TuneStopReason reason) {
    stopped_ = true;
    stop_reason_ = reason;
    return std::nullopt;
  }

  const Sampler* const sampler_;
  const TuneOptions options_;
  const Objective* const objective_;
  const Clock::time_point start_;

  std::mutex mu_;
  std::vector<TrialResult> trials_;   // guarded by mu_
  std::vector<Observation> history_;  // guarded by mu_; successful trials, in finishing order
  bool stopped_ = false;              // guarded by mu_
  TuneStopReason stop_reason_ = TuneStopReason::kMaxTrials;  // guarded by mu_
};

}  // namespace

Status ValidateTuneOptions(const TuneOptions& options) {
  if (options.max_trials < 1 || options.max_trials > kMaxTuneTrials) {
    return Status::InvalidArgument("max_trials must be between 1 and " +
                                   std::to_string(kMaxTuneTrials) + ", not " +
                                   std::to_string(options.max_trials));
  }
  if (!std::isfinite(options.timeout_seconds) || options.timeout_seconds < 0) {
    return Status::InvalidArgument(
        "timeout must be a finite number of seconds >= 0 (0 = none), "
        "not " +
        json::Value(options.timeout_seconds).Dump());
  }
  const int cores = HardwareCores();
  if (options.parallelism < 1 || options.parallelism > cores) {
    return Status::InvalidArgument("parallelism must be between 1 and the " +
                                   std::to_string(cores) + " cores of this machine, not " +
                                   std::to_string(options.parallelism));
  }
  if (options.grid_points < 1 || options.grid_points > kMaxGridPointsPerParam) {
    return Status::InvalidArgument("grid_points must be between 1 and " +
                                   std::to_string(kMaxGridPointsPerParam) + ", not " +
                                   std::to_string(options.grid_points));
  }
  if (options.tpe_startup_trials < 0) {
    return Status::InvalidArgument("tpe_startup_trials must be >= 0, not " +
                                   std::to_string(options.tpe_startup_trials));
  }
  return Status::OK();
}

Result<TuneResult> RunSearch(const SearchSpace& space, const TuneOptions& options,
                             const Objective& objective) {
  KEEL_RETURN_IF_ERROR(ValidateTuneOptions(options));
  if (space.params.empty()) {
    return Status::InvalidArgument("search space is empty; give at least one parameter to tune");
  }
  if (!objective) return Status::InvalidArgument("no objective given to the search");
  int64_t grid_size = 0;
  KEEL_ASSIGN_OR_RETURN(std::unique_ptr<Sampler> sampler, MakeSampler(space, options, &grid_size));

  Search search(sampler.get(), options, &objective);
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(options.parallelism - 1));
  for (int i = 1; i < options.parallelism; ++i) workers.emplace_back([&search] { search.Work(); });
  search.Work();
  for (std::thread& worker : workers) worker.join();

  TuneResult result = search.TakeResult();
  result.grid_size = grid_size;
  for (size_t i = 0; i < result.trials.size(); ++i) {
    const TrialResult& trial = result.trials[i];
    if (!trial.status.ok()) continue;
    if (result.best_trial < 0) {
      result.best_trial = static_cast<int>(i);
      continue;
    }
    const double best = result.trials[result.best_trial].objective;
    if (options.maximize ? trial.objective > best : trial.objective < best) {
      result.best_trial = static_cast<int>(i);
    }
  }
  if (result.best_trial < 0) {
    // Trial 0 always runs (no timeout applies to it, and no grid is empty), so there is a first
    // error to report.
    if (result.trials.empty()) return Status::Internal("the search ran no trial");
    return result.trials.front().status.WithContext("every trial failed");
  }
  return result;
}

}  // namespace keel::ml

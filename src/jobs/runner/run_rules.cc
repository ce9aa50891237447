#include "jobs/runner/run_rules.h"

#include <set>

namespace keel::jobs {

namespace {

enum class DepClass { kSucceeded, kFailed, kCanceled, kExcluded };

DepClass Classify(const DependencyOutcome& d) {
  switch (d.result) {
    case ResultState::kSuccess:
    case ResultState::kSuccessWithFailures:
      if (!d.required_outcome.empty() && d.required_outcome != d.condition_outcome) {
        return DepClass::kExcluded;
      }
      return DepClass::kSucceeded;
    case ResultState::kCanceled:
    case ResultState::kUpstreamCanceled:
      return DepClass::kCanceled;
    case ResultState::kFailed:
    case ResultState::kTimedOut:
    case ResultState::kUpstreamFailed:
    case ResultState::kMaximumConcurrentRunsReached:
      return DepClass::kFailed;
    case ResultState::kExcluded:
    case ResultState::kNone:
      return DepClass::kExcluded;
  }
  return DepClass::kExcluded;
}

}  // namespace

RunIfDecision DecideRunIf(RunIf run_if, const std::vector<DependencyOutcome>& deps) {
  if (deps.empty()) return {true, ResultState::kNone, ""};
  size_t succeeded = 0, failed = 0, canceled = 0;
  for (const DependencyOutcome& d : deps) {
    switch (Classify(d)) {
      case DepClass::kSucceeded:
        ++succeeded;
        break;
      case DepClass::kFailed:
        ++failed;
        break;
      case DepClass::kCanceled:
        ++canceled;
        break;
      case DepClass::kExcluded:
        break;
    }
  }
  const size_t n = deps.size();
  bool run = false;
  switch (run_if) {
    case RunIf::kAllSuccess:
      run = succeeded == n;
      break;
    case RunIf::kAtLeastOneSuccess:
      run = succeeded > 0;
      break;
    case RunIf::kNoneFailed:
      run = failed == 0 && canceled == 0 && succeeded > 0;
      break;
    case RunIf::kAllDone:
      run = true;
      break;
    case RunIf::kAtLeastOneFailed:
      run = failed + canceled > 0;
      break;
    case RunIf::kAllFailed:
      run = failed + canceled == n;
      break;
  }
  if (run) return {true, ResultState::kNone, ""};
  std::string why = "run_if " + std::string(RunIfName(run_if)) + " not met";
  // Tasks waiting for success are upstream-failed when something upstream failed; tasks waiting
  // for failure (or on the other branch of a condition) are merely excluded.
  bool wants_success = run_if == RunIf::kAllSuccess || run_if == RunIf::kAtLeastOneSuccess ||
                       run_if == RunIf::kNoneFailed;
  if (wants_success && failed > 0) {
    return {false, ResultState::kUpstreamFailed, why + ": an upstream task failed"};
  }
  if (wants_success && canceled > 0) {
    return {false, ResultState::kUpstreamCanceled, why + ": an upstream task was canceled"};
  }
  return {false, ResultState::kExcluded, why};
}

ResultState DecideRunResult(const JobSpec& spec, const std::vector<TaskRun>& tasks, bool canceled,
                            bool timed_out) {
  if (canceled) return ResultState::kCanceled;
  if (timed_out) return ResultState::kTimedOut;
  std::set<std::string> has_dependents;
  for (const TaskSpec& t : spec.tasks) {
    for (const TaskDependency& d : t.depends_on) has_dependents.insert(d.task_key);
  }
  bool any_failed = false, leaf_failed = false;
  for (const TaskRun& t : tasks) {
    bool failed = IsFailure(t.result) || t.life_cycle == LifeCycle::kInternalError;
    if (!failed) continue;
    any_failed = true;
    if (!has_dependents.count(t.task_key)) leaf_failed = true;
  }
  if (leaf_failed) return ResultState::kFailed;
  if (any_failed) return ResultState::kSuccessWithFailures;
  return ResultState::kSuccess;
}

}  // namespace keel::jobs

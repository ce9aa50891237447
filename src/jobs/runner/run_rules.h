#pragma once

#include <string>
#include <vector>

#include "jobs/job_spec.h"
#include "jobs/job_types.h"

// The pure rules of a run: whether a task whose dependencies have ended runs, and how the run
// ends given its tasks. Kept apart from processes and the database so every case is a unit test.
namespace keel::jobs {

// How one dependency ended, as its dependent sees it.
struct DependencyOutcome {
  ResultState result = ResultState::kNone;
  std::string condition_outcome;  // of a condition task: "true"/"false"
  std::string required_outcome;   // TaskDependency::outcome ("" = any)
};

struct RunIfDecision {
  bool run = false;
  ResultState skip_result = ResultState::kNone;  // when !run: EXCLUDED / UPSTREAM_FAILED / ...
  std::string message;                           // why it was skipped
};

// Databricks' run_if over the dependencies' outcomes. A dependency "succeeded" when it ended
// SUCCESS (and, for a condition dependency with an outcome, the condition came out that way);
// it "failed" when it ended FAILED, TIMEDOUT, UPSTREAM_FAILED or canceled; otherwise it was
// excluded (skipped). A task with no dependencies always runs.
RunIfDecision DecideRunIf(RunIf run_if, const std::vector<DependencyOutcome>& deps);

// The run's result from its tasks' final results: CANCELED if canceled, TIMEDOUT for a run
// timeout, FAILED when a leaf task (one nothing depends on) failed or was upstream-failed,
// SUCCESS_WITH_FAILURES when some task failed but every leaf succeeded or was excluded, else
// SUCCESS.
ResultState DecideRunResult(const JobSpec& spec, const std::vector<TaskRun>& tasks, bool canceled,
                            bool timed_out);

}  // namespace keel::jobs

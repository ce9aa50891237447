#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "jobs/job_spec.h"

// Jobs, runs and task runs as stored and as the Jobs 2.1 API shows them.
namespace keel::jobs {

// Jobs 2.1 `RunLifeCycleState`.
enum class LifeCycle {
  kQueued,   // waiting for a concurrency slot
  kPending,  // claimed by a runner, starting
  kRunning,
  kWaitingForRetry,  // tasks only: between attempts
  kTerminating,      // cancel requested, processes being stopped
  kTerminated,       // ended; see ResultState
  kSkipped,          // tasks only: run_if not met / upstream failed
  kInternalError,    // the runner died or failed (server crash mid-run)
  kBlocked,          // tasks only: waiting for upstream tasks
};
std::string_view LifeCycleName(LifeCycle s);
Result<LifeCycle> ParseLifeCycle(std::string_view name);
bool IsFinal(LifeCycle s);  // TERMINATED, SKIPPED, INTERNAL_ERROR

// Jobs 2.1 `RunResultState`.
enum class ResultState {
  kNone,  // not ended yet
  kSuccess,
  kFailed,
  kTimedOut,
  kCanceled,
  kUpstreamFailed,
  kUpstreamCanceled,
  kExcluded,             // run_if not met, or the other branch of a condition
  kSuccessWithFailures,  // runs only: some tasks failed, every leaf succeeded
  kMaximumConcurrentRunsReached,
};
std::string_view ResultStateName(ResultState s);  // "" for kNone
Result<ResultState> ParseResultState(std::string_view name);
// Whether a task or run that ended with `result` failed (FAILED, TIMEDOUT, UPSTREAM_FAILED,
// CANCELED, UPSTREAM_CANCELED): what repair re-runs.
bool IsFailure(ResultState result);

enum class PermissionLevel { kNone, kCanView, kCanManageRun, kCanManage, kIsOwner };
std::string_view PermissionLevelName(PermissionLevel p);
Result<PermissionLevel> ParsePermissionLevel(std::string_view name);

struct JobInfo {
  int64_t job_id = 0;
  std::string creator_user_name;
  std::string owner_user_name;
  std::string run_as_user_name;
  int64_t created_time = 0;
  int64_t updated_time = 0;
  std::string bundle_key;  // "" unless deployed by a bundle
  JobSpec settings;
  json::Value ToJson() const;  // Jobs 2.1 Job
};

struct TaskRun {
  int64_t task_run_id = 0;
  int64_t run_id = 0;
  std::string task_key;
  int32_t attempt_number = 0;
  int32_t repair_number = 0;
  LifeCycle life_cycle = LifeCycle::kBlocked;
  ResultState result = ResultState::kNone;
  std::string state_message;
  std::string condition_outcome;
  int64_t child_run_id = 0;
  int64_t pid = 0;
  std::optional<int> exit_code;
  std::string log_dir;
  int64_t start_time = 0;
  int64_t end_time = 0;
  json::Value ToJson() const;
};

struct JobRun {
  int64_t run_id = 0;
  int64_t job_id = 0;
  JobSpec settings;                               // as of the run's creation
  std::map<std::string, std::string> parameters;  // effective values
  std::string trigger_type;                       // ONE_TIME | PERIODIC | TABLE | RUN_JOB_TASK
  int64_t trigger_time = 0;
  json::Value trigger_info = json::Value::MakeObject();
  int64_t parent_run_id = 0;
  LifeCycle life_cycle = LifeCycle::kQueued;
  ResultState result = ResultState::kNone;
  std::string state_message;
  bool cancel_requested = false;
  std::string run_as;
  std::string creator;
  std::string runner_id;
  int32_t repair_count = 0;
  int64_t queued_time = 0;
  int64_t start_time = 0;
  int64_t end_time = 0;
  std::vector<TaskRun> tasks;  // latest attempt of each task, in topological order
  json::Value ToJson() const;  // Jobs 2.1 Run
};

// Task values: JSON up to this size, keys [A-Za-z0-9_.-]{1,128}, at most 1024 per task.
inline constexpr size_t kMaxTaskValueBytes = 48 * 1024;

}  // namespace keel::jobs

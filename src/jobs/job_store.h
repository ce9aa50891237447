#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobs/job_types.h"
#include "metastore/database.h"

namespace keel::jobs {

// A job row as stored: principals by id, settings as JSON (parsed by the caller).
struct JobRecord {
  int64_t job_id = 0;
  std::string name;
  std::string settings_json;
  std::string creator_id;
  std::string owner_id;
  std::string run_as;
  int64_t created_time = 0;
  int64_t updated_time = 0;
  std::string bundle_key;
};

struct RunRecord {
  JobRun run;  // settings left default: the caller parses settings_json
  std::string settings_json;
};

struct TaskValue {
  std::string task_key;
  std::string key;
  std::string value_json;
  int64_t set_time = 0;
};

struct WebhookDelivery {
  int64_t delivery_id = 0;
  int64_t run_id = 0;
  std::string event;
  std::string url;
  int attempts = 0;
  int status_code = 0;
  std::string outcome;  // DELIVERED | FAILED
  std::string error;
  int64_t time = 0;
  json::Value ToJson() const;  // {event, url, attempts, status_code, outcome, error?, time}
};

struct RunFilter {
  int64_t job_id = 0;  // 0 = every job
  bool active_only = false;
  bool completed_only = false;
  int64_t limit = 25;
  int64_t offset = 0;
};

// SQL for jobs, runs, task runs, task values, trigger state and webhook deliveries. Runs inside
// the caller's transaction; authorization is the service's business.
class JobStore {
 public:
  // ---- jobs ----
  static Result<int64_t> NextJobId(metastore::Transaction& tx);
  static Status InsertJob(metastore::Transaction& tx, const JobRecord& job);
  static Status UpdateJob(metastore::Transaction& tx, const JobRecord& job);
  static Result<std::optional<JobRecord>> GetJob(metastore::Transaction& tx, int64_t job_id);
  static Result<std::optional<JobRecord>> GetJobByBundleKey(metastore::Transaction& tx,
                                                            std::string_view bundle_key);
  // Jobs in id order; name_filter exact when non-empty.
  static Result<std::vector<JobRecord>> ListJobs(metastore::Transaction& tx,
                                                 std::string_view name_filter, int64_t offset,
                                                 int64_t limit);
  static Result<std::vector<JobRecord>> ListAllJobs(metastore::Transaction& tx);
  // Jobs whose bundle_key starts with `prefix`, in id order.
  static Result<std::vector<JobRecord>> ListJobsByBundlePrefix(metastore::Transaction& tx,
                                                               std::string_view prefix);
  // Deletes the job, its permissions, trigger state, and its runs with their tasks and values.
  static Status DeleteJob(metastore::Transaction& tx, int64_t job_id);

  // ---- permissions (principal id -> level) ----
  static Result<std::vector<std::pair<std::string, std::string>>> Permissions(
      metastore::Transaction& tx, int64_t job_id);
  static Status SetPermission(metastore::Transaction& tx, int64_t job_id,
                              std::string_view principal_id, std::string_view level);
  static Status DeletePermission(metastore::Transaction& tx, int64_t job_id,
                                 std::string_view principal_id);

  // ---- runs ----
  static Result<int64_t> NextRunId(metastore::Transaction& tx);
  // kResourceAlreadyExists when (job, trigger type, trigger time) already fired.
  static Status InsertRun(metastore::Transaction& tx, const JobRun& run,
                          std::string_view settings_json);
  static Result<std::optional<RunRecord>> GetRun(metastore::Transaction& tx, int64_t run_id);
  static Result<std::vector<RunRecord>> ListRuns(metastore::Transaction& tx, const RunFilter& f);
  // Runs in the given life-cycle states, oldest first.
  static Result<std::vector<RunRecord>> RunsInStates(metastore::Transaction& tx,
                                                     const std::vector<LifeCycle>& states);
  static Result<int64_t> CountActiveRuns(metastore::Transaction& tx, int64_t job_id);
  // Sets the run's state columns (life cycle, result, message, times, runner, repair count).
  static Status UpdateRunState(metastore::Transaction& tx, const JobRun& run);
  static Status SetCancelRequested(metastore::Transaction& tx, int64_t run_id, bool requested);
  static Result<bool> CancelRequested(metastore::Transaction& tx, int64_t run_id);

  // ---- task runs ----
  static Result<int64_t> NextTaskRunId(metastore::Transaction& tx);
  static Status InsertTaskRun(metastore::Transaction& tx, const TaskRun& t);
  static Status UpdateTaskRun(metastore::Transaction& tx, const TaskRun& t);
  // Every attempt, by task then attempt.
  static Result<std::vector<TaskRun>> TaskRuns(metastore::Transaction& tx, int64_t run_id);
  static Result<std::optional<TaskRun>> GetTaskRun(metastore::Transaction& tx, int64_t task_run_id);

  // ---- task values ----
  static Status SetTaskValue(metastore::Transaction& tx, int64_t run_id, const TaskValue& v);
  static Result<std::optional<TaskValue>> GetTaskValue(metastore::Transaction& tx, int64_t run_id,
                                                       std::string_view task_key,
                                                       std::string_view key);
  static Result<std::vector<TaskValue>> TaskValues(metastore::Transaction& tx, int64_t run_id);
  static Status ClearTaskValues(metastore::Transaction& tx, int64_t run_id,
                                std::string_view task_key);
  static Result<int64_t> CountTaskValues(metastore::Transaction& tx, int64_t run_id,
                                         std::string_view task_key);

  // ---- scheduler state ----
  static Result<std::optional<int64_t>> TriggerState(metastore::Transaction& tx, int64_t job_id,
                                                     std::string_view source);
  static Status SetTriggerState(metastore::Transaction& tx, int64_t job_id, std::string_view source,
                                int64_t value, int64_t now);

  // ---- webhook deliveries ----
  static Status InsertDelivery(metastore::Transaction& tx, const WebhookDelivery& d);
  static Result<std::vector<WebhookDelivery>> Deliveries(metastore::Transaction& tx,
                                                         int64_t run_id);
};

}  // namespace keel::jobs

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_service.h"
#include "catalog/principal.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/result.h"
#include "jobs/job_store.h"
#include "jobs/job_types.h"
#include "metastore/database.h"

namespace keel::jobs {

struct JobServiceOptions {
  const Clock* clock = Clock::System();
  // Where run logs live: <log_root>/<run_id>/<task_key>/<attempt>/{stdout,stderr}.
  std::string log_root;
};

struct RunNowRequest {
  int64_t job_id = 0;
  std::map<std::string, std::string> job_parameters;  // overrides of the job's defaults
  std::string trigger_type = "ONE_TIME";
  int64_t parent_run_id = 0;  // set by run_job tasks
};

struct RepairRequest {
  int64_t run_id = 0;
  std::vector<std::string> rerun_tasks;  // task keys
  bool rerun_all_failed_tasks = false;
  bool rerun_dependent_tasks = false;
  std::map<std::string, std::string> job_parameters;  // replaces the run's values when given
};

struct RunOutput {
  TaskRun task;
  JobRun run;        // the run it belongs to (without other tasks' details)
  std::string logs;  // stdout then stderr, at most the last 5 MB of each
  bool logs_truncated = false;
  std::string error;  // the task's state message when it failed
  std::map<std::string, json::Value> task_values;
  json::Value ToJson() const;  // Jobs 2.1 RunOutput shape
};

struct JobPermission {
  std::string principal;  // name
  PermissionLevel level = PermissionLevel::kNone;
};

// Jobs 2.1, with the authorization of Databricks' job ACLs: CAN_VIEW sees a job and its runs,
// CAN_MANAGE_RUN also runs, cancels and repairs it, CAN_MANAGE also edits, deletes and grants;
// the owner (its creator unless changed) and metastore admins can do everything. Anyone may
// create a job. A job runs as `run_as`: the caller, or (admins only) another principal; its
// tasks get a token of that principal, so the grants of the catalog apply inside tasks.
//
// Runs are created QUEUED here and executed by a RunExecutor (in `keel server`, or in the CLI
// process for `keel jobs run-now`).
//
// Thread-safety: thread-safe. Errors: kInvalidParameterValue (bad settings or arguments, with
// the place in the spec), kResourceDoesNotExist, kPermissionDenied, kInvalidState (e.g. repair
// of an active run), kRequestLimitExceeded (oversize task values).
class JobService {
 public:
  JobService(metastore::Database* db, catalog::CatalogService* catalog, JobServiceOptions options);

  // ---- jobs ----
  Result<int64_t> CreateJob(const catalog::Principal& caller, const JobSpec& spec);
  Result<JobInfo> GetJob(const catalog::Principal& caller, int64_t job_id) const;
  // Jobs the caller can view, in id order; exact name filter when non-empty.
  Result<std::vector<JobInfo>> ListJobs(const catalog::Principal& caller, std::string_view name,
                                        int64_t offset, int64_t limit) const;
  // Replaces all settings.
  Status ResetJob(const catalog::Principal& caller, int64_t job_id, const JobSpec& spec);
  // Partial update: top-level fields of new_settings replace the job's; `tasks` are merged by
  // task_key; fields_to_remove names top-level fields or "tasks/<task_key>". The result is
  // validated as a whole.
  Status UpdateJob(const catalog::Principal& caller, int64_t job_id,
                   const json::Value& new_settings,
                   const std::vector<std::string>& fields_to_remove);
  Status DeleteJob(const catalog::Principal& caller, int64_t job_id);
  // Creates or updates the job deployed under `bundle_key`; returns its id (bundles).
  Result<int64_t> UpsertBundleJob(const catalog::Principal& caller, std::string_view bundle_key,
                                  const JobSpec& spec);
  // Jobs deployed by bundle keys starting with `prefix` ("<bundle>/<target>/").
  Result<std::vector<JobInfo>> ListBundleJobs(const catalog::Principal& caller,
                                              std::string_view prefix) const;

  Result<std::vector<JobPermission>> GetPermissions(const catalog::Principal& caller,
                                                    int64_t job_id) const;
  // Sets each principal's level (NONE removes it). Needs CAN_MANAGE.
  Status SetPermissions(const catalog::Principal& caller, int64_t job_id,
                        const std::vector<JobPermission>& changes);
  // The caller's level on `job` (admins: CAN_MANAGE; the owner: IS_OWNER; else the best grant
  // to the caller or one of its groups).
  PermissionLevel LevelIn(metastore::Transaction& tx, const catalog::Principal& caller,
                          const JobRecord& job) const;

  // ---- runs ----
  Result<int64_t> RunNow(const catalog::Principal& caller, const RunNowRequest& request);
  Result<JobRun> GetRun(const catalog::Principal& caller, int64_t run_id,
                        bool include_history = false) const;
  Result<std::vector<JobRun>> ListRuns(const catalog::Principal& caller,
                                       const RunFilter& filter) const;
  // Asks the run's executor to stop it (its processes are killed); a QUEUED run ends at once.
  Status CancelRun(const catalog::Principal& caller, int64_t run_id);
  Status CancelAllRuns(const catalog::Principal& caller, int64_t job_id);
  // Re-runs failed (or named) tasks of an ended run, and their dependents when asked, within
  // the same run; tasks that succeeded keep their results and task values. Returns the repair
  // number. The run is QUEUED again for an executor.
  Result<int32_t> RepairRun(const catalog::Principal& caller, const RepairRequest& request);
  // `task_run_id` is a task's run id (from GetRun's tasks[].run_id).
  Result<RunOutput> GetRunOutput(const catalog::Principal& caller, int64_t task_run_id) const;
  Result<std::vector<WebhookDelivery>> ListDeliveries(const catalog::Principal& caller,
                                                      int64_t run_id) const;

  // ---- task values ----
  // Only the run's run_as principal (the task's token) or an admin may set values, and only
  // while the task runs. The value is JSON text of at most 48 KiB.
  Status SetTaskValue(const catalog::Principal& caller, int64_t run_id, std::string_view task_key,
                      std::string_view key, std::string_view value_json);
  Result<json::Value> GetTaskValue(const catalog::Principal& caller, int64_t run_id,
                                   std::string_view task_key, std::string_view key) const;

  metastore::Database* db() const { return db_; }
  catalog::CatalogService* catalog() const { return catalog_; }
  const JobServiceOptions& options() const { return options_; }

  // A run as stored with its settings parsed and its latest task attempts (no authorization:
  // for the executor and scheduler).
  Result<JobRun> LoadRun(metastore::Transaction& tx, int64_t run_id,
                         bool include_history = false) const;
  Result<JobInfo> LoadJob(metastore::Transaction& tx, const JobRecord& rec) const;
  // Inserts a QUEUED run of `job` (no authorization; the scheduler's path). kResourceAlreadyExists
  // when (job, trigger type, trigger time) already has a run.
  Result<int64_t> InsertRun(metastore::Transaction& tx, const JobRecord& job,
                            const RunNowRequest& request, int64_t trigger_time,
                            const json::Value& trigger_info) const;

 private:
  Result<JobRecord> RequireJob(metastore::Transaction& tx, const catalog::Principal& caller,
                               int64_t job_id, PermissionLevel needed,
                               std::string_view action) const;
  Result<std::string> ResolveRunAs(const catalog::Principal& caller, const JobSpec& spec) const;

  metastore::Database* db_;
  catalog::CatalogService* catalog_;
  JobServiceOptions options_;
};

// Settings as the metastore keeps them (JobSpec::ToJson) parsed back; kCorruption naming
// `what` ("job 3", "run 42") when they cannot be read.
Result<JobSpec> ParseStoredSettings(std::string_view settings_json, std::string_view what);

// The platform itself acting: the scheduler and executors use it to mint task tokens. Never
// built from a request.
catalog::Principal JobsSystemPrincipal();

}  // namespace keel::jobs

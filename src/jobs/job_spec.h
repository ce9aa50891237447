#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"

// A job's settings, shaped like Databricks Jobs 2.1 `JobSettings`, parsed from YAML or JSON and
// validated once. The metastore keeps ToJson(); everything that runs a job reads a JobSpec.
namespace keel::jobs {

// When a task runs, given how the tasks it depends on ended (Databricks' `run_if`).
enum class RunIf {
  kAllSuccess,  // default
  kAtLeastOneSuccess,
  kNoneFailed,  // none failed or were upstream-failed; skipped ones are fine
  kAllDone,     // whatever happened
  kAtLeastOneFailed,
  kAllFailed,
};
std::string_view RunIfName(RunIf r);  // "ALL_SUCCESS", ...

struct TaskDependency {
  std::string task_key;
  // For a dependency on a condition task: "true" or "false"; the dependency holds only when the
  // condition had that outcome. Empty otherwise.
  std::string outcome;
};

// Any executable in its own process group; argv[0] is looked up on PATH.
struct CommandTask {
  std::vector<std::string> command;        // references allowed in every element
  std::map<std::string, std::string> env;  // references allowed in values
  std::string working_dir;                 // relative to the job's code root; "" = root
};

// Compares two operands after references are substituted. Numbers compare as numbers when both
// sides parse as numbers, else as strings (EQUAL_TO/NOT_EQUAL only).
struct ConditionTask {
  std::string left;
  std::string
      op;  // EQUAL_TO NOT_EQUAL GREATER_THAN GREATER_THAN_OR_EQUAL LESS_THAN LESS_THAN_OR_EQUAL
  std::string right;
};

// Starts another job (by id) with parameters and waits for it; the task ends as that run ends.
struct RunJobTask {
  int64_t job_id = 0;
  std::map<std::string, std::string> job_parameters;  // references allowed in values
};

// One of Keel's own steps, run as the `keel` binary with the argv the kind defines:
//   train:    {spec: path, register?: CAT.SCH.MODEL, experiment?: name}
//   evaluate: {model_uri, table, label?, slices?: [col], baseline_uri?, experiment?}
//   predict:  {model_uri, table, output, mode?}
// Parameter values allow references.
struct BuiltinTask {
  std::string kind;  // "train", "evaluate", "predict"
  std::map<std::string, json::Value> parameters;
};

enum class TaskKind { kCommand, kCondition, kRunJob, kBuiltin };

struct TaskSpec {
  std::string task_key;  // [A-Za-z0-9_-]{1,100}, unique in the job
  std::string description;
  std::vector<TaskDependency> depends_on;
  RunIf run_if = RunIf::kAllSuccess;
  TaskKind kind = TaskKind::kCommand;
  CommandTask command;      // kind == kCommand
  ConditionTask condition;  // kind == kCondition
  RunJobTask run_job;       // kind == kRunJob
  BuiltinTask builtin;      // kind == kBuiltin
  int32_t max_retries = 0;  // -1 = retry forever (capped by the runner), as Databricks
  int64_t min_retry_interval_millis = 0;
  bool retry_on_timeout = false;
  int64_t timeout_seconds = 0;  // 0 = none
};

struct JobParameter {
  std::string name;
  std::string default_value;
};

enum class PauseStatus { kUnpaused, kPaused };

struct CronSchedule {
  std::string quartz_cron_expression;  // validated with QuartzCron::Parse
  std::string timezone_id = "UTC";     // validated with TimeZone::Load
  PauseStatus pause_status = PauseStatus::kUnpaused;
};

struct TableUpdateTrigger {
  std::vector<std::string> table_names;   // three-part names: catalog.schema.table
  std::string condition = "ANY_UPDATED";  // or ALL_UPDATED
  int64_t min_time_between_triggers_seconds = 0;
  int64_t wait_after_last_change_seconds = 0;
};

struct PeriodicTrigger {
  int64_t interval = 0;  // > 0
  std::string unit;      // MINUTES, HOURS, DAYS, WEEKS
};

struct Trigger {
  PauseStatus pause_status = PauseStatus::kUnpaused;
  std::optional<TableUpdateTrigger> table_update;  // exactly one of the two
  std::optional<PeriodicTrigger> periodic;
};

struct Webhook {
  std::string url;  // http:// or https://
};

struct WebhookNotifications {
  std::vector<Webhook> on_start;
  std::vector<Webhook> on_success;
  std::vector<Webhook> on_failure;
};

struct JobSpec {
  std::string name;
  std::string description;
  std::map<std::string, std::string> tags;
  std::vector<JobParameter> parameters;
  std::vector<TaskSpec> tasks;  // at least one; a DAG (validated)
  int32_t max_concurrent_runs = 1;
  int64_t timeout_seconds = 0;
  std::optional<CronSchedule> schedule;
  std::optional<Trigger> trigger;
  WebhookNotifications webhook_notifications;
  // The principal the job runs as ("" = its owner). A user name or a service principal's
  // application id, exactly one of `run_as.user_name` / `run_as.service_principal_name`.
  std::string run_as;
  // Where command tasks run: set by `keel bundle deploy` to the deployed snapshot of the code.
  // Absent for jobs created by hand (commands then run in the server's working directory).
  std::string code_root;
  // Free-form deployment facts (bundle name, target, git commit/branch); shown by jobs get.
  std::map<std::string, std::string> deployment;

  const TaskSpec* FindTask(std::string_view key) const;
  // Task keys in an order where each task comes after the tasks it depends on.
  std::vector<std::string> TopologicalOrder() const;
  json::Value ToJson() const;  // Jobs 2.1 JobSettings JSON; FromJson(ToJson()) == *this
};

// Where a problem is: "jobs/train.yml:14:7" when the spec came from a file with locations, else
// the JSON path ("tasks[2].depends_on[0].task_key").
struct SpecSource {
  std::string file_name;  // shown in messages; "" for API requests
  // Line:column of each JSON path, from yaml::ParseWithLocations. Empty for JSON input.
  std::map<std::string, std::pair<int, int>> locations;
};

// Parses and validates JobSettings JSON (from the REST API, or YAML turned into JSON).
// Validation: required fields, types, unknown fields (a typo is an error, not ignored), names,
// task keys unique and well formed, depends_on naming existing tasks, no cycles (the message
// names the cycle), outcome only on condition-task dependencies, run_if values, retries and
// timeouts in range, cron and time zone, trigger shape, webhook URLs, and every {{reference}}
// known (tasks.<key> must be an upstream task of the task that uses it, job.parameters.<name>
// declared). Errors: kInvalidParameterValue "<where>: <what is wrong>; <what to do>".
Result<JobSpec> ParseJobSpec(const json::Value& settings, const SpecSource& source = {});

// The arguments of the `keel` command a built-in task runs: the kind, its positional
// parameters in order, then `--flag value` for the others (repeated for a list), each value
// passed through `substitute` (reference substitution).
Result<std::vector<std::string>> BuiltinArguments(
    const BuiltinTask& task,
    const std::function<Result<std::string>(const std::string&)>& substitute);

// Parses a YAML document holding one job's settings, with line numbers in errors.
Result<JobSpec> ParseJobSpecYaml(std::string_view yaml_text, std::string_view file_name);

}  // namespace keel::jobs

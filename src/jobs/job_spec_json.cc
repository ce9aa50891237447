// Reads JobSettings JSON field by field (job_spec_internal.h: ReadJobSpec). Each message names
// the JSON path of the problem, which SpecError turns into a file position; the checks that need
// the whole job (the task graph, references) are in job_spec.cc.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/limits.h"
#include "common/strings.h"
#include "jobs/job_spec.h"
#include "jobs/job_spec_internal.h"
#include "jobs/schedule/quartz_cron.h"
#include "jobs/schedule/time_zone.h"

namespace keel::jobs::internal {

namespace {

const Keys kJobFields = {"name",
                         "description",
                         "tags",
                         "parameters",
                         "tasks",
                         "max_concurrent_runs",
                         "timeout_seconds",
                         "schedule",
                         "trigger",
                         "webhook_notifications",
                         "run_as",
                         "code_root",
                         "deployment"};
const Keys kTaskFields = {"task_key",         "description",     "depends_on",
                          "run_if",           "max_retries",     "min_retry_interval_millis",
                          "retry_on_timeout", "timeout_seconds", "command_task",
                          "condition_task",   "run_job_task",    "train_task",
                          "evaluate_task",    "predict_task"};
const Keys kConditionOps = {"EQUAL_TO",     "NOT_EQUAL",
                            "GREATER_THAN", "GREATER_THAN_OR_EQUAL",
                            "LESS_THAN",    "LESS_THAN_OR_EQUAL"};
const Keys kPauseStatuses = {"UNPAUSED", "PAUSED"};
constexpr RunIf kRunIfs[] = {RunIf::kAllSuccess, RunIf::kAtLeastOneSuccess, RunIf::kNoneFailed,
                             RunIf::kAllDone,    RunIf::kAtLeastOneFailed,  RunIf::kAllFailed};
constexpr size_t kMaxBuiltinListItems = 1000;  // e.g. evaluate_task.slices

// The parameters of the builtin kinds (job_spec.h: BuiltinTask), and how each becomes an
// argument of the `keel` command the task runs: positional (`flag` empty, in table order) or
// `--flag value` (repeated for a list).
struct BuiltinParam {
  std::string_view name;
  bool required;
  bool list;  // a list of strings; else one string (or number)
  std::string_view flag;
};
constexpr BuiltinParam kTrainParams[] = {{"spec", true, false, ""},
                                         {"register", false, false, "register"},
                                         {"experiment", false, false, "experiment"}};
constexpr BuiltinParam kEvaluateParams[] = {{"model_uri", true, false, ""},
                                            {"table", true, false, ""},
                                            {"label", false, false, "label"},
                                            {"slices", false, true, "slice"},
                                            {"baseline_uri", false, false, "baseline"},
                                            {"experiment", false, false, "experiment"}};
constexpr BuiltinParam kPredictParams[] = {{"model_uri", true, false, ""},
                                           {"table", true, false, ""},
                                           {"output", true, false, "output"},
                                           {"mode", false, false, "mode"}};
struct BuiltinKindInfo {
  std::string_view kind;
  std::span<const BuiltinParam> params;
};
constexpr BuiltinKindInfo kBuiltinKinds[] = {
    {"train", kTrainParams}, {"evaluate", kEvaluateParams}, {"predict", kPredictParams}};

// [A-Za-z_][A-Za-z0-9_]*, what a shell can expand.
bool IsEnvName(std::string_view s) {
  if (s.empty() || s.size() > 256 || (s[0] >= '0' && s[0] <= '9')) return false;
  return s.find('-') == std::string_view::npos && IsName(s, 256);
}

// Reads each part of JobSettings into its struct.
class Reader : public SpecReader {
 public:
  explicit Reader(const SpecSource& source) : SpecReader(source) {}

  Result<JobSpec> Job(const json::Value& v) const;

 private:
  Result<TaskSpec> Task(const json::Value& v, const std::string& path) const;
  Status Dependencies(const json::Value& task, const std::string& path, TaskSpec* out) const;
  Status Command(const json::Value& v, const std::string& path, CommandTask* out) const;
  Status Condition(const json::Value& v, const std::string& path, ConditionTask* out) const;
  Status RunJob(const json::Value& v, const std::string& path, RunJobTask* out) const;
  Status Builtin(const json::Value& v, const std::string& path, const BuiltinKindInfo& info,
                 BuiltinTask* out) const;
  Status Parameters(const json::Value& job, JobSpec* out) const;
  Status Schedule(const json::Value& v, const std::string& path, CronSchedule* out) const;
  Status ReadTrigger(const json::Value& v, const std::string& path, Trigger* out) const;
  Status TableUpdate(const json::Value& v, const std::string& path, TableUpdateTrigger* out) const;
  Status Periodic(const json::Value& v, const std::string& path, PeriodicTrigger* out) const;
  Status Webhooks(const json::Value& v, const std::string& path, WebhookNotifications* out) const;
  Status RunAs(const json::Value& v, const std::string& path, std::string* out) const;
};

// ---- the job -------------------------------------------------------------------------------

Result<JobSpec> Reader::Job(const json::Value& v) const {
  KEEL_RETURN_IF_ERROR(CheckObject(v, "", "job settings", kJobFields));
  JobSpec job;
  KEEL_RETURN_IF_ERROR(String(v, "", "name", kMaxJobNameBytes, &job.name));
  if (job.name.empty()) return Missing("", "name", "give the job a name");
  if (HasControl(job.name)) return Error("name", "must not hold control characters");
  KEEL_RETURN_IF_ERROR(String(v, "", "description", kMaxDescriptionBytes, &job.description));
  KeyRule tag_keys{[](std::string_view k) {
                     return !k.empty() && k.size() <= kMaxTagKeyBytes && !HasControl(k);
                   },
                   "a tag name (1 to 127 bytes, no control characters)"};
  KEEL_RETURN_IF_ERROR(TextMap(v, "", "tags", kMaxTags, tag_keys, kMaxTagValueBytes, &job.tags));
  KEEL_RETURN_IF_ERROR(Parameters(v, &job));

  KEEL_ASSIGN_OR_RETURN(const json::Value::Array* tasks, List(v, "", "tasks", kMaxTasks));
  if (tasks == nullptr || tasks->empty()) {
    return Error("tasks", tasks == nullptr ? "missing; a job runs at least one task"
                                           : "is empty; a job runs at least one task");
  }
  for (size_t task_idx = 0; task_idx < tasks->size(); ++task_idx) {
    KEEL_ASSIGN_OR_RETURN(TaskSpec task, Task((*tasks)[task_idx], ElementPath("tasks", task_idx)));
    job.tasks.push_back(std::move(task));
  }

  int64_t max_runs = job.max_concurrent_runs;
  KEEL_RETURN_IF_ERROR(Int(v, "", "max_concurrent_runs", 1, kMaxConcurrentRuns, &max_runs));
  job.max_concurrent_runs = static_cast<int32_t>(max_runs);
  KEEL_RETURN_IF_ERROR(Int(v, "", "timeout_seconds", 0, kMaxTimeoutSeconds, &job.timeout_seconds));
  if (const json::Value* s = Get(v, "schedule")) {
    job.schedule.emplace();
    KEEL_RETURN_IF_ERROR(Schedule(*s, "schedule", &*job.schedule));
  }
  if (const json::Value* t = Get(v, "trigger")) {
    job.trigger.emplace();
    KEEL_RETURN_IF_ERROR(ReadTrigger(*t, "trigger", &*job.trigger));
  }
  if (const json::Value* w = Get(v, "webhook_notifications")) {
    KEEL_RETURN_IF_ERROR(Webhooks(*w, "webhook_notifications", &job.webhook_notifications));
  }
  if (const json::Value* r = Get(v, "run_as")) {
    KEEL_RETURN_IF_ERROR(RunAs(*r, "run_as", &job.run_as));
  }
  KEEL_RETURN_IF_ERROR(String(v, "", "code_root", kMaxPathBytes, &job.code_root));
  KeyRule deployment_keys{[](std::string_view k) { return IsName(k, 128); },
                          "a name of letters, digits, '_' and '-' (at most 128)"};
  KEEL_RETURN_IF_ERROR(TextMap(v, "", "deployment", kMaxDeploymentEntries, deployment_keys,
                               kMaxDeploymentValueBytes, &job.deployment));
  return job;
}

Status Reader::Parameters(const json::Value& job, JobSpec* out) const {
  KEEL_ASSIGN_OR_RETURN(const json::Value::Array* params,
                        List(job, "", "parameters", kMaxParameters));
  if (params == nullptr) return Status::OK();
  for (size_t param_idx = 0; param_idx < params->size(); ++param_idx) {
    const json::Value& p = (*params)[param_idx];
    std::string path = ElementPath("parameters", param_idx);
    KEEL_RETURN_IF_ERROR(CheckObject(p, path, "a job parameter", {"name", "default"}));
    JobParameter param;
    KEEL_RETURN_IF_ERROR(String(p, path, "name", kMaxParameterNameBytes, &param.name));
    if (param.name.empty()) return Missing(path, "name", "give the parameter a name");
    if (!IsName(param.name, kMaxParameterNameBytes)) {
      return Error(MemberPath(path, "name"),
                   Quote(param.name) +
                       " is not a parameter name: use letters, digits, '_' and "
                       "'-' (it is written {{job.parameters.<name>}})");
    }
    for (const JobParameter& earlier : out->parameters) {
      if (earlier.name == param.name) {
        return Error(MemberPath(path, "name"), "duplicate parameter " + Quote(param.name));
      }
    }
    const json::Value* def = Get(p, "default");
    if (def == nullptr) return Missing(path, "default", "give the parameter a default value");
    KEEL_ASSIGN_OR_RETURN(param.default_value,
                          Text(*def, MemberPath(path, "default"), kMaxParameterValueBytes));
    out->parameters.push_back(std::move(param));
  }
  return Status::OK();
}

// ---- tasks ---------------------------------------------------------------------------------

Result<TaskSpec> Reader::Task(const json::Value& v, const std::string& path) const {
  if (!v.is_object()) {
    return Error(path,
                 "a task must be an object with a task_key and one task kind, " + Describe(v));
  }
  KEEL_RETURN_IF_ERROR(CheckObject(v, path, "a task", kTaskFields));
  TaskSpec task;
  KEEL_RETURN_IF_ERROR(String(v, path, "task_key", kMaxTaskKeyBytes, &task.task_key));
  if (task.task_key.empty()) return Missing(path, "task_key", "every task needs a task_key");
  if (!IsName(task.task_key, kMaxTaskKeyBytes)) {
    return Error(MemberPath(path, "task_key"),
                 Quote(task.task_key) + " is not a task key: use letters, digits, '_' and '-'");
  }
  KEEL_RETURN_IF_ERROR(String(v, path, "description", kMaxDescriptionBytes, &task.description));
  KEEL_RETURN_IF_ERROR(Dependencies(v, path, &task));

  Keys run_if_names;
  for (RunIf r : kRunIfs) run_if_names.push_back(RunIfName(r));
  std::string run_if(RunIfName(task.run_if));
  KEEL_RETURN_IF_ERROR(Enum(v, path, "run_if", run_if_names, &run_if));
  for (RunIf r : kRunIfs) {
    if (RunIfName(r) == run_if) task.run_if = r;
  }

  int64_t retries = task.max_retries;
  KEEL_RETURN_IF_ERROR(Int(v, path, "max_retries", -1, kMaxRetries, &retries));
  task.max_retries = static_cast<int32_t>(retries);
  KEEL_RETURN_IF_ERROR(Int(v, path, "min_retry_interval_millis", 0, kMaxRetryIntervalMillis,
                           &task.min_retry_interval_millis));
  KEEL_RETURN_IF_ERROR(Bool(v, path, "retry_on_timeout", &task.retry_on_timeout));
  KEEL_RETURN_IF_ERROR(
      Int(v, path, "timeout_seconds", 0, kMaxTimeoutSeconds, &task.timeout_seconds));

  std::string_view kind;
  for (std::string_view field : kTaskKindFields) {
    if (Get(v, field) == nullptr) continue;
    if (!kind.empty()) {
      return Error(MemberPath(path, field), "a task has exactly one kind, and this one has both " +
                                                std::string(kind) + " and " + std::string(field) +
                                                "; split it into two tasks");
    }
    kind = field;
  }
  if (kind.empty()) {
    return Error(
        path, "task '" + task.task_key + "' has no kind; give it one of " + Join(kTaskKindFields));
  }
  std::string kind_path = MemberPath(path, kind);
  const json::Value& body = *Get(v, kind);
  if (kind == "command_task") {
    task.kind = TaskKind::kCommand;
    KEEL_RETURN_IF_ERROR(Command(body, kind_path, &task.command));
  } else if (kind == "condition_task") {
    task.kind = TaskKind::kCondition;
    KEEL_RETURN_IF_ERROR(Condition(body, kind_path, &task.condition));
  } else if (kind == "run_job_task") {
    task.kind = TaskKind::kRunJob;
    KEEL_RETURN_IF_ERROR(RunJob(body, kind_path, &task.run_job));
  } else {
    task.kind = TaskKind::kBuiltin;
    for (const BuiltinKindInfo& info : kBuiltinKinds) {
      if (BuiltinField(info.kind) == kind) {
        KEEL_RETURN_IF_ERROR(Builtin(body, kind_path, info, &task.builtin));
      }
    }
  }
  return task;
}

Status Reader::Dependencies(const json::Value& task, const std::string& path, TaskSpec* out) const {
  KEEL_ASSIGN_OR_RETURN(const json::Value::Array* deps, List(task, path, "depends_on", kMaxTasks));
  if (deps == nullptr) return Status::OK();
  for (size_t dep_idx = 0; dep_idx < deps->size(); ++dep_idx) {
    const json::Value& d = (*deps)[dep_idx];
    std::string dep_path = ElementPath(MemberPath(path, "depends_on"), dep_idx);
    KEEL_RETURN_IF_ERROR(CheckObject(d, dep_path, "a dependency", {"task_key", "outcome"}));
    TaskDependency dep;
    KEEL_RETURN_IF_ERROR(String(d, dep_path, "task_key", kMaxTaskKeyBytes, &dep.task_key));
    if (dep.task_key.empty()) {
      return Missing(dep_path, "task_key", "name the task this one runs after");
    }
    if (const json::Value* outcome = Get(d, "outcome")) {
      // YAML reads `outcome: true` as a boolean; Databricks writes the string "true".
      if (outcome->is_bool()) {
        dep.outcome = outcome->as_bool() ? "true" : "false";
      } else if (outcome->is_string() &&
                 (outcome->as_string() == "true" || outcome->as_string() == "false")) {
        dep.outcome = outcome->as_string();
      } else {
        return Error(MemberPath(dep_path, "outcome"),
                     "must be \"true\" or \"false\", " + Describe(*outcome));
      }
    }
    out->depends_on.push_back(std::move(dep));
  }
  return Status::OK();
}

Status Reader::Command(const json::Value& v, const std::string& path, CommandTask* out) const {
  KEEL_RETURN_IF_ERROR(CheckObject(v, path, "command_task", {"command", "env", "working_dir"}));
  KEEL_ASSIGN_OR_RETURN(const json::Value::Array* argv, List(v, path, "command", kMaxCommandArgs));
  if (argv == nullptr || argv->empty()) {
    return Error(MemberPath(path, "command"),
                 std::string(argv == nullptr ? "missing" : "is empty") +
                     "; give the program and its arguments, e.g. [python, train.py]");
  }
  for (size_t arg_idx = 0; arg_idx < argv->size(); ++arg_idx) {
    std::string arg_path = ElementPath(MemberPath(path, "command"), arg_idx);
    KEEL_ASSIGN_OR_RETURN(std::string arg, Text((*argv)[arg_idx], arg_path, kMaxArgBytes));
    out->command.push_back(std::move(arg));
  }
  if (out->command[0].empty()) {
    return Error(ElementPath(MemberPath(path, "command"), 0), "the program name is empty");
  }
  KeyRule env_names{IsEnvName, "an environment variable name ([A-Za-z_][A-Za-z0-9_]*)"};
  KEEL_RETURN_IF_ERROR(TextMap(v, path, "env", kMaxEnvVars, env_names, kMaxArgBytes, &out->env));
  KEEL_RETURN_IF_ERROR(String(v, path, "working_dir", kMaxPathBytes, &out->working_dir));
  const std::string& dir = out->working_dir;
  if (!dir.empty() && (dir[0] == '/' || dir.find("..") != std::string::npos)) {
    return Error(MemberPath(path, "working_dir"),
                 Quote(dir) + " must be a relative path inside the job's code, without '..'");
  }
  return Status::OK();
}

Status Reader::Condition(const json::Value& v, const std::string& path, ConditionTask* out) const {
  KEEL_RETURN_IF_ERROR(CheckObject(v, path, "condition_task", {"op", "left", "right"}));
  KEEL_RETURN_IF_ERROR(Enum(v, path, "op", kConditionOps, &out->op));
  if (out->op.empty()) return Missing(path, "op", "use one of " + Join(kConditionOps));
  for (std::string_view side : {"left", "right"}) {
    const json::Value* operand = Get(v, side);
    if (operand == nullptr) return Missing(path, side, "a condition compares left and right");
    KEEL_ASSIGN_OR_RETURN(std::string text, Text(*operand, MemberPath(path, side), kMaxTextBytes));
    (side == "left" ? out->left : out->right) = std::move(text);
  }
  return Status::OK();
}

Status Reader::RunJob(const json::Value& v, const std::string& path, RunJobTask* out) const {
  KEEL_RETURN_IF_ERROR(CheckObject(v, path, "run_job_task", {"job_id", "job_parameters"}));
  if (Get(v, "job_id") == nullptr) return Missing(path, "job_id", "name the job to run by id");
  KEEL_RETURN_IF_ERROR(Int(v, path, "job_id", 1, INT64_MAX, &out->job_id));
  KeyRule names{[](std::string_view k) { return IsName(k, kMaxParameterNameBytes); },
                "a parameter name (letters, digits, '_' and '-')"};
  return TextMap(v, path, "job_parameters", kMaxParameters, names, kMaxParameterValueBytes,
                 &out->job_parameters);
}

Status Reader::Builtin(const json::Value& v, const std::string& path, const BuiltinKindInfo& info,
                       BuiltinTask* out) const {
  Keys allowed;
  for (const BuiltinParam& p : info.params) allowed.push_back(p.name);
  std::string what = BuiltinField(info.kind);
  KEEL_RETURN_IF_ERROR(CheckObject(v, path, what, allowed));
  out->kind = std::string(info.kind);
  for (const BuiltinParam& p : info.params) {
    const json::Value* value = Get(v, p.name);
    std::string param_path = MemberPath(path, p.name);
    if (value == nullptr) {
      if (p.required) return Missing(path, p.name, "required by " + what);
      continue;
    }
    if (p.list) {
      KEEL_ASSIGN_OR_RETURN(const json::Value::Array* items,
                            List(v, path, p.name, kMaxBuiltinListItems));
      for (size_t item_idx = 0; item_idx < items->size(); ++item_idx) {
        const json::Value& item = (*items)[item_idx];
        if (!item.is_string() || item.as_string().empty()) {
          return Error(ElementPath(param_path, item_idx),
                       "must be a non-empty string, " + Describe(item));
        }
      }
    } else {
      KEEL_ASSIGN_OR_RETURN(std::string text, Text(*value, param_path, kMaxTextBytes));
      if (p.required && text.empty()) return Error(param_path, "is empty");
      bool plain = text.find("{{") == std::string::npos;
      if (p.name == "register" && plain && std::count(text.begin(), text.end(), '.') != 2) {
        return Error(param_path, Quote(text) +
                                     " is not a three-part model name; write "
                                     "catalog.schema.model");
      }
    }
    out->parameters[std::string(p.name)] = *value;
  }
  return Status::OK();
}

// ---- schedule, trigger, notifications, run_as -----------------------------------------------

Status Reader::Schedule(const json::Value& v, const std::string& path, CronSchedule* out) const {
  KEEL_RETURN_IF_ERROR(
      CheckObject(v, path, "schedule", {"quartz_cron_expression", "timezone_id", "pause_status"}));
  KEEL_RETURN_IF_ERROR(
      String(v, path, "quartz_cron_expression", kMaxCronBytes, &out->quartz_cron_expression));
  if (out->quartz_cron_expression.empty()) {
    return Missing(path, "quartz_cron_expression",
                   "write a Quartz cron expression, e.g. \"0 0 9 * * ?\" for 09:00 every day");
  }
  auto cron = QuartzCron::Parse(out->quartz_cron_expression);
  if (!cron.ok()) {
    return Error(MemberPath(path, "quartz_cron_expression"), cron.status().message());
  }
  KEEL_RETURN_IF_ERROR(String(v, path, "timezone_id", kMaxTimeZoneBytes, &out->timezone_id));
  auto zone = TimeZone::Load(out->timezone_id);
  if (!zone.ok()) return Error(MemberPath(path, "timezone_id"), zone.status().message());
  std::string pause(PauseStatusName(out->pause_status));
  KEEL_RETURN_IF_ERROR(Enum(v, path, "pause_status", kPauseStatuses, &pause));
  out->pause_status = pause == "PAUSED" ? PauseStatus::kPaused : PauseStatus::kUnpaused;
  return Status::OK();
}

Status Reader::ReadTrigger(const json::Value& v, const std::string& path, Trigger* out) const {
  KEEL_RETURN_IF_ERROR(
      CheckObject(v, path, "trigger", {"pause_status", "table_update", "periodic"}));
  std::string pause(PauseStatusName(out->pause_status));
  KEEL_RETURN_IF_ERROR(Enum(v, path, "pause_status", kPauseStatuses, &pause));
  out->pause_status = pause == "PAUSED" ? PauseStatus::kPaused : PauseStatus::kUnpaused;
  const json::Value* table = Get(v, "table_update");
  const json::Value* periodic = Get(v, "periodic");
  if (table != nullptr && periodic != nullptr) {
    return Error(MemberPath(path, "periodic"),
                 "a trigger has table_update or periodic, not both; make two jobs");
  }
  if (table != nullptr) {
    out->table_update.emplace();
    return TableUpdate(*table, MemberPath(path, "table_update"), &*out->table_update);
  }
  if (periodic != nullptr) {
    out->periodic.emplace();
    return Periodic(*periodic, MemberPath(path, "periodic"), &*out->periodic);
  }
  return Error(path, "a trigger needs table_update or periodic");
}

Status Reader::TableUpdate(const json::Value& v, const std::string& path,
                           TableUpdateTrigger* out) const {
  KEEL_RETURN_IF_ERROR(CheckObject(v, path, "table_update",
                                   {"table_names", "condition", "min_time_between_triggers_seconds",
                                    "wait_after_last_change_seconds"}));
  KEEL_ASSIGN_OR_RETURN(const json::Value::Array* names,
                        List(v, path, "table_names", kMaxTriggerTables));
  if (names == nullptr || names->empty()) {
    return Error(MemberPath(path, "table_names"),
                 std::string(names == nullptr ? "missing" : "is empty") +
                     "; list the tables whose updates start the job (catalog.schema.table)");
  }
  for (size_t name_idx = 0; name_idx < names->size(); ++name_idx) {
    std::string name_path = ElementPath(MemberPath(path, "table_names"), name_idx);
    const json::Value& n = (*names)[name_idx];
    if (!n.is_string()) return Error(name_path, "must be a string, " + Describe(n));
    const std::string& name = n.as_string();
    size_t first = name.find('.');
    size_t second = first == std::string::npos ? first : name.find('.', first + 1);
    bool three_parts = second != std::string::npos && first > 0 && second > first + 1 &&
                       second + 1 < name.size() && name.find('.', second + 1) == std::string::npos;
    if (!three_parts || name.size() > 3 * kMaxNameBytes + 2 || HasControl(name)) {
      return Error(name_path, Quote(name) +
                                  " is not a three-part table name; write "
                                  "catalog.schema.table, e.g. dev.default.events");
    }
    if (std::find(out->table_names.begin(), out->table_names.end(), name) !=
        out->table_names.end()) {
      return Error(name_path, "table " + Quote(name) + " is listed twice");
    }
    out->table_names.push_back(name);
  }
  KEEL_RETURN_IF_ERROR(Enum(v, path, "condition", {"ANY_UPDATED", "ALL_UPDATED"}, &out->condition));
  KEEL_RETURN_IF_ERROR(Int(v, path, "min_time_between_triggers_seconds", 0, kMaxTimeoutSeconds,
                           &out->min_time_between_triggers_seconds));
  return Int(v, path, "wait_after_last_change_seconds", 0, kMaxTimeoutSeconds,
             &out->wait_after_last_change_seconds);
}

Status Reader::Periodic(const json::Value& v, const std::string& path, PeriodicTrigger* out) const {
  KEEL_RETURN_IF_ERROR(CheckObject(v, path, "periodic", {"interval", "unit"}));
  const Keys units = {"MINUTES", "HOURS", "DAYS", "WEEKS"};
  KEEL_RETURN_IF_ERROR(Enum(v, path, "unit", units, &out->unit));
  if (out->unit.empty()) return Missing(path, "unit", "use one of " + Join(units));
  if (Get(v, "interval") == nullptr) return Missing(path, "interval", "how many units apart");
  // At most a year apart: longer periods are a schedule's job.
  int64_t per_year = out->unit == "MINUTES" ? 525600
                     : out->unit == "HOURS" ? 8760
                     : out->unit == "DAYS"  ? 365
                                            : 52;
  return Int(v, path, "interval", 1, per_year, &out->interval);
}

Status Reader::Webhooks(const json::Value& v, const std::string& path,
                        WebhookNotifications* out) const {
  KEEL_RETURN_IF_ERROR(
      CheckObject(v, path, "webhook_notifications", {"on_start", "on_success", "on_failure"}));
  for (auto [event, list] :
       {std::pair{"on_start", &out->on_start}, std::pair{"on_success", &out->on_success},
        std::pair{"on_failure", &out->on_failure}}) {
    KEEL_ASSIGN_OR_RETURN(const json::Value::Array* hooks,
                          List(v, path, event, kMaxWebhooksPerEvent));
    if (hooks == nullptr) continue;
    for (size_t hook_idx = 0; hook_idx < hooks->size(); ++hook_idx) {
      std::string hook_path = ElementPath(MemberPath(path, event), hook_idx);
      KEEL_RETURN_IF_ERROR(CheckObject((*hooks)[hook_idx], hook_path, "a webhook", {"url"}));
      Webhook hook;
      KEEL_RETURN_IF_ERROR(String((*hooks)[hook_idx], hook_path, "url", kMaxUrlBytes, &hook.url));
      if (hook.url.empty()) return Missing(hook_path, "url", "give the http(s) URL to POST to");
      std::string lower = AsciiLower(hook.url);
      size_t scheme = lower.rfind("https://", 0) == 0 ? 8 : lower.rfind("http://", 0) == 0 ? 7 : 0;
      size_t host_end = std::min(hook.url.find_first_of("/?#", scheme), hook.url.size());
      bool spaces = hook.url.find_first_of(" \t") != std::string::npos || HasControl(hook.url);
      if (scheme == 0 || spaces || host_end == scheme) {
        return Error(MemberPath(hook_path, "url"),
                     Quote(hook.url) + " is not an http:// or https:// URL with a host");
      }
      list->push_back(std::move(hook));
    }
  }
  return Status::OK();
}

Status Reader::RunAs(const json::Value& v, const std::string& path, std::string* out) const {
  KEEL_RETURN_IF_ERROR(CheckObject(v, path, "run_as", {"user_name", "service_principal_name"}));
  std::string user;
  std::string service_principal;
  KEEL_RETURN_IF_ERROR(String(v, path, "user_name", kMaxNameBytes, &user));
  KEEL_RETURN_IF_ERROR(
      String(v, path, "service_principal_name", kMaxNameBytes, &service_principal));
  if (user.empty() == service_principal.empty()) {
    return Error(path, "give exactly one of user_name and service_principal_name");
  }
  *out = user.empty() ? service_principal : user;
  return Status::OK();
}

}  // namespace

Result<JobSpec> ReadJobSpec(const json::Value& settings, const SpecSource& source) {
  return Reader(source).Job(settings);
}

}  // namespace keel::jobs::internal

namespace keel::jobs {

Result<std::vector<std::string>> BuiltinArguments(
    const BuiltinTask& task,
    const std::function<Result<std::string>(const std::string&)>& substitute) {
  const internal::BuiltinKindInfo* info = nullptr;
  for (const internal::BuiltinKindInfo& k : internal::kBuiltinKinds) {
    if (k.kind == task.kind) info = &k;
  }
  if (info == nullptr) return Status::InvalidArgument("unknown built-in task '" + task.kind + "'");
  std::vector<std::string> args = {task.kind};
  std::vector<std::string> flags;
  for (const internal::BuiltinParam& p : info->params) {
    auto it = task.parameters.find(std::string(p.name));
    if (it == task.parameters.end()) continue;
    std::vector<json::Value> values;
    if (it->second.is_array()) {
      values = it->second.as_array();
    } else {
      values.push_back(it->second);
    }
    for (const json::Value& v : values) {
      KEEL_ASSIGN_OR_RETURN(std::string text, substitute(v.is_string() ? v.as_string() : v.Dump()));
      if (p.flag.empty()) {
        args.push_back(std::move(text));
      } else {
        flags.push_back("--" + std::string(p.flag));
        flags.push_back(std::move(text));
      }
    }
  }
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

}  // namespace keel::jobs

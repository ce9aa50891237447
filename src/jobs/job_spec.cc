// ParseJobSpec reads each field (job_spec_json.cc), then checks here what spans fields: unique
// task keys, the dependency graph, outcomes and {{references}}. Also JobSpec's own methods and
// its JSON form.

#include "jobs/job_spec.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/yaml.h"
#include "jobs/job_spec_internal.h"
#include "jobs/references.h"

namespace keel::jobs {

namespace internal {

Status SpecError(const SpecSource& source, std::string_view path, std::string_view what) {
  std::string where = source.file_name;
  // The path's own location, else its nearest ancestor's: "a.b[2].c" -> "a.b[2]" -> "a.b" ...
  std::string probe(path);
  while (!source.locations.empty()) {
    auto it = source.locations.find(probe);
    if (it != source.locations.end()) {
      std::string line_column =
          std::to_string(it->second.first) + ":" + std::to_string(it->second.second);
      where = where.empty() ? "line " + line_column : where + ":" + line_column;
      break;
    }
    if (probe.empty()) break;
    size_t cut = probe.find_last_of(".[");
    probe.resize(cut == std::string::npos ? 0 : cut);
  }
  std::string message = where;
  if (!path.empty()) message += (message.empty() ? "" : ": ") + std::string(path);
  message += (message.empty() ? "" : ": ") + std::string(what);
  return Status::InvalidArgument(std::move(message));
}

}  // namespace internal

namespace {

using internal::ElementPath;
using internal::MemberPath;
using internal::SpecError;

constexpr size_t kMaxListedTasks = 20;

std::string TaskPath(size_t task_idx) { return ElementPath("tasks", task_idx); }

std::string DependencyPath(size_t task_idx, size_t dep_idx) {
  return ElementPath(MemberPath(TaskPath(task_idx), "depends_on"), dep_idx);
}

// "train, validate, deploy", shortened for large jobs.
std::string TaskList(const JobSpec& job) {
  std::string out;
  for (size_t task_idx = 0; task_idx < job.tasks.size(); ++task_idx) {
    if (task_idx == kMaxListedTasks) {
      return out + ", ... (" + std::to_string(job.tasks.size()) + " tasks)";
    }
    out += (task_idx == 0 ? "" : ", ") + job.tasks[task_idx].task_key;
  }
  return out;
}

// Checks the tasks as a graph. REQUIRES: each task passed ReadJobSpec.
class GraphChecker {
 public:
  GraphChecker(const JobSpec& job, const SpecSource& source) : job_(job), source_(source) {}

  Status Check() {
    KEEL_RETURN_IF_ERROR(IndexKeys());
    KEEL_RETURN_IF_ERROR(CheckDependencies());
    KEEL_RETURN_IF_ERROR(CheckCycles());
    return CheckReferences();
  }

 private:
  Status IndexKeys() {
    for (size_t task_idx = 0; task_idx < job_.tasks.size(); ++task_idx) {
      const std::string& key = job_.tasks[task_idx].task_key;
      auto [it, added] = index_.emplace(key, task_idx);
      if (!added) {
        return SpecError(source_, MemberPath(TaskPath(task_idx), "task_key"),
                         "duplicate task key '" + key + "' (also " + TaskPath(it->second) +
                             "); task keys are unique within a job");
      }
    }
    return Status::OK();
  }

  Status CheckDependencies() {
    for (size_t task_idx = 0; task_idx < job_.tasks.size(); ++task_idx) {
      const TaskSpec& task = job_.tasks[task_idx];
      std::set<std::string_view> seen;
      for (size_t dep_idx = 0; dep_idx < task.depends_on.size(); ++dep_idx) {
        const TaskDependency& dep = task.depends_on[dep_idx];
        std::string key_path = MemberPath(DependencyPath(task_idx, dep_idx), "task_key");
        if (dep.task_key == task.task_key) {
          return SpecError(source_, key_path,
                           "task '" + task.task_key + "' depends on itself; remove this entry");
        }
        auto it = index_.find(dep.task_key);
        if (it == index_.end()) {
          return SpecError(
              source_, key_path,
              "'" + dep.task_key + "' is not a task of this job (tasks: " + TaskList(job_) + ")");
        }
        if (!seen.insert(dep.task_key).second) {
          return SpecError(source_, key_path,
                           "'" + dep.task_key + "' is listed twice in depends_on; remove one");
        }
        if (!dep.outcome.empty() && job_.tasks[it->second].kind != TaskKind::kCondition) {
          return SpecError(source_, MemberPath(DependencyPath(task_idx, dep_idx), "outcome"),
                           "'" + dep.task_key +
                               "' is not a condition task; outcome applies only to a dependency "
                               "on a condition_task, so remove it");
        }
      }
    }
    return Status::OK();
  }

  // Depth-first along depends_on, in declaration order, so the cycle named is the same each time.
  Status CheckCycles() {
    enum State : uint8_t { kNew, kOnPath, kDone };
    std::vector<State> state(job_.tasks.size(), kNew);
    std::vector<size_t> path;  // each task depends on the next
    std::function<Status(size_t)> visit = [&](size_t task_idx) -> Status {
      state[task_idx] = kOnPath;
      path.push_back(task_idx);
      const std::vector<TaskDependency>& deps = job_.tasks[task_idx].depends_on;
      for (size_t dep_idx = 0; dep_idx < deps.size(); ++dep_idx) {
        size_t up = index_.at(deps[dep_idx].task_key);
        if (state[up] == kDone) continue;
        if (state[up] == kOnPath) {
          std::string cycle = job_.tasks[task_idx].task_key;
          for (auto it = std::find(path.begin(), path.end(), up); it != path.end(); ++it) {
            cycle += " -> " + job_.tasks[*it].task_key;
          }
          return SpecError(source_, MemberPath(DependencyPath(task_idx, dep_idx), "task_key"),
                           "the tasks depend on each other in a cycle: " + cycle +
                               " (-> reads 'depends on'); remove one of these dependencies");
        }
        KEEL_RETURN_IF_ERROR(visit(up));
      }
      path.pop_back();
      state[task_idx] = kDone;
      return Status::OK();
    };
    for (size_t task_idx = 0; task_idx < job_.tasks.size(); ++task_idx) {
      if (state[task_idx] == kNew) KEEL_RETURN_IF_ERROR(visit(task_idx));
    }
    return Status::OK();
  }

  // Where references may appear in a task: (JSON path, text).
  static std::vector<std::pair<std::string, const std::string*>> ReferenceSites(
      const TaskSpec& task, const std::string& path) {
    std::vector<std::pair<std::string, const std::string*>> sites;
    auto add_map = [&](const std::string& map_path, const std::map<std::string, std::string>& m) {
      for (const auto& [key, value] : m) sites.emplace_back(MemberPath(map_path, key), &value);
    };
    switch (task.kind) {
      case TaskKind::kCommand: {
        std::string base = MemberPath(path, "command_task");
        for (size_t arg_idx = 0; arg_idx < task.command.command.size(); ++arg_idx) {
          sites.emplace_back(ElementPath(MemberPath(base, "command"), arg_idx),
                             &task.command.command[arg_idx]);
        }
        add_map(MemberPath(base, "env"), task.command.env);
        break;
      }
      case TaskKind::kCondition: {
        std::string base = MemberPath(path, "condition_task");
        sites.emplace_back(MemberPath(base, "left"), &task.condition.left);
        sites.emplace_back(MemberPath(base, "right"), &task.condition.right);
        break;
      }
      case TaskKind::kRunJob:
        add_map(MemberPath(MemberPath(path, "run_job_task"), "job_parameters"),
                task.run_job.job_parameters);
        break;
      case TaskKind::kBuiltin: {
        std::string base = MemberPath(path, internal::BuiltinField(task.builtin.kind));
        for (const auto& [name, value] : task.builtin.parameters) {
          if (value.is_string()) sites.emplace_back(MemberPath(base, name), &value.as_string());
          if (!value.is_array()) continue;
          for (size_t item_idx = 0; item_idx < value.size(); ++item_idx) {
            const json::Value& item = value.as_array()[item_idx];
            if (item.is_string()) {
              sites.emplace_back(ElementPath(MemberPath(base, name), item_idx), &item.as_string());
            }
          }
        }
        break;
      }
    }
    return sites;
  }

  Status CheckReferences() {
    for (size_t task_idx = 0; task_idx < job_.tasks.size(); ++task_idx) {
      const TaskSpec& task = job_.tasks[task_idx];
      for (const auto& [path, text] : ReferenceSites(task, TaskPath(task_idx))) {
        auto refs = FindReferences(*text);
        if (!refs.ok()) return SpecError(source_, path, refs.status().message());
        for (const Reference& ref : *refs) {
          KEEL_RETURN_IF_ERROR(CheckReference(task_idx, path, ref));
        }
      }
    }
    return Status::OK();
  }

  Status CheckReference(size_t task_idx, const std::string& path, const Reference& ref) {
    const std::vector<std::string>& p = ref.parts;
    std::string quoted = "'{{" + ref.text + "}}'";
    if (p[0] == "job" && p[1] == "parameters") {
      std::string declared;
      for (const JobParameter& param : job_.parameters) {
        if (param.name == p[2]) return Status::OK();
        declared += (declared.empty() ? "" : ", ") + param.name;
      }
      return SpecError(
          source_, path,
          quoted + ": job parameter '" + p[2] + "' is not declared; add it to parameters (" +
              (declared.empty() ? "the job declares none" : "declared: " + declared) + ")");
    }
    if (p[0] != "tasks") return Status::OK();
    const std::string& self = job_.tasks[task_idx].task_key;
    auto it = index_.find(p[1]);
    if (it == index_.end()) {
      return SpecError(
          source_, path,
          quoted + ": '" + p[1] + "' is not a task of this job (tasks: " + TaskList(job_) + ")");
    }
    if (p[1] == self) {
      return SpecError(source_, path,
                       quoted +
                           ": a task cannot refer to its own results; use {{task.name}}, "
                           "{{task.run_id}} or {{task.execution_count}}");
    }
    if (!IsUpstream(it->second, task_idx)) {
      return SpecError(source_, path,
                       quoted + ": task '" + p[1] + "' does not run before '" + self +
                           "'; add it to depends_on of '" + self +
                           "' (directly or through another task)");
    }
    return Status::OK();
  }

  // Whether `up` runs before `task` (a transitive dependency). The sets are built once, in
  // topological order, as bit sets: at most 1000 x 1000 bits. REQUIRES: no cycles.
  bool IsUpstream(size_t up, size_t task) {
    size_t words = (job_.tasks.size() + 63) / 64;
    if (upstream_.empty()) {
      upstream_.assign(job_.tasks.size(), std::vector<uint64_t>(words, 0));
      for (const std::string& key : job_.TopologicalOrder()) {
        size_t t = index_.at(key);
        for (const TaskDependency& dep : job_.tasks[t].depends_on) {
          size_t d = index_.at(dep.task_key);
          for (size_t w = 0; w < words; ++w) upstream_[t][w] |= upstream_[d][w];
          upstream_[t][d / 64] |= uint64_t{1} << (d % 64);
        }
      }
    }
    return (upstream_[task][up / 64] >> (up % 64)) & 1;
  }

  const JobSpec& job_;
  const SpecSource& source_;
  std::map<std::string, size_t> index_;          // task key -> index in job_.tasks
  std::vector<std::vector<uint64_t>> upstream_;  // bit d of [t]: task d runs before task t
};

json::Value StringMapJson(const std::map<std::string, std::string>& m) {
  json::Value out = json::Value::MakeObject();
  for (const auto& [key, value] : m) out.Set(key, value);
  return out;
}

json::Value WebhooksJson(const std::vector<Webhook>& hooks) {
  json::Value out = json::Value::MakeArray();
  for (const Webhook& hook : hooks) out.Append(json::Value::Object{{"url", hook.url}});
  return out;
}

// Databricks service principals are named by application id, a UUID.
bool LooksLikeApplicationId(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    bool hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
               (s[i] >= 'A' && s[i] <= 'F');
    if (dash ? s[i] != '-' : !hex) return false;
  }
  return true;
}

json::Value TaskJson(const TaskSpec& task) {
  json::Value out = json::Value::MakeObject();
  out.Set("task_key", task.task_key);
  if (!task.description.empty()) out.Set("description", task.description);
  if (!task.depends_on.empty()) {
    json::Value deps = json::Value::MakeArray();
    for (const TaskDependency& dep : task.depends_on) {
      json::Value d = json::Value::MakeObject();
      d.Set("task_key", dep.task_key);
      if (!dep.outcome.empty()) d.Set("outcome", dep.outcome);
      deps.Append(std::move(d));
    }
    out.Set("depends_on", std::move(deps));
  }
  out.Set("run_if", RunIfName(task.run_if));
  json::Value body = json::Value::MakeObject();
  switch (task.kind) {
    case TaskKind::kCommand: {
      json::Value argv = json::Value::MakeArray();
      for (const std::string& arg : task.command.command) argv.Append(arg);
      body.Set("command", std::move(argv));
      if (!task.command.env.empty()) body.Set("env", StringMapJson(task.command.env));
      if (!task.command.working_dir.empty()) body.Set("working_dir", task.command.working_dir);
      out.Set("command_task", std::move(body));
      break;
    }
    case TaskKind::kCondition:
      body.Set("op", task.condition.op);
      body.Set("left", task.condition.left);
      body.Set("right", task.condition.right);
      out.Set("condition_task", std::move(body));
      break;
    case TaskKind::kRunJob:
      body.Set("job_id", task.run_job.job_id);
      if (!task.run_job.job_parameters.empty()) {
        body.Set("job_parameters", StringMapJson(task.run_job.job_parameters));
      }
      out.Set("run_job_task", std::move(body));
      break;
    case TaskKind::kBuiltin:
      for (const auto& [name, value] : task.builtin.parameters) body.Set(name, value);
      out.Set(internal::BuiltinField(task.builtin.kind), std::move(body));
      break;
  }
  out.Set("max_retries", task.max_retries);
  out.Set("min_retry_interval_millis", task.min_retry_interval_millis);
  out.Set("retry_on_timeout", task.retry_on_timeout);
  out.Set("timeout_seconds", task.timeout_seconds);
  return out;
}

}  // namespace

std::string_view RunIfName(RunIf r) {
  switch (r) {
    case RunIf::kAllSuccess:
      return "ALL_SUCCESS";
    case RunIf::kAtLeastOneSuccess:
      return "AT_LEAST_ONE_SUCCESS";
    case RunIf::kNoneFailed:
      return "NONE_FAILED";
    case RunIf::kAllDone:
      return "ALL_DONE";
    case RunIf::kAtLeastOneFailed:
      return "AT_LEAST_ONE_FAILED";
    case RunIf::kAllFailed:
      return "ALL_FAILED";
  }
  return "ALL_SUCCESS";
}

const TaskSpec* JobSpec::FindTask(std::string_view key) const {
  for (const TaskSpec& task : tasks) {
    if (task.task_key == key) return &task;
  }
  return nullptr;
}

// Kahn's algorithm, always taking the earliest-declared ready task, so the order is stable.
std::vector<std::string> JobSpec::TopologicalOrder() const {
  std::map<std::string_view, size_t> index;
  for (size_t task_idx = 0; task_idx < tasks.size(); ++task_idx) {
    index.emplace(tasks[task_idx].task_key, task_idx);
  }
  std::vector<size_t> unmet(tasks.size(), 0);
  std::vector<std::vector<size_t>> dependents(tasks.size());
  for (size_t task_idx = 0; task_idx < tasks.size(); ++task_idx) {
    for (const TaskDependency& dep : tasks[task_idx].depends_on) {
      auto it = index.find(dep.task_key);
      if (it == index.end() || it->second == task_idx) continue;
      ++unmet[task_idx];
      dependents[it->second].push_back(task_idx);
    }
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t task_idx = 0; task_idx < tasks.size(); ++task_idx) {
    if (unmet[task_idx] == 0) ready.push(task_idx);
  }
  std::vector<std::string> order;
  std::vector<bool> placed(tasks.size(), false);
  while (!ready.empty()) {
    size_t task_idx = ready.top();
    ready.pop();
    order.push_back(tasks[task_idx].task_key);
    placed[task_idx] = true;
    for (size_t down : dependents[task_idx]) {
      if (--unmet[down] == 0) ready.push(down);
    }
  }
  // Only a spec that was never validated has a cycle; its tasks come last, as declared.
  for (size_t task_idx = 0; task_idx < tasks.size(); ++task_idx) {
    if (!placed[task_idx]) order.push_back(tasks[task_idx].task_key);
  }
  return order;
}

json::Value JobSpec::ToJson() const {
  json::Value out = json::Value::MakeObject();
  out.Set("name", name);
  if (!description.empty()) out.Set("description", description);
  if (!tags.empty()) out.Set("tags", StringMapJson(tags));
  if (!parameters.empty()) {
    json::Value params = json::Value::MakeArray();
    for (const JobParameter& p : parameters) {
      params.Append(json::Value::Object{{"name", p.name}, {"default", p.default_value}});
    }
    out.Set("parameters", std::move(params));
  }
  json::Value task_list = json::Value::MakeArray();
  for (const TaskSpec& task : tasks) task_list.Append(TaskJson(task));
  out.Set("tasks", std::move(task_list));
  out.Set("max_concurrent_runs", max_concurrent_runs);
  out.Set("timeout_seconds", timeout_seconds);
  if (schedule) {
    json::Value s = json::Value::MakeObject();
    s.Set("quartz_cron_expression", schedule->quartz_cron_expression);
    s.Set("timezone_id", schedule->timezone_id);
    s.Set("pause_status", internal::PauseStatusName(schedule->pause_status));
    out.Set("schedule", std::move(s));
  }
  if (trigger) {
    json::Value t = json::Value::MakeObject();
    t.Set("pause_status", internal::PauseStatusName(trigger->pause_status));
    if (trigger->table_update) {
      const TableUpdateTrigger& u = *trigger->table_update;
      json::Value names = json::Value::MakeArray();
      for (const std::string& table : u.table_names) names.Append(table);
      json::Value body = json::Value::MakeObject();
      body.Set("table_names", std::move(names));
      body.Set("condition", u.condition);
      body.Set("min_time_between_triggers_seconds", u.min_time_between_triggers_seconds);
      body.Set("wait_after_last_change_seconds", u.wait_after_last_change_seconds);
      t.Set("table_update", std::move(body));
    }
    if (trigger->periodic) {
      t.Set("periodic", json::Value::Object{{"interval", trigger->periodic->interval},
                                            {"unit", trigger->periodic->unit}});
    }
    out.Set("trigger", std::move(t));
  }
  json::Value hooks = json::Value::MakeObject();
  if (!webhook_notifications.on_start.empty()) {
    hooks.Set("on_start", WebhooksJson(webhook_notifications.on_start));
  }
  if (!webhook_notifications.on_success.empty()) {
    hooks.Set("on_success", WebhooksJson(webhook_notifications.on_success));
  }
  if (!webhook_notifications.on_failure.empty()) {
    hooks.Set("on_failure", WebhooksJson(webhook_notifications.on_failure));
  }
  if (hooks.size() > 0) out.Set("webhook_notifications", std::move(hooks));
  if (!run_as.empty()) {
    std::string_view field =
        LooksLikeApplicationId(run_as) ? "service_principal_name" : "user_name";
    out.Set("run_as", json::Value::Object{{std::string(field), run_as}});
  }
  if (!code_root.empty()) out.Set("code_root", code_root);
  if (!deployment.empty()) out.Set("deployment", StringMapJson(deployment));
  return out;
}

Result<JobSpec> ParseJobSpec(const json::Value& settings, const SpecSource& source) {
  KEEL_ASSIGN_OR_RETURN(JobSpec job, internal::ReadJobSpec(settings, source));
  if (job.schedule && job.trigger) {
    return SpecError(source, "trigger",
                     "a job has a schedule or a trigger, not both; remove one of them");
  }
  KEEL_RETURN_IF_ERROR(GraphChecker(job, source).Check());
  return job;
}

Result<JobSpec> ParseJobSpecYaml(std::string_view yaml_text, std::string_view file_name) {
  auto doc = yaml::ParseWithLocations(yaml_text);
  if (!doc.ok()) {
    std::string prefix = file_name.empty() ? "" : std::string(file_name) + ": ";
    return Status::InvalidArgument(prefix + doc.status().message());
  }
  SpecSource source;
  source.file_name = std::string(file_name);
  source.locations = std::move(doc->locations);
  return ParseJobSpec(doc->value, source);
}

}  // namespace keel::jobs

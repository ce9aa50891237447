// JobService: runs, repair, output and task values.
#include <algorithm>
#include <set>

#include "catalog/principal_store.h"
#include "common/fs/file_system.h"
#include "jobs/job_service.h"

namespace keel::jobs {

using catalog::Principal;
using metastore::Transaction;

namespace {

constexpr size_t kMaxLogBytes = 5 * 1024 * 1024;
constexpr int64_t kMaxTaskValuesPerTask = 1024;

bool ValidTaskValueKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

Result<std::map<std::string, std::string>> EffectiveParameters(
    const JobSpec& spec, const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> out;
  for (const JobParameter& p : spec.parameters) out[p.name] = p.default_value;
  for (const auto& [name, value] : overrides) {
    if (!out.count(name)) {
      std::string known;
      for (const JobParameter& p : spec.parameters) known += (known.empty() ? "" : ", ") + p.name;
      return Status::InvalidArgument(
          "job_parameters: '" + name + "' is not a parameter of job '" + spec.name + "'" +
          (known.empty() ? " (it has none)" : " (it has " + known + ")"));
    }
    if (value.size() > 64 * 1024) {
      return Status::InvalidArgument("job_parameters: the value of '" + name +
                                     "' is longer than 64 KiB");
    }
    out[name] = value;
  }
  return out;
}

}  // namespace

json::Value RunOutput::ToJson() const {
  json::Value out = json::Value::MakeObject();
  json::Value meta = run.ToJson();
  meta.Set("tasks", json::Value::MakeArray());
  meta.Set("task", task.ToJson());
  out.Set("metadata", meta);
  out.Set("logs", logs);
  out.Set("logs_truncated", logs_truncated);
  if (!error.empty()) out.Set("error", error);
  json::Value values = json::Value::MakeObject();
  for (const auto& [k, v] : task_values) values.Set(k, v);
  out.Set("task_values", values);
  return out;
}

Result<JobRun> JobService::LoadRun(Transaction& tx, int64_t run_id, bool include_history) const {
  KEEL_ASSIGN_OR_RETURN(auto rec, JobStore::GetRun(tx, run_id));
  if (!rec) {
    return Status::NotFound("run " + std::to_string(run_id) +
                            " does not exist; see 'keel jobs runs list'");
  }
  JobRun run = std::move(rec->run);
  KEEL_ASSIGN_OR_RETURN(run.settings,
                        ParseStoredSettings(rec->settings_json, "run " + std::to_string(run_id)));
  KEEL_ASSIGN_OR_RETURN(std::vector<TaskRun> attempts, JobStore::TaskRuns(tx, run_id));
  std::map<std::string, std::vector<TaskRun>> by_key;
  for (TaskRun& t : attempts) by_key[t.task_key].push_back(std::move(t));
  for (const std::string& key : run.settings.TopologicalOrder()) {
    auto it = by_key.find(key);
    if (it == by_key.end()) continue;
    if (include_history) {
      for (TaskRun& t : it->second) run.tasks.push_back(std::move(t));
    } else {
      run.tasks.push_back(std::move(it->second.back()));
    }
  }
  return run;
}

Result<int64_t> JobService::InsertRun(Transaction& tx, const JobRecord& job,
                                      const RunNowRequest& request, int64_t trigger_time,
                                      const json::Value& trigger_info) const {
  KEEL_ASSIGN_OR_RETURN(JobInfo info, LoadJob(tx, job));
  JobRun run;
  KEEL_ASSIGN_OR_RETURN(run.run_id, JobStore::NextRunId(tx));
  run.job_id = job.job_id;
  KEEL_ASSIGN_OR_RETURN(run.parameters, EffectiveParameters(info.settings, request.job_parameters));
  run.trigger_type = request.trigger_type;
  run.trigger_time = trigger_time;
  run.trigger_info = trigger_info;
  run.parent_run_id = request.parent_run_id;
  run.life_cycle = LifeCycle::kQueued;
  run.run_as = job.run_as;
  run.creator = info.creator_user_name;
  run.queued_time = options_.clock->NowMillis();
  KEEL_RETURN_IF_ERROR(JobStore::InsertRun(tx, run, job.settings_json));
  return run.run_id;
}

Result<int64_t> JobService::RunNow(const Principal& caller, const RunNowRequest& request) {
  int64_t run_id = 0;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(JobRecord job, RequireJob(tx, caller, request.job_id,
                                                    PermissionLevel::kCanManageRun, "run it"));
    RunNowRequest r = request;
    if (r.trigger_type.empty()) r.trigger_type = "ONE_TIME";
    KEEL_ASSIGN_OR_RETURN(run_id, InsertRun(tx, job, r, 0, json::Value::MakeObject()));
    return Status::OK();
  }));
  return run_id;
}

Result<JobRun> JobService::GetRun(const Principal& caller, int64_t run_id,
                                  bool include_history) const {
  JobRun run;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(run, LoadRun(tx, run_id, include_history));
    return RequireJob(tx, caller, run.job_id, PermissionLevel::kCanView, "see its runs").status();
  }));
  return run;
}

Result<std::vector<JobRun>> JobService::ListRuns(const Principal& caller,
                                                 const RunFilter& filter) const {
  if (filter.limit <= 0 || filter.limit > 10000) {
    return Status::InvalidArgument("limit must be between 1 and 10000");
  }
  if (filter.offset < 0) return Status::InvalidArgument("offset must not be negative");
  if (filter.active_only && filter.completed_only) {
    return Status::InvalidArgument("active_only and completed_only cannot both be set");
  }
  std::vector<JobRun> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    if (filter.job_id) {
      KEEL_RETURN_IF_ERROR(
          RequireJob(tx, caller, filter.job_id, PermissionLevel::kCanView, "see its runs")
              .status());
    }
    RunFilter f = filter;
    f.limit = INT64_MAX;
    f.offset = 0;
    KEEL_ASSIGN_OR_RETURN(auto records, JobStore::ListRuns(tx, f));
    std::map<int64_t, bool> visible;
    int64_t skipped = 0;
    for (const RunRecord& rec : records) {
      auto it = visible.find(rec.run.job_id);
      if (it == visible.end()) {
        KEEL_ASSIGN_OR_RETURN(auto job, JobStore::GetJob(tx, rec.run.job_id));
        bool v = job && LevelIn(tx, caller, *job) != PermissionLevel::kNone;
        it = visible.emplace(rec.run.job_id, v).first;
      }
      if (!it->second) continue;
      if (skipped++ < filter.offset) continue;
      if (static_cast<int64_t>(out.size()) >= filter.limit) break;
      KEEL_ASSIGN_OR_RETURN(JobRun run, LoadRun(tx, rec.run.run_id));
      out.push_back(std::move(run));
    }
    return Status::OK();
  }));
  return out;
}

Status JobService::CancelRun(const Principal& caller, int64_t run_id) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto rec, JobStore::GetRun(tx, run_id));
    if (!rec) return Status::NotFound("run " + std::to_string(run_id) + " does not exist");
    KEEL_RETURN_IF_ERROR(
        RequireJob(tx, caller, rec->run.job_id, PermissionLevel::kCanManageRun, "cancel its runs")
            .status());
    JobRun& run = rec->run;
    if (IsFinal(run.life_cycle)) return Status::OK();  // nothing to do, as Databricks
    if (run.life_cycle == LifeCycle::kQueued) {
      // No executor holds it yet: it ends here.
      run.life_cycle = LifeCycle::kTerminated;
      run.result = ResultState::kCanceled;
      run.state_message = "canceled by " + caller.name + " before it started";
      run.end_time = options_.clock->NowMillis();
      return JobStore::UpdateRunState(tx, run);
    }
    return JobStore::SetCancelRequested(tx, run_id, true);
  });
}

Status JobService::CancelAllRuns(const Principal& caller, int64_t job_id) {
  std::vector<int64_t> ids;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_RETURN_IF_ERROR(
        RequireJob(tx, caller, job_id, PermissionLevel::kCanManageRun, "cancel its runs").status());
    RunFilter f;
    f.job_id = job_id;
    f.active_only = true;
    f.limit = INT64_MAX;
    KEEL_ASSIGN_OR_RETURN(auto runs, JobStore::ListRuns(tx, f));
    for (const RunRecord& r : runs) ids.push_back(r.run.run_id);
    return Status::OK();
  }));
  for (int64_t id : ids) KEEL_RETURN_IF_ERROR(CancelRun(caller, id));
  return Status::OK();
}

Result<int32_t> JobService::RepairRun(const Principal& caller, const RepairRequest& request) {
  if (!request.rerun_tasks.empty() && request.rerun_all_failed_tasks) {
    return Status::InvalidArgument("give rerun_tasks or rerun_all_failed_tasks, not both");
  }
  if (request.rerun_tasks.empty() && !request.rerun_all_failed_tasks) {
    return Status::InvalidArgument(
        "say what to repair: rerun_tasks (task keys) or "
        "rerun_all_failed_tasks");
  }
  int32_t repair_number = 0;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(JobRun run, LoadRun(tx, request.run_id));
    KEEL_RETURN_IF_ERROR(
        RequireJob(tx, caller, run.job_id, PermissionLevel::kCanManageRun, "repair its runs")
            .status());
    if (!IsFinal(run.life_cycle)) {
      return Status::InvalidState("run " + std::to_string(run.run_id) + " is " +
                                  std::string(LifeCycleName(run.life_cycle)) +
                                  "; only a run that has ended can be repaired");
    }
    std::set<std::string> rerun;
    for (const std::string& key : request.rerun_tasks) {
      if (!run.settings.FindTask(key)) {
        return Status::InvalidArgument("rerun_tasks: '" + key + "' is not a task of this run");
      }
      rerun.insert(key);
    }
    if (request.rerun_all_failed_tasks) {
      for (const TaskSpec& t : run.settings.tasks) {
        auto it = std::find_if(run.tasks.begin(), run.tasks.end(),
                               [&](const TaskRun& r) { return r.task_key == t.task_key; });
        // A task that never got a state (the runner died first) is repaired too.
        if (it == run.tasks.end() || IsFailure(it->result) ||
            it->life_cycle == LifeCycle::kInternalError || !IsFinal(it->life_cycle)) {
          rerun.insert(t.task_key);
        }
      }
    }
    if (request.rerun_dependent_tasks) {
      // In dependency order one pass reaches everything downstream.
      for (const std::string& key : run.settings.TopologicalOrder()) {
        for (const TaskDependency& d : run.settings.FindTask(key)->depends_on) {
          if (rerun.count(d.task_key)) rerun.insert(key);
        }
      }
    }
    if (rerun.empty()) {
      return Status::InvalidState("run " + std::to_string(run.run_id) +
                                  " has no failed tasks to repair");
    }
    if (!request.job_parameters.empty()) {
      KEEL_ASSIGN_OR_RETURN(run.parameters,
                            EffectiveParameters(run.settings, request.job_parameters));
      json::Value params = json::Value::MakeObject();
      for (const auto& [k, v] : run.parameters) params.Set(k, v);
      KEEL_RETURN_IF_ERROR(tx.Exec("UPDATE job_runs SET parameters = ? WHERE run_id = ?",
                                   {metastore::Text(params.Dump()), metastore::Int(run.run_id)})
                               .status());
    }
    run.repair_count += 1;
    repair_number = run.repair_count;
    KEEL_ASSIGN_OR_RETURN(std::vector<TaskRun> all, JobStore::TaskRuns(tx, run.run_id));
    for (const std::string& key : rerun) {
      int32_t attempt = 0;
      for (const TaskRun& t : all) {
        if (t.task_key == key) attempt = std::max(attempt, t.attempt_number + 1);
      }
      TaskRun t;
      KEEL_ASSIGN_OR_RETURN(t.task_run_id, JobStore::NextTaskRunId(tx));
      t.run_id = run.run_id;
      t.task_key = key;
      t.attempt_number = attempt;
      t.repair_number = repair_number;
      t.life_cycle = LifeCycle::kBlocked;
      t.state_message = "repair " + std::to_string(repair_number) + " by " + caller.name;
      KEEL_RETURN_IF_ERROR(JobStore::InsertTaskRun(tx, t));
      KEEL_RETURN_IF_ERROR(JobStore::ClearTaskValues(tx, run.run_id, key));
    }
    run.life_cycle = LifeCycle::kQueued;
    run.result = ResultState::kNone;
    run.state_message = "repair " + std::to_string(repair_number) + " queued";
    run.end_time = 0;
    run.runner_id.clear();
    KEEL_RETURN_IF_ERROR(JobStore::SetCancelRequested(tx, run.run_id, false));
    return JobStore::UpdateRunState(tx, run);
  }));
  return repair_number;
}

Result<RunOutput> JobService::GetRunOutput(const Principal& caller, int64_t task_run_id) const {
  RunOutput out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto task, JobStore::GetTaskRun(tx, task_run_id));
    if (!task) {
      return Status::NotFound("task run " + std::to_string(task_run_id) +
                              " does not exist; give a task's run_id from 'keel jobs runs get'");
    }
    out.task = *task;
    KEEL_ASSIGN_OR_RETURN(out.run, LoadRun(tx, task->run_id));
    out.run.tasks.clear();
    KEEL_RETURN_IF_ERROR(
        RequireJob(tx, caller, out.run.job_id, PermissionLevel::kCanView, "see its runs").status());
    KEEL_ASSIGN_OR_RETURN(auto values, JobStore::TaskValues(tx, task->run_id));
    for (const TaskValue& v : values) {
      if (v.task_key != task->task_key) continue;
      KEEL_ASSIGN_OR_RETURN(json::Value parsed, json::Parse(v.value_json));
      out.task_values[v.key] = std::move(parsed);
    }
    return Status::OK();
  }));
  if (!out.task.log_dir.empty()) {
    // A log that is missing (the task never started) reads as empty.
    FileSystem* fs = FileSystem::Default();
    std::string out_text =
        ReadFileTail(fs, out.task.log_dir + "/stdout", kMaxLogBytes, &out.logs_truncated)
            .value_or("");
    std::string err_text =
        ReadFileTail(fs, out.task.log_dir + "/stderr", kMaxLogBytes, &out.logs_truncated)
            .value_or("");
    out.logs = out_text;
    if (!err_text.empty()) {
      if (!out.logs.empty() && out.logs.back() != '\n') out.logs += '\n';
      out.logs += err_text;
    }
  }
  if (IsFailure(out.task.result) || out.task.life_cycle == LifeCycle::kInternalError) {
    out.error = out.task.state_message;
  }
  return out;
}

Result<std::vector<WebhookDelivery>> JobService::ListDeliveries(const Principal& caller,
                                                                int64_t run_id) const {
  std::vector<WebhookDelivery> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto rec, JobStore::GetRun(tx, run_id));
    if (!rec) return Status::NotFound("run " + std::to_string(run_id) + " does not exist");
    KEEL_RETURN_IF_ERROR(
        RequireJob(tx, caller, rec->run.job_id, PermissionLevel::kCanView, "see its runs")
            .status());
    KEEL_ASSIGN_OR_RETURN(out, JobStore::Deliveries(tx, run_id));
    return Status::OK();
  }));
  return out;
}

Status JobService::SetTaskValue(const Principal& caller, int64_t run_id, std::string_view task_key,
                                std::string_view key, std::string_view value_json) {
  if (!ValidTaskValueKey(key)) {
    return Status::InvalidArgument("task value key '" + std::string(key.substr(0, 200)) +
                                   "' must be 1-128 characters of letters, digits, '_', '-', '.'");
  }
  if (value_json.size() > kMaxTaskValueBytes) {
    return Status::LimitExceeded("task value '" + std::string(key) + "' is " +
                                 std::to_string(value_json.size()) +
                                 " bytes; task values are at most 48 KiB (keep large outputs in "
                                 "a table or artifact and pass its name)");
  }
  KEEL_ASSIGN_OR_RETURN(json::Value parsed, json::Parse(value_json));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto rec, JobStore::GetRun(tx, run_id));
    if (!rec) return Status::NotFound("run " + std::to_string(run_id) + " does not exist");
    if (!caller.is_admin && caller.name != rec->run.run_as) {
      return Status::PermissionDenied("only run " + std::to_string(run_id) +
                                      "'s tasks (running as '" + rec->run.run_as +
                                      "') may set its task values");
    }
    KEEL_ASSIGN_OR_RETURN(std::vector<TaskRun> attempts, JobStore::TaskRuns(tx, run_id));
    const TaskRun* latest = nullptr;
    for (const TaskRun& t : attempts) {
      if (t.task_key == task_key) latest = &t;
    }
    if (!latest) {
      return Status::InvalidArgument("run " + std::to_string(run_id) + " has no task '" +
                                     std::string(task_key) + "'");
    }
    if (latest->life_cycle != LifeCycle::kRunning) {
      return Status::InvalidState("task '" + std::string(task_key) + "' of run " +
                                  std::to_string(run_id) +
                                  " is not running; a task sets values while it runs");
    }
    KEEL_ASSIGN_OR_RETURN(auto existing, JobStore::GetTaskValue(tx, run_id, task_key, key));
    if (!existing) {
      KEEL_ASSIGN_OR_RETURN(int64_t count, JobStore::CountTaskValues(tx, run_id, task_key));
      if (count >= kMaxTaskValuesPerTask) {
        return Status::LimitExceeded("a task may set at most 1024 task values");
      }
    }
    TaskValue v{std::string(task_key), std::string(key), parsed.Dump(),
                options_.clock->NowMillis()};
    return JobStore::SetTaskValue(tx, run_id, v);
  });
}

Result<json::Value> JobService::GetTaskValue(const Principal& caller, int64_t run_id,
                                             std::string_view task_key,
                                             std::string_view key) const {
  json::Value out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto rec, JobStore::GetRun(tx, run_id));
    if (!rec) return Status::NotFound("run " + std::to_string(run_id) + " does not exist");
    if (caller.name != rec->run.run_as) {
      KEEL_RETURN_IF_ERROR(
          RequireJob(tx, caller, rec->run.job_id, PermissionLevel::kCanView, "read its task values")
              .status());
    }
    KEEL_ASSIGN_OR_RETURN(auto v, JobStore::GetTaskValue(tx, run_id, task_key, key));
    if (!v) {
      return Status::NotFound("task '" + std::string(task_key) + "' of run " +
                              std::to_string(run_id) + " has not set '" + std::string(key) + "'");
    }
    KEEL_ASSIGN_OR_RETURN(out, json::Parse(v->value_json));
    return Status::OK();
  }));
  return out;
}

}  // namespace keel::jobs

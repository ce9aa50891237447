#include "jobs/job_types.h"

#include <array>
#include <utility>

namespace keel::jobs {

namespace {

constexpr std::array<std::pair<LifeCycle, std::string_view>, 9> kLifeCycles = {{
    {LifeCycle::kQueued, "QUEUED"},
    {LifeCycle::kPending, "PENDING"},
    {LifeCycle::kRunning, "RUNNING"},
    {LifeCycle::kWaitingForRetry, "WAITING_FOR_RETRY"},
    {LifeCycle::kTerminating, "TERMINATING"},
    {LifeCycle::kTerminated, "TERMINATED"},
    {LifeCycle::kSkipped, "SKIPPED"},
    {LifeCycle::kInternalError, "INTERNAL_ERROR"},
    {LifeCycle::kBlocked, "BLOCKED"},
}};

constexpr std::array<std::pair<ResultState, std::string_view>, 10> kResults = {{
    {ResultState::kNone, ""},
    {ResultState::kSuccess, "SUCCESS"},
    {ResultState::kFailed, "FAILED"},
    {ResultState::kTimedOut, "TIMEDOUT"},
    {ResultState::kCanceled, "CANCELED"},
    {ResultState::kUpstreamFailed, "UPSTREAM_FAILED"},
    {ResultState::kUpstreamCanceled, "UPSTREAM_CANCELED"},
    {ResultState::kExcluded, "EXCLUDED"},
    {ResultState::kSuccessWithFailures, "SUCCESS_WITH_FAILURES"},
    {ResultState::kMaximumConcurrentRunsReached, "MAXIMUM_CONCURRENT_RUNS_REACHED"},
}};

constexpr std::array<std::pair<PermissionLevel, std::string_view>, 5> kLevels = {{
    {PermissionLevel::kNone, "NONE"},
    {PermissionLevel::kCanView, "CAN_VIEW"},
    {PermissionLevel::kCanManageRun, "CAN_MANAGE_RUN"},
    {PermissionLevel::kCanManage, "CAN_MANAGE"},
    {PermissionLevel::kIsOwner, "IS_OWNER"},
}};

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "";
}

template <typename E, size_t N>
Result<E> Lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view name,
                 std::string_view what) {
  for (const auto& [e, n] : table) {
    if (n == name) return e;
  }
  std::string known;
  for (const auto& [e, n] : table) {
    if (n.empty()) continue;
    known += (known.empty() ? "" : ", ") + std::string(n);
  }
  return Status::InvalidArgument("unknown " + std::string(what) + " '" + std::string(name) +
                                 "'; use one of " + known);
}

void SetIf(json::Value& obj, std::string_view key, int64_t v) {
  if (v) obj.Set(key, v);
}

}  // namespace

std::string_view LifeCycleName(LifeCycle s) { return NameOf(kLifeCycles, s); }
Result<LifeCycle> ParseLifeCycle(std::string_view name) {
  return Lookup(kLifeCycles, name, "life_cycle_state");
}
bool IsFinal(LifeCycle s) {
  return s == LifeCycle::kTerminated || s == LifeCycle::kSkipped || s == LifeCycle::kInternalError;
}

std::string_view ResultStateName(ResultState s) { return NameOf(kResults, s); }
Result<ResultState> ParseResultState(std::string_view name) {
  return Lookup(kResults, name, "result_state");
}

bool IsFailure(ResultState r) {
  return r == ResultState::kFailed || r == ResultState::kTimedOut ||
         r == ResultState::kUpstreamFailed || r == ResultState::kCanceled ||
         r == ResultState::kUpstreamCanceled;
}

std::string_view PermissionLevelName(PermissionLevel p) { return NameOf(kLevels, p); }
Result<PermissionLevel> ParsePermissionLevel(std::string_view name) {
  return Lookup(kLevels, name, "permission_level");
}

json::Value JobInfo::ToJson() const {
  json::Value out = json::Value::MakeObject();
  out.Set("job_id", job_id);
  out.Set("creator_user_name", creator_user_name);
  out.Set("run_as_user_name", run_as_user_name);
  out.Set("owner_user_name", owner_user_name);
  out.Set("created_time", created_time);
  out.Set("updated_time", updated_time);
  if (!bundle_key.empty()) out.Set("bundle_key", bundle_key);
  out.Set("settings", settings.ToJson());
  return out;
}

namespace {

json::Value StateJson(LifeCycle life_cycle, ResultState result, const std::string& message) {
  json::Value state = json::Value::MakeObject();
  state.Set("life_cycle_state", LifeCycleName(life_cycle));
  if (result != ResultState::kNone) state.Set("result_state", ResultStateName(result));
  state.Set("state_message", message);
  state.Set("user_cancelled_or_timedout",
            result == ResultState::kCanceled || result == ResultState::kTimedOut);
  return state;
}

}  // namespace

json::Value TaskRun::ToJson() const {
  json::Value out = json::Value::MakeObject();
  out.Set("run_id", task_run_id);
  out.Set("task_key", task_key);
  out.Set("attempt_number", attempt_number);
  if (repair_number) out.Set("repair_number", repair_number);
  out.Set("state", StateJson(life_cycle, result, state_message));
  if (!condition_outcome.empty()) {
    json::Value cond = json::Value::MakeObject();
    cond.Set("outcome", condition_outcome);
    out.Set("condition_task", cond);
  }
  SetIf(out, "child_run_id", child_run_id);
  if (exit_code) out.Set("exit_code", *exit_code);
  SetIf(out, "start_time", start_time);
  SetIf(out, "end_time", end_time);
  if (start_time && end_time) out.Set("execution_duration", end_time - start_time);
  return out;
}

json::Value JobRun::ToJson() const {
  json::Value out = json::Value::MakeObject();
  out.Set("job_id", job_id);
  out.Set("run_id", run_id);
  out.Set("run_name", settings.name);
  out.Set("creator_user_name", creator);
  out.Set("run_as_user_name", run_as);
  out.Set("trigger", trigger_type);
  if (!trigger_info.is_null() && trigger_info.size()) out.Set("trigger_info", trigger_info);
  SetIf(out, "trigger_time", trigger_time);
  SetIf(out, "parent_run_id", parent_run_id);
  out.Set("state", StateJson(life_cycle, result, state_message));
  json::Value params = json::Value::MakeArray();
  for (const auto& [name, value] : parameters) {
    json::Value p = json::Value::MakeObject();
    p.Set("name", name);
    p.Set("value", value);
    params.Append(p);
  }
  out.Set("job_parameters", params);
  out.Set("queued_time", queued_time);
  SetIf(out, "start_time", start_time);
  SetIf(out, "end_time", end_time);
  if (start_time && end_time) out.Set("run_duration", end_time - start_time);
  if (repair_count) out.Set("repair_count", repair_count);
  if (!settings.deployment.empty()) {
    json::Value dep = json::Value::MakeObject();
    for (const auto& [k, v] : settings.deployment) dep.Set(k, v);
    out.Set("deployment", dep);
  }
  json::Value task_list = json::Value::MakeArray();
  for (const TaskRun& t : tasks) task_list.Append(t.ToJson());
  out.Set("tasks", task_list);
  return out;
}

}  // namespace keel::jobs

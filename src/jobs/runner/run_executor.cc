#include "jobs/runner/run_executor.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "catalog/token_store.h"
#include "common/fs/file_system.h"
#include "common/log.h"
#include "jobs/notify/webhook_notifier.h"
#include "jobs/references.h"
#include "jobs/runner/child_process.h"
#include "jobs/runner/run_rules.h"

extern char** environ;

namespace keel::jobs {

using metastore::Transaction;

namespace {

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. With the
// pid it names one process even after pids wrap.
std::string ProcessStartTicks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  // After "pid (comm) " the state is field 3; start time is field 22.
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 22) return field;
  }
  return "";
}

std::string EnvName(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    out += ok ? static_cast<char>(toupper(static_cast<unsigned char>(c))) : '_';
  }
  return out;
}

std::string ValueText(const json::Value& v) { return v.is_string() ? v.as_string() : v.Dump(); }

// The last line of a task's stderr, for the message of a failed task.
std::string LastLine(const std::string& path) {
  std::string text = ReadFileTail(FileSystem::Default(), path, 4096).value_or("");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  size_t nl = text.rfind('\n');
  std::string line = nl == std::string::npos ? text : text.substr(nl + 1);
  if (line.size() > 500) line = line.substr(0, 500) + "...";
  return line;
}

}  // namespace

std::string CurrentRunnerId() {
  pid_t pid = getpid();
  return std::to_string(pid) + ":" + ProcessStartTicks(pid);
}

bool RunnerAlive(const std::string& runner_id) {
  size_t colon = runner_id.find(':');
  if (colon == std::string::npos) return false;
  pid_t pid = static_cast<pid_t>(std::atoi(runner_id.substr(0, colon).c_str()));
  if (pid <= 0) return false;
  std::string ticks = ProcessStartTicks(pid);
  return !ticks.empty() && ticks == runner_id.substr(colon + 1);
}

RunExecutor::RunExecutor(JobService* service, ExecutorOptions options)
    : service_(service), options_(std::move(options)) {}

void RunExecutor::CancelAll() { shutting_down_ = true; }

Result<bool> RunExecutor::Claim(int64_t run_id) {
  bool claimed = false;
  const std::string runner = CurrentRunnerId();
  KEEL_RETURN_IF_ERROR(service_->db()->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(JobRun run, service_->LoadRun(tx, run_id));
    if (run.life_cycle != LifeCycle::kQueued) return Status::OK();
    KEEL_ASSIGN_OR_RETURN(int64_t active, JobStore::CountActiveRuns(tx, run.job_id));
    if (active >= run.settings.max_concurrent_runs) return Status::OK();
    KEEL_ASSIGN_OR_RETURN(int64_t changed,
                          tx.Exec("UPDATE job_runs SET life_cycle_state = 'PENDING', "
                                  "runner_id = ?, state_message = '' WHERE run_id = ? AND "
                                  "life_cycle_state = 'QUEUED'",
                                  {metastore::Text(runner), metastore::Int(run_id)}));
    claimed = changed == 1;
    return Status::OK();
  }));
  return claimed;
}

// ---- one run ------------------------------------------------------------------------------

class RunExecutor::RunLoop {
 public:
  RunLoop(RunExecutor* executor, int64_t run_id)
      : ex_(executor), service_(executor->service_), opt_(executor->options_), run_id_(run_id) {}

  Result<JobRun> Run();

 private:
  struct Live {
    const TaskSpec* spec = nullptr;
    TaskRun row;
    std::optional<ChildProcess> proc;
    int64_t deadline = 0;                 // steady millis; 0 = none
    int64_t retry_at = 0;                 // steady millis, while WAITING_FOR_RETRY
    std::optional<ProcessSpec> to_spawn;  // RUNNING, waiting for its row to be committed
  };

  int64_t Now() const { return service_->options().clock->NowMillis(); }
  // Task state changes are queued and committed together: once per turn of the loop, and
  // always before a process starts (so a task can set values at once) or the run ends. One
  // transaction then covers a task's end and its dependents' start.
  void SaveTask(const TaskRun& t) { pending_[t.task_run_id] = t; }
  Status Flush(bool with_run = false) {
    if (pending_.empty() && !with_run) return Status::OK();
    Status s = service_->db()->Write([&](Transaction& tx) -> Status {
      for (const auto& [id, t] : pending_) KEEL_RETURN_IF_ERROR(JobStore::UpdateTaskRun(tx, t));
      if (with_run) {
        KEEL_RETURN_IF_ERROR(JobStore::UpdateRunState(tx, run_));
        // The run's token dies with it, in the same transaction.
        if (!token_id_.empty())
          KEEL_RETURN_IF_ERROR(catalog::TokenStore::Revoke(tx, token_id_, Now()));
      }
      return Status::OK();
    });
    if (s.ok()) {
      pending_.clear();
    } else {
      KEEL_LOG(kWarning) << "run " << run_id_ << ": cannot record task states: " << s.message();
    }
    return s;
  }
  // Commits the queued RUNNING rows, then starts their processes.
  void SpawnQueued();
  // Ends a task that has no process (skipped, or waiting for a retry when the run stops).
  void MarkEnded(Live& live, LifeCycle life_cycle, ResultState result, std::string message) {
    live.row.life_cycle = life_cycle;
    live.row.result = result;
    live.row.state_message = std::move(message);
    live.row.end_time = Now();
    SaveTask(live.row);
  }
  Status Prepare();
  bool StartReadyTasks();
  void Launch(Live& live);
  void EndTask(Live& live, ResultState result, std::string message, bool may_retry);
  Result<std::string> Resolve(const Reference& ref, const Live& live);
  Result<std::string> Substitute(const std::string& text, const Live& live);
  Result<ProcessSpec> BuildProcess(Live& live);
  void KillRunning(ResultState result, const std::string& message);
  void SkipPending(ResultState result, const std::string& message);
  bool CancelRequested();
  void WaitForSomething();
  void Finish(bool canceled, bool timed_out, const std::string& message);

  RunExecutor* ex_;
  JobService* service_;
  const ExecutorOptions& opt_;
  int64_t run_id_;
  JobRun run_;
  std::vector<std::string> order_;
  std::map<std::string, Live> tasks_;
  std::string token_;
  std::string token_id_;
  int64_t last_cancel_check_ = 0;
  std::map<int64_t, TaskRun> pending_;  // task run id -> state to commit
};

Status RunExecutor::RunLoop::Prepare() {
  return service_->db()->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(run_, service_->LoadRun(tx, run_id_));
    order_ = run_.settings.TopologicalOrder();
    std::map<std::string, TaskRun> latest;
    for (const TaskRun& t : run_.tasks) latest[t.task_key] = t;
    for (const std::string& key : order_) {
      Live live;
      live.spec = run_.settings.FindTask(key);
      auto it = latest.find(key);
      if (it != latest.end()) {
        live.row = it->second;
      } else {
        KEEL_ASSIGN_OR_RETURN(live.row.task_run_id, JobStore::NextTaskRunId(tx));
        live.row.run_id = run_id_;
        live.row.task_key = key;
        live.row.repair_number = run_.repair_count;
        live.row.life_cycle = LifeCycle::kBlocked;
        KEEL_RETURN_IF_ERROR(JobStore::InsertTaskRun(tx, live.row));
      }
      if (live.row.life_cycle == LifeCycle::kWaitingForRetry) live.retry_at = SteadyMillis();
      tasks_[key] = std::move(live);
    }
    run_.life_cycle = LifeCycle::kRunning;
    if (!run_.start_time) run_.start_time = Now();
    run_.state_message.clear();
    return JobStore::UpdateRunState(tx, run_);
  });
}

Result<JobRun> RunExecutor::RunLoop::Run() {
  KEEL_RETURN_IF_ERROR(Prepare());
  // A token of the run_as principal, for the tasks only, revoked when the run ends.
  int64_t lifetime =
      run_.settings.timeout_seconds > 0 ? run_.settings.timeout_seconds + 3600 : 7 * 24 * 3600;
  auto token = service_->catalog()->CreateToken(JobsSystemPrincipal(), run_.run_as, lifetime,
                                                "job run " + std::to_string(run_id_));
  if (!token.ok()) {
    SkipPending(ResultState::kUpstreamFailed, "the run could not start");
    run_.life_cycle = LifeCycle::kInternalError;
    run_.result = ResultState::kFailed;
    run_.state_message =
        "cannot act as run_as principal '" + run_.run_as + "': " + token.status().message();
    run_.end_time = Now();
    KEEL_RETURN_IF_ERROR(Flush(/*with_run=*/true));
    if (opt_.notifier)
      opt_.notifier->Notify("on_failure", run_, run_.settings.webhook_notifications.on_failure);
    return run_;
  }
  token_ = token->token_value;
  token_id_ = token->info.id;
  if (opt_.notifier) {
    opt_.notifier->Notify("on_start", run_, run_.settings.webhook_notifications.on_start);
  }

  const int64_t run_deadline =
      run_.settings.timeout_seconds > 0 ? SteadyMillis() + run_.settings.timeout_seconds * 1000 : 0;
  bool canceled = false, timed_out = false;
  std::string end_message;
  for (;;) {
    if (CancelRequested()) {
      canceled = true;
      end_message =
          ex_->shutting_down_ ? "keel stopped while the run was active" : "the run was canceled";
      KillRunning(ResultState::kCanceled, end_message);
      SkipPending(ResultState::kUpstreamCanceled, end_message);
      break;
    }
    if (run_deadline && SteadyMillis() >= run_deadline) {
      timed_out = true;
      end_message = "the run took longer than its timeout_seconds (" +
                    std::to_string(run_.settings.timeout_seconds) + ")";
      KillRunning(ResultState::kTimedOut, end_message);
      SkipPending(ResultState::kUpstreamCanceled, end_message);
      break;
    }
    if (StartReadyTasks()) continue;
    bool active = false;
    for (auto& [key, live] : tasks_) {
      if (!IsFinal(live.row.life_cycle)) active = true;
    }
    if (!active) break;
    Status flushed = Flush();  // what this turn changed, before waiting
    (void)flushed;
    WaitForSomething();
    // Reap, time out and retry.
    const int64_t now = SteadyMillis();
    for (auto& [key, live] : tasks_) {
      if (live.row.life_cycle == LifeCycle::kRunning && live.proc) {
        if (auto exit = live.proc->TryWait()) {
          if (exit->ok()) {
            EndTask(live, ResultState::kSuccess, "", false);
          } else {
            std::string msg = "the command ended with " + exit->Describe();
            std::string last = LastLine(live.row.log_dir + "/stderr");
            if (!last.empty()) msg += ": " + last;
            EndTask(live, ResultState::kFailed, msg, true);
          }
        } else if (live.deadline && now >= live.deadline) {
          live.proc->Kill(opt_.kill_grace_millis);
          EndTask(live, ResultState::kTimedOut,
                  "the task took longer than its timeout_seconds (" +
                      std::to_string(live.spec->timeout_seconds) + "); its processes were killed",
                  live.spec->retry_on_timeout);
        }
      } else if (live.row.life_cycle == LifeCycle::kWaitingForRetry && now >= live.retry_at) {
        Launch(live);
      }
    }
    SpawnQueued();
  }
  Finish(canceled, timed_out, end_message);
  return run_;
}

bool RunExecutor::RunLoop::CancelRequested() {
  if (ex_->shutting_down_) return true;
  int64_t now = SteadyMillis();
  if (now - last_cancel_check_ < opt_.poll_interval_millis) return false;
  last_cancel_check_ = now;
  bool requested = false;
  Status s = service_->db()->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(requested, JobStore::CancelRequested(tx, run_id_));
    return Status::OK();
  });
  return s.ok() && requested;
}

void RunExecutor::RunLoop::WaitForSomething() {
  std::vector<pollfd> fds;
  int64_t now = SteadyMillis();
  int64_t wait = opt_.poll_interval_millis;
  for (auto& [key, live] : tasks_) {
    if (live.row.life_cycle == LifeCycle::kRunning && live.proc) {
      if (live.proc->wait_fd() >= 0) fds.push_back({live.proc->wait_fd(), POLLIN, 0});
      if (live.deadline) wait = std::min(wait, std::max<int64_t>(0, live.deadline - now));
    } else if (live.row.life_cycle == LifeCycle::kWaitingForRetry) {
      wait = std::min(wait, std::max<int64_t>(0, live.retry_at - now));
    }
  }
  if (fds.empty()) {
    if (wait > 0) poll(nullptr, 0, static_cast<int>(wait));
    return;
  }
  poll(fds.data(), fds.size(), static_cast<int>(wait));
}

bool RunExecutor::RunLoop::StartReadyTasks() {
  bool changed = false;
  for (const std::string& key : order_) {
    Live& live = tasks_[key];
    if (live.row.life_cycle != LifeCycle::kBlocked) continue;
    std::vector<DependencyOutcome> deps;
    bool ready = true;
    for (const TaskDependency& d : live.spec->depends_on) {
      const TaskRun& up = tasks_[d.task_key].row;
      if (!IsFinal(up.life_cycle)) {
        ready = false;
        break;
      }
      ResultState r = up.life_cycle == LifeCycle::kInternalError ? ResultState::kFailed : up.result;
      deps.push_back({r, up.condition_outcome, d.outcome});
    }
    if (!ready) continue;
    changed = true;
    RunIfDecision decision = DecideRunIf(live.spec->run_if, deps);
    if (!decision.run) {
      MarkEnded(live, LifeCycle::kSkipped, decision.skip_result, decision.message);
      continue;
    }
    Launch(live);
  }
  SpawnQueued();
  return changed;
}

void RunExecutor::RunLoop::SpawnQueued() {
  bool any = false;
  for (auto& [key, live] : tasks_) any = any || live.to_spawn.has_value();
  if (!any) return;
  Status flushed = Flush();
  for (auto& [key, live] : tasks_) {
    if (!live.to_spawn) continue;
    ProcessSpec spec = std::move(*live.to_spawn);
    live.to_spawn.reset();
    if (!flushed.ok()) {
      EndTask(live, ResultState::kFailed, "cannot record the task's start: " + flushed.message(),
              true);
      continue;
    }
    auto proc = ChildProcess::Start(spec);
    if (!proc.ok()) {
      EndTask(live, ResultState::kFailed, proc.status().message(), true);
      continue;
    }
    live.row.pid = proc->pgid();
    // The process group, for a runner that recovers this run after a crash.
    std::ofstream(live.row.log_dir + "/pgid") << live.row.pid << "\n";
    live.proc = std::move(*proc);
    if (live.spec->timeout_seconds > 0) {
      live.deadline = SteadyMillis() + live.spec->timeout_seconds * 1000;
    }
  }
}

Result<std::string> RunExecutor::RunLoop::Resolve(const Reference& ref, const Live& live) {
  const auto& p = ref.parts;
  auto unknown = [&]() {
    return Status::InvalidArgument("{{" + ref.text + "}} is not a known reference");
  };
  if (p.size() >= 2 && p[0] == "job") {
    if (p[1] == "id" && p.size() == 2) return std::to_string(run_.job_id);
    if (p[1] == "name" && p.size() == 2) return run_.settings.name;
    if (p[1] == "run_id" && p.size() == 2) return std::to_string(run_id_);
    if (p[1] == "parameters" && p.size() == 3) {
      auto it = run_.parameters.find(p[2]);
      if (it == run_.parameters.end()) {
        return Status::InvalidArgument("{{" + ref.text + "}}: the job has no parameter '" + p[2] +
                                       "'");
      }
      return it->second;
    }
    if (p[1] == "trigger" && p.size() == 3 && p[2] == "type") return run_.trigger_type;
    if (p[1] == "start_time" && p.size() == 3 && p[2] == "iso_datetime") {
      return FormatIso8601Millis(run_.start_time);
    }
    return unknown();
  }
  if (p.size() == 2 && p[0] == "task") {
    if (p[1] == "name") return live.row.task_key;
    if (p[1] == "run_id") return std::to_string(live.row.task_run_id);
    if (p[1] == "execution_count") return std::to_string(live.row.attempt_number + 1);
    return unknown();
  }
  if (p.size() >= 3 && p[0] == "tasks") {
    auto it = tasks_.find(p[1]);
    if (it == tasks_.end()) {
      return Status::InvalidArgument("{{" + ref.text + "}}: no task '" + p[1] + "' in this job");
    }
    const TaskRun& up = it->second.row;
    if (p[2] == "result_state" && p.size() == 3) return std::string(ResultStateName(up.result));
    if (p[2] == "run_id" && p.size() == 3) return std::to_string(up.task_run_id);
    if (p[2] == "values" && p.size() == 4) {
      std::optional<TaskValue> value;
      KEEL_RETURN_IF_ERROR(service_->db()->Read([&](Transaction& tx) -> Status {
        KEEL_ASSIGN_OR_RETURN(value, JobStore::GetTaskValue(tx, run_id_, p[1], p[3]));
        return Status::OK();
      }));
      if (!value) {
        return Status::InvalidArgument("{{" + ref.text + "}}: task '" + p[1] +
                                       "' did not set the task value '" + p[3] +
                                       "' (it sets values with 'keel task-values set')");
      }
      KEEL_ASSIGN_OR_RETURN(json::Value parsed, json::Parse(value->value_json));
      return ValueText(parsed);
    }
    return unknown();
  }
  return unknown();
}

Result<std::string> RunExecutor::RunLoop::Substitute(const std::string& text, const Live& live) {
  return SubstituteReferences(text, [&](const Reference& ref) { return Resolve(ref, live); });
}

Result<ProcessSpec> RunExecutor::RunLoop::BuildProcess(Live& live) {
  const TaskSpec& spec = *live.spec;
  ProcessSpec ps;
  std::map<std::string, std::string> task_env;
  std::string working_dir;
  switch (spec.kind) {
    case TaskKind::kCommand:
      for (const std::string& a : spec.command.command) {
        KEEL_ASSIGN_OR_RETURN(std::string arg, Substitute(a, live));
        ps.argv.push_back(std::move(arg));
      }
      for (const auto& [k, v] : spec.command.env) {
        KEEL_ASSIGN_OR_RETURN(task_env[k], Substitute(v, live));
      }
      working_dir = spec.command.working_dir;
      break;
    case TaskKind::kBuiltin: {
      KEEL_ASSIGN_OR_RETURN(std::vector<std::string> args,
                            BuiltinArguments(spec.builtin, [&](const std::string& v) {
                              return Substitute(v, live);
                            }));
      ps.argv = {opt_.keel_binary};
      ps.argv.insert(ps.argv.end(), args.begin(), args.end());
      break;
    }
    case TaskKind::kRunJob:
      ps.argv = {opt_.keel_binary,
                 "jobs",
                 "run-now",
                 std::to_string(spec.run_job.job_id),
                 "--wait",
                 "--parent-run-id",
                 std::to_string(run_id_)};
      for (const auto& [k, v] : spec.run_job.job_parameters) {
        KEEL_ASSIGN_OR_RETURN(std::string s, Substitute(v, live));
        ps.argv.push_back("--param");
        ps.argv.push_back(k + "=" + s);
      }
      break;
    case TaskKind::kCondition:
      return Status::Internal("condition tasks run in the executor");
  }
  // Where commands run: the job's deployed code, or the default for hand-made jobs.
  std::string root =
      !run_.settings.code_root.empty() ? run_.settings.code_root : opt_.default_code_root;
  // (ParseJobSpec refused absolute working_dirs and any with "..".)
  ps.working_dir =
      working_dir.empty() ? root : (root.empty() ? working_dir : root + "/" + working_dir);

  // The environment: the runner's, minus credentials, plus the task's identity and token.
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const char* drop :
       {"KEEL_TOKEN", "MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_USERNAME",
        "MLFLOW_TRACKING_PASSWORD", "DATABRICKS_TOKEN"}) {
    env.erase(drop);
  }
  std::string bin_dir = opt_.keel_binary.substr(0, opt_.keel_binary.rfind('/'));
  env["PATH"] = bin_dir + (env.count("PATH") ? ":" + env["PATH"] : ":/usr/bin:/bin");
  if (!opt_.home.empty()) env["KEEL_HOME"] = opt_.home;
  env["KEEL_TOKEN"] = token_;
  env["MLFLOW_TRACKING_TOKEN"] = token_;
  if (!opt_.server_url.empty()) env["MLFLOW_TRACKING_URI"] = opt_.server_url;
  env["KEEL_JOB_ID"] = std::to_string(run_.job_id);
  env["KEEL_JOB_NAME"] = run_.settings.name;
  env["KEEL_JOB_RUN_ID"] = std::to_string(run_id_);
  env["KEEL_TASK_KEY"] = live.row.task_key;
  env["KEEL_TASK_RUN_ID"] = std::to_string(live.row.task_run_id);
  env["KEEL_TASK_ATTEMPT"] = std::to_string(live.row.attempt_number);
  json::Value params = json::Value::MakeObject();
  for (const auto& [k, v] : run_.parameters) {
    env["KEEL_JOB_PARAM_" + EnvName(k)] = v;
    params.Set(k, v);
  }
  env["KEEL_JOB_PARAMETERS"] = params.Dump();
  for (const auto& [k, v] : task_env) env[k] = v;
  for (const auto& [k, v] : env) ps.env.push_back(k + "=" + v);

  ps.stdout_path = live.row.log_dir + "/stdout";
  ps.stderr_path = live.row.log_dir + "/stderr";
  ps.exit_status_path = live.row.log_dir + "/exit_status";
  return ps;
}

void RunExecutor::RunLoop::Launch(Live& live) {
  live.row.life_cycle = LifeCycle::kRunning;
  live.row.result = ResultState::kNone;
  live.row.start_time = Now();
  live.row.end_time = 0;
  live.row.state_message.clear();
  live.proc.reset();
  live.deadline = 0;
  const TaskSpec& spec = *live.spec;

  if (spec.kind == TaskKind::kCondition) {
    auto left = Substitute(spec.condition.left, live);
    auto right = left.ok() ? Substitute(spec.condition.right, live) : left;
    if (!left.ok() || !right.ok()) {
      EndTask(live, ResultState::kFailed, (!left.ok() ? left : right).status().message(), false);
      return;
    }
    char* end_l = nullptr;
    char* end_r = nullptr;
    double l = std::strtod(left->c_str(), &end_l);
    double r = std::strtod(right->c_str(), &end_r);
    bool numeric = !left->empty() && !right->empty() && *end_l == '\0' && *end_r == '\0';
    const std::string& op = spec.condition.op;
    bool outcome = false;
    if (op == "EQUAL_TO") {
      outcome = numeric ? l == r : *left == *right;
    } else if (op == "NOT_EQUAL") {
      outcome = numeric ? l != r : *left != *right;
    } else if (!numeric) {
      EndTask(live, ResultState::kFailed,
              op + " compares numbers; got '" + *left + "' and '" + *right + "'", false);
      return;
    } else if (op == "GREATER_THAN") {
      outcome = l > r;
    } else if (op == "GREATER_THAN_OR_EQUAL") {
      outcome = l >= r;
    } else if (op == "LESS_THAN") {
      outcome = l < r;
    } else if (op == "LESS_THAN_OR_EQUAL") {
      outcome = l <= r;
    }
    live.row.condition_outcome = outcome ? "true" : "false";
    EndTask(live, ResultState::kSuccess,
            "'" + *left + "' " + op + " '" + *right + "' is " + live.row.condition_outcome, false);
    return;
  }

  live.row.log_dir = service_->options().log_root + "/" + std::to_string(run_id_) + "/" +
                     live.row.task_key + "/" + std::to_string(live.row.attempt_number);
  Status dirs = FileSystem::Default()->CreateDirs(live.row.log_dir);
  if (!dirs.ok()) {
    EndTask(live, ResultState::kFailed, dirs.message(), false);
    return;
  }
  auto spec_or = BuildProcess(live);
  if (!spec_or.ok()) {
    EndTask(live, ResultState::kFailed, spec_or.status().message(), false);
    return;
  }
  // RUNNING is committed before the process starts (SpawnQueued), so it can set task values
  // at once.
  SaveTask(live.row);
  live.to_spawn = std::move(*spec_or);
}

void RunExecutor::RunLoop::EndTask(Live& live, ResultState result, std::string message,
                                   bool may_retry) {
  live.row.life_cycle = LifeCycle::kTerminated;
  live.row.result = result;
  live.row.state_message = std::move(message);
  live.row.end_time = Now();
  if (live.proc) {
    if (auto exit = live.proc->TryWait(); exit && !exit->signaled)
      live.row.exit_code = exit->exit_code;
  }
  if (live.spec->kind == TaskKind::kRunJob) {
    // The run the task started: the newest run of that job with this run as its parent.
    Status s = service_->db()->Read([&](Transaction& tx) -> Status {
      KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT MAX(run_id) FROM job_runs WHERE "
                                                "parent_run_id = ? AND job_id = ?",
                                                {metastore::Int(run_id_),
                                                 metastore::Int(live.spec->run_job.job_id)}));
      if (!rows.empty()) live.row.child_run_id = rows[0].Int(0);
      return Status::OK();
    });
    (void)s;
  }
  SaveTask(live.row);
  live.proc.reset();
  int32_t max_retries =
      live.spec->max_retries < 0 ? opt_.unlimited_retries_cap : live.spec->max_retries;
  if (result == ResultState::kSuccess || !may_retry || live.row.attempt_number >= max_retries ||
      CancelRequested()) {
    return;
  }
  // Another attempt, after the retry interval.
  TaskRun next;
  next.run_id = run_id_;
  next.task_key = live.row.task_key;
  next.attempt_number = live.row.attempt_number + 1;
  next.repair_number = live.row.repair_number;
  next.life_cycle = LifeCycle::kWaitingForRetry;
  next.state_message = "retrying after: " + live.row.state_message;
  Status inserted = service_->db()->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(next.task_run_id, JobStore::NextTaskRunId(tx));
    KEEL_RETURN_IF_ERROR(JobStore::ClearTaskValues(tx, run_id_, next.task_key));
    return JobStore::InsertTaskRun(tx, next);
  });
  if (!inserted.ok()) {
    KEEL_LOG(kWarning) << "run " << run_id_ << ": cannot retry: " << inserted.message();
    return;
  }
  live.row = next;
  live.retry_at = SteadyMillis() + live.spec->min_retry_interval_millis;
}

void RunExecutor::RunLoop::KillRunning(ResultState result, const std::string& message) {
  for (auto& [key, live] : tasks_) {
    if (live.row.life_cycle == LifeCycle::kRunning && live.proc) {
      live.proc->Kill(opt_.kill_grace_millis);
      EndTask(live, result, message + "; its processes were killed", false);
    } else if (live.row.life_cycle == LifeCycle::kWaitingForRetry) {
      MarkEnded(live, LifeCycle::kTerminated, result, message);
    }
  }
}

void RunExecutor::RunLoop::SkipPending(ResultState result, const std::string& message) {
  for (auto& [key, live] : tasks_) {
    if (!IsFinal(live.row.life_cycle)) MarkEnded(live, LifeCycle::kSkipped, result, message);
  }
}

void RunExecutor::RunLoop::Finish(bool canceled, bool timed_out, const std::string& message) {
  std::vector<TaskRun> rows;
  for (const std::string& key : order_) rows.push_back(tasks_[key].row);
  run_.tasks = rows;
  run_.result = DecideRunResult(run_.settings, rows, canceled, timed_out);
  run_.life_cycle = LifeCycle::kTerminated;
  run_.end_time = Now();
  if (!message.empty()) {
    run_.state_message = message;
  } else if (run_.result == ResultState::kSuccess) {
    run_.state_message = "";
  } else {
    std::string failed;
    for (const TaskRun& t : rows) {
      if (t.result == ResultState::kFailed || t.result == ResultState::kTimedOut) {
        failed += (failed.empty() ? "" : ", ") + t.task_key;
      }
    }
    run_.state_message = failed.empty() ? "" : "task(s) failed: " + failed;
  }
  // The tasks' last states, the run's end and the token's revocation: one transaction.
  if (!Flush(/*with_run=*/true).ok() && !token_id_.empty()) {
    Status r = service_->catalog()->RevokeToken(JobsSystemPrincipal(), token_id_);
    if (!r.ok()) {
      KEEL_LOG(kWarning) << "run " << run_id_ << ": cannot revoke its token: " << r.message();
    }
  }
  if (opt_.notifier) {
    bool success = run_.result == ResultState::kSuccess;
    const auto& hooks = success ? run_.settings.webhook_notifications.on_success
                                : run_.settings.webhook_notifications.on_failure;
    opt_.notifier->Notify(success ? "on_success" : "on_failure", run_, hooks);
  }
}

Result<JobRun> RunExecutor::Execute(int64_t run_id) {
  RunLoop loop(this, run_id);
  return loop.Run();
}

// ---- recovery -----------------------------------------------------------------------------

Result<bool> RunExecutor::Recover(int64_t run_id) {
  bool resumable = true;
  std::vector<pid_t> orphans;
  const std::string runner = CurrentRunnerId();
  const int64_t now = service_->options().clock->NowMillis();
  KEEL_RETURN_IF_ERROR(service_->db()->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(JobRun run, service_->LoadRun(tx, run_id));
    if (IsFinal(run.life_cycle) || run.life_cycle == LifeCycle::kQueued) {
      resumable = false;
      return Status::OK();
    }
    if (!run.runner_id.empty() && RunnerAlive(run.runner_id)) {
      resumable = false;  // its runner is alive: not ours to touch
      return Status::OK();
    }
    bool lost = false;
    for (TaskRun& t : run.tasks) {
      if (t.life_cycle != LifeCycle::kRunning) continue;
      std::optional<ExitInfo> exit;
      if (!t.log_dir.empty()) exit = ReadExitStatus(t.log_dir + "/exit_status");
      if (exit) {
        // The supervisor recorded how the command ended after its runner was gone.
        t.life_cycle = LifeCycle::kTerminated;
        t.result = exit->ok() ? ResultState::kSuccess : ResultState::kFailed;
        if (!exit->signaled) t.exit_code = exit->exit_code;
        t.state_message =
            exit->ok() ? "finished while keel was down"
                       : "the command ended with " + exit->Describe() + " while keel was down";
      } else {
        std::ifstream pgid_file(t.log_dir + "/pgid");
        pid_t pgid = 0;
        if (pgid_file >> pgid && ProcessGroupAlive(pgid)) orphans.push_back(pgid);
        t.life_cycle = LifeCycle::kInternalError;
        t.result = ResultState::kFailed;
        t.state_message = "keel stopped while this task ran; repair the run to run it again";
        lost = true;
      }
      t.end_time = now;
      KEEL_RETURN_IF_ERROR(JobStore::UpdateTaskRun(tx, t));
    }
    if (lost) {
      for (TaskRun& t : run.tasks) {
        if (IsFinal(t.life_cycle)) continue;
        t.life_cycle = LifeCycle::kSkipped;
        t.result = ResultState::kUpstreamFailed;
        t.state_message = "the run stopped with keel";
        t.end_time = now;
        KEEL_RETURN_IF_ERROR(JobStore::UpdateTaskRun(tx, t));
      }
      run.life_cycle = LifeCycle::kInternalError;
      run.result = ResultState::kFailed;
      run.state_message =
          "keel stopped while this run was active (server restart or crash); "
          "repair it with 'keel jobs runs repair " +
          std::to_string(run_id) + " --all-failed'";
      run.end_time = now;
      resumable = false;
    } else {
      // Every task that was running is accounted for: continue the DAG here.
      run.life_cycle = LifeCycle::kPending;
      run.runner_id = runner;
      run.state_message = "resumed after keel restarted";
    }
    return JobStore::UpdateRunState(tx, run);
  }));
  for (pid_t pgid : orphans) kill(-pgid, SIGKILL);
  return resumable;
}

}  // namespace keel::jobs

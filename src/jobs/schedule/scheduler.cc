#include "jobs/schedule/scheduler.h"

#include <algorithm>

#include "catalog/principal_store.h"
#include "common/log.h"
#include "jobs/schedule/quartz_cron.h"
#include "jobs/schedule/time_zone.h"

namespace keel::jobs {

using metastore::Transaction;

namespace {

constexpr char kScheduleSource[] = "schedule";
constexpr char kPeriodicSource[] = "periodic";
constexpr char kTableFiredSource[] = "table_fired";

// The started schedulers, for WakeAll.
std::mutex g_registry_mu;
std::vector<Scheduler*>& Registry() {
  static std::vector<Scheduler*> schedulers;
  return schedulers;
}

int64_t UnitMillis(const std::string& unit) {
  if (unit == "MINUTES") return 60'000;
  if (unit == "HOURS") return 3'600'000;
  if (unit == "DAYS") return 86'400'000;
  return 7 * 86'400'000LL;  // WEEKS
}

}  // namespace

Scheduler::Scheduler(JobService* service, RunExecutor* executor, catalog::TableService* tables,
                     SchedulerOptions options)
    : service_(service), executor_(executor), tables_(tables), options_(options) {}

Scheduler::~Scheduler() { Stop(); }

Result<bool> Scheduler::FireOnce(int64_t job_id, const std::string& trigger_type,
                                 int64_t trigger_time, const json::Value& trigger_info,
                                 const std::vector<std::pair<std::string, int64_t>>& states,
                                 int64_t now, std::vector<int64_t>* created) {
  bool fired = false;
  KEEL_RETURN_IF_ERROR(service_->db()->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto job, JobStore::GetJob(tx, job_id));
    if (!job) return Status::OK();  // deleted meanwhile
    RunNowRequest request;
    request.job_id = job_id;
    request.trigger_type = trigger_type;
    auto run_id = service_->InsertRun(tx, *job, request, trigger_time, trigger_info);
    if (run_id.ok()) {
      created->push_back(*run_id);
      fired = true;
    } else if (run_id.status().code() != ErrorCode::kResourceAlreadyExists) {
      return run_id.status();
    }
    // Fired now or by someone before (another replica, or before a restart): advance.
    for (const auto& [source, value] : states) {
      KEEL_RETURN_IF_ERROR(JobStore::SetTriggerState(tx, job_id, source, value, now));
    }
    return Status::OK();
  }));
  return fired;
}

Status Scheduler::FireSchedule(const JobInfo& job, int64_t now, std::vector<int64_t>* created) {
  const CronSchedule& schedule = *job.settings.schedule;
  std::optional<int64_t> last;
  KEEL_RETURN_IF_ERROR(service_->db()->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(last, JobStore::TriggerState(tx, job.job_id, kScheduleSource));
    return Status::OK();
  }));
  if (!last || schedule.pause_status == PauseStatus::kPaused) {
    // First sight of the schedule, or paused: start counting from now, fire nothing.
    if (last && *last >= now) return Status::OK();
    return service_->db()->Write([&](Transaction& tx) {
      return JobStore::SetTriggerState(tx, job.job_id, kScheduleSource, now, now);
    });
  }
  KEEL_ASSIGN_OR_RETURN(QuartzCron cron, QuartzCron::Parse(schedule.quartz_cron_expression));
  KEEL_ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load(schedule.timezone_id));
  std::optional<int64_t> next = cron.NextAfter(*last, zone);
  if (!next || *next > now) return Status::OK();
  // Misfires: only the most recent missed instant fires.
  int64_t due = *next;
  for (int i = 0; i < 100000; ++i) {
    std::optional<int64_t> after = cron.NextAfter(due, zone);
    if (!after || *after > now) break;
    due = *after;
  }
  json::Value info = json::Value::MakeObject();
  info.Set("quartz_cron_expression", schedule.quartz_cron_expression);
  info.Set("timezone_id", schedule.timezone_id);
  info.Set("scheduled_time", FormatIso8601Millis(due));
  if (due != *next) info.Set("missed_since", FormatIso8601Millis(*next));
  return FireOnce(job.job_id, "PERIODIC", due, info, {{kScheduleSource, due}}, now, created)
      .status();
}

Status Scheduler::FirePeriodic(const JobInfo& job, int64_t now, std::vector<int64_t>* created) {
  const PeriodicTrigger& periodic = *job.settings.trigger->periodic;
  std::optional<int64_t> last;
  KEEL_RETURN_IF_ERROR(service_->db()->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(last, JobStore::TriggerState(tx, job.job_id, kPeriodicSource));
    return Status::OK();
  }));
  if (!last || job.settings.trigger->pause_status == PauseStatus::kPaused) {
    if (last && *last >= now) return Status::OK();
    return service_->db()->Write([&](Transaction& tx) {
      return JobStore::SetTriggerState(tx, job.job_id, kPeriodicSource, now, now);
    });
  }
  const int64_t interval = periodic.interval * UnitMillis(periodic.unit);
  if (*last + interval > now) return Status::OK();
  int64_t due = *last + ((now - *last) / interval) * interval;  // latest missed instant
  json::Value info = json::Value::MakeObject();
  info.Set("periodic", std::to_string(periodic.interval) + " " + periodic.unit);
  info.Set("scheduled_time", FormatIso8601Millis(due));
  return FireOnce(job.job_id, "PERIODIC", due, info, {{kPeriodicSource, due}}, now, created)
      .status();
}

Status Scheduler::FireTableTrigger(const JobInfo& job, int64_t now, std::vector<int64_t>* created) {
  const Trigger& trigger = *job.settings.trigger;
  const TableUpdateTrigger& t = *trigger.table_update;
  // The watched tables are read as the job's run_as principal.
  catalog::Principal run_as;
  KEEL_RETURN_IF_ERROR(service_->db()->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto p, catalog::PrincipalStore::FindByName(tx, job.run_as_user_name));
    if (!p) return Status::NotFound("run_as principal '" + job.run_as_user_name + "' is gone");
    run_as.id = p->id;
    run_as.name = p->name;
    run_as.kind = p->kind;
    run_as.is_admin = p->is_admin;
    KEEL_ASSIGN_OR_RETURN(run_as.identity_ids, catalog::PrincipalStore::IdentityIds(tx, p->id));
    return Status::OK();
  }));
  struct Seen {
    std::string table;
    int64_t version = -1;
    int64_t commit_time = 0;
    std::optional<int64_t> last;
  };
  std::vector<Seen> seen;
  for (const std::string& name : t.table_names) {
    auto history = tables_->History(run_as, name, 1);
    if (!history.ok() || history->empty()) {
      KEEL_LOG(kWarning) << "job " << job.job_id << ": cannot watch table " << name << ": "
                         << (history.ok() ? "no commits" : history.status().message());
      continue;
    }
    Seen s{name, history->front().version, history->front().timestamp_ms, std::nullopt};
    seen.push_back(s);
  }
  std::optional<int64_t> last_fired;
  KEEL_RETURN_IF_ERROR(service_->db()->Read([&](Transaction& tx) -> Status {
    for (Seen& s : seen) {
      KEEL_ASSIGN_OR_RETURN(s.last, JobStore::TriggerState(tx, job.job_id, "table:" + s.table));
    }
    KEEL_ASSIGN_OR_RETURN(last_fired, JobStore::TriggerState(tx, job.job_id, kTableFiredSource));
    return Status::OK();
  }));
  // Tables seen for the first time (or while paused) set the baseline: no run.
  bool paused = trigger.pause_status == PauseStatus::kPaused;
  std::vector<std::pair<std::string, int64_t>> baseline;
  for (const Seen& s : seen) {
    if (!s.last || (paused && *s.last != s.version))
      baseline.push_back({"table:" + s.table, s.version});
  }
  if (!baseline.empty()) {
    KEEL_RETURN_IF_ERROR(service_->db()->Write([&](Transaction& tx) -> Status {
      for (const auto& [source, value] : baseline) {
        KEEL_RETURN_IF_ERROR(JobStore::SetTriggerState(tx, job.job_id, source, value, now));
      }
      return Status::OK();
    }));
    return Status::OK();
  }
  if (paused || seen.empty()) return Status::OK();
  size_t changed = 0;
  int64_t newest_commit = 0;
  for (const Seen& s : seen) {
    if (s.version > *s.last) ++changed;
    newest_commit = std::max(newest_commit, s.commit_time);
  }
  bool fire = t.condition == "ALL_UPDATED" ? changed == seen.size() : changed > 0;
  if (!fire) return Status::OK();
  if (last_fired && now - *last_fired < t.min_time_between_triggers_seconds * 1000) {
    return Status::OK();
  }
  if (t.wait_after_last_change_seconds > 0 &&
      now - newest_commit < t.wait_after_last_change_seconds * 1000) {
    return Status::OK();
  }
  // The sum of the versions grows with every commit, so it names this change uniquely.
  int64_t fingerprint = 0;
  json::Value info = json::Value::MakeObject();
  json::Value versions = json::Value::MakeObject();
  std::vector<std::pair<std::string, int64_t>> states;
  for (const Seen& s : seen) {
    fingerprint += s.version;
    versions.Set(s.table, s.version);
    states.push_back({"table:" + s.table, s.version});
  }
  states.push_back({kTableFiredSource, now});
  info.Set("table_versions", versions);
  return FireOnce(job.job_id, "TABLE", fingerprint, info, states, now, created).status();
}

Result<std::vector<int64_t>> Scheduler::FireDue() {
  const int64_t now = options_.clock->NowMillis();
  std::vector<JobInfo> jobs;
  KEEL_RETURN_IF_ERROR(service_->db()->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto records, JobStore::ListAllJobs(tx));
    for (const JobRecord& rec : records) {
      // Every tick: only the settings are needed (not the principals' names LoadJob adds).
      auto settings = ParseStoredSettings(rec.settings_json, "job " + std::to_string(rec.job_id));
      if (!settings.ok() || (!settings->schedule && !settings->trigger)) continue;
      JobInfo job;
      job.job_id = rec.job_id;
      job.run_as_user_name = rec.run_as;
      job.settings = std::move(*settings);
      jobs.push_back(std::move(job));
    }
    return Status::OK();
  }));
  std::vector<int64_t> created;
  for (const JobInfo& job : jobs) {
    Status s;
    if (job.settings.schedule) s = FireSchedule(job, now, &created);
    if (s.ok() && job.settings.trigger && job.settings.trigger->periodic) {
      s = FirePeriodic(job, now, &created);
    }
    if (s.ok() && job.settings.trigger && job.settings.trigger->table_update) {
      s = FireTableTrigger(job, now, &created);
    }
    if (!s.ok()) {
      KEEL_LOG(kWarning) << "scheduler: job " << job.job_id << ": " << s.message();
    }
  }
  return created;
}

void Scheduler::ReapFinished() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->second.done->load()) {
      it->second.thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

int Scheduler::ActiveRuns() {
  ReapFinished();
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(workers_.size());
}

Status Scheduler::DispatchQueued() {
  ReapFinished();
  std::vector<RunRecord> queued;
  KEEL_RETURN_IF_ERROR(service_->db()->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(queued, JobStore::RunsInStates(tx, {LifeCycle::kQueued}));
    return Status::OK();
  }));
  for (const RunRecord& rec : queued) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ || static_cast<int>(workers_.size()) >= options_.max_parallel_runs) break;
      if (workers_.count(rec.run.run_id)) continue;
    }
    KEEL_ASSIGN_OR_RETURN(bool claimed, executor_->Claim(rec.run.run_id));
    if (!claimed) continue;
    auto done = std::make_shared<std::atomic<bool>>(false);
    int64_t run_id = rec.run.run_id;
    std::thread t([this, run_id, done] {
      auto result = executor_->Execute(run_id);
      if (!result.ok()) {
        KEEL_LOG(kWarning) << "run " << run_id
                           << " failed to execute: " << result.status().message();
      }
      done->store(true);
      Wake();
    });
    std::lock_guard<std::mutex> lock(mu_);
    workers_[run_id] = Worker{std::move(t), done};
  }
  return Status::OK();
}

Status Scheduler::RecoverOrphans() {
  std::vector<RunRecord> active;
  KEEL_RETURN_IF_ERROR(service_->db()->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(
        active, JobStore::RunsInStates(
                    tx, {LifeCycle::kPending, LifeCycle::kRunning, LifeCycle::kTerminating}));
    return Status::OK();
  }));
  for (const RunRecord& rec : active) {
    if (!rec.run.runner_id.empty() && RunnerAlive(rec.run.runner_id)) continue;
    KEEL_ASSIGN_OR_RETURN(bool resumable, executor_->Recover(rec.run.run_id));
    if (!resumable) continue;
    auto done = std::make_shared<std::atomic<bool>>(false);
    int64_t run_id = rec.run.run_id;
    std::thread t([this, run_id, done] {
      auto result = executor_->Execute(run_id);
      if (!result.ok()) {
        KEEL_LOG(kWarning) << "run " << run_id << ": " << result.status().message();
      }
      done->store(true);
      Wake();
    });
    std::lock_guard<std::mutex> lock(mu_);
    workers_[run_id] = Worker{std::move(t), done};
  }
  return Status::OK();
}

void Scheduler::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Scheduler::WakeAll() {
  std::lock_guard<std::mutex> lock(g_registry_mu);
  for (Scheduler* s : Registry()) s->Wake();
}

void Scheduler::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (loop_.joinable()) return;
    stopping_ = false;
    loop_ = std::thread([this] { Loop(); });
  }
  std::lock_guard<std::mutex> lock(g_registry_mu);
  Registry().push_back(this);
}

void Scheduler::Loop() {
  Status recovered = RecoverOrphans();
  if (!recovered.ok()) {
    KEEL_LOG(kWarning) << "scheduler: recovery: " << recovered.message();
  }
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    auto fired = FireDue();
    if (!fired.ok()) {
      KEEL_LOG(kWarning) << "scheduler: " << fired.status().message();
    }
    Status s = DispatchQueued();
    if (!s.ok()) {
      KEEL_LOG(kWarning) << "scheduler: " << s.message();
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.tick_millis),
                 [&] { return stopping_ || woken_; });
    woken_ = false;
  }
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(g_registry_mu);
    auto& r = Registry();
    r.erase(std::remove(r.begin(), r.end(), this), r.end());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  executor_->CancelAll();
  std::map<int64_t, Worker> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (auto& [id, w] : workers) w.thread.join();
}

}  // namespace keel::jobs

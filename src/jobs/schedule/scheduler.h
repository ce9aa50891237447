#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "catalog/table_service.h"
#include "common/clock.h"
#include "common/result.h"
#include "jobs/job_service.h"
#include "jobs/runner/run_executor.h"

namespace keel::jobs {

struct SchedulerOptions {
  const Clock* clock = Clock::System();
  int64_t tick_millis = 1000;  // how often schedules, triggers and the queue are looked at
  int max_parallel_runs = 32;  // runs executing at once in this process
};

// The scheduler inside `keel server`: fires cron schedules, periodic triggers and table-update
// triggers, starts QUEUED runs within each job's max_concurrent_runs, and at start-up recovers
// runs whose runner died.
//
// Exactly-once firing: each fired instant is a run with a unique (job, trigger type, trigger
// time) row, inserted in the same transaction that advances the job's trigger state. A restart
// therefore neither repeats an instant (the row exists) nor loses one (the state was not
// advanced). When the server was down across several instants of a schedule, the most recent
// missed one fires once on start (Quartz's "fire once now" misfire rule) and older ones are
// skipped. Paused schedules and triggers fire nothing, and unpausing does not fire what was
// missed while paused.
//
// Table-update triggers fire once per observed change: the table versions seen are stored, and
// a new run starts when a watched table's version grows (ANY_UPDATED) or every watched table's
// has (ALL_UPDATED), honouring min_time_between_triggers_seconds and
// wait_after_last_change_seconds. The watched tables are read as the job's run_as principal
// (it needs SELECT).
//
// Thread-safety: Tick/FireDue/DispatchQueued from one thread (the loop or a test).
class Scheduler {
 public:
  Scheduler(JobService* service, RunExecutor* executor, catalog::TableService* tables,
            SchedulerOptions options);
  ~Scheduler();

  // Fires every due schedule and trigger at options.clock's now. Returns the runs created.
  Result<std::vector<int64_t>> FireDue();
  // Claims QUEUED runs (oldest first) and executes them on threads.
  Status DispatchQueued();
  // Ends or resumes runs whose runner process is gone (see RunExecutor::Recover).
  Status RecoverOrphans();

  // Background loop: RecoverOrphans once, then FireDue + DispatchQueued every tick.
  void Start();
  // Stops the loop and cancels the runs this process executes (they end CANCELED).
  void Stop();
  // Wakes the loop now (after run-now or repair through the API).
  void Wake();
  // Wakes every started scheduler of this process.
  static void WakeAll();
  // Number of runs executing in this process.
  int ActiveRuns();

 private:
  Status FireSchedule(const JobInfo& job, int64_t now, std::vector<int64_t>* created);
  Status FirePeriodic(const JobInfo& job, int64_t now, std::vector<int64_t>* created);
  Status FireTableTrigger(const JobInfo& job, int64_t now, std::vector<int64_t>* created);
  // Inserts the run and advances the state in one transaction; false when it already existed.
  Result<bool> FireOnce(int64_t job_id, const std::string& trigger_type, int64_t trigger_time,
                        const json::Value& trigger_info,
                        const std::vector<std::pair<std::string, int64_t>>& states, int64_t now,
                        std::vector<int64_t>* created);
  void Loop();
  void ReapFinished();

  JobService* service_;
  RunExecutor* executor_;
  catalog::TableService* tables_;
  SchedulerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread loop_;
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::map<int64_t, Worker> workers_;  // run id -> executing thread
};

}  // namespace keel::jobs

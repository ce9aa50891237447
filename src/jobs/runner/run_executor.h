#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "jobs/job_service.h"
#include "jobs/job_types.h"

namespace keel::jobs {

class WebhookNotifier;

struct ExecutorOptions {
  // The keel binary: runs built-in tasks and run_job tasks, and its directory is put first on
  // the tasks' PATH so `keel task-values set` works inside a command.
  std::string keel_binary;
  std::string home;        // KEEL_HOME for tasks
  std::string server_url;  // MLFLOW_TRACKING_URI for tasks; "" when no server is running
  // Working directory of commands of jobs without a code_root (jobs made by hand).
  std::string default_code_root;
  WebhookNotifier* notifier = nullptr;  // may be null
  int64_t poll_interval_millis = 100;   // how often cancel requests are looked for
  int64_t kill_grace_millis = 3000;     // SIGTERM, then SIGKILL after this
  int32_t unlimited_retries_cap = 100;  // max_retries: -1 means at most this many
};

// Executes runs: the DAG of a run's tasks, each in its own process group, with run_if,
// retries, timeouts, cancellation, task values and references, logs per attempt, a task token
// for the run's run_as principal, and webhooks at start and end. The run's state in the
// metastore is updated as it goes, so any process can watch, cancel or (after a crash)
// recover it.
//
// Thread-safety: Execute may be called from several threads for different runs.
class RunExecutor {
 public:
  RunExecutor(JobService* service, ExecutorOptions options);

  // Takes a QUEUED run for this process: PENDING with this process as its runner. false when
  // the job already has max_concurrent_runs active runs (the run stays QUEUED) or when another
  // runner took it first.
  Result<bool> Claim(int64_t run_id);

  // Runs a claimed run to its end (blocking) and returns it as it ended.
  Result<JobRun> Execute(int64_t run_id);

  // For a run whose runner process is gone (a crash or restart): tasks whose supervisor
  // recorded an exit status get that result; tasks that were running without a record are
  // stopped and marked INTERNAL_ERROR, and then so is the run. Returns true when the run could
  // be resumed (it was claimed for this process; call Execute), false when it was ended.
  Result<bool> Recover(int64_t run_id);

  // Requests cancellation of every run this executor is running (server shutdown).
  void CancelAll();

 private:
  class RunLoop;
  JobService* service_;
  ExecutorOptions options_;
  std::atomic<bool> shutting_down_{false};
};

// Identifies this process as a runner: "<pid>:<start time in clock ticks since boot>".
std::string CurrentRunnerId();
// Whether the process a runner id names is still alive (same host).
bool RunnerAlive(const std::string& runner_id);

}  // namespace keel::jobs

#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "cli/workspace.h"
#include "jobs/notify/webhook_notifier.h"
#include "jobs/runner/run_executor.h"

namespace keel::cli {

// What executes job runs in this process (`keel server`, or the CLI for `keel jobs run-now`):
// the webhook sender over the HTTP client, the notifier and the executor.
struct JobRuntime {
  std::unique_ptr<jobs::HttpPoster> poster;
  std::unique_ptr<jobs::WebhookNotifier> notifier;
  std::unique_ptr<jobs::RunExecutor> executor;
};

// `server_url` is given to tasks as MLFLOW_TRACKING_URI ("" when no server runs).
Result<JobRuntime> MakeJobRuntime(Workspace& ws, const std::string& server_url);

// Queues a run of request.job_id as the session's caller and, unless `no_wait`, executes it in
// this process (or waits for the server that took it) and prints it; *exit_code is 0 when it
// ended SUCCESS, else 1. With no_wait it prints the run id. (keel jobs run-now, bundle run.)
Status RunJobAndPrint(Session& s, const jobs::RunNowRequest& request, bool no_wait,
                      std::ostream& out, int* exit_code);

// Inside a job task (KEEL_JOB_RUN_ID and KEEL_TASK_KEY are set), sets each member of `values`
// as a task value of the task, so later tasks can use {{tasks.<key>.values.<name>}}. Outside
// a task it does nothing. A value that cannot be set is a warning on `err`, not an error: the
// step itself succeeded.
void PublishTaskValues(Session& s, const json::Value& values, std::ostream& err);

// The key that signs webhooks: $KEEL_HOME/webhook_secret (0600), made on first use.
Result<std::string> WebhookSecret(const std::string& home);

}  // namespace keel::cli

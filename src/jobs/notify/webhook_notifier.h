#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/result.h"
#include "jobs/job_spec.h"
#include "jobs/job_types.h"
#include "metastore/database.h"

namespace keel::jobs {

// Sends one HTTP POST; implemented above this layer (server/http) and injected, so jobs does
// not depend on the HTTP code. Returns the response status, or an error when no response came.
class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  virtual Result<int> Post(const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& headers,
                           const std::string& body, int64_t timeout_millis) = 0;
};

struct NotifierOptions {
  std::string secret;    // HMAC-SHA256 key of the signature header
  int max_attempts = 4;  // per webhook and event
  int64_t initial_backoff_millis = 500;
  int64_t max_backoff_millis = 30000;
  int64_t timeout_millis = 5000;  // per attempt
  std::string run_link_base;      // "http://host:port/#/jobs/runs/" ("" = no link)
};

// Delivers job webhooks (on_start, on_success, on_failure) from a background thread, so a slow
// or failing endpoint never blocks a run. Each delivery is a JSON POST:
//   {"event": "on_failure", "job_id": 7, "job_name": "...", "run_id": 42, "run_name": "...",
//    "state": {"life_cycle_state": ..., "result_state": ..., "state_message": ...},
//    "trigger": "ONE_TIME", "link": "...", "timestamp": <millis>}
// with headers X-Keel-Event, X-Keel-Timestamp and X-Keel-Signature:
//   "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)).
// Connection errors, 429 and 5xx are retried with exponential back-off (doubling from
// initial_backoff_millis); other 4xx are not. Every delivery's outcome is recorded in the
// metastore (job_webhook_deliveries: attempts, last status code, DELIVERED or FAILED).
//
// Thread-safety: thread-safe.
class WebhookNotifier {
 public:
  WebhookNotifier(metastore::Database* db, HttpPoster* poster, NotifierOptions options);
  // Finishes deliveries already queued (each still bounded by its attempts).
  ~WebhookNotifier();

  // Queues one delivery per webhook; returns at once.
  void Notify(std::string_view event, const JobRun& run, const std::vector<Webhook>& hooks);
  // Waits until every queued delivery has finished (tests, shutdown).
  void Flush();

 private:
  struct Delivery {
    std::string event;
    std::string url;
    int64_t run_id = 0;
    std::string body;
  };
  void Loop();
  void Deliver(const Delivery& d);

  metastore::Database* db_;
  HttpPoster* poster_;
  NotifierOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Delivery> queue_;
  int in_flight_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

// The signature header value for `body` sent at `timestamp_millis`.
std::string SignWebhook(std::string_view secret, int64_t timestamp_millis, std::string_view body);

}  // namespace keel::jobs

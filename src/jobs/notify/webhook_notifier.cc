#include "jobs/notify/webhook_notifier.h"

#include <algorithm>
#include <chrono>

#include "common/clock.h"
#include "common/log.h"
#include "common/sha256.h"
#include "jobs/job_store.h"

namespace keel::jobs {

std::string SignWebhook(std::string_view secret, int64_t timestamp_millis, std::string_view body) {
  std::string message = std::to_string(timestamp_millis) + ".";
  message.append(body);
  return "sha256=" + HmacSha256Hex(secret, message);
}

WebhookNotifier::WebhookNotifier(metastore::Database* db, HttpPoster* poster,
                                 NotifierOptions options)
    : db_(db), poster_(poster), options_(std::move(options)) {
  worker_ = std::thread([this] { Loop(); });
}

WebhookNotifier::~WebhookNotifier() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void WebhookNotifier::Notify(std::string_view event, const JobRun& run,
                             const std::vector<Webhook>& hooks) {
  if (hooks.empty()) return;
  json::Value body = json::Value::MakeObject();
  body.Set("event", event);
  body.Set("job_id", run.job_id);
  body.Set("job_name", run.settings.name);
  body.Set("run_id", run.run_id);
  body.Set("run_name", run.settings.name);
  json::Value state = json::Value::MakeObject();
  state.Set("life_cycle_state", LifeCycleName(run.life_cycle));
  if (run.result != ResultState::kNone) state.Set("result_state", ResultStateName(run.result));
  state.Set("state_message", run.state_message);
  body.Set("state", state);
  body.Set("trigger", run.trigger_type);
  if (!options_.run_link_base.empty()) {
    body.Set("link", options_.run_link_base + std::to_string(run.run_id));
  }
  body.Set("timestamp", Clock::System()->NowMillis());
  std::string text = body.Dump();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Webhook& h : hooks) {
      queue_.push_back(Delivery{std::string(event), h.url, run.run_id, text});
    }
  }
  cv_.notify_all();
}

void WebhookNotifier::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return queue_.empty() && in_flight_ == 0; });
}

void WebhookNotifier::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      if (stopping_) return;
      continue;
    }
    Delivery d = std::move(queue_.front());
    queue_.pop_front();
    ++in_flight_;
    lock.unlock();
    Deliver(d);
    lock.lock();
    --in_flight_;
    cv_.notify_all();
  }
}

void WebhookNotifier::Deliver(const Delivery& d) {
  WebhookDelivery record;
  record.run_id = d.run_id;
  record.event = d.event;
  record.url = d.url;
  int64_t backoff = options_.initial_backoff_millis;
  for (int attempt = 1; attempt <= std::max(1, options_.max_attempts); ++attempt) {
    record.attempts = attempt;
    int64_t now = Clock::System()->NowMillis();
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/json"},
        {"X-Keel-Event", d.event},
        {"X-Keel-Timestamp", std::to_string(now)},
        {"X-Keel-Signature", SignWebhook(options_.secret, now, d.body)},
    };
    Result<int> status = poster_->Post(d.url, headers, d.body, options_.timeout_millis);
    bool retry = false;
    if (!status.ok()) {
      record.status_code = 0;
      record.error = status.status().message();
      retry = true;
    } else {
      record.status_code = *status;
      if (*status >= 200 && *status < 300) {
        record.outcome = "DELIVERED";
        record.error.clear();
        break;
      }
      record.error = "the endpoint answered HTTP " + std::to_string(*status);
      retry = *status == 429 || *status >= 500;
    }
    record.outcome = "FAILED";
    if (!retry || attempt == options_.max_attempts) break;
    {
      // Back off, but leave early when the notifier is being destroyed.
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, std::chrono::milliseconds(backoff), [&] { return stopping_; })) {
        // Still finish this attempt loop quickly: one last try without waiting further.
        backoff = 0;
      }
    }
    backoff = std::min(options_.max_backoff_millis, backoff * 2);
  }
  record.time = Clock::System()->NowMillis();
  Status s =
      db_->Write([&](metastore::Transaction& tx) { return JobStore::InsertDelivery(tx, record); });
  if (!s.ok()) {
    KEEL_LOG(kWarning) << "could not record a webhook delivery: " << s.message();
  }
}

}  // namespace keel::jobs

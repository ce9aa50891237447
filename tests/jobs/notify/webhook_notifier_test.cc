// Webhooks against a real HTTP server on loopback: payload, HMAC signature, retries with
// back-off, recorded outcomes, and on_failure from a failing run.

#include "jobs/notify/webhook_notifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "common/sha256.h"
#include "jobs/jobs_test_env.h"
#include "server/http/http_client.h"
#include "server/http/server.h"

namespace keel::jobs {
namespace {

class HttpClientPoster : public HttpPoster {
 public:
  Result<int> Post(const std::string& url,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   const std::string& body, int64_t timeout_millis) override {
    http::Headers h;
    for (const auto& [k, v] : headers) h.Add(k, v);
    http::ClientOptions options;
    options.timeout_millis = timeout_millis;
    KEEL_ASSIGN_OR_RETURN(auto response, http::Send("POST", url, h, body, options));
    return response.status;
  }
};

// Records what it receives; answers 500 to the first `failures` requests.
class Receiver {
 public:
  explicit Receiver(int failures = 0)
      : failures_(failures),
        server_(http::HttpServerOptions{}, [this](const http::Request& r) { return Handle(r); }) {
    EXPECT_TRUE(server_.Start().ok());
  }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }
  std::vector<http::Request> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  http::Response Handle(const http::Request& r) {
    std::lock_guard<std::mutex> lock(mu_);
    received_.push_back(r);
    if (failures_ > 0) {
      --failures_;
      return http::Response::Text(500, "not now");
    }
    return http::Response::Json(200, json::Value::MakeObject());
  }
  std::mutex mu_;
  int failures_;
  std::vector<http::Request> received_;
  http::HttpServer server_;
};

class WebhookTest : public testing::JobsTest {
 protected:
  WebhookNotifier* notifier() override {
    NotifierOptions options;
    options.secret = "s3cret";
    options.initial_backoff_millis = 50;
    notifier_ = std::make_unique<WebhookNotifier>(db_.get(), &poster_, options);
    return notifier_.get();
  }
  HttpClientPoster poster_;
  std::unique_ptr<WebhookNotifier> notifier_;
};

TEST_F(WebhookTest, AFailedRunPostsASignedOnFailureWebhook) {
  Receiver receiver;
  int64_t job = Create(R"(
name: notify-me
webhook_notifications:
  on_start: [{url: ")" +
                       receiver.url("/start") + R"("}]
  on_success: [{url: ")" +
                       receiver.url("/success") + R"("}]
  on_failure: [{url: ")" +
                       receiver.url("/failure") + R"("}]
tasks:
  - task_key: validate
    command_task: {command: ['false']}
)");
  JobRun run = RunToEnd(job);
  notifier_->Flush();
  auto got = receiver.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].path, "/start");
  EXPECT_EQ(got[1].path, "/failure");
  const http::Request& failure = got[1];
  auto body = json::Parse(failure.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->Find("event")->as_string(), "on_failure");
  EXPECT_EQ(body->Find("run_id")->as_int(), run.run_id);
  EXPECT_EQ(body->Find("job_name")->as_string(), "notify-me");
  EXPECT_EQ(body->Find("state")->Find("result_state")->as_string(), "FAILED");
  std::string timestamp = failure.headers.Get("X-Keel-Timestamp");
  EXPECT_EQ(failure.headers.Get("X-Keel-Signature"),
            "sha256=" + HmacSha256Hex("s3cret", timestamp + "." + failure.body));
  auto deliveries = jobs_->ListDeliveries(admin_, run.run_id);
  ASSERT_TRUE(deliveries.ok());
  ASSERT_EQ(deliveries->size(), 2u);
  EXPECT_EQ((*deliveries)[1].outcome, "DELIVERED");
  EXPECT_EQ((*deliveries)[1].status_code, 200);
}

TEST_F(WebhookTest, ServerErrorsAreRetriedWithBackoff) {
  Receiver receiver(/*failures=*/2);
  JobRun run;
  run.run_id = 7;
  run.settings.name = "x";
  run.life_cycle = LifeCycle::kTerminated;
  run.result = ResultState::kSuccess;
  notifier_->Notify("on_success", run, {{receiver.url()}});
  notifier_->Flush();
  EXPECT_EQ(receiver.received().size(), 3u);
  auto deliveries = jobs_->ListDeliveries(admin_, 7);
  // Run 7 does not exist, so read the table directly.
  std::vector<WebhookDelivery> recorded;
  ASSERT_TRUE(db_->Read([&](metastore::Transaction& tx) -> Status {
                   KEEL_ASSIGN_OR_RETURN(recorded, JobStore::Deliveries(tx, 7));
                   return Status::OK();
                 })
                  .ok());
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].attempts, 3);
  EXPECT_EQ(recorded[0].outcome, "DELIVERED");
}

TEST_F(WebhookTest, AnUnreachableEndpointIsRecordedAndNeverBlocksTheRun) {
  int64_t job = Create(R"(
name: unreachable
webhook_notifications:
  on_success: [{url: "http://127.0.0.1:1/nobody"}]
tasks: [{task_key: a, command_task: {command: ['true']}}]
)");
  auto start = std::chrono::steady_clock::now();
  JobRun run = RunToEnd(job);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(run.result, ResultState::kSuccess);
  notifier_->Flush();
  auto deliveries = jobs_->ListDeliveries(admin_, run.run_id);
  ASSERT_EQ(deliveries->size(), 1u);
  EXPECT_EQ((*deliveries)[0].outcome, "FAILED");
  EXPECT_EQ((*deliveries)[0].attempts, 4);
  EXPECT_FALSE((*deliveries)[0].error.empty());
}

}  // namespace
}  // namespace keel::jobs

// Issue 5: artifact-path attacks through every HTTP entry point, and 32 clients logging at once.

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "integration/workspace_fixture.h"

namespace keel::integration {
namespace {

class TrackingHttpTest : public WorkspaceTest {
 protected:
  std::pair<std::string, std::string> NewRun(const testutil::ApiClient& client,
                                             const std::string& experiment_name) {
    json::Value e;
    e.Set("name", experiment_name);
    auto created = client.Post("/api/2.0/mlflow/experiments/create", e);
    EXPECT_EQ(created->status, 200) << created->body;
    std::string exp = created->json.Find("experiment_id")->as_string();
    json::Value r;
    r.Set("experiment_id", exp);
    auto run = client.Post("/api/2.0/mlflow/runs/create", r);
    EXPECT_EQ(run->status, 200) << run->body;
    return {exp, run->json.Find("run")->Find("info")->Find("run_id")->as_string()};
  }

  // Files under the workspace that are neither artifacts nor the metastore and its logs.
  std::set<std::string> FilesOutsideArtifacts() {
    std::set<std::string> out;
    std::string artifacts = home() + "/storage/artifacts";
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path())) {
      std::string p = e.path().string();
      if (p.rfind(artifacts, 0) == 0) continue;
      if (p.find("metastore.db") != std::string::npos || p.find("keel-server.") != std::string::npos) {
        continue;
      }
      out.insert(p);
    }
    return out;
  }
};

TEST_F(TrackingHttpTest, ArtifactPathAttacksAreRefusedAndWriteNothingOutsideTheRoot) {
  auto [exp, run] = NewRun(*admin_, "/Shared/artifacts");
  std::string prefix = "/api/2.0/mlflow-artifacts/artifacts/" + exp + "/" + run + "/artifacts/";
  ASSERT_EQ(admin_->Call("PUT", prefix + "ok/file.txt", "fine")->status, 200);
  std::set<std::string> before = FilesOutsideArtifacts();
  for (std::string attack :
       {"../../../../../../tmp/keel-escape", "..%2F..%2F..%2F..%2Fescape", "%2e%2e/%2e%2e/escape",
        "a/%2e%2e/%2e%2e/%2e%2e/%2e%2e/escape", "..%5c..%5cescape", "a%5cb", "%2Fetc%2Fpasswd",
        "%00", "x/%01"}) {
    for (const char* method : {"PUT", "GET", "DELETE"}) {
      auto r = admin_->Call(method, prefix + attack, "attack");
      ASSERT_TRUE(r.ok());
      EXPECT_TRUE(r->status == 400 || r->status == 404) << method << " " << attack << " -> "
                                                        << r->status << " " << r->body;
    }
  }
  // Double-encoded dots stay literal names inside the run's folder.
  auto literal = admin_->Call("PUT", prefix + "%252e%252e/x", "literal");
  EXPECT_EQ(literal->status, 200) << literal->body;
  // Paths that leave the experiment folder are refused before any file is touched.
  for (std::string target : {"/api/2.0/mlflow-artifacts/artifacts/../../x",
                             "/api/2.0/mlflow-artifacts/artifacts/%2e%2e/x",
                             "/api/2.0/mlflow-artifacts/artifacts/abc/x"}) {
    auto r = admin_->Call("PUT", target, "x");
    EXPECT_TRUE(r->status == 400 || r->status == 404) << target << " -> " << r->body;
  }
  for (std::string path : {"../..", "..%2F..", "/etc", "a\\..\\.."}) {
    auto r = admin_->Get("/api/2.0/mlflow/artifacts/list?run_id=" + run + "&path=" + path);
    EXPECT_EQ(r->status, 400) << path << " -> " << r->body;
    auto p = admin_->Get("/api/2.0/mlflow-artifacts/artifacts?path=" + exp + "/" + path);
    EXPECT_EQ(p->status, 400) << path << " -> " << p->body;
  }
  EXPECT_FALSE(std::filesystem::exists("/tmp/keel-escape"));
  EXPECT_EQ(FilesOutsideArtifacts(), before);
  EXPECT_EQ(admin_->Get(prefix + "ok/file.txt")->body, "fine");
}

TEST_F(TrackingHttpTest, ArtifactsFollowExperimentPermissions) {
  auto [exp, run] = NewRun(As(alice_token_), "/Users/alice/private");
  std::string path = "/api/2.0/mlflow-artifacts/artifacts/" + exp + "/" + run + "/artifacts/m.txt";
  ASSERT_EQ(As(alice_token_).Call("PUT", path, "mine")->status, 200);
  EXPECT_EQ(As(bob_token_).Get(path)->status, 403);
  EXPECT_EQ(As(bob_token_).Call("PUT", path, "theirs")->status, 403);
  EXPECT_EQ(As(bob_token_).Get("/api/2.0/mlflow/artifacts/list?run_id=" + run)->status, 403);
  auto share = json::Parse(R"({"access_control_list": [{"user_name": "bob",
                               "permission_level": "CAN_READ"}]})");
  ASSERT_EQ(As(alice_token_).Patch("/api/2.0/permissions/experiments/" + exp, *share)->status, 200);
  EXPECT_EQ(As(bob_token_).Get(path)->body, "mine");
  EXPECT_EQ(As(bob_token_).Call("PUT", path, "theirs")->status, 403);
}

// Uploads larger than the 64 MiB in-memory request limit stream to disk and move into the
// artifact store; downloads stream back. Only an authenticated caller may stream: anyone else
// stays under the in-memory limit.
TEST_F(TrackingHttpTest, ArtifactsLargerThanTheRequestLimitStreamBothWays) {
  auto [exp, run] = NewRun(*admin_, "/Shared/large-artifacts");
  std::string path =
      "/api/2.0/mlflow-artifacts/artifacts/" + exp + "/" + run + "/artifacts/model/weights.bin";
  std::string data((80u << 20) + 17, '\0');  // 80 MiB + 17 bytes
  uint64_t x = 88172645463325252ull;
  for (char& c : data) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  auto put = admin_->Call("PUT", path, data);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  ASSERT_EQ(put->status, 200) << put->body;
  auto listed = admin_->Get("/api/2.0/mlflow/artifacts/list?run_id=" + run + "&path=model");
  ASSERT_EQ(listed->status, 200);
  EXPECT_EQ(listed->json.Find("files")->as_array()[0].Find("file_size")->as_int(),
            static_cast<int64_t>(data.size()));
  auto got = admin_->Get(path);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->status, 200);
  EXPECT_EQ(got->body.size(), data.size());
  EXPECT_TRUE(got->body == data);
  // Nothing is left in the spool directory.
  std::string spool = home() + "/storage/.uploads";
  ASSERT_TRUE(std::filesystem::exists(spool));
  EXPECT_TRUE(std::filesystem::is_empty(spool));
  // Without a valid token the same upload is refused before its body is read.
  testutil::ApiClient stranger("127.0.0.1", server_->port(), "not-a-token");
  auto refused = stranger.Call("PUT", path + ".2", data);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 413) << refused->body;
  EXPECT_TRUE(std::filesystem::is_empty(spool));
}

TEST_F(TrackingHttpTest, ThirtyTwoClientsLoggingAtOnceLoseNoMetricPoint) {
  auto [exp, shared_run] = NewRun(*admin_, "/Shared/concurrency");
  constexpr int kClients = 32, kBatches = 10, kPerBatch = 100;
  std::vector<std::string> own_runs(kClients);
  for (int c = 0; c < kClients; ++c) {
    json::Value r;
    r.Set("experiment_id", exp);
    own_runs[c] =
        admin_->Post("/api/2.0/mlflow/runs/create", r)->json.Find("run")->Find("info")->Find("run_id")->as_string();
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      testutil::ApiClient client = As(c % 2 ? alice_token_ : bob_token_);
      // Even clients write the shared run, odd ones their own.
      std::string run = c % 2 ? own_runs[c] : shared_run;
      for (int b = 0; b < kBatches; ++b) {
        json::Value body;
        body.Set("run_id", run);
        json::Value& metrics = body["metrics"];
        for (int i = 0; i < kPerBatch; ++i) {
          json::Value m;
          m.Set("key", "loss");
          m.Set("value", double(c));
          m.Set("timestamp", 1700000000000LL + b);
          m.Set("step", (c * kBatches + b) * kPerBatch + i);
          metrics.Append(std::move(m));
        }
        auto r = client.Post("/api/2.0/mlflow/runs/log-batch", body);
        if (!r.ok() || r->status != 200) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto count = [&](const std::string& run) {
    std::set<int64_t> steps;
    std::string token;
    do {
      std::string target = "/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=loss";
      if (!token.empty()) target += "&page_token=" + token;
      auto r = admin_->Get(target);
      EXPECT_EQ(r->status, 200);
      for (const auto& m : r->json.Find("metrics")->as_array()) steps.insert(m.Find("step")->as_int());
      token = r->json.Find("next_page_token") ? r->json.Find("next_page_token")->as_string() : "";
    } while (!token.empty());
    return steps.size();
  };
  EXPECT_EQ(count(shared_run), size_t(kClients / 2 * kBatches * kPerBatch));
  for (int c = 1; c < kClients; c += 2) EXPECT_EQ(count(own_runs[c]), size_t(kBatches * kPerBatch));
}

}  // namespace
}  // namespace keel::integration

// Registrations survive SIGKILL of the server mid-copy: every acknowledged version is READY
// and downloads whole; a version whose copy was cut off is never READY (it stays
// PENDING_REGISTRATION, or was never recorded); version numbers stay distinct; the alias and the
// registry keep working after the restart.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "integration/registry_fixture.h"

namespace keel::integration {
namespace {

constexpr char kModel[] = "dev.default.crashy";

class RegistryCrashTest : public RegistryTest {};

TEST_F(RegistryCrashTest, KilledRegistrationsLeaveNoReadyVersionWithMissingFiles) {
  testutil::ApiClient alice = As(alice_token_);
  RunRef run = CreateRun(alice, "/Users/alice/crashy");
  std::map<std::string, std::string> files = UploadModel(alice, run, "model", "big");
  // A larger model file so that copies take long enough to be interrupted.
  std::string weights(8 << 20, 'w');
  PutRunArtifact(alice, run, "model/weights.bin", weights);
  files["weights.bin"] = weights;
  Ok(alice, "POST", "/registered-models/create", Body({{"name", kModel}}));
  const std::string body =
      Body({{"name", kModel}, {"source", run.artifact_uri() + "/model"}, {"run_id", run.run_id}});

  std::set<std::string> acknowledged;
  for (int round = 0; round < 6; ++round) {
    std::atomic<bool> stop{false};
    std::vector<std::string> acked_this_round;
    std::thread client([&] {
      testutil::ApiClient c = As(alice_token_);
      while (!stop.load()) {
        auto r = c.Call("POST", std::string(kMlflowApi) + "/model-versions/create", body);
        if (!r.ok() || r->status != 200) continue;  // the server died under us
        acked_this_round.push_back(Str(r->json.Find("model_version"), "version"));
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 70 * round));
    server_->Kill();
    stop = true;
    client.join();
    acknowledged.insert(acked_this_round.begin(), acked_this_round.end());
    StartServer();
  }
  ASSERT_FALSE(acknowledged.empty()) << "no registration finished between kills";
  alice = As(alice_token_);  // the restarted server listens on a new port

  json::Value::Array versions = SearchVersions(alice, std::string("name='") + kModel + "'");
  std::set<std::string> numbers;
  for (const json::Value& mv : versions) {
    std::string v = Str(mv, "version");
    EXPECT_TRUE(numbers.insert(v).second) << "version " << v << " twice";
    std::string status = Str(mv, "status");
    if (acknowledged.count(v)) {
      EXPECT_EQ(status, "READY") << mv.Dump();
    }
    EXPECT_TRUE(status == "READY" || status == "PENDING_REGISTRATION") << mv.Dump();
    if (status == "READY") {
      EXPECT_EQ(DownloadModelsUri(alice, kModel, "", v), files) << "version " << v;
    }
  }
  for (const std::string& v : acknowledged) EXPECT_EQ(numbers.count(v), 1u) << v;
  std::printf("[ crash    ] 6 kills: %zu versions acknowledged, %zu recorded (%zu cut off)\n",
              acknowledged.size(), numbers.size(), numbers.size() - acknowledged.size());

  // The registry still works: a new version gets a fresh number and takes the alias.
  json::Value next = Ok(alice, "POST", "/model-versions/create", body);
  std::string fresh = Str(next.Find("model_version"), "version");
  EXPECT_EQ(numbers.count(fresh), 0u);
  Ok(alice, "POST", "/registered-models/alias",
     Body({{"name", kModel}, {"alias", "champion"}, {"version", fresh}}));
  EXPECT_EQ(DownloadModelsUri(alice, kModel, "champion"), files);
}

}  // namespace
}  // namespace keel::integration

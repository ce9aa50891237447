// Aliases and version numbers under concurrent writers: moving an alias is atomic (a reader
// never sees it missing, and exactly one version holds it afterwards), and concurrent
// registrations get distinct, consecutive version numbers.

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration/registry_fixture.h"

namespace keel::integration {
namespace {

constexpr char kModel[] = "dev.default.race";
constexpr int kVersions = 5;
constexpr int kWriters = 8;
constexpr int kMovesPerWriter = 50;
constexpr int kReaders = 4;

class RegistryAliasConcurrencyTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    alice_ = std::make_unique<testutil::ApiClient>(As(alice_token_));
    run_ = CreateRun(*alice_, "/Users/alice/race");
    UploadModel(*alice_, run_, "model", "race");
    Ok(*alice_, "POST", "/registered-models/create", Body({{"name", kModel}}));
  }

  // The body of model-versions/create for this run's model, as register_model sends it.
  std::string CreateVersionBody() const {
    return Body(
        {{"name", kModel}, {"source", run_.artifact_uri() + "/model"}, {"run_id", run_.run_id}});
  }

  std::unique_ptr<testutil::ApiClient> alice_;
  RunRef run_;
};

TEST_F(RegistryAliasConcurrencyTest, MovingAnAliasUnderConcurrentReadsNeverLosesIt) {
  for (int v = 1; v <= kVersions; ++v) {
    json::Value created = Ok(*alice_, "POST", "/model-versions/create", CreateVersionBody());
    ASSERT_EQ(Str(created.Find("model_version"), "version"), std::to_string(v));
  }
  Ok(*alice_, "POST", "/registered-models/alias",
     Body({{"name", kModel}, {"alias", "champion"}, {"version", "1"}}));

  std::mutex mu;
  std::vector<std::string> problems;  // guarded by mu
  auto report = [&](std::string what) {
    std::lock_guard<std::mutex> lock(mu);
    if (problems.size() < 20) problems.push_back(std::move(what));
  };
  std::atomic<int> writers_left{kWriters};
  std::atomic<int> moves_ok{0};
  std::atomic<int> reads{0};

  std::vector<std::thread> threads;
  for (int writer_idx = 0; writer_idx < kWriters; ++writer_idx) {
    threads.emplace_back([&, writer_idx] {
      testutil::ApiClient client = As(alice_token_);
      std::mt19937 rng(1234u + static_cast<unsigned>(writer_idx));
      std::uniform_int_distribution<int> pick(1, kVersions);
      for (int move_idx = 0; move_idx < kMovesPerWriter; ++move_idx) {
        std::string version = std::to_string(pick(rng));
        auto r = client.Call("POST", std::string(kMlflowApi) + "/registered-models/alias",
                             Body({{"name", kModel}, {"alias", "champion"}, {"version", version}}));
        if (!r.ok()) {
          report("set alias: " + r.status().ToString());
        } else if (r->status != 200) {
          report("set alias -> " + std::to_string(r->status) + " " + r->body);
        } else {
          ++moves_ok;
        }
      }
      --writers_left;
    });
  }
  for (int reader_idx = 0; reader_idx < kReaders; ++reader_idx) {
    threads.emplace_back([&] {
      testutil::ApiClient client = As(alice_token_);
      std::string target = std::string(kMlflowApi) + "/registered-models/alias" +
                           Query({{"name", kModel}, {"alias", "champion"}});
      // Read at least a few times, and until every writer is done.
      for (int read_idx = 0; read_idx < 5 || writers_left.load() > 0; ++read_idx) {
        auto r = client.Get(target);
        ++reads;
        if (!r.ok()) {
          report("get alias: " + r.status().ToString());
          continue;
        }
        if (r->status != 200) {
          report("get alias -> " + std::to_string(r->status) + " " + r->body);
          continue;
        }
        const json::Value* mv = r->json.Find("model_version");
        std::string version = Str(mv, "version");
        bool in_range = false;
        for (int v = 1; v <= kVersions; ++v) in_range = in_range || version == std::to_string(v);
        if (!in_range) report("get alias returned version " + version + ": " + r->body);
      }
    });
  }
  for (std::thread& t : threads) t.join();

  for (const std::string& p : problems) ADD_FAILURE() << p;
  EXPECT_EQ(moves_ok.load(), kWriters * kMovesPerWriter);
  EXPECT_GE(reads.load(), kReaders * 5);

  // Exactly one version carries the alias, and every view agrees on which.
  json::Value::Array versions = SearchVersions(*alice_, "name='dev.default.race'");
  ASSERT_EQ(versions.size(), static_cast<size_t>(kVersions));
  std::vector<std::string> holders;
  for (const json::Value& mv : versions) {
    std::vector<std::string> aliases = VersionAliases(mv);
    EXPECT_LE(aliases.size(), 1u) << mv.Dump();
    if (std::find(aliases.begin(), aliases.end(), "champion") != aliases.end()) {
      holders.push_back(Str(mv, "version"));
    }
  }
  ASSERT_EQ(holders.size(), 1u);
  json::Value model = Ok(*alice_, "GET", "/registered-models/get" + Query({{"name", kModel}}));
  const json::Value* rm = model.Find("registered_model");
  ASSERT_NE(rm, nullptr) << model.Dump();
  ASSERT_EQ(Items(*rm, "aliases").size(), 1u) << rm->Dump();
  EXPECT_EQ(ModelAliases(*rm), (std::map<std::string, std::string>{{"champion", holders[0]}}));
  json::Value by_alias =
      Ok(*alice_, "GET",
         "/registered-models/alias" + Query({{"name", kModel}, {"alias", "champion"}}));
  EXPECT_EQ(Str(by_alias.Find("model_version"), "version"), holders[0]);
}

TEST_F(RegistryAliasConcurrencyTest, ConcurrentRegistrationsGetDistinctConsecutiveVersions) {
  constexpr int kRegistrations = 4;
  std::mutex mu;
  std::vector<std::string> versions;  // guarded by mu
  std::vector<std::string> problems;  // guarded by mu
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < kRegistrations; ++thread_idx) {
    threads.emplace_back([&] {
      testutil::ApiClient client = As(alice_token_);
      auto r = client.Call("POST", std::string(kMlflowApi) + "/model-versions/create",
                           CreateVersionBody());
      std::lock_guard<std::mutex> lock(mu);
      if (!r.ok()) {
        problems.push_back(r.status().ToString());
      } else if (r->status != 200) {
        problems.push_back(std::to_string(r->status) + " " + r->body);
      } else {
        versions.push_back(Str(r->json.Find("model_version"), "version"));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& p : problems) ADD_FAILURE() << p;

  std::set<int> numbers;
  for (const std::string& v : versions) {
    bool digits =
        !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    ASSERT_TRUE(digits) << "version is not a decimal string: " << v;
    numbers.insert(std::stoi(v));
  }
  EXPECT_EQ(numbers, (std::set<int>{1, 2, 3, 4}));

  // Every registration is listed once, each with its own copy of the files.
  json::Value::Array listed = SearchVersions(*alice_, "name='dev.default.race'");
  ASSERT_EQ(listed.size(), static_cast<size_t>(kRegistrations));
  std::set<std::string> roots;
  for (int v = 1; v <= kRegistrations; ++v) {
    json::Value uri = Ok(*alice_, "GET",
                         "/model-versions/get-download-uri" +
                             Query({{"name", kModel}, {"version", std::to_string(v)}}));
    roots.insert(Str(uri, "artifact_uri"));
    EXPECT_EQ(DownloadTree(*alice_, ProxyPath(Str(uri, "artifact_uri"))).count("MLmodel"), 1u);
  }
  EXPECT_EQ(roots.size(), static_cast<size_t>(kRegistrations));

  // The next registration continues the sequence.
  json::Value next = Ok(*alice_, "POST", "/model-versions/create", CreateVersionBody());
  EXPECT_EQ(Str(next.Find("model_version"), "version"), "5");
}

}  // namespace
}  // namespace keel::integration

namespace keel::integration {
namespace {

// The same race with writers in separate processes: `keel models alias set` CLIs writing the
// workspace's metastore directly while the server answers readers.
TEST_F(RegistryAliasConcurrencyTest, AliasMovesFromCliProcessesBesideTheServerStayAtomic) {
  for (int v = 1; v <= kVersions; ++v) {
    Ok(*alice_, "POST", "/model-versions/create", CreateVersionBody());
  }
  Ok(*alice_, "POST", "/registered-models/alias",
     Body({{"name", kModel}, {"alias", "champion"}, {"version", "1"}}));
  constexpr int kProcessWriters = 4;
  constexpr int kMovesPerProcessWriter = 8;
  std::atomic<int> writers_left{kProcessWriters};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kProcessWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kMovesPerProcessWriter; ++i) {
        std::string version = std::to_string(1 + (w + i) % kVersions);
        auto r = testutil::RunKeel({"models", "alias", "set", kModel, "champion", version, "--home",
                                    home(), "--token", alice_token_});
        if (!r.ok() || r->exit_code != 0) {
          ++failures;
          ADD_FAILURE() << (r.ok() ? r->stderr_text : r.status().ToString());
        }
      }
      --writers_left;
    });
  }
  std::atomic<int> bad_reads{0}, reads{0};
  threads.emplace_back([&] {
    testutil::ApiClient client = As(alice_token_);
    std::string target = std::string(kMlflowApi) + "/registered-models/alias" +
                         Query({{"name", kModel}, {"alias", "champion"}});
    while (writers_left.load() > 0 || reads.load() < 5) {
      auto r = client.Get(target);
      ++reads;
      std::string v = r.ok() ? Str(r->json.Find("model_version"), "version") : "";
      if (!r.ok() || r->status != 200 || v.empty() || std::stoi(v) < 1 ||
          std::stoi(v) > kVersions) {
        ++bad_reads;
      }
    }
  });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0) << "of " << reads.load() << " reads";
  int holders = 0;
  for (const json::Value& mv : SearchVersions(*alice_, "name='dev.default.race'")) {
    std::vector<std::string> aliases = VersionAliases(mv);
    holders += static_cast<int>(std::count(aliases.begin(), aliases.end(), "champion"));
  }
  EXPECT_EQ(holders, 1);
}

}  // namespace
}  // namespace keel::integration

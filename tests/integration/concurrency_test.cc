// Issue 2 acceptance: many clients creating and granting at once keep the metastore
// consistent; SIGKILL of the server mid-write loses no acknowledged change and leaves no
// partial one.

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "integration/workspace_fixture.h"

namespace keel::integration {
namespace {

constexpr char kUc[] = "/api/2.1/unity-catalog";

// Creates schema dev.<name> as `client`, then grants in ONE request three privileges to bob and
// two to keel-automation. Returns 0 if neither was acknowledged, 1 if only the schema, 2 if both.
int CreateAndGrant(const testutil::ApiClient& client, const std::string& name) {
  json::Value schema;
  schema.Set("name", name);
  schema.Set("catalog_name", "dev");
  auto created = client.Post(std::string(kUc) + "/schemas", schema);
  if (!created.ok() || created->status != 200) return 0;
  auto changes = json::Parse(R"({"changes": [
      {"principal": "bob", "add": ["USE_SCHEMA", "SELECT", "MODIFY"]},
      {"principal": "keel-automation", "add": ["USE_SCHEMA", "SELECT"]}]})");
  auto granted = client.Patch(std::string(kUc) + "/permissions/schema/dev." + name, *changes);
  return granted.ok() && granted->status == 200 ? 2 : 1;
}

// The grants on dev.<name>, as "principal:PRIV,PRIV;..." (sorted by the server).
std::string GrantsOf(const testutil::ApiClient& admin, const std::string& name) {
  auto r = admin.Get(std::string(kUc) + "/permissions/schema/dev." + name);
  if (!r.ok() || r->status != 200) return "error " + (r.ok() ? r->body : r.status().ToString());
  std::string out;
  for (const auto& a : r->json.Find("privilege_assignments")->as_array()) {
    out += a.Find("principal")->as_string() + ":";
    for (const auto& p : a.Find("privileges")->as_array()) out += p.as_string() + ",";
    out += ";";
  }
  return out;
}

constexpr char kFullGrants[] = "bob:USE_SCHEMA,SELECT,MODIFY,;keel-automation:USE_SCHEMA,SELECT,;";

std::set<std::string> SchemaNames(const testutil::ApiClient& admin) {
  std::set<std::string> out;
  auto r = admin.Get(std::string(kUc) + "/schemas?catalog_name=dev");
  if (!r.ok() || r->status != 200) return out;
  for (const auto& s : r->json.Find("schemas")->as_array()) out.insert(s.Find("name")->as_string());
  return out;
}

class ConcurrencyTest : public WorkspaceTest {};

TEST_F(ConcurrencyTest, ManyClientsCreatingAndGrantingAtOnceStayConsistent) {
  constexpr int kThreads = 16, kPerThread = 12;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      testutil::ApiClient client = As(t % 2 ? alice_token_ : bob_token_);
      for (int i = 0; i < kPerThread; ++i) {
        if (CreateAndGrant(client, "c" + std::to_string(t) + "_" + std::to_string(i)) != 2) {
          ++failures;
        }
      }
    });
  }
  // CLI processes write to the same metastore beside the server.
  std::vector<std::thread> cli;
  for (int p = 0; p < 3; ++p) {
    cli.emplace_back([&, p] {
      for (int i = 0; i < 4; ++i) {
        auto r = testutil::RunKeel({"schemas", "create",
                                    "dev.cli" + std::to_string(p) + "_" + std::to_string(i),
                                    "--home", home()});
        if (!r.ok() || r->exit_code != 0) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (auto& th : cli) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::string> names = SchemaNames(*admin_);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      std::string name = "c" + std::to_string(t) + "_" + std::to_string(i);
      ASSERT_TRUE(names.count(name)) << name;
      EXPECT_EQ(GrantsOf(*admin_, name), kFullGrants) << name;
    }
  }
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < 4; ++i) {
      EXPECT_TRUE(names.count("cli" + std::to_string(p) + "_" + std::to_string(i)));
    }
  }
}

TEST_F(ConcurrencyTest, SigkillMidWriteLosesNoAcknowledgedChangeAndLeavesNoPartialOne) {
  constexpr int kRounds = 3, kThreads = 8;
  std::mutex mu;
  std::map<std::string, int> acknowledged;  // name -> what CreateAndGrant acknowledged
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t, round] {
        testutil::ApiClient client = As(alice_token_);
        for (int i = 0; !stop; ++i) {
          std::string name =
              "k" + std::to_string(round) + "_" + std::to_string(t) + "_" + std::to_string(i);
          int acked = CreateAndGrant(client, name);
          std::lock_guard<std::mutex> lock(mu);
          acknowledged[name] = acked;
          if (acked == 0 && i > 0) break;  // the server is gone
        }
      });
    }
    usleep(400'000 + round * 250'000);
    server_->Kill();
    stop = true;
    for (auto& th : threads) th.join();
    StartServer();

    std::set<std::string> names = SchemaNames(*admin_);
    int acked_writes = 0;
    for (const auto& [name, acked] : acknowledged) {
      if (acked >= 1) {
        ASSERT_TRUE(names.count(name)) << "acknowledged schema " << name << " was lost";
        ++acked_writes;
      }
      if (acked == 2) {
        EXPECT_EQ(GrantsOf(*admin_, name), kFullGrants) << name;
      }
    }
    EXPECT_GT(acked_writes, 0) << "the test wrote nothing before the kill";
    // Unacknowledged work may or may not have landed, but never half of one request.
    for (const std::string& name : names) {
      if (name.rfind("k", 0) != 0) continue;
      std::string grants = GrantsOf(*admin_, name);
      EXPECT_TRUE(grants.empty() || grants == kFullGrants) << name << " has partial grants "
                                                            << grants;
    }
  }
}

}  // namespace
}  // namespace keel::integration

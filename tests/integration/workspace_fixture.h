#pragma once

// A fresh workspace (`keel init`) with a real `keel server` on a free loopback port, and the
// personas of DESIGN.md §1: admin, alice (data-scientists), bob (ml-engineers) and the
// keel-automation service principal, each with a token.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "testutil/api_client.h"
#include "testutil/keel_binary.h"
#include "testutil/temp_dir.h"

namespace keel::integration {

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto init = testutil::RunKeel({"init", "--home", home(), "--output", "json"});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    ASSERT_EQ(init->exit_code, 0) << init->stderr_text;
    auto doc = json::Parse(init->stdout_text);
    ASSERT_TRUE(doc.ok()) << init->stdout_text;
    admin_token_ = doc->Find("admin_token")->as_string();
    StartServer();
    admin_ = std::make_unique<testutil::ApiClient>("127.0.0.1", server_->port(), admin_token_);
    alice_token_ = MakeUser("alice", "data-scientists");
    bob_token_ = MakeUser("bob", "ml-engineers");
    automation_token_ = MakeToken("keel-automation");
  }

  void TearDown() override {
    if (server_) {
      Status s = server_->Stop();
      EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << server_->ReadStderr();
    }
  }

  void StartServer() {
    server_ = std::make_unique<testutil::KeelServer>(testutil::DefaultKeelServerOptions(home()));
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    if (admin_) *admin_ = testutil::ApiClient("127.0.0.1", server_->port(), admin_token_);
  }

  std::string MakeUser(const std::string& name, const std::string& group) {
    json::Value body;
    body.Set("userName", name);
    json::Value ref;
    ref.Set("value", group);
    body["groups"].Append(std::move(ref));
    auto r = admin_->Post("/api/2.0/preview/scim/v2/Users", body);
    EXPECT_TRUE(r.ok() && r->status == 201) << (r.ok() ? r->body : r.status().ToString());
    return MakeToken(name);
  }

  std::string MakeToken(const std::string& principal) {
    json::Value body;
    body.Set("application_id", principal);
    auto r = admin_->Post("/api/2.0/token-management/on-behalf-of/tokens", body);
    EXPECT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.status().ToString());
    if (!r.ok() || r->json.Find("token_value") == nullptr) return "";
    return r->json.Find("token_value")->as_string();
  }

  testutil::ApiClient As(const std::string& token) const { return admin_->As(token); }
  const std::string& home() const { return home_; }

  testutil::TempDir dir_;
  std::string home_ = dir_.path() + "/home";
  std::unique_ptr<testutil::KeelServer> server_;
  std::unique_ptr<testutil::ApiClient> admin_;
  std::string admin_token_, alice_token_, bob_token_, automation_token_;
};

}  // namespace keel::integration

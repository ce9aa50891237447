// Issue 2: the CLI contract scripts rely on, run through the real binary.

#include "integration/cli_fixture.h"
#include "integration/workspace_fixture.h"

namespace keel::integration {
namespace {

class CliContractTest : public CliTest {};

TEST_F(CliContractTest, InitPrincipalsAndTokensSpeakTheDocumentedJson) {
  auto init = Keel({"init", "--output", "json"});
  ASSERT_EQ(init.exit_code, 0) << init.stderr_text;
  auto doc = json::Parse(init.stdout_text);
  ASSERT_TRUE(doc.ok()) << init.stdout_text;
  std::string admin_token = doc->Find("admin_token")->as_string();
  EXPECT_FALSE(admin_token.empty());
  EXPECT_EQ(doc->Find("admin")->as_string(), "admin");

  // Re-running init changes nothing and reports the saved token.
  auto again = Keel({"init", "--output", "json"});
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_FALSE(json::Parse(again.stdout_text)->Find("created")->as_bool());
  EXPECT_EQ(json::Parse(again.stdout_text)->Find("admin_token")->as_string(), admin_token);

  EXPECT_EQ(Keel({"principals", "create-group", "analysts"}).exit_code, 0);
  EXPECT_EQ(Keel({"principals", "create-user", "bob", "--groups", "data-scientists,analysts"})
                .exit_code,
            0);
  EXPECT_EQ(Keel({"principals", "create-service-principal", "ci-bot"}).exit_code, 0);
  auto bob = Keel({"principals", "get", "bob", "--output", "json"});
  auto bob_doc = json::Parse(bob.stdout_text);
  ASSERT_TRUE(bob_doc.ok()) << bob.stdout_text;
  EXPECT_EQ(bob_doc->Find("groups")->size(), 2u);

  auto token = Keel({"tokens", "create", "--principal", "bob", "--output", "json"});
  ASSERT_EQ(token.exit_code, 0) << token.stderr_text;
  auto token_doc = json::Parse(token.stdout_text);
  ASSERT_TRUE(token_doc.ok()) << token.stdout_text;
  std::string bob_token = token_doc->Find("token_value")->as_string();

  // The same grants apply on the command line as over HTTP.
  EXPECT_EQ(Keel({"schemas", "create", "dev.bobs", "--token", bob_token}).exit_code, 0);
  auto refused = Keel({"schemas", "create", "prod.bobs", "--token", bob_token});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.stderr_text.find("CREATE_SCHEMA"), std::string::npos) << refused.stderr_text;

  auto catalogs = Keel({"catalogs", "list", "--output", "json"});
  auto list = json::Parse(catalogs.stdout_text);
  ASSERT_TRUE(list.ok() && list->is_array()) << catalogs.stdout_text;
  EXPECT_EQ(list->size(), 3u);
}

TEST_F(CliContractTest, BadInputAndUsageErrorsExitNonZeroWithAMessage) {
  ASSERT_EQ(Keel({"init"}).exit_code, 0);
  auto bad_name = Keel({"catalogs", "create", "../etc"});
  EXPECT_EQ(bad_name.exit_code, 1);
  EXPECT_NE(bad_name.stderr_text.find("not valid"), std::string::npos);
  EXPECT_EQ(Keel({"catalogs", "list", "--bogus-flag", "x"}).exit_code, 1);
  EXPECT_EQ(Keel({"catalogs"}).exit_code, 2);
  EXPECT_EQ(Keel({"no-such-command"}).exit_code, 2);
  auto bad_token = Keel({"catalogs", "list", "--token", "keelnope"});
  EXPECT_EQ(bad_token.exit_code, 1);
  EXPECT_NE(bad_token.stderr_text.find("token"), std::string::npos);
  auto missing_home = testutil::RunKeel({"catalogs", "list", "--home", dir_.path() + "/nothing"});
  EXPECT_EQ(missing_home->exit_code, 1);
  EXPECT_NE(missing_home->stderr_text.find("keel init"), std::string::npos);
}

TEST_F(CliContractTest, TrackingCommandsCreateGetSearchAndRefuseBadInput) {
  ASSERT_EQ(Keel({"init"}).exit_code, 0);
  auto exp = Keel({"experiments", "create", "/Shared/cli", "--output", "json"});
  ASSERT_EQ(exp.exit_code, 0) << exp.stderr_text;
  std::string exp_id = json::Parse(exp.stdout_text)->Find("experiment_id")->as_string();
  auto none = Keel({"runs", "search", exp_id, "--output", "json"});
  ASSERT_EQ(none.exit_code, 0) << none.stderr_text;
  EXPECT_EQ(json::Parse(none.stdout_text)->size(), 0u);
  EXPECT_EQ(Keel({"runs", "compare", "onlyone"}).exit_code, 1);
  EXPECT_EQ(Keel({"runs", "search", exp_id, "--filter", "metrics.x >>> 1"}).exit_code, 1);
  EXPECT_EQ(Keel({"experiments", "get", "/Shared/cli", "--output", "json"}).exit_code, 0);
  EXPECT_EQ(Keel({"experiments", "get", "/Shared/nope"}).exit_code, 1);
  EXPECT_EQ(Keel({"artifacts", "list", "0123456789abcdef0123456789abcdef"}).exit_code, 1);
}

}  // namespace
}  // namespace keel::integration

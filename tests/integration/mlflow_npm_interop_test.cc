// Issue 5 acceptance: the `mlflow` npm package, a client nobody here wrote, drives a real
// keel server (tests/interop/mlflow_npm_scenario.js).

#include <unistd.h>

#include "integration/workspace_fixture.h"

namespace keel::integration {
namespace {

class MlflowNpmInteropTest : public WorkspaceTest {};

TEST_F(MlflowNpmInteropTest, TheNodeMlflowClientRunsItsWholeScenario) {
  std::string interop = std::string(KEEL_SOURCE_DIR) + "/tests/interop";
  ASSERT_EQ(::access((interop + "/node_modules/mlflow/package.json").c_str(), R_OK), 0)
      << "run scripts/install-deps to install the pinned npm packages";
  auto r = testutil::RunProcess(
      "/usr/bin/env",
      {"node", interop + "/mlflow_npm_scenario.js",
       "http://127.0.0.1:" + std::to_string(server_->port()), admin_token_},
      {{"NODE_PATH=" + interop + "/node_modules"}, 120'000, ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 0) << r->stdout_text << r->stderr_text << "\nserver log:\n"
                             << server_->ReadStderr().substr(0, 4000);
  EXPECT_NE(r->stdout_text.find("mlflow npm scenario: ok"), std::string::npos);
}

}  // namespace
}  // namespace keel::integration

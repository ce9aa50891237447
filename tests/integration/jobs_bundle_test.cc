// Issue 8 acceptance, promotion of code: `keel bundle deploy -t staging` from a git working
// tree, then `-t prod` from a release branch, make jobs that target the staging and prod
// catalogs and run the deployed commit (not the working tree), recorded on their runs.

#include <gtest/gtest.h>

#include <fstream>

#include "common/json.h"
#include "integration/cli_fixture.h"

namespace keel::integration {
namespace {

class BundleTest : public CliTest {
 protected:
  void SetUp() override {
    repo_ = dir_.path() + "/churn-project";
    out_ = dir_.path() + "/out";
    ASSERT_EQ(std::system(("mkdir -p " + repo_ + "/resources " + out_).c_str()), 0);
    Write("keel.yml", R"(bundle: {name: churn}
variables:
  catalog_name: {description: where the job reads and writes, default: dev}
  out_dir: {description: where the test job writes}
include: [resources/*.yml]
targets:
  dev: {mode: development, default: true}
  staging: {variables: {catalog_name: staging}}
  prod:
    mode: production
    git: {branch: release}
    variables: {catalog_name: prod}
)");
    Write("resources/train.yml", R"Y(resources:
  jobs:
    train:
      name: churn-train
      schedule: {quartz_cron_expression: "0 0 3 * * ?", timezone_id: Europe/Berlin}
      tasks:
        - task_key: train
          command_task:
            command: [sh, -c, 'echo "$0 $(cat VERSION)" >> "$1/ran"', '${var.catalog_name}', '${var.out_dir}']
  experiments:
    churn: {name: "/Shared/churn-${bundle.target}"}
)Y");
    Write("VERSION", "v1\n");
    Git("init -q -b main && git add -A && git commit -qm v1");
    commit1_ = Head();
    ASSERT_EQ(Keel({"init"}).exit_code, 0);
  }

  void Write(const std::string& path, const std::string& text) {
    std::ofstream(repo_ + "/" + path) << text;
  }
  void Git(const std::string& command) {
    ASSERT_EQ(std::system(
                  ("cd " + repo_ + " && git -c user.email=t@example.com -c user.name=t " + command)
                      .c_str()),
              0)
        << command;
  }
  std::string Head() {
    std::FILE* p = popen(("git -C " + repo_ + " rev-parse HEAD").c_str(), "r");
    char buf[64] = {0};
    EXPECT_NE(std::fgets(buf, sizeof(buf), p), nullptr);
    pclose(p);
    return std::string(buf, 40);
  }
  testutil::ProcessResult Bundle(std::vector<std::string> args) {
    args.insert(args.begin(), "bundle");
    args.push_back("--root");
    args.push_back(repo_);
    args.push_back("--var");
    args.push_back("out_dir=" + out_);
    return Keel(args);
  }
  json::Value Json(const testutil::ProcessResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
    auto doc = json::Parse(r.stdout_text);
    EXPECT_TRUE(doc.ok()) << r.stdout_text;
    return doc.ok() ? *doc : json::Value::MakeObject();
  }
  std::string Ran() {
    std::ifstream in(out_ + "/ran");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  std::string repo_, out_, commit1_;
};

TEST_F(BundleTest, StagingThenProdFromAReleaseBranchRunTheDeployedCommits) {
  json::Value staging = Json(Bundle({"deploy", "-t", "staging", "--output", "json"}));
  EXPECT_EQ(staging.Find("git_commit")->as_string(), commit1_);
  EXPECT_EQ(staging.Find("git_branch")->as_string(), "main");
  std::string staging_job = staging.Find("resources")->as_array()[0].Find("id")->as_string();

  // Uncommitted edits are not what the job runs.
  Write("VERSION", "v2-uncommitted\n");
  json::Value run = Json(Bundle({"run", "train", "-t", "staging", "--output", "json"}));
  EXPECT_EQ(run.Find("state")->Find("result_state")->as_string(), "SUCCESS") << run.Dump();
  EXPECT_EQ(run.Find("deployment")->Find("git_commit")->as_string(), commit1_);
  EXPECT_EQ(run.Find("deployment")->Find("target")->as_string(), "staging");
  EXPECT_EQ(Ran(), "staging v1\n");

  // Production deploys only from its release branch.
  testutil::ProcessResult wrong = Bundle({"deploy", "-t", "prod"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.stderr_text.find("release"), std::string::npos) << wrong.stderr_text;

  Write("VERSION", "v2\n");
  Git("checkout -q -b release && git commit -qam v2");
  std::string commit2 = Head();
  json::Value prod = Json(Bundle({"deploy", "-t", "prod", "--output", "json"}));
  EXPECT_EQ(prod.Find("git_commit")->as_string(), commit2);
  std::string prod_job = prod.Find("resources")->as_array()[0].Find("id")->as_string();
  EXPECT_NE(prod_job, staging_job);
  json::Value prod_run = Json(Bundle({"run", "train", "-t", "prod", "--output", "json"}));
  EXPECT_EQ(prod_run.Find("deployment")->Find("git_commit")->as_string(), commit2);
  EXPECT_EQ(Ran(), "staging v1\nprod v2\n");

  // Deploying again updates the same job; the job settings carry the target's catalog.
  json::Value again = Json(Bundle({"deploy", "-t", "staging", "--output", "json"}));
  EXPECT_EQ(again.Find("resources")->as_array()[0].Find("id")->as_string(), staging_job);
  EXPECT_EQ(again.Find("resources")->as_array()[0].Find("action")->as_string(), "updated");
  json::Value job = Json(Keel({"jobs", "get", staging_job}));
  std::string command = job.Find("settings")->Find("tasks")->as_array()[0].Dump();
  EXPECT_NE(command.find("\"staging\""), std::string::npos) << command;
  json::Value prod_settings = Json(Keel({"jobs", "get", prod_job}));
  EXPECT_NE(prod_settings.Find("settings")->Find("tasks")->as_array()[0].Dump().find("\"prod\""),
            std::string::npos);
  // The experiment of each target exists.
  std::string experiments = Keel({"experiments", "list", "--output", "json"}).stdout_text;
  EXPECT_NE(experiments.find("/Shared/churn-prod"), std::string::npos) << experiments;
  EXPECT_NE(experiments.find("/Shared/churn-staging"), std::string::npos) << experiments;
}

TEST_F(BundleTest, DevelopmentModeMakesAPausedPersonalCopy) {
  json::Value dev = Json(Bundle({"deploy", "--output", "json"}));  // dev is the default target
  EXPECT_EQ(dev.Find("target")->as_string(), "dev");
  std::string id = dev.Find("resources")->as_array()[0].Find("id")->as_string();
  json::Value job = Json(Keel({"jobs", "get", id}));
  EXPECT_EQ(job.Find("settings")->Find("name")->as_string(), "[dev admin] churn-train");
  EXPECT_EQ(job.Find("settings")->Find("schedule")->Find("pause_status")->as_string(), "PAUSED");
  testutil::ProcessResult destroyed = Bundle({"destroy"});
  EXPECT_EQ(destroyed.exit_code, 0) << destroyed.stderr_text;
  EXPECT_NE(Keel({"jobs", "get", id}).exit_code, 0);
}

TEST_F(BundleTest, ABadJobDefinitionDeploysNothingAndNamesTheLine) {
  Write("resources/broken.yml", R"(resources:
  jobs:
    broken:
      name: broken
      tasks:
        - task_key: a
          depends_on: [{task_key: nope}]
          command_task: {command: ['true']}
)");
  Git("add -A && git commit -qm broken");
  testutil::ProcessResult r = Bundle({"deploy", "-t", "staging"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.stderr_text.find("resources/broken.yml:7"), std::string::npos) << r.stderr_text;
  json::Value jobs = Json(Keel({"jobs", "list", "--output", "json"}));
  EXPECT_EQ(jobs.size(), 0u);
}

}  // namespace
}  // namespace keel::integration

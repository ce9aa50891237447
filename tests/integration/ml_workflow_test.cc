// Issue 7 acceptance, through the real `keel` binary: sample data into dev, profile, AutoML,
// tune, train, evaluate, register and predict, with every run traced to the table version and
// the git commit of the working directory; reproducibility; and bad input that fails clearly
// without leaving a run RUNNING.

#include <gtest/gtest.h>

#include <fstream>

#include "common/json.h"
#include "integration/cli_fixture.h"

namespace keel::integration {
namespace {

class MlWorkflowTest : public CliTest {
 protected:
  void SetUp() override {
    repo_ = dir_.path() + "/project";
    ASSERT_EQ(std::system(("mkdir -p " + repo_ + " && cd " + repo_ +
                           " && git init -q && git config user.email t@example.com && "
                           "git config user.name t && echo spec > README && git add README && "
                           "git commit -qm first")
                              .c_str()),
              0);
    std::FILE* p = popen(("git -C " + repo_ + " rev-parse HEAD").c_str(), "r");
    char buf[64] = {0};
    ASSERT_NE(std::fgets(buf, sizeof(buf), p), nullptr);
    pclose(p);
    commit_ = std::string(buf, 40);
    ASSERT_EQ(Keel({"init"}).exit_code, 0);
    ASSERT_EQ(Keel({"schemas", "create", "dev.churn"}).exit_code, 0);
  }

  // keel <args> --home H, run in the git repository.
  testutil::ProcessResult Run(std::vector<std::string> args) {
    args.push_back("--home");
    args.push_back(home_);
    testutil::RunOptions options;
    options.cwd = repo_;
    options.timeout_millis = 180'000;
    auto r = testutil::RunKeel(args, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : testutil::ProcessResult{};
  }

  json::Value RunJson(std::vector<std::string> args) {
    args.push_back("--output");
    args.push_back("json");
    testutil::ProcessResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    auto doc = json::Parse(r.stdout_text);
    EXPECT_TRUE(doc.ok()) << r.stdout_text;
    return doc.ok() ? *doc : json::Value();
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = repo_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string Tag(const json::Value& run, std::string_view key) {
    const json::Value* tags = run.Find("data") ? run.Find("data")->Find("tags") : nullptr;
    if (tags == nullptr) return "";
    for (const json::Value& t : tags->as_array()) {
      if (t.Find("key")->as_string() == key) return t.Find("value")->as_string();
    }
    return "";
  }

  std::string Param(const json::Value& run, std::string_view key) {
    for (const json::Value& p : run.Find("data")->Find("params")->as_array()) {
      if (p.Find("key")->as_string() == key) return p.Find("value")->as_string();
    }
    return "";
  }

  std::string repo_;
  std::string commit_;
};

constexpr char kSpec[] = R"(table: dev.churn.customers
version: 1
label: churned
features: [tenure_months, plan, contract, region, monthly_charges, support_calls, last_login_days, autopay]
problem: classification
algorithm: xgboost
params: {max_depth: 3, eta: 0.2, num_boost_round: 60, tree_method: hist}
split: {train: 0.7, validation: 0.15, test: 0.15, seed: 5}
early_stopping_rounds: 10
seed: 3
experiment: /Shared/churn
tune:
  strategy: random
  max_trials: 3
  search_space:
    max_depth: {type: int, low: 2, high: 5}
    eta: {type: loguniform, low: 0.05, high: 0.3}
)";

TEST_F(MlWorkflowTest, FromSampleDataToARegisteredModelWithLineage) {
  testutil::ProcessResult ingest = Run(
      {"sample-data", "churn", "--rows", "3000", "--seed", "11", "--table", "dev.churn.customers"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.stderr_text;

  json::Value profile = RunJson({"profile", "dev.churn.customers", "--label", "churned"});
  EXPECT_EQ(profile.Find("num_rows")->as_int(), 3000);
  EXPECT_EQ(profile.Find("columns")->as_array().size(), 10u);

  json::Value automl = RunJson({"automl", "dev.churn.customers", "--target", "churned", "--problem",
                                "classification", "--timeout", "6s", "--max-trials", "4",
                                "--experiment", "/Shared/churn-automl"});
  EXPECT_GE(automl.Find("trials")->as_int(), 2);
  std::string automl_model = automl.Find("best")->Find("model_uri")->as_string();
  EXPECT_EQ(automl_model.rfind("runs:/", 0), 0u) << automl_model;
  json::Value automl_run = RunJson({"runs", "get", automl.Find("run_id")->as_string()});
  EXPECT_EQ(Tag(automl_run, "keel.best_run_id"), automl.Find("best")->Find("run_id")->as_string());
  // customer_id is unique per row: a key, not a feature.
  EXPECT_EQ(Param(automl_run, "excluded_identifier_columns"), "customer_id");
  testutil::ProcessResult report =
      Run({"artifacts", "list", automl.Find("run_id")->as_string(), "profile"});
  EXPECT_NE(report.stdout_text.find("profile/profile.html"), std::string::npos)
      << report.stdout_text;

  // More data arrives; the spec pins version 1, so training reads exactly that.
  ASSERT_EQ(Run({"sample-data", "churn", "--rows", "500", "--seed", "12", "--table",
                 "dev.churn.customers", "--mode", "append"})
                .exit_code,
            0);
  std::string spec = WriteFile("churn.yaml", kSpec);
  json::Value tune = RunJson({"tune", spec});
  EXPECT_EQ(tune.Find("trials")->as_int(), 3);
  json::Value tune_run = RunJson({"runs", "get", tune.Find("run_id")->as_string()});
  EXPECT_EQ(Tag(tune_run, "keel.best_run_id"), tune.Find("best")->Find("run_id")->as_string());
  json::Value best_run = RunJson({"runs", "get", tune.Find("best")->Find("run_id")->as_string()});
  EXPECT_EQ(Tag(best_run, "mlflow.parentRunId"), tune.Find("run_id")->as_string());

  json::Value trained = RunJson({"train", spec, "--register", "dev.churn.churn_model"});
  EXPECT_EQ(trained.Find("registered_version")->as_int(), 1);
  EXPECT_EQ(trained.Find("table_version")->as_int(), 1);
  EXPECT_GT(trained.Find("test_metrics")->Find("roc_auc")->as_double(), 0.7);
  json::Value run = RunJson({"runs", "get", trained.Find("run_id")->as_string()});
  EXPECT_EQ(run.Find("info")->Find("status")->as_string(), "FINISHED");
  EXPECT_EQ(Tag(run, "mlflow.source.git.commit"), commit_);
  EXPECT_EQ(Param(run, "table_version"), "1");
  EXPECT_EQ(Param(run, "max_depth"), "3");
  const json::Value* inputs = run.Find("inputs")->Find("dataset_inputs");
  ASSERT_NE(inputs, nullptr);
  EXPECT_NE(inputs->Dump().find("dev.churn.customers"), std::string::npos);
  EXPECT_NE(inputs->Dump().find("delta_table_version\\\":1"), std::string::npos) << inputs->Dump();
  // Per-round metrics: the validation AUC series has one point per boosting round.
  testutil::ProcessResult artifacts =
      Run({"artifacts", "list", trained.Find("run_id")->as_string(), "explain"});
  EXPECT_NE(artifacts.stdout_text.find("explain/shap_summary.svg"), std::string::npos);
  EXPECT_NE(artifacts.stdout_text.find("explain/feature_importance.svg"), std::string::npos);

  testutil::ProcessResult lineage = Run({"models", "lineage", "dev.churn.churn_model/1"});
  EXPECT_EQ(lineage.exit_code, 0) << lineage.stderr_text;
  EXPECT_NE(lineage.stdout_text.find("dev.churn.customers@v1"), std::string::npos)
      << lineage.stdout_text;
  EXPECT_NE(lineage.stdout_text.find(commit_), std::string::npos) << lineage.stdout_text;

  json::Value evaluation =
      RunJson({"evaluate", "models:/dev.churn.churn_model/1", "dev.churn.customers", "--version",
               "2", "--slice", "plan", "--baseline", automl_model});
  EXPECT_GT(evaluation.Find("metrics")->Find("roc_auc")->as_double(), 0.7);
  EXPECT_NE(evaluation.Find("baseline"), nullptr);
  EXPECT_EQ(evaluation.Find("slices")->as_array().size(), 3u);  // basic, premium, standard
  EXPECT_EQ(evaluation.Find("rows")->as_int(), 3500);

  testutil::ProcessResult predicted =
      Run({"predict", "models:/dev.churn.churn_model/1", "dev.churn.customers", "--output",
           "dev.churn.predictions", "--format", "json"});
  ASSERT_EQ(predicted.exit_code, 0) << predicted.stderr_text;
  EXPECT_NE(predicted.stdout_text.find("\"rows\": 3500"), std::string::npos)
      << predicted.stdout_text;
  testutil::ProcessResult rows = Run({"tables", "read", "dev.churn.predictions", "--limit", "2"});
  EXPECT_NE(rows.stdout_text.find("\"probability\":"), std::string::npos) << rows.stdout_text;
}

TEST_F(MlWorkflowTest, TheSameSpecSeedAndVersionGiveTheSameModel) {
  ASSERT_EQ(Run({"sample-data", "churn", "--rows", "2000", "--seed", "3", "--table",
                 "dev.churn.customers"})
                .exit_code,
            0);
  std::string spec = WriteFile("churn.yaml", kSpec);
  json::Value a = RunJson({"train", spec});
  json::Value b = RunJson({"train", spec});
  EXPECT_EQ(a.Find("test_metrics")->Dump(), b.Find("test_metrics")->Dump());
  EXPECT_EQ(a.Find("validation_metrics")->Dump(), b.Find("validation_metrics")->Dump());
  std::string files[2];
  for (int i = 0; i < 2; ++i) {
    const json::Value& r = i == 0 ? a : b;
    std::string dest = dir_.path() + "/m" + std::to_string(i);
    ASSERT_EQ(Run({"artifacts", "download", r.Find("run_id")->as_string(), "model/model.json",
                   "--to", dest + ".json"})
                  .exit_code,
              0);
    std::ifstream in(dest + ".json");
    files[i].assign(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_GT(files[0].size(), 1000u);
  EXPECT_EQ(files[0], files[1]);
  // A linear model too.
  json::Value la = RunJson({"train", "--table", "dev.churn.customers", "--label", "churned",
                            "--problem", "classification", "--algorithm", "linear"});
  json::Value lb = RunJson({"train", "--table", "dev.churn.customers", "--label", "churned",
                            "--problem", "classification", "--algorithm", "linear"});
  EXPECT_EQ(la.Find("test_metrics")->Dump(), lb.Find("test_metrics")->Dump());
}

TEST_F(MlWorkflowTest, BadInputIsAClearErrorAndNoRunStaysRunning) {
  ASSERT_EQ(Run({"sample-data", "churn", "--rows", "300", "--seed", "3", "--table",
                 "dev.churn.customers"})
                .exit_code,
            0);
  auto table = [&](const std::string& name, const std::string& schema, const std::string& csv) {
    ASSERT_EQ(Run({"tables", "create", name, "--schema", schema}).exit_code, 0);
    if (!csv.empty()) {
      ASSERT_EQ(Run({"tables", "write", name, "--from", WriteFile(name + ".csv", csv)}).exit_code,
                0);
    }
  };
  table("dev.churn.one_class", "x double, y int", "x,y\n1,1\n2,1\n3,1\n4,1\n");
  table("dev.churn.empty", "x double, y int", "");
  table("dev.churn.inf", "x double, y int", "x,y\n1,0\nInfinity,1\n2,0\n3,1\n");
  table("dev.churn.nan_label", "x double, y double", "x,y\n1,0\n2,NaN\n3,1\n");
  table("dev.churn.text", "x double, y string", "x,y\n1,abc\n2,def\n");

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  auto train = [](std::string table, std::string label, std::string problem,
                  std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"train",     "--table", table,          "--label",    label,
                                     "--problem", problem,   "--experiment", "/Shared/bad"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  std::string bad_space = WriteFile(
      "bad_space.yaml",
      "table: dev.churn.customers\nlabel: churned\nproblem: classification\nexperiment: "
      "/Shared/bad\ntune:\n  search_space:\n    max_depth: {type: int, low: 8, high: 2}\n");
  std::string typo = WriteFile("typo.yaml",
                               "table: dev.churn.customers\nlabel: churned\nproblem: "
                               "classification\nlabels: x\n");
  const Case cases[] = {
      {train("dev.churn.customers", "churned", "classification", {"--features", "tenure,nope"}),
       "no feature column 'tenure'"},
      {train("dev.churn.customers", "nope", "classification"), "no label column 'nope'"},
      {train("dev.churn.one_class", "y", "classification"), "only one class"},
      {train("dev.churn.empty", "y", "classification"), "has no rows"},
      {train("dev.churn.inf", "y", "classification"), "'x' holds an infinite value at row 1"},
      {train("dev.churn.nan_label", "y", "regression"), "holds NaN at row 1"},
      {train("dev.churn.text", "y", "regression"), "regression needs a numeric label"},
      {train("dev.churn.customers", "churned", "classification", {"--param", "max_depth=-2"}),
       "max_depth"},
      {train("dev.churn.customers", "churned", "sideways"), "not one of: classification"},
      {{"tune", bad_space}, "max_depth"},
      {{"train", typo}, "labels"},
      {{"automl", "dev.churn.customers", "--target", "churned", "--problem", "classification",
        "--timeout", "soon"},
       "duration 'soon'"},
      {{"evaluate", "s3://bucket/model", "dev.churn.customers"}, "is not models:/"},
      {{"predict", "runs:/0123456789abcdef0123456789abcdef/model", "dev.churn.customers",
        "--output", "dev.churn.p"},
       ""},
  };
  for (const Case& c : cases) {
    testutil::ProcessResult r = Run(c.args);
    std::string line;
    for (const auto& a : c.args) line += a + " ";
    EXPECT_NE(r.exit_code, 0) << line;
    EXPECT_NE(r.stderr_text.find("Error: "), std::string::npos) << line << r.stderr_text;
    EXPECT_NE(r.stderr_text.find(c.message), std::string::npos)
        << line << "\n  wanted: " << c.message << "\n  got: " << r.stderr_text;
  }
  // The runs the failures started ended FAILED; none is left RUNNING.
  json::Value experiment = RunJson({"experiments", "get", "/Shared/bad"});
  std::string id = experiment.Find("experiment_id")
                       ? experiment.Find("experiment_id")->as_string()
                       : experiment.Find("experiment")->Find("experiment_id")->as_string();
  json::Value failed = RunJson({"runs", "search", id, "--filter", "attributes.status = 'FAILED'"});
  EXPECT_GE(failed.Dump().find("run_id") != std::string::npos, true) << failed.Dump();
  json::Value running =
      RunJson({"runs", "search", id, "--filter", "attributes.status = 'RUNNING'"});
  EXPECT_EQ(running.Dump().find("run_id"), std::string::npos) << running.Dump();
}

}  // namespace
}  // namespace keel::integration

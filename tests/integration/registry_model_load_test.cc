// Issue 6 acceptance: a model logged to a run and registered from it downloads through
// models:/<name>@champion, as an MLflow client on another machine would fetch it, and loads and
// predicts in Keel's ml layer.

#include <cmath>

#include "integration/registry_fixture.h"
#include "ml/linear/linear_model.h"
#include "ml/model_loader.h"
#include "testutil/temp_dir.h"

namespace keel::integration {
namespace {

class RegistryModelLoadTest : public RegistryTest {};

batch::RecordBatch Rows(const std::vector<double>& tenure, const std::vector<double>& spend) {
  batch::RecordBatch b;
  for (auto [name, values] : {std::pair{"tenure", &tenure}, std::pair{"spend", &spend}}) {
    batch::Column c = batch::Column::Make(batch::DataType::Primitive(batch::TypeId::kDouble));
    for (double v : *values) {
      c.f64.push_back(v);
      c.MarkAppendedValid();
    }
    b.schema.fields.push_back(
        batch::Field{name, batch::DataType::Primitive(batch::TypeId::kDouble), true});
    b.columns.push_back(std::move(c));
  }
  b.num_rows = static_cast<int64_t>(tenure.size());
  return b;
}

TEST_F(RegistryModelLoadTest, ModelRegisteredFromARunDownloadsByAliasAndPredicts) {
  testutil::ApiClient alice = As(alice_token_);
  RunRef run = CreateRun(alice, "/Users/alice/churn");

  // The data scientist's side: a logistic model saved as an MLflow model directory and logged
  // to the run file by file, as mlflow.<flavor>.log_model uploads it.
  testutil::TempDir local;
  ml::LinearModelSpec spec;
  spec.kind = ml::LinearKind::kLogistic;
  spec.features = {"tenure", "spend"};
  spec.coefficients = {-0.08, 0.015};
  spec.intercept = 0.4;
  registry::MlModel meta;
  meta.run_id = run.run_id;
  meta.artifact_path = "model";
  ASSERT_TRUE(ml::SaveLinearModel(FileSystem::Default(), local.path() + "/model", spec, meta).ok());
  for (const char* name : {"MLmodel", "model.json"}) {
    auto content = FileSystem::Default()->ReadFile(local.path() + "/model/" + name);
    ASSERT_TRUE(content.ok());
    PutRunArtifact(alice, run, std::string("model/") + name, *content);
  }

  RegisterModel(alice, run, "model", "dev.default.churn");
  Ok(alice, "POST", "/registered-models/alias",
     Body({{"name", "dev.default.churn"}, {"alias", "champion"}, {"version", "1"}}));

  // The serving side: resolve models:/dev.default.churn@champion and fetch the files over HTTP.
  std::map<std::string, std::string> files =
      DownloadModelsUri(alice, "dev.default.churn", "champion");
  ASSERT_EQ(files.count("MLmodel"), 1u);
  ASSERT_EQ(files.count("model.json"), 1u);
  testutil::TempDir fetched;
  for (const auto& [path, content] : files) {
    ASSERT_TRUE(FileSystem::Default()->WriteFileAtomic(fetched.path() + "/" + path, content).ok());
  }

  auto model = ml::LoadModel(FileSystem::Default(), fetched.path());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->flavor(), "keel_linear");
  EXPECT_EQ((*model)->feature_names(), spec.features);
  auto predictions = (*model)->Predict(Rows({12, 40}, {30, 80}));
  ASSERT_TRUE(predictions.ok()) << predictions.status().ToString();
  ASSERT_EQ(predictions->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    double tenure = i == 0 ? 12 : 40, spend = i == 0 ? 30 : 80;
    double z = spec.intercept + spec.coefficients[0] * tenure + spec.coefficients[1] * spend;
    EXPECT_NEAR((*predictions)[i], 1 / (1 + std::exp(-z)), 1e-12) << "row " << i;
  }
}

}  // namespace
}  // namespace keel::integration

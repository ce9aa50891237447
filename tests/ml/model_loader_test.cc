#include "ml/model_loader.h"

#include <gtest/gtest.h>

#include "ml/linear/linear_model.h"
#include "ml/ml_test_util.h"
#include "registry/mlmodel.h"
#include "testutil/temp_dir.h"

namespace keel::ml {
namespace {

FileSystem* fs() { return FileSystem::Default(); }

TEST(ModelLoaderTest, LoadsAKeelLinearModelDirectory) {
  testutil::TempDir dir;
  LinearModelSpec spec;
  spec.features = {"x"};
  spec.coefficients = {3.0};
  spec.intercept = 1.0;
  registry::MlModel overrides;
  overrides.run_id = "5d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6";
  ASSERT_TRUE(SaveLinearModel(fs(), dir.Join("model"), spec, overrides).ok());

  auto model = LoadModel(fs(), dir.Join("model"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->flavor(), "keel_linear");
  batch::RecordBatch input;
  testing::AddNumericColumn(&input, "x", batch::TypeId::kDouble, {0, 2});
  auto predictions = (*model)->Predict(input);
  ASSERT_TRUE(predictions.ok()) << predictions.status().ToString();
  EXPECT_EQ(*predictions, (std::vector<double>{1.0, 7.0}));
}

TEST(ModelLoaderTest, AModelWithoutASupportedFlavorIsRefusedNamingTheFlavors) {
  testutil::TempDir dir;
  auto sklearn = registry::ParseMlModel(
      "flavors:\n  sklearn:\n    pickled_model: model.pkl\n"
      "  python_function:\n    loader_module: mlflow.sklearn\n");
  ASSERT_TRUE(sklearn.ok());
  ASSERT_TRUE(registry::WriteMlModel(fs(), dir.path(), *sklearn).ok());
  auto model = LoadModel(fs(), dir.path());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(model.status().message(),
            "model has flavors [python_function, sklearn]; Keel can load: keel_linear, xgboost");
}

TEST(ModelLoaderTest, ADirectoryWithoutMlmodelIsNotFound) {
  testutil::TempDir dir;
  auto model = LoadModel(fs(), dir.path());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_NE(model.status().message().find("no MLmodel file in"), std::string::npos);
}

TEST(ModelLoaderTest, ACorruptMlmodelIsCorruption) {
  testutil::TempDir dir;
  ASSERT_TRUE(fs()->WriteFileAtomic(dir.Join("MLmodel"), "flavors:\n\t- tabs\n").ok());
  auto model = LoadModel(fs(), dir.path());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(model.status().message().find(dir.Join("MLmodel")), std::string::npos);
}

}  // namespace
}  // namespace keel::ml

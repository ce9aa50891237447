#include "ml/linear/linear_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/json.h"
#include "ml/ml_test_util.h"
#include "testutil/temp_dir.h"

namespace keel::ml {
namespace {

using batch::TypeId;
using testing::AddNumericColumn;

FileSystem* fs() { return FileSystem::Default(); }

LinearModelSpec HousePriceSpec() {
  LinearModelSpec spec;
  spec.kind = LinearKind::kLinear;
  spec.features = {"rooms", "area", "age"};
  spec.coefficients = {10.5, 0.25, -2.0};
  spec.intercept = 50.0;
  return spec;
}

batch::RecordBatch HouseBatch() {
  batch::RecordBatch input;
  AddNumericColumn(&input, "age", TypeId::kInt, {10, 0, 3});
  AddNumericColumn(&input, "area", TypeId::kDouble, {80, 120.5, 40});
  AddNumericColumn(&input, "rooms", TypeId::kLong, {3, 4, 1});
  return input;
}

std::unique_ptr<LinearModel> SaveAndLoad(const std::string& dir, const LinearModelSpec& spec,
                                         registry::MlModel overrides = {}) {
  Status saved = SaveLinearModel(fs(), dir, spec, std::move(overrides));
  EXPECT_TRUE(saved.ok()) << saved.ToString();
  auto mlmodel = registry::ReadMlModel(fs(), dir);
  EXPECT_TRUE(mlmodel.ok()) << mlmodel.status().ToString();
  if (!mlmodel.ok()) return nullptr;
  auto model = LoadLinearModel(fs(), dir, *mlmodel);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? std::move(*model) : nullptr;
}

void ExpectCode(const Status& s, ErrorCode code, const std::string& message_part) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(message_part), std::string::npos) << s.message();
}

TEST(LinearModelTest, SavedLinearModelLoadsAndPredictsHandComputedValues) {
  testutil::TempDir dir;
  auto model = SaveAndLoad(dir.Join("model"), HousePriceSpec());
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->flavor(), "keel_linear");
  EXPECT_EQ(model->feature_names(), (std::vector<std::string>{"rooms", "area", "age"}));
  auto predictions = model->Predict(HouseBatch());
  ASSERT_TRUE(predictions.ok()) << predictions.status().ToString();
  ASSERT_EQ(predictions->size(), 3u);
  EXPECT_DOUBLE_EQ((*predictions)[0], 50 + 10.5 * 3 + 0.25 * 80 - 2.0 * 10);    // 81.5
  EXPECT_DOUBLE_EQ((*predictions)[1], 50 + 10.5 * 4 + 0.25 * 120.5 - 2.0 * 0);  // 122.125
  EXPECT_DOUBLE_EQ((*predictions)[2], 50 + 10.5 * 1 + 0.25 * 40 - 2.0 * 3);     // 64.5
}

TEST(LinearModelTest, LogisticModelPredictsThePositiveClassProbability) {
  LinearModelSpec spec;
  spec.kind = LinearKind::kLogistic;
  spec.features = {"x1", "x2"};
  spec.coefficients = {2.0, -1.0};
  spec.intercept = -0.5;
  testutil::TempDir dir;
  auto model = SaveAndLoad(dir.Join("model"), spec);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->spec().kind, LinearKind::kLogistic);
  batch::RecordBatch input;
  AddNumericColumn(&input, "x1", TypeId::kFloat, {0.25, 1000, -1000});
  AddNumericColumn(&input, "x2", TypeId::kDouble, {0, 0, 0});
  auto p = model->Predict(input);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_DOUBLE_EQ((*p)[0], 0.5);  // z = -0.5 + 2 * 0.25 = 0
  EXPECT_DOUBLE_EQ((*p)[1], 1.0);  // saturates without overflow
  EXPECT_GE((*p)[2], 0.0);
  EXPECT_LT((*p)[2], 1e-300);
  input.columns[1].f64[0] = 1.0;  // z = -1
  p = model->Predict(input);
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ((*p)[0], 1.0 / (1.0 + std::exp(1.0)));
}

TEST(LinearModelTest, SaveWritesAnMlflowModelDirectory) {
  testutil::TempDir dir;
  registry::MlModel overrides;
  overrides.run_id = "0123456789abcdef0123456789abcdef";
  overrides.artifact_path = "model";
  ASSERT_TRUE(SaveLinearModel(fs(), dir.Join("m"), HousePriceSpec(), overrides).ok());
  auto names = fs()->ListDir(dir.Join("m"));
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"MLmodel", "model.json"}));

  auto m = registry::ReadMlModel(fs(), dir.Join("m"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->run_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(m->artifact_path, "model");
  EXPECT_EQ(m->flavor_names(), (std::vector<std::string>{"keel_linear", "python_function"}));
  const json::Value* keel = m->FindFlavor("keel_linear");
  EXPECT_EQ(keel->Find("model_path")->as_string(), "model.json");
  EXPECT_EQ(keel->Find("kind")->as_string(), "linear");
  EXPECT_TRUE(keel->Find("keel_version")->is_string());
  const json::Value* pyfunc = m->FindFlavor("python_function");
  EXPECT_EQ(pyfunc->Find("loader_module")->as_string(), "keel.linear");
  EXPECT_EQ(pyfunc->Find("data")->as_string(), "model.json");
  ASSERT_TRUE(m->signature && m->signature->inputs);
  EXPECT_EQ(*m->signature->inputs, R"([{"type": "double", "name": "rooms", "required": true}, )"
                                   R"({"type": "double", "name": "area", "required": true}, )"
                                   R"({"type": "double", "name": "age", "required": true}])");
  auto inputs = json::Parse(*m->signature->inputs);  // MLflow reads it as JSON
  EXPECT_TRUE(inputs.ok());
  ASSERT_TRUE(m->utc_time_created.has_value());
  EXPECT_TRUE(registry::ParseUtcTimeCreated(*m->utc_time_created).ok());
  EXPECT_EQ(m->model_uuid->size(), 32u);
  auto json_size = fs()->FileSize(dir.Join("m/model.json"));
  ASSERT_TRUE(json_size.ok());
  EXPECT_EQ(m->model_size_bytes, static_cast<int64_t>(*json_size));

  auto model_json = fs()->ReadFile(dir.Join("m/model.json"));
  ASSERT_TRUE(model_json.ok());
  auto doc = json::Parse(*model_json);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->Dump(), R"({"format_version":1,"kind":"linear","features":["rooms","area","age"],)"
                         R"("coefficients":[10.5,0.25,-2.0],"intercept":50.0})");
}

TEST(LinearModelTest, CoefficientsSurviveSavingBitForBit) {
  LinearModelSpec spec;
  spec.features = {"a", "b", "c"};
  spec.coefficients = {0.1, 1.0 / 3.0, -6.02214076e23};
  spec.intercept = 5e-324;
  testutil::TempDir dir;
  auto model = SaveAndLoad(dir.Join("m"), spec);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->spec().coefficients, spec.coefficients);
  EXPECT_EQ(model->spec().intercept, spec.intercept);
}

TEST(LinearModelTest, SaveRefusesInvalidSpecs) {
  testutil::TempDir dir;
  auto refused = [&](LinearModelSpec spec, const std::string& message_part) {
    ExpectCode(SaveLinearModel(fs(), dir.Join("m"), spec), ErrorCode::kInvalidParameterValue,
               message_part);
  };
  LinearModelSpec spec = HousePriceSpec();
  spec.coefficients.pop_back();
  refused(spec, "one coefficient per feature; got 2 for 3 features");
  spec = HousePriceSpec();
  spec.features[2] = "rooms";
  refused(spec, "feature 'rooms' is listed twice");
  spec = HousePriceSpec();
  spec.coefficients[1] = NAN;
  refused(spec, "coefficient of feature 'area' is not a finite number");
  spec = HousePriceSpec();
  spec.intercept = INFINITY;
  refused(spec, "intercept is not a finite number");
  refused(LinearModelSpec{}, "at least one feature");
  spec = HousePriceSpec();
  spec.features[0] = "";
  refused(spec, "must not be empty");
  EXPECT_FALSE(fs()->Exists(dir.Join("m")).value_or(true));  // nothing written
}

TEST(LinearModelTest, SaveRefusesADirectoryThatAlreadyHoldsAModel) {
  testutil::TempDir dir;
  ASSERT_TRUE(SaveLinearModel(fs(), dir.Join("m"), HousePriceSpec()).ok());
  ExpectCode(SaveLinearModel(fs(), dir.Join("m"), HousePriceSpec()),
             ErrorCode::kResourceAlreadyExists, "already holds a model");
}

TEST(LinearModelTest, PredictNamesAMissingColumnABadTypeAndANullRow) {
  auto model = LinearModel::Make(HousePriceSpec());
  ASSERT_TRUE(model.ok());
  batch::RecordBatch missing;
  AddNumericColumn(&missing, "rooms", TypeId::kInt, {1});
  AddNumericColumn(&missing, "area", TypeId::kInt, {1});
  ExpectCode((*model)->Predict(missing).status(), ErrorCode::kInvalidParameterValue,
             "no column 'age'");

  batch::RecordBatch bad_type = HouseBatch();
  testing::AddStringColumn(&bad_type, "other", {"a", "b", "c"});
  bad_type.schema.fields[0].name = "old_age";
  bad_type.schema.fields[3].name = "age";
  ExpectCode((*model)->Predict(bad_type).status(), ErrorCode::kInvalidParameterValue,
             "column 'age' has type string");

  batch::RecordBatch with_null;
  AddNumericColumn(&with_null, "rooms", TypeId::kInt, {1, 2});
  AddNumericColumn(&with_null, "area", TypeId::kDouble, {1, std::nullopt});
  AddNumericColumn(&with_null, "age", TypeId::kInt, {1, 2});
  ExpectCode((*model)->Predict(with_null).status(), ErrorCode::kInvalidParameterValue,
             "column 'area' is null at row 1");
}

class CorruptModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_dir_ = dir_.Join("m");
    ASSERT_TRUE(SaveLinearModel(fs(), model_dir_, HousePriceSpec()).ok());
  }

  Status LoadStatus() {
    auto mlmodel = registry::ReadMlModel(fs(), model_dir_);
    if (!mlmodel.ok()) return mlmodel.status();
    return LoadLinearModel(fs(), model_dir_, *mlmodel).status();
  }

  void WriteModelJson(std::string_view text) {
    ASSERT_TRUE(fs()->WriteFileAtomic(JoinPath(model_dir_, "model.json"), text).ok());
  }

  testutil::TempDir dir_;
  std::string model_dir_;
};

TEST_F(CorruptModelTest, GarbageModelJsonIsCorruptionNamingTheFile) {
  const std::string path = JoinPath(model_dir_, "model.json");
  for (
      std::string_view text :
      {std::string_view(""), std::string_view("\x89PNG\r\n"), std::string_view("{\"kind\":"),
       std::string_view("[1, 2]"),
       std::string_view(R"({"kind":"tree","features":["a"],"coefficients":[1],"intercept":0})"),
       std::string_view(R"({"kind":"linear","features":["a"],"coefficients":[1]})"),
       std::string_view(
           R"({"kind":"linear","features":["a","b"],"coefficients":[1],"intercept":0})"),
       std::string_view(R"({"kind":"linear","features":[1],"coefficients":[1],"intercept":0})"),
       std::string_view(R"({"kind":"linear","features":["a"],"coefficients":["1"],"intercept":0})"),
       std::string_view(
           R"({"format_version":2,"kind":"linear","features":["a"],"coefficients":[1],"intercept":0})")}) {
    WriteModelJson(text);
    ExpectCode(LoadStatus(), ErrorCode::kCorruption, "model file " + path + " is corrupt");
  }
}

TEST_F(CorruptModelTest, AMissingModelJsonIsCorruption) {
  ASSERT_TRUE(fs()->RemoveFile(JoinPath(model_dir_, "model.json")).ok());
  ExpectCode(LoadStatus(), ErrorCode::kCorruption, "is missing");
}

TEST_F(CorruptModelTest, AModelPathOutsideTheDirectoryIsRefused) {
  auto mlmodel = registry::ReadMlModel(fs(), model_dir_);
  ASSERT_TRUE(mlmodel.ok());
  for (const char* path : {"../model.json", "/etc/passwd", "", ".."}) {
    registry::MlModel m = *mlmodel;
    m.flavors["keel_linear"].Set("model_path", path);
    ExpectCode(LoadLinearModel(fs(), model_dir_, m).status(), ErrorCode::kCorruption,
               "model_path must name a file inside the model directory");
  }
}

TEST_F(CorruptModelTest, AFlavorKindThatDisagreesWithModelJsonIsCorruption) {
  auto mlmodel = registry::ReadMlModel(fs(), model_dir_);
  ASSERT_TRUE(mlmodel.ok());
  registry::MlModel m = *mlmodel;
  m.flavors["keel_linear"].Set("kind", "logistic");
  ExpectCode(LoadLinearModel(fs(), model_dir_, m).status(), ErrorCode::kCorruption,
             "holds a linear model");
}

}  // namespace
}  // namespace keel::ml

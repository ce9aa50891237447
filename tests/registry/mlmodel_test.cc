#include "registry/mlmodel.h"

#include <gtest/gtest.h>

#include "testutil/temp_dir.h"

namespace keel::registry {
namespace {

// What mlflow.sklearn.log_model (MLflow 2.9) writes, with PyYAML's folding of the long
// signature line.
constexpr std::string_view kSklearnMlModel = R"yaml(artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.10.12
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.3.2
mlflow_version: 2.9.2
model_size_bytes: 1152
model_uuid: 7c2b5e3fa2e94d0d8a5b8c1b7d1a2f3e
run_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type":
    "double", "name": "sepal width (cm)", "required": true}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
utc_time_created: '2024-01-15 10:23:45.123456'
)yaml";

// mlflow.xgboost.log_model, MLflow 2.10, no signature.
constexpr std::string_view kXgboostMlModel = R"(artifact_path: model
flavors:
  python_function:
    data: model.xgb
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.xgboost
    python_version: 3.11.4
  xgboost:
    code: null
    data: model.xgb
    model_class: xgboost.sklearn.XGBClassifier
    model_format: xgb
    xgb_version: 2.0.3
mlflow_version: 2.10.0
model_size_bytes: 20351
model_uuid: 51f7b0f1c0c44d0c9f0b7c0b3f3f6d2a
run_id: 5d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6
utc_time_created: '2024-02-01 08:00:00.500000'
)";

// MLflow 3: a LoggedModel id and fields Keel does not name (kept as extra).
constexpr std::string_view kMlflow3MlModel =
    R"(artifact_path: mlflow-artifacts:/1/models/m-4f1e8a0c2b9d4e6f8a7b6c5d4e3f2a1b/artifacts
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.12.3
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.5.1
is_signature_from_type_hint: false
metadata:
  owner: ml-team
  tags:
  - prod
  - 'yes'
mlflow_version: 3.1.0
model_id: m-4f1e8a0c2b9d4e6f8a7b6c5d4e3f2a1b
model_size_bytes: 845
model_uuid: m-4f1e8a0c2b9d4e6f8a7b6c5d4e3f2a1b
prompts: null
run_id: 2d5c8e9f0a1b4c3d8e7f6a5b4c3d2e1f
signature:
  inputs: '[{"type": "long", "name": "x", "required": true}]'
  outputs: '[{"type": "double", "required": true}]'
  params: null
type_hint_from_example: false
utc_time_created: '2025-06-23 09:12:45.123456'
)";

MlModel ParseOk(std::string_view text) {
  auto model = ParseMlModel(text);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? *model : MlModel();
}

void ExpectInvalid(std::string_view text, std::string_view message_part) {
  auto model = ParseMlModel(text);
  ASSERT_FALSE(model.ok()) << text;
  EXPECT_EQ(model.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(model.status().message().find(message_part), std::string::npos)
      << model.status().message();
}

TEST(MlModelTest, ParsesAnSklearnModelWithASignature) {
  MlModel m = ParseOk(kSklearnMlModel);
  EXPECT_EQ(m.artifact_path, "model");
  EXPECT_EQ(m.flavor_names(), (std::vector<std::string>{"python_function", "sklearn"}));
  EXPECT_EQ(m.FindFlavor("python_function")->Find("loader_module")->as_string(), "mlflow.sklearn");
  EXPECT_EQ(m.FindFlavor("python_function")->Find("python_version")->as_string(), "3.10.12");
  EXPECT_TRUE(m.FindFlavor("sklearn")->Find("code")->is_null());
  EXPECT_EQ(m.run_id, "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  EXPECT_EQ(m.model_uuid, "7c2b5e3fa2e94d0d8a5b8c1b7d1a2f3e");
  EXPECT_EQ(m.utc_time_created, "2024-01-15 10:23:45.123456");
  EXPECT_EQ(m.mlflow_version, "2.9.2");
  EXPECT_EQ(m.model_size_bytes, 1152);
  ASSERT_TRUE(m.signature.has_value());
  EXPECT_EQ(*m.signature->inputs,
            R"j([{"type": "double", "name": "sepal length (cm)", "required": true}, )j"
            R"j({"type": "double", "name": "sepal width (cm)", "required": true}])j");
  EXPECT_EQ(*m.signature->outputs,
            R"([{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}])");
  EXPECT_FALSE(m.signature->params.has_value());
  EXPECT_EQ(m.saved_input_example_info.Find("type")->as_string(), "dataframe");
  EXPECT_TRUE(m.metadata.is_null());
  EXPECT_FALSE(m.model_id.has_value());
  EXPECT_EQ(m.extra.size(), 0u);
}

TEST(MlModelTest, ParsesAnXgboostModelWithoutASignature) {
  MlModel m = ParseOk(kXgboostMlModel);
  EXPECT_EQ(m.FindFlavor("xgboost")->Find("model_class")->as_string(),
            "xgboost.sklearn.XGBClassifier");
  EXPECT_EQ(m.FindFlavor("xgboost")->Find("xgb_version")->as_string(), "2.0.3");
  EXPECT_FALSE(m.signature.has_value());
  EXPECT_TRUE(m.saved_input_example_info.is_null());
}

TEST(MlModelTest, ParsesAnMlflow3ModelKeepingUnknownFields) {
  MlModel m = ParseOk(kMlflow3MlModel);
  EXPECT_EQ(m.model_id, "m-4f1e8a0c2b9d4e6f8a7b6c5d4e3f2a1b");
  EXPECT_EQ(m.artifact_path,
            "mlflow-artifacts:/1/models/m-4f1e8a0c2b9d4e6f8a7b6c5d4e3f2a1b/artifacts");
  EXPECT_EQ(m.metadata.Find("tags")->as_array()[1].as_string(), "yes");
  EXPECT_EQ(
      m.extra.Dump(),
      R"({"is_signature_from_type_hint":false,"prompts":null,"type_hint_from_example":false})");
}

TEST(MlModelTest, ToYamlWritesWhatMlflowWritesForTheSameModel) {
  // Each text above is what yaml.safe_dump(default_flow_style=False) writes for its content,
  // folding of the long signature line included.
  EXPECT_EQ(ParseOk(kSklearnMlModel).ToYaml(), kSklearnMlModel);
  EXPECT_EQ(ParseOk(kXgboostMlModel).ToYaml(), kXgboostMlModel);
  EXPECT_EQ(ParseOk(kMlflow3MlModel).ToYaml(), kMlflow3MlModel);
}

TEST(MlModelTest, RoundTripsThroughToYaml) {
  for (std::string_view text : {kSklearnMlModel, kXgboostMlModel, kMlflow3MlModel}) {
    MlModel m = ParseOk(text);
    auto again = ParseMlModel(m.ToYaml());
    ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << m.ToYaml();
    EXPECT_EQ(*again, m) << m.ToYaml();
  }
}

TEST(MlModelTest, ConvertsToAndFromTheJsonThatMlflowClientsSend) {
  MlModel m = ParseOk(kMlflow3MlModel);
  json::Value doc = m.ToJson();
  EXPECT_EQ(doc.Find("model_id")->as_string(), "m-4f1e8a0c2b9d4e6f8a7b6c5d4e3f2a1b");
  EXPECT_TRUE(doc.Find("prompts")->is_null());
  EXPECT_TRUE(doc.Find("signature")->Find("params")->is_null());
  auto back = MlModelFromJson(doc);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  auto from_text = json::Parse(doc.Dump());
  ASSERT_TRUE(from_text.ok());
  EXPECT_EQ(*MlModelFromJson(*from_text), m);
  auto not_object = MlModelFromJson(json::Value("flavors"));
  EXPECT_FALSE(not_object.ok());
  EXPECT_EQ(MlModelFromJson(json::Value::MakeObject()).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST(MlModelTest, ToYamlSortsKeysAndWritesAllSignatureParts) {
  MlModel m;
  m.flavors.Set("zeta", json::Value::MakeObject());
  json::Value keel = json::Value::MakeObject();
  keel.Set("model_path", "model.json");
  keel.Set("kind", "linear");
  m.flavors.Set("keel_linear", keel);
  m.run_id = "abc";
  m.signature = ModelSignature{R"([{"name": "x", "type": "double"}])", std::nullopt, std::nullopt};
  m.utc_time_created = "2024-01-01 00:00:00";
  EXPECT_EQ(m.ToYaml(),
            "flavors:\n"
            "  keel_linear:\n"
            "    kind: linear\n"
            "    model_path: model.json\n"
            "  zeta: {}\n"
            "run_id: abc\n"
            "signature:\n"
            "  inputs: '[{\"name\": \"x\", \"type\": \"double\"}]'\n"
            "  outputs: null\n"
            "  params: null\n"
            "utc_time_created: '2024-01-01 00:00:00'\n");
}

TEST(MlModelTest, RefusesTextWithoutFlavors) {
  ExpectInvalid("run_id: abc\n", "no 'flavors' field");
  ExpectInvalid("flavors: null\n", "no 'flavors' field");
  ExpectInvalid("flavors: {}\n", "'flavors' must be a non-empty mapping");
  ExpectInvalid("flavors:\n- sklearn\n", "'flavors' must be a non-empty mapping");
  ExpectInvalid("flavors:\n  sklearn: 1.3\n", "flavor 'sklearn' must be a mapping");
}

TEST(MlModelTest, RefusesFieldsOfTheWrongType) {
  const std::string flavors = "flavors:\n  keel_linear:\n    kind: linear\n";
  ExpectInvalid(flavors + "run_id: [a]\n", "'run_id' must be a string");
  ExpectInvalid(flavors + "mlflow_version: 2.9\n", "'mlflow_version' must be a string");
  ExpectInvalid(flavors + "model_size_bytes: big\n", "'model_size_bytes' must be an integer");
  ExpectInvalid(flavors + "model_size_bytes: -1\n", "'model_size_bytes' must not be negative");
  ExpectInvalid(flavors + "signature: '[]'\n", "'signature' must be a mapping");
  ExpectInvalid(flavors + "signature:\n  inputs:\n    a: 1\n", "'signature.inputs' must be");
  ExpectInvalid(flavors + "metadata: text\n", "'metadata' must be a mapping");
  ExpectInvalid(flavors + "saved_input_example_info: [1]\n",
                "'saved_input_example_info' must be a mapping");
}

TEST(MlModelTest, RefusesTextThatIsNotAYamlMapping) {
  ExpectInvalid("", "must be a mapping of fields");
  ExpectInvalid("- flavors\n", "must be a mapping of fields");
  ExpectInvalid("flavors: {sklearn: {a: 1}\n", "not valid YAML");
  ExpectInvalid(std::string("\x00\x01\x02garbage", 10), "not valid YAML");
}

TEST(MlModelTest, WriteThenReadGivesTheSameModel) {
  testutil::TempDir dir;
  MlModel m = ParseOk(kMlflow3MlModel);
  std::string model_dir = dir.Join("runs/r1/artifacts/model");
  ASSERT_TRUE(WriteMlModel(FileSystem::Default(), model_dir, m).ok());
  auto back = ReadMlModel(FileSystem::Default(), model_dir);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  auto names = FileSystem::Default()->ListDir(model_dir);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"MLmodel"});  // no temporary file left behind
}

TEST(MlModelTest, ReadingADirectoryWithoutMlmodelIsNotFoundWithAHint) {
  testutil::TempDir dir;
  auto m = ReadMlModel(FileSystem::Default(), dir.path());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_NE(m.status().message().find("no MLmodel file in"), std::string::npos);
  EXPECT_NE(m.status().message().find("mlflow.<flavor>.log_model"), std::string::npos);
}

TEST(MlModelTest, ReadingACorruptMlmodelIsCorruptionNamingTheFile) {
  testutil::TempDir dir;
  ASSERT_TRUE(
      FileSystem::Default()->WriteFileAtomic(dir.Join("MLmodel"), "flavors: [unclosed\n").ok());
  auto m = ReadMlModel(FileSystem::Default(), dir.path());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(m.status().message().find(dir.Join("MLmodel")), std::string::npos);
}

TEST(MlModelTest, FormatsUtcTimeCreatedAsPythonsStrDatetime) {
  EXPECT_EQ(FormatUtcTimeCreated(0), "1970-01-01 00:00:00");
  EXPECT_EQ(FormatUtcTimeCreated(1705314225123456), "2024-01-15 10:23:45.123456");
  EXPECT_EQ(FormatUtcTimeCreated(1705314225000001), "2024-01-15 10:23:45.000001");
}

TEST(MlModelTest, ParsesUtcTimeCreated) {
  EXPECT_EQ(ParseUtcTimeCreated("2024-01-15 10:23:45.123456").value_or(-1), 1705314225123456);
  EXPECT_EQ(ParseUtcTimeCreated("2024-01-15 10:23:45").value_or(-1), 1705314225000000);
  EXPECT_EQ(ParseUtcTimeCreated("2024-02-01 08:00:00.5").value_or(-1), 1706774400500000);
  for (const char* bad : {"", "2024-01-15", "2024-13-01 00:00:00", "2024-02-30 00:00:00",
                          "2024-01-15T10:23:45", "2024-01-15 10:23:45.", "2024-01-15 25:00:00",
                          "2024-01-15 10:23:45.1234567", " 2024-01-15 10:23:45"}) {
    EXPECT_FALSE(ParseUtcTimeCreated(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace keel::registry

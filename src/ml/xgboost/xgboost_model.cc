#include "ml/xgboost/xgboost_model.h"

#include <cmath>
#include <map>

#include "common/clock.h"
#include "common/json.h"
#include "common/random.h"
#include "ml/model_files.h"
#include "ml/xgboost/xgboost_internal.h"

namespace keel::ml {

using xgb_internal::Check;
using xgb_internal::DMatrix;

namespace {

constexpr std::string_view kBoosterClass = "xgboost.core.Booster";
constexpr std::string_view kModelFormat = "json";

BoosterHandle Handle(void* booster) { return static_cast<BoosterHandle>(booster); }

// Predicts with `config` (XGBoost's predict JSON) on encoded rows; returns values and shape.
Status RunPredict(BoosterHandle booster, const FeatureEncoding& encoding,
                  const std::vector<float>& features, int64_t num_rows, std::string_view config,
                  std::vector<float>* values, std::vector<uint64_t>* shape) {
  const size_t num_features = encoding.features().size();
  if (features.size() != static_cast<size_t>(num_rows) * num_features) {
    return Status::InvalidArgument("encoded rows do not match the model's feature count");
  }
  if (num_rows == 0) {
    values->clear();
    shape->assign({0});
    return Status::OK();
  }
  KEEL_ASSIGN_OR_RETURN(
      auto matrix, DMatrix::Make(features, num_rows, num_features,
                                 xgb_internal::FeatureTypes(encoding), encoding.names(), nullptr));
  const bst_ulong* out_shape = nullptr;
  bst_ulong out_dim = 0;
  const float* out = nullptr;
  KEEL_RETURN_IF_ERROR(
      Check(XGBoosterPredictFromDMatrix(booster, matrix->get(), std::string(config).c_str(),
                                        &out_shape, &out_dim, &out),
            "predicting"));
  size_t total = 1;
  shape->clear();
  for (bst_ulong d = 0; d < out_dim; ++d) {
    shape->push_back(out_shape[d]);
    total *= out_shape[d];
  }
  values->assign(out, out + total);
  return Status::OK();
}

// What the booster's configuration says it predicts.
struct BoosterObjective {
  std::string name;  // "binary:logistic", "reg:squarederror", ...
  int num_class = 0;
};

Result<BoosterObjective> ReadObjective(BoosterHandle booster) {
  bst_ulong len = 0;
  const char* text = nullptr;
  KEEL_RETURN_IF_ERROR(Check(XGBoosterSaveJsonConfig(booster, &len, &text), "reading config"));
  KEEL_ASSIGN_OR_RETURN(json::Value config, json::Parse(std::string_view(text, len)));
  BoosterObjective objective;
  const json::Value* learner = config.Find("learner");
  const json::Value* obj = learner != nullptr ? learner->Find("objective") : nullptr;
  const json::Value* name = obj != nullptr ? obj->Find("name") : nullptr;
  if (name == nullptr || !name->is_string()) {
    return Status::Internal("XGBoost's configuration names no objective");
  }
  objective.name = name->as_string();
  const json::Value* param = learner->Find("learner_model_param");
  const json::Value* num_class = param != nullptr ? param->Find("num_class") : nullptr;
  if (num_class != nullptr && num_class->is_string()) {
    objective.num_class = std::atoi(num_class->as_string().c_str());
  }
  return objective;
}

std::string Yaml(std::initializer_list<std::string_view> lines) {
  std::string out;
  for (std::string_view line : lines) out += std::string(line) + "\n";
  return out;
}

// The encoding of a model MLflow saved (no keel_features.json): every feature numeric, named
// by the signature's inputs or else the booster's feature names.
Result<FeatureEncoding> EncodingWithoutKeelFile(BoosterHandle booster,
                                                const registry::MlModel& mlmodel) {
  std::vector<std::string> names;
  if (mlmodel.signature && mlmodel.signature->inputs) {
    auto inputs = json::Parse(*mlmodel.signature->inputs);
    if (inputs.ok() && inputs->is_array()) {
      for (const json::Value& spec : inputs->as_array()) {
        const json::Value* name = spec.Find("name");
        if (name != nullptr && name->is_string()) names.push_back(name->as_string());
      }
    }
  }
  if (names.empty()) {
    bst_ulong len = 0;
    const char** features = nullptr;
    KEEL_RETURN_IF_ERROR(Check(XGBoosterGetStrFeatureInfo(booster, "feature_name", &len, &features),
                               "reading feature names"));
    for (bst_ulong i = 0; i < len; ++i) names.emplace_back(features[i]);
  }
  if (names.empty()) {
    return Status::InvalidArgument(
        "the model names no features (no signature and no feature names in the booster); "
        "Keel scores tables by column name");
  }
  json::Value list = json::Value::MakeArray();
  for (const std::string& name : names) {
    json::Value f = json::Value::MakeObject();
    f.Set("name", name);
    f.Set("kind", "numeric");
    f.Set("column_type", "double");
    list.Append(std::move(f));
  }
  json::Value doc = json::Value::MakeObject();
  doc.Set("features", std::move(list));
  return FeatureEncoding::FromJson(doc);
}

}  // namespace

std::string XgboostVersion() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

XgboostModel::~XgboostModel() {
  if (booster_ != nullptr) XGBoosterFree(Handle(booster_));
}

int XgboostModel::boosted_rounds() const {
  int rounds = 0;
  if (XGBoosterBoostedRounds(Handle(booster_), &rounds) != 0) return 0;
  return rounds;
}

Result<ModelOutput> XgboostModel::Score(const batch::RecordBatch& input) const {
  KEEL_ASSIGN_OR_RETURN(std::vector<float> features, encoding_.EncodeDense(input));
  return ScoreEncoded(features, input.num_rows);
}

Result<ModelOutput> XgboostModel::ScoreEncoded(const std::vector<float>& features,
                                               int64_t num_rows) const {
  std::vector<float> values;
  std::vector<uint64_t> shape;
  KEEL_RETURN_IF_ERROR(RunPredict(
      Handle(booster_), encoding_, features, num_rows,
      R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})",
      &values, &shape));
  ModelOutput output;
  if (problem_ == ProblemType::kRegression) {
    output.values.assign(values.begin(), values.end());
    return output;
  }
  output.num_classes = static_cast<int>(classes_.size());
  if (classes_.size() == 2) {
    output.values.resize(values.size() * 2);
    for (size_t row = 0; row < values.size(); ++row) {
      output.values[row * 2] = 1.0 - static_cast<double>(values[row]);
      output.values[row * 2 + 1] = values[row];
    }
    return output;
  }
  if (values.size() != static_cast<size_t>(num_rows) * classes_.size()) {
    return Status::Internal("XGBoost returned " + std::to_string(values.size()) +
                            " probabilities for " + std::to_string(num_rows) + " rows of " +
                            std::to_string(classes_.size()) + " classes");
  }
  output.values.assign(values.begin(), values.end());
  return output;
}

Result<std::vector<double>> XgboostModel::Contributions(const std::vector<float>& features,
                                                        int64_t num_rows) const {
  std::vector<float> values;
  std::vector<uint64_t> shape;
  KEEL_RETURN_IF_ERROR(RunPredict(
      Handle(booster_), encoding_, features, num_rows,
      R"({"type": 2, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": true})",
      &values, &shape));
  const size_t width = encoding_.features().size() + 1;
  // strict_shape: (rows, groups, features + 1); one group unless multiclass.
  const size_t groups = shape.size() == 3 ? shape[1] : 1;
  if (values.size() != static_cast<size_t>(num_rows) * groups * width) {
    return Status::Internal("XGBoost returned contributions of an unexpected shape");
  }
  std::vector<double> out(static_cast<size_t>(num_rows) * width);
  std::vector<int32_t> chosen(static_cast<size_t>(num_rows), 0);
  if (groups > 1) {
    KEEL_ASSIGN_OR_RETURN(ModelOutput output, ScoreEncoded(features, num_rows));
    chosen = output.PredictedClasses();
  }
  for (int64_t row = 0; row < num_rows; ++row) {
    const float* src = values.data() + (row * groups + chosen[row]) * width;
    std::copy(src, src + width, out.begin() + row * width);
  }
  return out;
}

Result<std::vector<double>> XgboostModel::FeatureImportance() const {
  bst_ulong n_features = 0;
  const char** names = nullptr;
  bst_ulong dim = 0;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  KEEL_RETURN_IF_ERROR(
      Check(XGBoosterFeatureScore(Handle(booster_), R"({"importance_type": "total_gain"})",
                                  &n_features, &names, &dim, &shape, &scores),
            "computing feature importance"));
  std::map<std::string, double> by_name;
  for (bst_ulong i = 0; i < n_features; ++i) by_name[names[i]] = scores[i];
  std::vector<double> out;
  for (const std::string& name : feature_names_) {
    auto it = by_name.find(name);
    out.push_back(it == by_name.end() ? 0.0 : it->second);
  }
  return out;
}

Result<std::string> XgboostModel::SaveBooster() const {
  bst_ulong len = 0;
  const char* data = nullptr;
  KEEL_RETURN_IF_ERROR(
      Check(XGBoosterSaveModelToBuffer(Handle(booster_), R"({"format": "json"})", &len, &data),
            "saving the booster"));
  return std::string(data, len);
}

Status SaveXgboostModel(FileSystem* fs, const std::string& dir, const XgboostModel& model,
                        registry::MlModel mlmodel) {
  KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(JoinPath(dir, registry::kMlModelFileName)));
  if (exists) {
    return Status::AlreadyExists("model directory " + dir +
                                 " already holds a model (an MLmodel file); save to a new one");
  }
  KEEL_RETURN_IF_ERROR(fs->CreateDirs(dir));
  KEEL_ASSIGN_OR_RETURN(std::string booster, model.SaveBooster());
  KEEL_RETURN_IF_ERROR(fs->WriteFileAtomic(JoinPath(dir, kXgboostModelFileName), booster));
  KEEL_RETURN_IF_ERROR(fs->WriteFileAtomic(JoinPath(dir, kFeatureEncodingFileName),
                                           model.encoding().ToJson().Dump(true) + "\n"));
  const std::string version = XgboostVersion();
  KEEL_RETURN_IF_ERROR(fs->WriteFileAtomic(JoinPath(dir, "requirements.txt"),
                                           Yaml({"mlflow", "xgboost==" + version})));
  KEEL_RETURN_IF_ERROR(fs->WriteFileAtomic(JoinPath(dir, "python_env.yaml"),
                                           Yaml({"python: 3.11.2", "build_dependencies:", "- pip",
                                                 "dependencies:", "- -r requirements.txt"})));
  KEEL_RETURN_IF_ERROR(fs->WriteFileAtomic(
      JoinPath(dir, "conda.yaml"),
      Yaml({"channels:", "- conda-forge", "dependencies:", "- python=3.11.2", "- pip",
            "- pip:", "  - mlflow", "  - xgboost==" + version, "name: mlflow-env"})));

  json::Value xgb_flavor = json::Value::MakeObject();
  xgb_flavor.Set("code", json::Value());
  xgb_flavor.Set("data", kXgboostModelFileName);
  xgb_flavor.Set("model_class", kBoosterClass);
  xgb_flavor.Set("model_format", kModelFormat);
  xgb_flavor.Set("xgb_version", version);
  json::Value env = json::Value::MakeObject();
  env.Set("conda", "conda.yaml");
  env.Set("virtualenv", "python_env.yaml");
  json::Value pyfunc = json::Value::MakeObject();
  pyfunc.Set("data", kXgboostModelFileName);
  pyfunc.Set("env", std::move(env));
  pyfunc.Set("loader_module", "mlflow.xgboost");
  pyfunc.Set("python_version", "3.11.2");
  if (!mlmodel.flavors.is_object()) mlmodel.flavors = json::Value::MakeObject();
  mlmodel.flavors.Set("python_function", std::move(pyfunc));
  mlmodel.flavors.Set(kXgboostFlavor, std::move(xgb_flavor));

  json::Value keel = json::Value::MakeObject();
  keel.Set("problem", ProblemTypeName(model.problem()));
  json::Value classes = json::Value::MakeArray();
  for (const std::string& c : model.classes()) classes.Append(c);
  keel.Set("classes", std::move(classes));
  keel.Set("feature_encoding", kFeatureEncodingFileName);
  if (!mlmodel.metadata.is_object()) mlmodel.metadata = json::Value::MakeObject();
  mlmodel.metadata.Set("keel", std::move(keel));
  if (!mlmodel.signature) {
    std::string outputs =
        model.classes().size() > 2
            ? R"([{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, )" +
                  std::to_string(model.classes().size()) + "]}}]"
            : R"([{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}])";
    mlmodel.signature =
        registry::ModelSignature{model.encoding().SignatureInputs(), outputs, std::nullopt};
  }
  if (!mlmodel.utc_time_created) {
    mlmodel.utc_time_created = registry::FormatUtcTimeCreated(Clock::System()->NowMillis() * 1000);
  }
  if (!mlmodel.model_uuid) mlmodel.model_uuid = NewId();
  if (!mlmodel.model_size_bytes) mlmodel.model_size_bytes = static_cast<int64_t>(booster.size());
  return registry::WriteMlModel(fs, dir, mlmodel);
}

Result<std::unique_ptr<XgboostModel>> LoadXgboostModel(FileSystem* fs, const std::string& dir,
                                                       const registry::MlModel& mlmodel) {
  const std::string mlmodel_path = JoinPath(dir, registry::kMlModelFileName);
  const json::Value* flavor = mlmodel.FindFlavor(kXgboostFlavor);
  if (flavor == nullptr) {
    return Status::Corruption("MLmodel file " + mlmodel_path + " has no xgboost flavor");
  }
  const json::Value* data = flavor->Find("data");
  if (data == nullptr || !data->is_string() || !IsPlainFileName(data->as_string())) {
    return Status::Corruption("MLmodel file " + mlmodel_path +
                              ": xgboost data must name a file inside the model directory");
  }
  const std::string path = JoinPath(dir, data->as_string());
  KEEL_ASSIGN_OR_RETURN(std::string booster_bytes,
                        ReadModelFile(fs, path, kMaxXgboostModelFileBytes));
  BoosterHandle booster = nullptr;
  KEEL_RETURN_IF_ERROR(Check(XGBoosterCreate(nullptr, 0, &booster), "creating a booster"));
  // Owned by `model` from here on.
  auto model =
      XgboostModelFactory::Make(booster, FeatureEncoding(), ProblemType::kRegression, {}, -1);
  Status loaded = Check(
      XGBoosterLoadModelFromBuffer(booster, booster_bytes.data(), booster_bytes.size()), "load");
  if (!loaded.ok()) {
    return Status::Corruption("model file " + path +
                              " is not an XGBoost model: " + loaded.message());
  }
  // The encoding: Keel's file, else (a model MLflow saved) every feature numeric.
  const std::string encoding_path = JoinPath(dir, kFeatureEncodingFileName);
  KEEL_ASSIGN_OR_RETURN(bool has_encoding, fs->Exists(encoding_path));
  FeatureEncoding encoding;
  if (has_encoding) {
    KEEL_ASSIGN_OR_RETURN(std::string text, ReadModelFile(fs, encoding_path, 64 << 20));
    auto doc = json::Parse(text);
    Result<FeatureEncoding> parsed =
        doc.ok() ? FeatureEncoding::FromJson(*doc) : Result<FeatureEncoding>(doc.status());
    if (!parsed.ok()) {
      return Status::Corruption("model file " + encoding_path +
                                " is corrupt: " + parsed.status().message());
    }
    encoding = std::move(*parsed);
  } else {
    KEEL_ASSIGN_OR_RETURN(encoding, EncodingWithoutKeelFile(booster, mlmodel));
  }
  bst_ulong num_features = 0;
  KEEL_RETURN_IF_ERROR(Check(XGBoosterGetNumFeature(booster, &num_features), "feature count"));
  if (num_features != encoding.features().size()) {
    return Status::Corruption("model file " + path + " expects " + std::to_string(num_features) +
                              " features but the model describes " +
                              std::to_string(encoding.features().size()));
  }
  KEEL_ASSIGN_OR_RETURN(BoosterObjective objective, ReadObjective(booster));
  ProblemType problem = ProblemType::kRegression;
  std::vector<std::string> classes;
  if (objective.name == "binary:logistic") {
    problem = ProblemType::kClassification;
    classes = {"0", "1"};
  } else if (objective.name == "multi:softprob") {
    problem = ProblemType::kClassification;
    for (int c = 0; c < objective.num_class; ++c) classes.push_back(std::to_string(c));
  } else if (objective.name.starts_with("binary:") || objective.name.starts_with("multi:") ||
             objective.name.starts_with("rank:")) {
    return Status::InvalidArgument("the model's objective " + objective.name +
                                   " is not one Keel scores (binary:logistic, multi:softprob or "
                                   "a regression objective)");
  }
  // Keel's own class labels, when it saved them.
  const json::Value* keel = mlmodel.metadata.is_object() ? mlmodel.metadata.Find("keel") : nullptr;
  const json::Value* saved = keel != nullptr ? keel->Find("classes") : nullptr;
  if (problem == ProblemType::kClassification && saved != nullptr && saved->is_array()) {
    if (saved->as_array().size() != classes.size()) {
      return Status::Corruption(
          "MLmodel file " + mlmodel_path + " lists " + std::to_string(saved->as_array().size()) +
          " classes but the booster predicts " + std::to_string(classes.size()));
    }
    for (size_t c = 0; c < classes.size(); ++c) {
      if (!saved->as_array()[c].is_string()) {
        return Status::Corruption("MLmodel file " + mlmodel_path + ": classes must be strings");
      }
      classes[c] = saved->as_array()[c].as_string();
    }
  }
  return XgboostModelFactory::Make(
      [&] {
        XgboostModelFactory::SetBooster(model.get(), nullptr);  // hand the booster over
        return booster;
      }(),
      encoding, problem, std::move(classes), -1);
}

}  // namespace keel::ml

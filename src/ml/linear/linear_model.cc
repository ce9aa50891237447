#include "ml/linear/linear_model.h"

#include <cmath>
#include <set>

#include "common/clock.h"
#include "common/json.h"
#include "common/random.h"
#include "ml/feature_matrix.h"
#include "ml/model_files.h"

namespace keel::ml {

namespace {

// model.json's layout version; a file with a larger one was written by a newer Keel.
constexpr int64_t kModelFormatVersion = 1;

std::string SerializeSpec(const LinearModelSpec& spec) {
  json::Value doc = json::Value::MakeObject();
  doc.Set("format_version", json::Value(kModelFormatVersion));
  doc.Set("kind", LinearKindName(spec.kind));
  json::Value features = json::Value::MakeArray();
  for (const std::string& name : spec.features) features.Append(name);
  doc.Set("features", std::move(features));
  json::Value coefficients = json::Value::MakeArray();
  for (double c : spec.coefficients) coefficients.Append(c);
  doc.Set("coefficients", std::move(coefficients));
  doc.Set("intercept", spec.intercept);
  if (spec.encoding) doc.Set("encoding", spec.encoding->ToJson());
  if (!spec.classes.empty()) {
    json::Value classes = json::Value::MakeArray();
    for (const std::string& c : spec.classes) classes.Append(c);
    doc.Set("classes", std::move(classes));
  }
  return doc.Dump(/*pretty=*/true) + "\n";
}

Result<LinearKind> ParseKind(std::string_view name) {
  if (name == LinearKindName(LinearKind::kLinear)) return LinearKind::kLinear;
  if (name == LinearKindName(LinearKind::kLogistic)) return LinearKind::kLogistic;
  return Status::InvalidArgument("kind '" + std::string(name) + "' is neither linear nor logistic");
}

// model.json's content; errors say what is wrong, the caller names the file.
Result<LinearModelSpec> ParseSpec(std::string_view text) {
  auto doc = json::Parse(text);
  if (!doc.ok()) return Status::InvalidArgument(doc.status().message());
  KEEL_ASSIGN_OR_RETURN(json::FieldReader fields, json::FieldReader::Make(*doc, "model.json"));
  KEEL_ASSIGN_OR_RETURN(auto version, fields.OptionalInt("format_version"));
  if (version.value_or(kModelFormatVersion) > kModelFormatVersion) {
    return Status::InvalidArgument("format_version " + std::to_string(*version) +
                                   " was written by a newer Keel");
  }
  LinearModelSpec spec;
  KEEL_ASSIGN_OR_RETURN(std::string kind, fields.RequiredString("kind"));
  KEEL_ASSIGN_OR_RETURN(spec.kind, ParseKind(kind));
  KEEL_ASSIGN_OR_RETURN(spec.features, fields.StringList("features"));
  const json::Value* coefficients = fields.Get("coefficients");
  if (coefficients == nullptr || !coefficients->is_array()) {
    return Status::InvalidArgument("field 'coefficients' must be an array of numbers");
  }
  for (const json::Value& c : coefficients->as_array()) {
    if (!c.is_number()) {
      return Status::InvalidArgument("field 'coefficients' must be an array of numbers");
    }
    spec.coefficients.push_back(c.as_double());
  }
  KEEL_ASSIGN_OR_RETURN(auto intercept, fields.OptionalDouble("intercept"));
  if (!intercept) return Status::InvalidArgument("missing required field 'intercept'");
  spec.intercept = *intercept;
  if (const json::Value* encoding = fields.Get("encoding")) {
    KEEL_ASSIGN_OR_RETURN(spec.encoding, FeatureEncoding::FromJson(*encoding));
  }
  KEEL_ASSIGN_OR_RETURN(spec.classes, fields.StringList("classes"));
  KEEL_RETURN_IF_ERROR(ValidateLinearModelSpec(spec));
  return spec;
}

// MLflow's column-spec JSON for the signature's inputs: every feature a required double.
std::string InputsSignature(const std::vector<std::string>& features) {
  std::string out = "[";
  for (const std::string& name : features) {
    if (out.size() > 1) out += ", ";
    out += "{\"type\": \"double\", \"name\": ";
    json::AppendQuoted(name, &out);
    out += ", \"required\": true}";
  }
  return out + "]";
}

// One prediction per row, as MLflow describes a 1-d numpy output.
constexpr std::string_view kOutputsSignature =
    R"([{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}])";

double Sigmoid(double z) {
  // Written both ways so that exp never overflows.
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  double e = std::exp(z);
  return e / (1.0 + e);
}

}  // namespace

std::string_view LinearKindName(LinearKind kind) {
  switch (kind) {
    case LinearKind::kLinear:
      return "linear";
    case LinearKind::kLogistic:
      return "logistic";
  }
  return "linear";
}

Status ValidateLinearModelSpec(const LinearModelSpec& spec) {
  if (spec.features.empty()) {
    return Status::InvalidArgument("a linear model needs at least one feature");
  }
  if (spec.coefficients.size() != spec.features.size()) {
    return Status::InvalidArgument("a linear model needs one coefficient per feature; got " +
                                   std::to_string(spec.coefficients.size()) + " for " +
                                   std::to_string(spec.features.size()) + " features");
  }
  std::set<std::string_view> seen;
  for (size_t feature_idx = 0; feature_idx < spec.features.size(); ++feature_idx) {
    const std::string& name = spec.features[feature_idx];
    if (name.empty()) return Status::InvalidArgument("feature names must not be empty");
    if (!seen.insert(name).second) {
      return Status::InvalidArgument("feature '" + name + "' is listed twice");
    }
    if (!std::isfinite(spec.coefficients[feature_idx])) {
      return Status::InvalidArgument("the coefficient of feature '" + name +
                                     "' is not a finite number");
    }
  }
  if (!std::isfinite(spec.intercept)) {
    return Status::InvalidArgument("the intercept is not a finite number");
  }
  if (spec.encoding && spec.encoding->OneHotNames() != spec.features) {
    return Status::InvalidArgument("the features do not match the encoding's columns");
  }
  if (!spec.classes.empty() && (spec.kind != LinearKind::kLogistic || spec.classes.size() != 2)) {
    return Status::InvalidArgument("classes must name the two classes of a logistic model");
  }
  return Status::OK();
}

LinearModel::LinearModel(LinearModelSpec spec) : spec_(std::move(spec)) {
  input_names_ = spec_.encoding ? spec_.encoding->names() : spec_.features;
}

Result<std::unique_ptr<LinearModel>> LinearModel::Make(LinearModelSpec spec) {
  KEEL_RETURN_IF_ERROR(ValidateLinearModelSpec(spec));
  return std::unique_ptr<LinearModel>(new LinearModel(std::move(spec)));
}

Result<ModelOutput> LinearModel::Score(const batch::RecordBatch& input) const {
  FeatureMatrix matrix;
  if (spec_.encoding) {
    matrix.num_rows = input.num_rows;
    KEEL_ASSIGN_OR_RETURN(matrix.columns, spec_.encoding->EncodeOneHot(input));
  } else {
    KEEL_ASSIGN_OR_RETURN(matrix, ExtractFeatures(input, spec_.features));
  }
  std::vector<double> predictions(static_cast<size_t>(matrix.num_rows), spec_.intercept);
  for (size_t feature_idx = 0; feature_idx < matrix.columns.size(); ++feature_idx) {
    double coefficient = spec_.coefficients[feature_idx];
    const std::vector<double>& column = matrix.columns[feature_idx];
    for (size_t row_idx = 0; row_idx < predictions.size(); ++row_idx) {
      predictions[row_idx] += coefficient * column[row_idx];
    }
  }
  ModelOutput output;
  if (spec_.kind == LinearKind::kLinear) {
    output.values = std::move(predictions);
    return output;
  }
  output.num_classes = 2;
  output.values.resize(predictions.size() * 2);
  for (size_t row_idx = 0; row_idx < predictions.size(); ++row_idx) {
    double p = Sigmoid(predictions[row_idx]);
    output.values[row_idx * 2] = 1.0 - p;
    output.values[row_idx * 2 + 1] = p;
  }
  return output;
}

const std::vector<std::string>& LinearModel::classes() const {
  static const std::vector<std::string> kNone;
  static const std::vector<std::string> kBinary = {"0", "1"};
  if (spec_.kind != LinearKind::kLogistic) return kNone;
  return spec_.classes.empty() ? kBinary : spec_.classes;
}

Status SaveLinearModel(FileSystem* fs, const std::string& dir, const LinearModelSpec& spec,
                       registry::MlModel mlmodel) {
  KEEL_RETURN_IF_ERROR(ValidateLinearModelSpec(spec));
  KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(JoinPath(dir, registry::kMlModelFileName)));
  if (exists) {
    return Status::AlreadyExists("model directory " + dir +
                                 " already holds a model (an MLmodel file); save to a new one");
  }
  KEEL_RETURN_IF_ERROR(fs->CreateDirs(dir));
  std::string model_json = SerializeSpec(spec);
  KEEL_RETURN_IF_ERROR(fs->WriteFileAtomic(JoinPath(dir, kLinearModelFileName), model_json));

  json::Value keel_flavor = json::Value::MakeObject();
  keel_flavor.Set("model_path", kLinearModelFileName);
  keel_flavor.Set("kind", LinearKindName(spec.kind));
  keel_flavor.Set("keel_version", KEEL_VERSION);
  json::Value pyfunc_flavor = json::Value::MakeObject();
  pyfunc_flavor.Set("loader_module", kKeelLinearLoaderModule);
  pyfunc_flavor.Set("data", kLinearModelFileName);
  if (!mlmodel.flavors.is_object()) mlmodel.flavors = json::Value::MakeObject();
  mlmodel.flavors.Set(kKeelLinearFlavor, std::move(keel_flavor));
  mlmodel.flavors.Set("python_function", std::move(pyfunc_flavor));
  if (!mlmodel.signature) {
    mlmodel.signature = registry::ModelSignature{
        spec.encoding ? spec.encoding->SignatureInputs() : InputsSignature(spec.features),
                                                 std::string(kOutputsSignature), std::nullopt};
  }
  if (!mlmodel.utc_time_created) {
    mlmodel.utc_time_created = registry::FormatUtcTimeCreated(Clock::System()->NowMillis() * 1000);
  }
  if (!mlmodel.model_uuid) mlmodel.model_uuid = NewId();
  if (!mlmodel.model_size_bytes) {
    mlmodel.model_size_bytes = static_cast<int64_t>(model_json.size());
  }
  return registry::WriteMlModel(fs, dir, mlmodel);
}

Result<std::unique_ptr<LinearModel>> LoadLinearModel(FileSystem* fs, const std::string& dir,
                                                     const registry::MlModel& mlmodel) {
  const std::string mlmodel_path = JoinPath(dir, registry::kMlModelFileName);
  const json::Value* flavor = mlmodel.FindFlavor(kKeelLinearFlavor);
  if (flavor == nullptr) {
    return Status::Corruption("MLmodel file " + mlmodel_path + " has no " +
                              std::string(kKeelLinearFlavor) + " flavor");
  }
  std::string file_name(kLinearModelFileName);
  if (const json::Value* model_path = flavor->Find("model_path")) {
    if (!model_path->is_string() || !IsPlainFileName(model_path->as_string())) {
      return Status::Corruption("MLmodel file " + mlmodel_path + ": " +
                                std::string(kKeelLinearFlavor) +
                                " model_path must name a file inside the model directory");
    }
    file_name = model_path->as_string();
  }
  const std::string path = JoinPath(dir, file_name);
  KEEL_ASSIGN_OR_RETURN(std::string text, ReadModelFile(fs, path, kMaxLinearModelFileBytes));
  auto spec = ParseSpec(text);
  if (!spec.ok()) {
    return Status::Corruption("model file " + path + " is corrupt: " + spec.status().message());
  }
  const json::Value* kind = flavor->Find("kind");
  if (kind != nullptr && !(kind->is_string() && kind->as_string() == LinearKindName(spec->kind))) {
    return Status::Corruption("MLmodel file " + mlmodel_path + " says kind " + kind->Dump() +
                              " but model file " + path + " holds a " +
                              std::string(LinearKindName(spec->kind)) + " model");
  }
  return LinearModel::Make(std::move(*spec));
}

}  // namespace keel::ml

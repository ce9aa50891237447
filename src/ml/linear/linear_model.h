#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/fs/file_system.h"
#include "common/result.h"
#include "ml/feature_encoding.h"
#include "ml/model.h"
#include "registry/mlmodel.h"

// Linear and logistic regression, saved as an MLflow model directory:
//   MLmodel     flavors keel_linear {model_path, kind, keel_version} and python_function
//               {loader_module: keel.linear, data: model.json}, and a signature whose inputs are
//               the feature columns
//   model.json  {"format_version": 1, "kind": ..., "features": [...], "coefficients": [...],
//               "intercept": ...}
namespace keel::ml {

inline constexpr std::string_view kKeelLinearFlavor = "keel_linear";
// The pyfunc loader module named in python_function, so MLflow lists the model as a pyfunc.
inline constexpr std::string_view kKeelLinearLoaderModule = "keel.linear";
inline constexpr std::string_view kLinearModelFileName = "model.json";
// Larger model.json files are refused as corrupt. 64 MiB (about two million features).
inline constexpr uint64_t kMaxLinearModelFileBytes = 64 * 1024 * 1024;

enum class LinearKind {
  kLinear,    // prediction = intercept + sum(coefficients[i] * x[i])
  kLogistic,  // prediction = sigmoid(that): the probability of the positive class
};

// "linear" / "logistic", as written in model.json and the flavor.
std::string_view LinearKindName(LinearKind kind);

// A linear model's parameters.
struct LinearModelSpec {
  LinearKind kind = LinearKind::kLinear;
  std::vector<std::string> features;
  std::vector<double> coefficients;  // one per feature, same order
  double intercept = 0;
  // Set when Keel trained the model on table columns (ml/train/): `features` are then the
  // encoding's one-hot names (FeatureEncoding::OneHotNames) and Score reads the raw columns
  // through it (missing numbers filled, categories one-hot). Unset (hand-written model.json):
  // `features` are numeric input columns.
  std::optional<FeatureEncoding> encoding;
  // kLogistic: the labels of class 0 and class 1; empty means "0" and "1".
  std::vector<std::string> classes;
};

// Checks that there is at least one feature, names are non-empty and unique, and there is one
// finite coefficient per feature and a finite intercept; with an encoding, that the features
// are its one-hot names; classes empty or two. Error: kInvalidParameterValue.
Status ValidateLinearModelSpec(const LinearModelSpec& spec);

// A loaded linear or logistic model. Immutable; thread-safe.
class LinearModel : public Model {
 public:
  // Errors: those of ValidateLinearModelSpec.
  static Result<std::unique_ptr<LinearModel>> Make(LinearModelSpec spec);

  Result<ModelOutput> Score(const batch::RecordBatch& input) const override;
  // The input columns: the encoding's raw columns, else spec().features.
  const std::vector<std::string>& feature_names() const override { return input_names_; }
  const std::vector<std::string>& classes() const override;
  std::string_view flavor() const override { return kKeelLinearFlavor; }

  const LinearModelSpec& spec() const { return spec_; }

 private:
  explicit LinearModel(LinearModelSpec spec);
  LinearModelSpec spec_;
  std::vector<std::string> input_names_;
};

// Saves `spec` as an MLflow model directory `dir` (created when missing): model.json first, then
// MLmodel, so a directory with an MLmodel is complete. `mlmodel` supplies the other MLmodel
// fields (run_id, artifact_path, metadata, ...); the keel_linear and python_function flavors are
// set here, and the signature (from the features), utc_time_created, model_uuid and
// model_size_bytes are filled in when absent.
// Errors: kInvalidParameterValue for an invalid spec; kResourceAlreadyExists when `dir` already
// holds an MLmodel; kIOError from the file system.
Status SaveLinearModel(FileSystem* fs, const std::string& dir, const LinearModelSpec& spec,
                       registry::MlModel mlmodel = {});

// Loads the model in `dir`, whose MLmodel `mlmodel` (already read) has the keel_linear flavor.
// Errors: kCorruption naming the file when the flavor or model.json is missing, malformed or
// inconsistent; kIOError from the file system.
Result<std::unique_ptr<LinearModel>> LoadLinearModel(FileSystem* fs, const std::string& dir,
                                                     const registry::MlModel& mlmodel);

}  // namespace keel::ml

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/fs/file_system.h"
#include "common/result.h"
#include "ml/feature_encoding.h"
#include "ml/model.h"
#include "registry/mlmodel.h"

// Gradient-boosted trees through XGBoost's C API (Debian's libxgboost). This folder is the only
// code that includes xgboost/c_api.h.
//
// Saved as MLflow's xgboost flavor, so mlflow.xgboost.load_model reads it:
//   MLmodel             flavors xgboost {data: model.json, model_class: xgboost.core.Booster,
//                       model_format: json, xgb_version, code: null} and python_function
//                       {loader_module: mlflow.xgboost, data: model.json, env}, the signature
//                       (the raw input columns), and metadata.keel {problem, classes}
//   model.json          the booster (XGBoost's JSON model format, feature names set)
//   keel_features.json  how table columns become the booster's inputs (ml/feature_encoding.h):
//                       categorical columns are fed as category codes
//   requirements.txt, python_env.yaml, conda.yaml   what MLflow's loaders expect next to it
namespace keel::ml {

inline constexpr std::string_view kXgboostFlavor = "xgboost";
inline constexpr std::string_view kXgboostModelFileName = "model.json";
inline constexpr std::string_view kFeatureEncodingFileName = "keel_features.json";
// Larger booster files are refused as corrupt. 1 GiB.
inline constexpr uint64_t kMaxXgboostModelFileBytes = uint64_t{1} << 30;

// XGBoost's version (from the library), e.g. "1.7.4".
std::string XgboostVersion();

// One evaluation line of a boosting round: ("validation-auc", 0.91), ...
using IterationMetrics = std::vector<std::pair<std::string, double>>;

struct XgboostTrainOptions {
  ProblemType problem = ProblemType::kRegression;
  // XGBoost parameters (max_depth, eta, subsample, lambda, tree_method, ...), passed through
  // in order; XGBoost validates them. objective, num_class, seed and nthread are set from the
  // fields below unless given here.
  std::vector<std::pair<std::string, std::string>> params;
  int num_boost_round = 100;
  // Stop when the last eval metric on the validation data has not improved for this many
  // rounds, and keep only the rounds up to the best one (0 = off; needs validation data).
  int early_stopping_rounds = 0;
  // XGBoost eval_metric names, e.g. {"auc", "logloss"}; empty = XGBoost's default for the
  // objective. The last one drives early stopping, as in XGBoost's Python package.
  std::vector<std::string> eval_metrics;
  uint64_t seed = 0;
  int nthread = 0;  // 0 = every core
  // Called after every round with that round's metrics on the train and validation data.
  std::function<void(int round, const IterationMetrics&)> on_iteration;
};

// A training (or validation) set: rows already encoded by FeatureEncoding::EncodeDense.
struct XgboostData {
  const std::vector<float>* features = nullptr;  // row-major num_rows x num_features, NaN missing
  const std::vector<double>* labels = nullptr;   // regression value or class index
  int64_t num_rows = 0;
};

class XgboostModel : public Model {
 public:
  ~XgboostModel() override;
  XgboostModel(const XgboostModel&) = delete;
  XgboostModel& operator=(const XgboostModel&) = delete;

  Result<ModelOutput> Score(const batch::RecordBatch& input) const override;
  const std::vector<std::string>& feature_names() const override { return feature_names_; }
  const std::vector<std::string>& classes() const override { return classes_; }
  std::string_view flavor() const override { return kXgboostFlavor; }

  // The same on rows already encoded (row-major, NaN missing): what training and benchmarks use.
  Result<ModelOutput> ScoreEncoded(const std::vector<float>& features, int64_t num_rows) const;

  // SHAP values (XGBoost's exact TreeSHAP contributions) of the encoded rows, row-major
  // num_rows x (num_features + 1), the last column being the bias. For a multiclass model, the
  // contributions to the most probable class of each row.
  Result<std::vector<double>> Contributions(const std::vector<float>& features,
                                            int64_t num_rows) const;
  // Total gain of each feature over all splits (XGBoost's "total_gain"), in feature order.
  Result<std::vector<double>> FeatureImportance() const;

  const FeatureEncoding& encoding() const { return encoding_; }
  ProblemType problem() const { return problem_; }
  int boosted_rounds() const;
  // The round early stopping chose (counting from 0), or -1 when it did not run.
  int best_iteration() const { return best_iteration_; }

  // The booster in XGBoost's JSON model format.
  Result<std::string> SaveBooster() const;
  // The BoosterHandle, for ml/xgboost's own code and benchmarks that call XGBoost directly.
  void* booster_handle() const { return booster_; }

 private:
  friend class XgboostModelFactory;
  XgboostModel() = default;

  void* booster_ = nullptr;  // BoosterHandle
  FeatureEncoding encoding_;
  std::vector<std::string> feature_names_;
  ProblemType problem_ = ProblemType::kRegression;
  std::vector<std::string> classes_;
  int best_iteration_ = -1;
};

// Trains a booster on `train`, reporting each round's metrics on `train` and `validation` (when
// it has rows). `classes` names the classes for classification (index order); its size decides
// binary:logistic or multi:softprob.
// Errors: kInvalidParameterValue for bad options, mismatched sizes, no rows, or a parameter
// XGBoost refuses (with XGBoost's message); kInternalError for other XGBoost failures.
Result<std::unique_ptr<XgboostModel>> TrainXgboost(const FeatureEncoding& encoding,
                                                   const std::vector<std::string>& classes,
                                                   const XgboostData& train,
                                                   const XgboostData& validation,
                                                   const XgboostTrainOptions& options);

// Saves `model` as an MLflow model directory `dir` (created when missing); the booster and
// keel_features.json first, MLmodel last, so a directory with an MLmodel is complete. `mlmodel`
// supplies the other MLmodel fields (run_id, artifact_path, ...).
// Errors: kResourceAlreadyExists when `dir` already holds an MLmodel; kIOError.
Status SaveXgboostModel(FileSystem* fs, const std::string& dir, const XgboostModel& model,
                        registry::MlModel mlmodel = {});

// Loads the model in `dir` whose MLmodel (already read) has the xgboost flavor. A model saved by
// MLflow itself (no keel_features.json) takes its features from the signature, all numeric.
// Errors: kCorruption naming the file when a file is missing, malformed or inconsistent;
// kInvalidParameterValue when the model's objective is not one Keel scores; kIOError.
Result<std::unique_ptr<XgboostModel>> LoadXgboostModel(FileSystem* fs, const std::string& dir,
                                                       const registry::MlModel& mlmodel);

}  // namespace keel::ml

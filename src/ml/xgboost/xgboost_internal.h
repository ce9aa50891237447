#pragma once

#include <xgboost/c_api.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ml/feature_encoding.h"
#include "ml/xgboost/xgboost_model.h"

// Private to ml/xgboost: RAII over XGBoost's handles and its error convention (-1 and a
// thread-local message).
namespace keel::ml::xgb_internal {

// OK when rc is 0; else `kind` of error with XGBoost's message. XGBoost's messages for bad
// parameters are user errors (kInvalidParameterValue); the caller says which kind applies.
Status Check(int rc, std::string_view what, bool user_error = false);

class DMatrix {
 public:
  DMatrix() = default;
  ~DMatrix();
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;

  // A matrix over row-major floats (NaN = missing), with the feature types ("q" numeric, "c"
  // categorical) and names set, and labels when given.
  static Result<std::unique_ptr<DMatrix>> Make(const std::vector<float>& features, int64_t num_rows,
                                               int64_t num_features,
                                               const std::vector<std::string>& feature_types,
                                               const std::vector<std::string>& feature_names,
                                               const std::vector<double>* labels);
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

// Sets a string-list field (feature_name / feature_type) on a booster.
Status SetBoosterFeatureInfo(BoosterHandle booster, const char* field,
                             const std::vector<std::string>& values);

// XGBoost's "feature_type" per feature: "c" for categorical, "q" for numeric.
std::vector<std::string> FeatureTypes(const FeatureEncoding& encoding);

}  // namespace keel::ml::xgb_internal

namespace keel::ml {

// Builds XgboostModel objects; a friend, so the model keeps a private constructor.
class XgboostModelFactory {
 public:
  static std::unique_ptr<XgboostModel> Make(BoosterHandle booster, const FeatureEncoding& encoding,
                                            ProblemType problem, std::vector<std::string> classes,
                                            int best_iteration) {
    std::unique_ptr<XgboostModel> model(new XgboostModel());
    model->booster_ = booster;
    model->encoding_ = encoding;
    model->feature_names_ = encoding.names();
    model->problem_ = problem;
    model->classes_ = std::move(classes);
    model->best_iteration_ = best_iteration;
    return model;
  }
  static void SetBooster(XgboostModel* model, BoosterHandle booster) { model->booster_ = booster; }
  static void SetBestIteration(XgboostModel* model, int round) { model->best_iteration_ = round; }
};

}  // namespace keel::ml

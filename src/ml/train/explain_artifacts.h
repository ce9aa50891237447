#pragma once

#include "common/result.h"
#include "ml/linear/linear_model.h"
#include "ml/train/tracked_run.h"
#include "ml/xgboost/xgboost_model.h"
#include "storage/batch/record_batch.h"

namespace keel::ml {

// Rows explained per run (the first ones of `rows`): TreeSHAP costs grow with rows x trees.
inline constexpr int64_t kMaxExplainedRows = 1000;

// Logs why the model predicts what it does, as artifacts of `run`:
//   explain/feature_importance.svg  bar chart (XGBoost total gain; linear |coefficient|)
//   explain/shap_summary.svg        SHAP values of each feature on up to kMaxExplainedRows of
//                                   `rows` (XGBoost only), and explain/shap_importance.svg
//                                   (mean |SHAP| per feature)
//   explain/explanations.json       the numbers behind the plots
// Exactly one of `xgboost` and `linear` is set.
Status LogExplanations(const XgboostModel* xgboost, const LinearModel* linear,
                       const batch::RecordBatch& rows, TrackedRun* run);

}  // namespace keel::ml

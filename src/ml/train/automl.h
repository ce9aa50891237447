#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/json.h"
#include "common/result.h"
#include "ml/feature_encoding.h"
#include "ml/train/ml_context.h"
#include "ml/train/trainer.h"

// `keel automl TABLE --target COL --problem P --timeout 10m`: a baseline and a search over
// algorithms and hyperparameters within a time budget, every trial its own run, a summary run
// naming the best one, and the best model logged and ready to register.
namespace keel::ml {

struct AutomlRequest {
  std::string table;
  std::optional<int64_t> version;
  std::string target;
  ProblemType problem = ProblemType::kClassification;
  double timeout_seconds = 600;
  int max_trials = 100;  // besides the budget by time
  std::string metric;    // empty: roc_auc / rmse
  uint64_t seed = 0;
  int parallelism = 1;
  std::string experiment;   // empty: "/Shared/keel-automl-<table>"
  std::string register_as;  // optional: register the best model
};

struct AutomlResult {
  std::string run_id;  // the summary run
  std::string experiment_id;
  int trials = 0;
  int failed_trials = 0;
  std::string best_algorithm;
  json::Value best_params;
  TrainResult best;  // the best configuration re-trained with its model logged
};

// Steps, all in runs of one experiment:
//  1. profiles the table (profile/profile.json and profile.html on the summary run) and leaves
//     identifier-like columns (integers or strings with a distinct value per row) out of the
//     features;
//  2. trains the linear baseline (regression or two classes) as a child run;
//  3. searches XGBoost hyperparameters with TPE (depth, learning rate, rounds, sampling,
//     regularisation; early stopping on the validation rows) until the time or trial budget is
//     spent, each trial a child run;
//  4. re-trains the best configuration of either algorithm as the "best" child run with its
//     model, explanations and evaluation, and registers it when register_as is set.
// The summary run records the best run id (tag keel.best_run_id), algorithm, params and metric.
Result<AutomlResult> RunAutoml(const MlContext& ctx, const AutomlRequest& request);

}  // namespace keel::ml

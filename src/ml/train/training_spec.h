#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "ml/feature_encoding.h"
#include "ml/tune/search_space.h"
#include "ml/tune/tuner.h"

// What `keel train SPEC` and `keel tune SPEC` read: a YAML (or JSON) file, e.g.
//
//   table: dev.churn.customers        # catalog.schema.table
//   version: 3                        # optional: the table version (default: the latest)
//   label: churned
//   features: [tenure, plan, charges] # optional: every column but the label (and time column)
//   problem: classification           # or regression
//   algorithm: xgboost                # or linear
//   params: {max_depth: 4, eta: 0.1, num_boost_round: 200}
//   split: {train: 0.7, validation: 0.15, test: 0.15, seed: 42, stratify: true}
//                                     # or time_column: signup_date for a time-ordered split
//   early_stopping_rounds: 20
//   metric: roc_auc                   # what tuning optimises (see MetricDirection)
//   seed: 7
//   experiment: /Shared/churn
//   run_name: xgb-baseline
//   register: dev.churn.churn_model   # optional: register the trained model
//   tune:
//     strategy: tpe                   # random | grid | tpe
//     max_trials: 30
//     timeout: 10m                    # 90s, 10m, 1h, or seconds
//     parallelism: 2
//     search_space:
//       max_depth: {type: int, low: 2, high: 8}
//       eta: {type: loguniform, low: 0.01, high: 0.3}
//
// See docs/ml.md for every field.
namespace keel::ml {

enum class Algorithm { kXgboost, kLinear };
std::string_view AlgorithmName(Algorithm algorithm);
Result<Algorithm> ParseAlgorithm(std::string_view name);

struct SplitSpec {
  double train = 0.8;
  double validation = 0.1;
  double test = 0.1;
  uint64_t seed = 42;
  // Classification: each class split in the same proportions (default on).
  bool stratify = true;
  // When set, rows are ordered by this column and split in that order (oldest in train): no
  // shuffling, no stratification.
  std::string time_column;
};

struct TrainingSpec {
  std::string table;
  std::optional<int64_t> version;
  std::string label;
  std::vector<std::string> features;  // empty: every column but label and time column
  ProblemType problem = ProblemType::kClassification;
  Algorithm algorithm = Algorithm::kXgboost;
  // Hyperparameters, name -> JSON scalar. xgboost: num_boost_round and any XGBoost parameter;
  // linear: alpha (ridge), C (logistic), max_iter.
  std::vector<std::pair<std::string, json::Value>> params;
  SplitSpec split;
  int early_stopping_rounds = 0;
  std::string metric;  // empty: roc_auc for classification, rmse for regression
  uint64_t seed = 0;
  std::string experiment;  // empty: "/Shared/keel-<table>"
  std::string run_name;
  std::string register_as;  // catalog.schema.model, or empty
  // tune: (only `keel tune`)
  std::optional<SearchSpace> search_space;
  TuneOptions tune;

  // The metric to optimise, with the default filled in.
  std::string EffectiveMetric() const;
  std::string EffectiveExperiment() const;
};

// Parses a spec document (YAML converted to JSON). Unknown fields are errors (a typo must not
// silently train something else).
// Errors: kInvalidParameterValue naming the field.
Result<TrainingSpec> ParseTrainingSpec(const json::Value& doc);

// Reads and parses a spec file (YAML or JSON).
Result<TrainingSpec> ParseTrainingSpecText(std::string_view text);

// Sets hyperparameter `name` (replacing an earlier value) from text: numbers become numbers,
// "true"/"false" booleans, anything else a string.
void SetParam(TrainingSpec* spec, const std::string& name, std::string_view text);

// Checks what can be checked without data: names present, split fractions in [0, 1] summing to
// 1 with a non-empty train part, the metric known for the problem, algorithm/problem combination
// supported, parameter values scalars.
Status ValidateTrainingSpec(const TrainingSpec& spec);

// True when a larger value of `metric` is better (roc_auc, accuracy, f1, precision, recall,
// pr_auc, r2); false for losses (log_loss, rmse, mse, mae, mape).
// Error: kInvalidParameterValue for a metric Keel does not compute for `problem`.
Result<bool> MetricDirection(std::string_view metric, ProblemType problem);

// "10m" -> 600, "90s" -> 90, "1h" -> 3600, "45" -> 45. Error: kInvalidParameterValue.
Result<double> ParseDurationSeconds(std::string_view text);

}  // namespace keel::ml

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "ml/evaluate/metrics.h"
#include "ml/feature_encoding.h"
#include "ml/train/data_split.h"
#include "ml/train/ml_context.h"
#include "ml/train/tracked_run.h"
#include "ml/train/training_spec.h"

// `keel train` and `keel tune`: read a table version through the catalog, split it, train an
// xgboost or linear model, evaluate it on held-out rows, explain it, and record all of it in a
// tracking run (params, per-round metrics, final metrics, the model in MLflow's format, the
// input table version, the git commit), then optionally register the model.
//
// Reproducible: the same spec, seed and table version give identical models and metrics (the
// split is Keel's own seeded shuffle; XGBoost's hist and exact methods are deterministic for a
// seed; the linear solvers are single-threaded).
namespace keel::ml {

// The table, read once and split: what each training (or tuning trial) works on.
struct PreparedData {
  InputTable input;
  std::vector<std::string> features;
  EncodedLabels labels;  // for every row of the table
  batch::RecordBatch train, validation, test;
  std::vector<double> train_labels, validation_labels, test_labels;
};

// Reads spec.table (at spec.version) as ctx.caller (SELECT needed), checks the columns and the
// label, and splits the rows.
// Errors: those of ValidateTrainingSpec; kInvalidParameterValue for an empty table, missing
// columns, a label with one class, bad values (naming the column and row); the table service's
// errors (kResourceDoesNotExist, kPermissionDenied).
Result<PreparedData> PrepareData(const MlContext& ctx, const TrainingSpec& spec);

struct TrainResult {
  std::string run_id;
  std::string experiment_id;
  std::string model_uri;  // "runs:/<run_id>/model", empty when the model was not logged
  int64_t table_version = -1;
  // Held-out metrics by name ("roc_auc", "rmse", ...).
  MetricList validation_metrics;
  MetricList test_metrics;
  // spec.EffectiveMetric() on the validation rows (the test rows when there are none, the
  // training rows when there are neither): what tuning optimises.
  double objective = 0;
  std::optional<int64_t> registered_version;
};

struct TrainOptions {
  std::string parent_run_id;  // make the run a child (tuning trials)
  bool log_model = true;      // trials skip the model and explanation artifacts
  std::string run_name;       // overrides spec.run_name
  // XGBoost threads; 0 = every core. Tuning gives each parallel trial its share.
  int nthread = 0;
};

// Trains on `data` and logs a run. On any error the run ends FAILED (never left RUNNING).
Result<TrainResult> TrainOnData(const MlContext& ctx, const TrainingSpec& spec,
                                const PreparedData& data, const TrainOptions& options = {});

// PrepareData, TrainOnData, and registration as spec.register_as when set.
Result<TrainResult> Train(const MlContext& ctx, const TrainingSpec& spec);

struct TuneResultSummary {
  std::string run_id;  // the tuning (parent) run
  std::string experiment_id;
  int trials = 0;
  int failed_trials = 0;
  json::Value best_params;  // the winning configuration
  TrainResult best;         // the re-trained best configuration (a child run with the model)
};

// `keel tune`: spec.search_space explored by spec.tune's strategy; every trial a child run of a
// tuning run; the best configuration re-trained with its model logged (and registered when
// spec.register_as is set). The tuning run records the best params, metric and run id.
// Errors: as Train; kInvalidParameterValue when the spec has no search space or every trial
// failed (with the first trial's error).
Result<TuneResultSummary> Tune(const MlContext& ctx, const TrainingSpec& spec);

// Registers `model_uri` (runs:/...) as a new version of `name`, creating the registered model
// when it does not exist.
Result<int64_t> RegisterModel(const MlContext& ctx, std::string_view name,
                              std::string_view model_uri, std::string_view run_id);

// The spec with `params` (a JSON object) merged over spec.params.
TrainingSpec WithParams(const TrainingSpec& spec, const json::Value& params);

}  // namespace keel::ml

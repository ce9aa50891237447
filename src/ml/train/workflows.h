#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "ml/evaluate/metrics.h"
#include "ml/profile/table_profile.h"
#include "ml/train/ml_context.h"
#include "ml/train/tracked_run.h"

// The tracked workflows around a trained model: `keel evaluate`, `keel predict` and
// `keel profile`. Each reads tables through the catalog as ctx.caller; evaluate and profile
// record a tracking run with the table version they read.
namespace keel::ml {

// ---- evaluate ---------------------------------------------------------------------------------
struct EvaluateRequest {
  std::string model_uri;  // models:/... or runs:/...
  std::string table;
  std::optional<int64_t> version;
  std::string label;  // empty: the label the model was trained on (Keel models record it)
  // Metrics per value of each of these columns (at most kMaxSliceValues values per column).
  std::vector<std::string> slice_columns;
  std::string baseline_uri;  // optional: a model to compare against on the same rows
  std::string experiment;    // empty: "/Shared/keel-evaluate"
  std::string run_name;
};

// Slices beyond this many distinct values of a column are left out (and the report says so).
inline constexpr int kMaxSliceValues = 100;

struct EvaluateResult {
  std::string run_id;
  std::string experiment_id;
  int64_t table_version = -1;
  MetricList metrics;
  MetricList baseline_metrics;  // empty without a baseline
  json::Value report;           // what evaluation/report.json holds
};

// Scores the table with the model (and the baseline), computes the metrics for the model's
// problem overall and per slice, and logs them (metrics "<name>", "baseline_<name>",
// "slice.<column>.<value>.<name>") with evaluation/report.json in a new run.
// Errors: kInvalidParameterValue (no label known, missing columns, labels the model does not
// know, an empty table, a baseline of another problem); FetchModel's and the table service's.
Result<EvaluateResult> EvaluateModel(const MlContext& ctx, const EvaluateRequest& request);

// ---- predict ----------------------------------------------------------------------------------
struct PredictRequest {
  std::string model_uri;
  std::string table;
  std::optional<int64_t> version;
  std::string output_table;  // created when missing (needs CREATE_TABLE), else appended to
  bool overwrite = false;    // replace the output table's rows instead of appending
};

struct PredictResult {
  int64_t rows = 0;
  int64_t input_version = -1;
  int64_t output_version = -1;
  bool created = false;
};

// Writes the input rows plus `prediction` (the value, or the class label) and, for
// classifiers, `probability` (of the predicted class; of the positive class when binary) to
// the output table in one commit.
// Errors: kInvalidParameterValue when the input already has those columns or lacks features;
// the table service's and FetchModel's errors.
Result<PredictResult> PredictTable(const MlContext& ctx, const PredictRequest& request);

// Writes `rows` to `table` in one commit, creating it with their schema first when it does not
// exist (CREATE_TABLE needed; `comment` becomes its comment). Sets *created.
Result<int64_t> WriteOrCreateTable(const MlContext& ctx, const std::string& table,
                                   const batch::RecordBatch& rows, bool overwrite,
                                   const std::string& comment, bool* created);

// ---- profile ----------------------------------------------------------------------------------
struct ProfileRequest {
  std::string table;
  std::optional<int64_t> version;
  ProfileOptions options;  // options.label_column: correlations with it
  std::string experiment;  // empty: "/Shared/keel-<table>"
  std::string run_name;    // empty: "profile"
};

struct ProfileResult {
  std::string run_id;
  int64_t table_version = -1;
  TableProfile profile;
};

// Profiles the table version and logs a run with profile/profile.json and the self-contained
// profile/profile.html report.
Result<ProfileResult> ProfileTable(const MlContext& ctx, const ProfileRequest& request);

// Logs profile/profile.json and profile/profile.html (titled `title`) to an open run.
Status LogProfileArtifacts(const TableProfile& profile, const std::string& title, TrackedRun* run);

}  // namespace keel::ml

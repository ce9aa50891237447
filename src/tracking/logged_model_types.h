#pragma once

// MLflow 3 logged models (LoggedModel, LoggedModelInfo and LoggedModelData of
// mlflow/protos/service.proto), with MLflow's field names.

#include <cstdint>
#include <string>
#include <vector>

#include "tracking/tracking_types.h"

namespace keel::tracking {

inline constexpr std::string_view kLoggedModelPending = "LOGGED_MODEL_PENDING";
inline constexpr std::string_view kLoggedModelReady = "LOGGED_MODEL_READY";
inline constexpr std::string_view kLoggedModelUploadFailed = "LOGGED_MODEL_UPLOAD_FAILED";

struct LoggedModelInfo {
  std::string model_id;  // "m-" + 32 hex
  std::string experiment_id;
  std::string name;
  std::string model_type;     // optional
  std::string source_run_id;  // optional
  std::string status;         // one of the kLoggedModel* names
  std::string status_message;
  std::string artifact_uri;  // mlflow-artifacts:/<experiment>/models/<model_id>/artifacts
  std::string creator;       // principal name (MLflow's creator_id is a number Keel lacks)
  int64_t creation_timestamp_ms = 0;
  int64_t last_updated_timestamp_ms = 0;
  std::vector<KeyValue> tags;
};

struct LoggedModel {
  LoggedModelInfo info;
  std::vector<KeyValue> params;
  std::vector<Metric> metrics;  // every point logged with this model_id, by key, step, time
};

struct CreateLoggedModelRequest {
  std::string experiment_id;
  std::string name;  // "" -> generated
  std::string model_type;
  std::string source_run_id;
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
};

struct LoggedModelOrderBy {
  std::string field_name;  // "creation_timestamp", "name", "metrics.acc", "params.x", ...
  bool ascending = true;
};

struct SearchLoggedModelsRequest {
  std::vector<std::string> experiment_ids;
  std::string filter;
  int64_t max_results = 50;  // MLflow's default
  std::vector<LoggedModelOrderBy> order_by;
  std::string page_token;
};

struct LoggedModelPage {
  std::vector<LoggedModel> models;
  std::string next_page_token;  // empty on the last page
};

// runs/outputs: a run produced this model at this step.
struct ModelOutput {
  std::string model_id;
  int64_t step = 0;
};

}  // namespace keel::tracking

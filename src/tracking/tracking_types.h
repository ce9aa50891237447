#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace keel::tracking {

// MLflow's entities, with MLflow's field names (see mlflow/protos/service.proto).

struct KeyValue {
  std::string key;
  std::string value;
};

struct Experiment {
  std::string experiment_id;  // decimal string, as MLflow's API has it ("0" is Default)
  std::string name;
  std::string artifact_location;
  std::string lifecycle_stage;  // "active" | "deleted"
  int64_t creation_time = 0;
  int64_t last_update_time = 0;
  std::vector<KeyValue> tags;
};

struct Metric {
  std::string key;
  double value = 0;  // NaN allowed
  int64_t timestamp = 0;
  int64_t step = 0;
  // MLflow 3: the logged model the point is about, and the dataset it was measured on; set,
  // the point is also recorded on that model (its data.metrics).
  std::string model_id;
  std::string dataset_name;
  std::string dataset_digest;
  std::string run_id;  // filled when read back from a model's metrics
};

// A metric point with the run it belongs to (get-history-bulk-interval).
struct RunMetric {
  std::string run_id;
  Metric metric;
};

struct RunInfo {
  std::string run_id;
  std::string run_name;
  std::string experiment_id;
  std::string user_id;
  std::string status;  // RUNNING | SCHEDULED | FINISHED | FAILED | KILLED
  int64_t start_time = 0;
  std::optional<int64_t> end_time;
  std::string artifact_uri;
  std::string lifecycle_stage;
};

struct Dataset {
  std::string name;
  std::string digest;
  std::string source_type;
  std::string source;
  std::string schema;   // optional
  std::string profile;  // optional
};

struct DatasetInput {
  std::vector<KeyValue> tags;
  Dataset dataset;
};

struct Run {
  RunInfo info;
  std::vector<Metric> metrics;  // latest value per key
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
  std::vector<DatasetInput> inputs;
};

enum class ViewType { kActiveOnly, kDeletedOnly, kAll };

// Experiment permission levels, ordered.
enum class PermissionLevel { kNone = 0, kCanRead = 1, kCanEdit = 2, kCanManage = 3 };

// "CAN_READ", ...; "NO_PERMISSIONS" for kNone (Databricks' names).
std::string_view PermissionLevelName(PermissionLevel level);
Result<PermissionLevel> ParsePermissionLevel(std::string_view name);

}  // namespace keel::tracking

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "metastore/database.h"
#include "tracking/logged_model_types.h"

namespace keel::tracking {

// SQL for MLflow 3 logged models, their params, tags and the runs that output them. Runs
// inside the caller's transaction. Deleted models are invisible to every read here.
class LoggedModelStore {
 public:
  static Status Insert(metastore::Transaction& tx, const LoggedModelInfo& info);
  // The active model (tags filled), or nullopt.
  static Result<std::optional<LoggedModelInfo>> Get(metastore::Transaction& tx,
                                                    std::string_view model_id);
  // Active models of one experiment, tags filled.
  static Result<std::vector<LoggedModelInfo>> ListInExperiment(metastore::Transaction& tx,
                                                               int64_t experiment_id);
  static Status SetStatus(metastore::Transaction& tx, std::string_view model_id,
                          std::string_view status, int64_t now);
  static Status Touch(metastore::Transaction& tx, std::string_view model_id, int64_t now);
  static Status MarkDeleted(metastore::Transaction& tx, std::string_view model_id, int64_t now);

  static Result<std::vector<KeyValue>> GetParams(metastore::Transaction& tx,
                                                 std::string_view model_id);
  // Inserts keys not logged yet; the caller has checked that logged keys keep their values.
  static Status InsertParams(metastore::Transaction& tx, std::string_view model_id,
                             const std::vector<KeyValue>& params);
  static Status SetTags(metastore::Transaction& tx, std::string_view model_id,
                        const std::vector<KeyValue>& tags);
  static Result<int64_t> DeleteTag(metastore::Transaction& tx, std::string_view model_id,
                                   std::string_view key);

  // Records points logged by `run_id` on their model (each metric's model_id).
  static Status LogMetrics(metastore::Transaction& tx, std::string_view run_id,
                           const std::vector<Metric>& metrics);
  // Every point recorded on the model, by key, step and timestamp.
  static Result<std::vector<Metric>> GetMetrics(metastore::Transaction& tx,
                                                std::string_view model_id);

  // Links a run to models; linking the same pair again keeps the first step.
  static Status InsertOutputs(metastore::Transaction& tx, std::string_view run_id,
                              const std::vector<ModelOutput>& outputs);
};

}  // namespace keel::tracking

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "metastore/database.h"
#include "tracking/tracking_types.h"

namespace keel::tracking {

// SQL for runs and everything logged to them. Runs inside the caller's transaction.
class RunStore {
 public:
  static Status Insert(metastore::Transaction& tx, const RunInfo& info);
  static Result<std::optional<RunInfo>> GetInfo(metastore::Transaction& tx,
                                                std::string_view run_id);
  // Infos of several runs, in the order of `run_ids` (missing ones skipped).
  static Result<std::vector<RunInfo>> GetInfos(metastore::Transaction& tx,
                                               const std::vector<std::string>& run_ids);
  static Status UpdateInfo(metastore::Transaction& tx, const RunInfo& info);
  static Status SetLifecycle(metastore::Transaction& tx, std::string_view run_id,
                             std::string_view stage, std::optional<int64_t> deleted_time);

  // Fills metrics (latest per key), params, tags and inputs of `run`.
  static Status LoadData(metastore::Transaction& tx, Run* run);

  // Appends points and updates the latest value per key by (step, timestamp, value).
  static Status LogMetrics(metastore::Transaction& tx, std::string_view run_id,
                           const std::vector<Metric>& metrics);
  // Existing values of these param keys (key -> value).
  static Result<std::vector<KeyValue>> GetParams(metastore::Transaction& tx,
                                                 std::string_view run_id);
  static Status InsertParams(metastore::Transaction& tx, std::string_view run_id,
                             const std::vector<KeyValue>& params);
  static Status SetTags(metastore::Transaction& tx, std::string_view run_id,
                        const std::vector<KeyValue>& tags);
  // The value of one tag, or nullopt.
  static Result<std::optional<std::string>> GetTag(metastore::Transaction& tx,
                                                   std::string_view run_id, std::string_view key);
  static Result<int64_t> DeleteTag(metastore::Transaction& tx, std::string_view run_id,
                                   std::string_view key);

  // Points of one metric ordered by (step, timestamp), from `offset`, at most `limit`.
  static Result<std::vector<Metric>> MetricHistory(metastore::Transaction& tx,
                                                   std::string_view run_id, std::string_view key,
                                                   int64_t offset, int64_t limit);
  // Points of one metric with start_step <= step < end_step (all steps when absent).
  static Result<std::vector<Metric>> MetricHistoryInSteps(metastore::Transaction& tx,
                                                          std::string_view run_id,
                                                          std::string_view key,
                                                          std::optional<int64_t> start_step,
                                                          std::optional<int64_t> end_step);

  static Status LogInputs(metastore::Transaction& tx, int64_t experiment_id,
                          std::string_view run_id, const std::vector<DatasetInput>& inputs);
};

}  // namespace keel::tracking

#include "tracking/logged_model_store.h"

#include <charconv>
#include <cmath>

namespace keel::tracking {

using metastore::Int;
using metastore::Row;
using metastore::Text;
using metastore::TextOrNull;
using metastore::Transaction;

namespace {

constexpr std::string_view kSelectInfo =
    "SELECT model_id, experiment_id, name, model_type, source_run_id, status, status_message, "
    "artifact_uri, creator, creation_timestamp_ms, last_updated_timestamp_ms FROM logged_models";

LoggedModelInfo InfoFromRow(const Row& r) {
  LoggedModelInfo info;
  info.model_id = r.Text(0);
  info.experiment_id = std::to_string(r.Int(1));
  info.name = r.Text(2);
  info.model_type = r.Text(3);
  info.source_run_id = r.Text(4);
  info.status = r.Text(5);
  info.status_message = r.Text(6);
  info.artifact_uri = r.Text(7);
  info.creator = r.Text(8);
  info.creation_timestamp_ms = r.Int(9);
  info.last_updated_timestamp_ms = r.Int(10);
  return info;
}

Result<std::vector<KeyValue>> KeyValuesOf(Transaction& tx, std::string_view table,
                                          std::string_view model_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT key, value FROM " + std::string(table) +
                                                " WHERE model_id = ? ORDER BY key",
                                            {Text(model_id)}));
  std::vector<KeyValue> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back({r.Text(0), r.Text(1)});
  return out;
}

// Runs `sql` (model_id, key, value) once per pair.
Status WriteKeyValues(Transaction& tx, std::string_view sql, std::string_view model_id,
                      const std::vector<KeyValue>& kvs) {
  for (const KeyValue& kv : kvs) {
    KEEL_RETURN_IF_ERROR(tx.Exec(sql, {Text(model_id), Text(kv.key), Text(kv.value)}).status());
  }
  return Status::OK();
}

}  // namespace

Status LoggedModelStore::Insert(Transaction& tx, const LoggedModelInfo& info) {
  int64_t experiment = 0;
  std::from_chars(info.experiment_id.data(), info.experiment_id.data() + info.experiment_id.size(),
                  experiment);
  return tx
      .Exec(
          "INSERT INTO logged_models (model_id, experiment_id, name, model_type, "
          "source_run_id, status, status_message, artifact_uri, creator, "
          "creation_timestamp_ms, last_updated_timestamp_ms) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {Text(info.model_id), Int(experiment), Text(info.name), TextOrNull(info.model_type),
           TextOrNull(info.source_run_id), Text(info.status), TextOrNull(info.status_message),
           Text(info.artifact_uri), Text(info.creator), Int(info.creation_timestamp_ms),
           Int(info.last_updated_timestamp_ms)})
      .status();
}

Result<std::optional<LoggedModelInfo>> LoggedModelStore::Get(Transaction& tx,
                                                             std::string_view model_id) {
  KEEL_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(std::string(kSelectInfo) + " WHERE model_id = ? AND lifecycle_stage = 'active'",
               {Text(model_id)}));
  if (rows.empty()) return std::optional<LoggedModelInfo>();
  LoggedModelInfo info = InfoFromRow(rows[0]);
  KEEL_ASSIGN_OR_RETURN(info.tags, KeyValuesOf(tx, "logged_model_tags", info.model_id));
  return std::optional<LoggedModelInfo>(std::move(info));
}

Result<std::vector<LoggedModelInfo>> LoggedModelStore::ListInExperiment(Transaction& tx,
                                                                        int64_t experiment_id) {
  KEEL_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(std::string(kSelectInfo) + " WHERE experiment_id = ? AND lifecycle_stage = 'active'",
               {Int(experiment_id)}));
  std::vector<LoggedModelInfo> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    out.push_back(InfoFromRow(r));
    KEEL_ASSIGN_OR_RETURN(out.back().tags,
                          KeyValuesOf(tx, "logged_model_tags", out.back().model_id));
  }
  return out;
}

Status LoggedModelStore::SetStatus(Transaction& tx, std::string_view model_id,
                                   std::string_view status, int64_t now) {
  return tx
      .Exec(
          "UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? "
          "WHERE model_id = ?",
          {Text(status), Int(now), Text(model_id)})
      .status();
}

Status LoggedModelStore::Touch(Transaction& tx, std::string_view model_id, int64_t now) {
  return tx
      .Exec("UPDATE logged_models SET last_updated_timestamp_ms = ? WHERE model_id = ?",
            {Int(now), Text(model_id)})
      .status();
}

Status LoggedModelStore::MarkDeleted(Transaction& tx, std::string_view model_id, int64_t now) {
  return tx
      .Exec(
          "UPDATE logged_models SET lifecycle_stage = 'deleted', "
          "last_updated_timestamp_ms = ? WHERE model_id = ?",
          {Int(now), Text(model_id)})
      .status();
}

Result<std::vector<KeyValue>> LoggedModelStore::GetParams(Transaction& tx,
                                                          std::string_view model_id) {
  return KeyValuesOf(tx, "logged_model_params", model_id);
}

Status LoggedModelStore::InsertParams(Transaction& tx, std::string_view model_id,
                                      const std::vector<KeyValue>& params) {
  return WriteKeyValues(tx,
                        "INSERT INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?) "
                        "ON CONFLICT (model_id, key) DO NOTHING",
                        model_id, params);
}

Status LoggedModelStore::SetTags(Transaction& tx, std::string_view model_id,
                                 const std::vector<KeyValue>& tags) {
  return WriteKeyValues(tx,
                        "INSERT INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?) "
                        "ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
                        model_id, tags);
}

Result<int64_t> LoggedModelStore::DeleteTag(Transaction& tx, std::string_view model_id,
                                            std::string_view key) {
  return tx.Exec("DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?",
                 {Text(model_id), Text(key)});
}

Status LoggedModelStore::LogMetrics(Transaction& tx, std::string_view run_id,
                                    const std::vector<Metric>& metrics) {
  for (const Metric& m : metrics) {
    bool nan = std::isnan(m.value);
    KEEL_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO logged_model_metrics (model_id, run_id, key, value, is_nan, "
                "timestamp, step, dataset_name, dataset_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {Text(m.model_id), Text(run_id), Text(m.key),
                 nan ? metastore::Null() : metastore::SqlValue(m.value), Int(nan ? 1 : 0),
                 Int(m.timestamp), Int(m.step), Text(m.dataset_name), Text(m.dataset_digest)})
            .status());
  }
  return Status::OK();
}

Result<std::vector<Metric>> LoggedModelStore::GetMetrics(Transaction& tx,
                                                         std::string_view model_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT key, value, is_nan, timestamp, step, dataset_name, "
                                 "dataset_digest, run_id FROM logged_model_metrics "
                                 "WHERE model_id = ? ORDER BY key, step, timestamp",
                                 {Text(model_id)}));
  std::vector<Metric> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    Metric m;
    m.key = r.Text(0);
    m.value = r.Int(2) ? std::nan("") : r.Double(1);
    m.timestamp = r.Int(3);
    m.step = r.Int(4);
    m.dataset_name = r.Text(5);
    m.dataset_digest = r.Text(6);
    m.model_id = std::string(model_id);
    m.run_id = r.Text(7);
    out.push_back(std::move(m));
  }
  return out;
}

Status LoggedModelStore::InsertOutputs(Transaction& tx, std::string_view run_id,
                                       const std::vector<ModelOutput>& outputs) {
  for (const ModelOutput& o : outputs) {
    KEEL_RETURN_IF_ERROR(tx.Exec("INSERT INTO logged_model_outputs (run_id, model_id, step) "
                                 "VALUES (?, ?, ?) ON CONFLICT (run_id, model_id) DO NOTHING",
                                 {Text(run_id), Text(o.model_id), Int(o.step)})
                             .status());
  }
  return Status::OK();
}

}  // namespace keel::tracking

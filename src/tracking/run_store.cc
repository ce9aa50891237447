#include "tracking/run_store.h"

#include <charconv>
#include <cmath>

#include "common/json.h"
#include "common/random.h"

namespace keel::tracking {

using metastore::Int;
using metastore::Null;
using metastore::Row;
using metastore::SqlValue;
using metastore::Text;
using metastore::TextOrNull;
using metastore::Transaction;

namespace {

constexpr std::string_view kSelectInfo =
    "SELECT run_id, name, experiment_id, user_id, status, start_time, end_time, artifact_uri, "
    "lifecycle_stage FROM runs";

RunInfo InfoFromRow(const Row& r) {
  RunInfo info;
  info.run_id = r.Text(0);
  info.run_name = r.Text(1);
  info.experiment_id = std::to_string(r.Int(2));
  info.user_id = r.Text(3);
  info.status = r.Text(4);
  info.start_time = r.Int(5);
  if (!r.IsNull(6)) info.end_time = r.Int(6);
  info.artifact_uri = r.Text(7);
  info.lifecycle_stage = r.Text(8);
  return info;
}

// REQUIRES: `id` came from the metastore or internal::ParseExperimentId (digits only).
int64_t ExperimentIdNumber(std::string_view id) {
  int64_t out = 0;
  std::from_chars(id.data(), id.data() + id.size(), out);
  return out;
}

SqlValue MetricValue(double v) { return std::isnan(v) ? Null() : SqlValue(v); }

Metric MetricFromRow(const Row& r, size_t first) {
  Metric m;
  m.key = r.Text(first);
  m.value = r.Int(first + 4) ? std::nan("") : r.Double(first + 1);
  m.timestamp = r.Int(first + 2);
  m.step = r.Int(first + 3);
  return m;
}

std::vector<KeyValue> KeyValues(const std::vector<Row>& rows) {
  std::vector<KeyValue> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back({r.Text(0), r.Text(1)});
  return out;
}

}  // namespace

Status RunStore::Insert(Transaction& tx, const RunInfo& info) {
  return tx
      .Exec(
          "INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, "
          "end_time, lifecycle_stage, artifact_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {Text(info.run_id), Int(ExperimentIdNumber(info.experiment_id)), Text(info.run_name),
           Text(info.user_id), Text(info.status), Int(info.start_time),
           info.end_time ? Int(*info.end_time) : Null(), Text(info.lifecycle_stage),
           Text(info.artifact_uri)})
      .status();
}

Result<std::optional<RunInfo>> RunStore::GetInfo(Transaction& tx, std::string_view run_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query(std::string(kSelectInfo) + " WHERE run_id = ?", {Text(run_id)}));
  if (rows.empty()) return std::optional<RunInfo>();
  return std::optional<RunInfo>(InfoFromRow(rows[0]));
}

Result<std::vector<RunInfo>> RunStore::GetInfos(Transaction& tx,
                                                const std::vector<std::string>& run_ids) {
  std::vector<RunInfo> out;
  out.reserve(run_ids.size());
  for (const std::string& id : run_ids) {
    KEEL_ASSIGN_OR_RETURN(auto info, GetInfo(tx, id));
    if (info) out.push_back(std::move(*info));
  }
  return out;
}

Status RunStore::UpdateInfo(Transaction& tx, const RunInfo& info) {
  return tx
      .Exec("UPDATE runs SET name = ?, status = ?, end_time = ? WHERE run_id = ?",
            {Text(info.run_name), Text(info.status), info.end_time ? Int(*info.end_time) : Null(),
             Text(info.run_id)})
      .status();
}

Status RunStore::SetLifecycle(Transaction& tx, std::string_view run_id, std::string_view stage,
                              std::optional<int64_t> deleted_time) {
  return tx
      .Exec("UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_id = ?",
            {Text(stage), deleted_time ? Int(*deleted_time) : Null(), Text(run_id)})
      .status();
}

Result<std::optional<std::string>> RunStore::GetTag(Transaction& tx, std::string_view run_id,
                                                    std::string_view key) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT value FROM tags WHERE run_id = ? AND key = ?",
                                            {Text(run_id), Text(key)}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0].Text(0));
}

Status RunStore::LoadData(Transaction& tx, Run* run) {
  SqlValue id = Text(run->info.run_id);
  KEEL_ASSIGN_OR_RETURN(auto metrics,
                        tx.Query("SELECT key, value, timestamp, step, is_nan FROM latest_metrics "
                                 "WHERE run_id = ? ORDER BY key",
                                 {id}));
  run->metrics.clear();
  for (const Row& r : metrics) run->metrics.push_back(MetricFromRow(r, 0));
  KEEL_ASSIGN_OR_RETURN(
      auto params, tx.Query("SELECT key, value FROM params WHERE run_id = ? ORDER BY key", {id}));
  run->params = KeyValues(params);
  KEEL_ASSIGN_OR_RETURN(
      auto tags, tx.Query("SELECT key, value FROM tags WHERE run_id = ? ORDER BY key", {id}));
  run->tags = KeyValues(tags);
  KEEL_ASSIGN_OR_RETURN(auto inputs,
                        tx.Query("SELECT d.name, d.digest, d.source_type, d.source, d.schema, "
                                 "d.profile, i.tags FROM run_inputs i JOIN datasets d ON "
                                 "d.dataset_id = i.dataset_id WHERE i.run_id = ? ORDER BY d.name",
                                 {id}));
  run->inputs.clear();
  for (const Row& r : inputs) {
    DatasetInput in;
    in.dataset = {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5)};
    auto tags_json = json::Parse(r.Text(6));
    if (tags_json.ok() && tags_json->is_array()) {
      for (const auto& t : tags_json->as_array()) {
        const json::Value* k = t.Find("key");
        const json::Value* v = t.Find("value");
        if (k && v && k->is_string() && v->is_string()) {
          in.tags.push_back({k->as_string(), v->as_string()});
        }
      }
    }
    run->inputs.push_back(std::move(in));
  }
  return Status::OK();
}

Status RunStore::LogMetrics(Transaction& tx, std::string_view run_id,
                            const std::vector<Metric>& metrics) {
  for (const Metric& m : metrics) {
    bool nan = std::isnan(m.value);
    std::vector<SqlValue> values = {Text(run_id),     Text(m.key), MetricValue(m.value),
                                    Int(m.timestamp), Int(m.step), Int(nan ? 1 : 0)};
    KEEL_RETURN_IF_ERROR(tx.Exec("INSERT INTO metrics (run_id, key, value, timestamp, step, "
                                 "is_nan) VALUES (?, ?, ?, ?, ?, ?)",
                                 values)
                             .status());
    // The latest point wins by (step, timestamp, value); NaN (NULL) sorts lowest.
    KEEL_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO latest_metrics (run_id, key, value, timestamp, step, is_nan) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET "
                "value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, "
                "is_nan = excluded.is_nan WHERE excluded.step > latest_metrics.step OR "
                "(excluded.step = latest_metrics.step AND (excluded.timestamp > "
                "latest_metrics.timestamp OR (excluded.timestamp = latest_metrics.timestamp AND "
                "COALESCE(excluded.value, -1e308) > COALESCE(latest_metrics.value, -1e308))))",
                values)
            .status());
  }
  return Status::OK();
}

Result<std::vector<KeyValue>> RunStore::GetParams(Transaction& tx, std::string_view run_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT key, value FROM params WHERE run_id = ?", {Text(run_id)}));
  return KeyValues(rows);
}

Status RunStore::InsertParams(Transaction& tx, std::string_view run_id,
                              const std::vector<KeyValue>& params) {
  for (const KeyValue& p : params) {
    KEEL_RETURN_IF_ERROR(tx.Exec("INSERT INTO params (run_id, key, value) VALUES (?, ?, ?) "
                                 "ON CONFLICT (run_id, key) DO NOTHING",
                                 {Text(run_id), Text(p.key), Text(p.value)})
                             .status());
  }
  return Status::OK();
}

Status RunStore::SetTags(Transaction& tx, std::string_view run_id,
                         const std::vector<KeyValue>& tags) {
  for (const KeyValue& t : tags) {
    KEEL_RETURN_IF_ERROR(tx.Exec("INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) "
                                 "ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
                                 {Text(run_id), Text(t.key), Text(t.value)})
                             .status());
  }
  return Status::OK();
}

Result<int64_t> RunStore::DeleteTag(Transaction& tx, std::string_view run_id,
                                    std::string_view key) {
  return tx.Exec("DELETE FROM tags WHERE run_id = ? AND key = ?", {Text(run_id), Text(key)});
}

Result<std::vector<Metric>> RunStore::MetricHistory(Transaction& tx, std::string_view run_id,
                                                    std::string_view key, int64_t offset,
                                                    int64_t limit) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT key, value, timestamp, step, is_nan FROM metrics WHERE "
                                 "run_id = ? AND key = ? ORDER BY step, timestamp LIMIT ? "
                                 "OFFSET ?",
                                 {Text(run_id), Text(key), Int(limit), Int(offset)}));
  std::vector<Metric> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(MetricFromRow(r, 0));
  return out;
}

Result<std::vector<Metric>> RunStore::MetricHistoryInSteps(Transaction& tx, std::string_view run_id,
                                                           std::string_view key,
                                                           std::optional<int64_t> start_step,
                                                           std::optional<int64_t> end_step) {
  KEEL_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_id = ? AND "
               "key = ? AND step >= ? AND step <= ? ORDER BY step, timestamp",
               {Text(run_id), Text(key), Int(start_step.value_or(INT64_MIN)),
                Int(end_step.value_or(INT64_MAX))}));
  std::vector<Metric> out;
  for (const Row& r : rows) out.push_back(MetricFromRow(r, 0));
  return out;
}

Status RunStore::LogInputs(Transaction& tx, int64_t experiment_id, std::string_view run_id,
                           const std::vector<DatasetInput>& inputs) {
  for (const DatasetInput& in : inputs) {
    const Dataset& d = in.dataset;
    KEEL_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO datasets (dataset_id, experiment_id, name, digest, source_type, "
                "source, schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                "(experiment_id, name, digest) DO NOTHING",
                {Text(NewId()), Int(experiment_id), Text(d.name), Text(d.digest),
                 Text(d.source_type), Text(d.source), TextOrNull(d.schema), TextOrNull(d.profile)})
            .status());
    KEEL_ASSIGN_OR_RETURN(auto ids, tx.Query("SELECT dataset_id FROM datasets WHERE "
                                             "experiment_id = ? AND name = ? AND digest = ?",
                                             {Int(experiment_id), Text(d.name), Text(d.digest)}));
    json::Value tags = json::Value::MakeArray();
    for (const KeyValue& t : in.tags) {
      json::Value kv;
      kv.Set("key", t.key);
      kv.Set("value", t.value);
      tags.Append(std::move(kv));
    }
    KEEL_RETURN_IF_ERROR(tx.Exec("INSERT INTO run_inputs (run_id, dataset_id, tags) VALUES "
                                 "(?, ?, ?) ON CONFLICT (run_id, dataset_id) DO NOTHING",
                                 {Text(run_id), Text(ids[0].Text(0)), Text(tags.Dump())})
                             .status());
  }
  return Status::OK();
}

}  // namespace keel::tracking

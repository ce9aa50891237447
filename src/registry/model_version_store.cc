#include "registry/model_version_store.h"

#include <algorithm>

#include "registry/lineage.h"

namespace keel::registry {

using metastore::Int;
using metastore::Null;
using metastore::Row;
using metastore::SqlValue;
using metastore::Text;
using metastore::TextOrNull;
using metastore::Transaction;

namespace {

constexpr std::string_view kSelectVersion =
    "SELECT securable_id, version, source, run_id, run_link, description, status, "
    "status_message, storage_location, lineage, created_by, creation_timestamp, "
    "last_updated_timestamp FROM model_versions";

ModelVersion VersionFromRow(const Row& r) {
  ModelVersion v;
  v.model_id = r.Text(0);
  v.version = r.Int(1);
  v.source = r.Text(2);
  v.run_id = r.Text(3);
  v.run_link = r.Text(4);
  v.description = r.Text(5);
  v.status = ParseVersionStatus(r.Text(6));
  v.status_message = r.Text(7);
  v.storage_location = r.Text(8);
  auto lineage = json::Parse(r.Text(9));
  if (lineage.ok()) v.lineage = LineageFromJson(*lineage);
  v.user_id = r.Text(10);
  v.creation_timestamp = r.Int(11);
  v.last_updated_timestamp = r.Int(12);
  return v;
}

// Fills tags and aliases of each version: two queries per model, narrowed to the version when
// only one is loaded (resolving a URI must not read the tags of every version).
Status LoadDetails(Transaction& tx, std::vector<ModelVersion>* versions) {
  std::vector<std::string> models;
  for (const ModelVersion& v : *versions) {
    if (std::find(models.begin(), models.end(), v.model_id) == models.end()) {
      models.push_back(v.model_id);
    }
  }
  std::string only_version = versions->size() == 1 ? " AND version = ?" : "";
  for (const std::string& model : models) {
    std::vector<SqlValue> params = {Text(model)};
    if (!only_version.empty()) params.push_back(Int(versions->front().version));
    KEEL_ASSIGN_OR_RETURN(auto tags, tx.Query("SELECT version, key, value FROM model_version_tags "
                                              "WHERE securable_id = ?" +
                                                  only_version,
                                              params));
    KEEL_ASSIGN_OR_RETURN(auto aliases, tx.Query("SELECT version, alias FROM model_aliases "
                                                 "WHERE securable_id = ?" +
                                                     only_version + " ORDER BY alias",
                                                 params));
    for (ModelVersion& v : *versions) {
      if (v.model_id != model) continue;
      for (const Row& r : tags) {
        if (r.Int(0) == v.version) v.tags[r.Text(1)] = r.Text(2);
      }
      for (const Row& r : aliases) {
        if (r.Int(0) == v.version) v.aliases.push_back(r.Text(1));
      }
    }
  }
  return Status::OK();
}

Result<std::vector<ModelVersion>> QueryVersions(Transaction& tx, const std::string& where,
                                                const std::vector<SqlValue>& params) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelectVersion) + where, params));
  std::vector<ModelVersion> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(VersionFromRow(r));
  KEEL_RETURN_IF_ERROR(LoadDetails(tx, &out));
  return out;
}

Result<std::optional<ModelVersion>> First(Result<std::vector<ModelVersion>> versions) {
  KEEL_RETURN_IF_ERROR(versions.status());
  if (versions->empty()) return std::optional<ModelVersion>();
  return std::optional<ModelVersion>(std::move(versions->front()));
}

}  // namespace

Result<int64_t> ModelVersionStore::TakeNextVersion(Transaction& tx, std::string_view model_id) {
  KEEL_RETURN_IF_ERROR(tx.Exec("INSERT INTO registered_models (securable_id, last_version) "
                               "VALUES (?, 0) ON CONFLICT (securable_id) DO NOTHING",
                               {Text(model_id)})
                           .status());
  KEEL_RETURN_IF_ERROR(tx.Exec("UPDATE registered_models SET last_version = last_version + 1 "
                               "WHERE securable_id = ?",
                               {Text(model_id)})
                           .status());
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT last_version FROM registered_models "
                                            "WHERE securable_id = ?",
                                            {Text(model_id)}));
  if (rows.empty()) return Status::Internal("registered model row vanished");
  return rows[0].Int(0);
}

Status ModelVersionStore::Insert(Transaction& tx, const ModelVersion& v) {
  return tx
      .Exec(
          "INSERT INTO model_versions (securable_id, version, source, run_id, run_link, "
          "description, status, status_message, storage_location, lineage, created_by, "
          "creation_timestamp, last_updated_timestamp) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {Text(v.model_id), Int(v.version), Text(v.source), TextOrNull(v.run_id),
           TextOrNull(v.run_link), TextOrNull(v.description), Text(VersionStatusName(v.status)),
           TextOrNull(v.status_message), Text(v.storage_location),
           Text(LineageToJson(v.lineage).Dump()), Text(v.user_id), Int(v.creation_timestamp),
           Int(v.last_updated_timestamp)})
      .status();
}

Result<std::optional<ModelVersion>> ModelVersionStore::Get(Transaction& tx,
                                                           std::string_view model_id,
                                                           int64_t version) {
  return First(
      QueryVersions(tx, " WHERE securable_id = ? AND version = ?", {Text(model_id), Int(version)}));
}

Result<std::vector<ModelVersion>> ModelVersionStore::List(Transaction& tx,
                                                          std::string_view model_id) {
  return QueryVersions(tx, " WHERE securable_id = ? ORDER BY version DESC", {Text(model_id)});
}

Result<std::vector<ModelVersion>> ModelVersionStore::ListByRuns(
    Transaction& tx, const std::vector<std::string>& run_ids) {
  std::vector<ModelVersion> out;
  for (const std::string& run_id : run_ids) {
    KEEL_ASSIGN_OR_RETURN(auto some, QueryVersions(tx, " WHERE run_id = ?", {Text(run_id)}));
    for (ModelVersion& v : some) out.push_back(std::move(v));
  }
  return out;
}

Result<std::optional<ModelVersion>> ModelVersionStore::Latest(Transaction& tx,
                                                              std::string_view model_id) {
  return First(QueryVersions(tx,
                             " WHERE securable_id = ? AND status = 'READY' "
                             "ORDER BY version DESC LIMIT 1",
                             {Text(model_id)}));
}

Status ModelVersionStore::SetStatus(Transaction& tx, std::string_view model_id, int64_t version,
                                    VersionStatus status, std::string_view message, int64_t now) {
  return tx
      .Exec(
          "UPDATE model_versions SET status = ?, status_message = ?, "
          "last_updated_timestamp = ? WHERE securable_id = ? AND version = ?",
          {Text(VersionStatusName(status)), TextOrNull(message), Int(now), Text(model_id),
           Int(version)})
      .status();
}

Result<std::vector<ModelVersion>> ModelVersionStore::FailStalePending(Transaction& tx,
                                                                      std::string_view model_id,
                                                                      int64_t cutoff,
                                                                      std::string_view message,
                                                                      int64_t now) {
  KEEL_ASSIGN_OR_RETURN(auto stale, QueryVersions(tx,
                                                  " WHERE securable_id = ? AND status = "
                                                  "'PENDING_REGISTRATION' AND "
                                                  "last_updated_timestamp < ?",
                                                  {Text(model_id), Int(cutoff)}));
  for (const ModelVersion& v : stale) {
    KEEL_RETURN_IF_ERROR(
        SetStatus(tx, model_id, v.version, VersionStatus::kFailedRegistration, message, now));
  }
  return stale;
}

Status ModelVersionStore::SetDescription(Transaction& tx, std::string_view model_id,
                                         int64_t version, std::string_view description,
                                         int64_t now) {
  return tx
      .Exec(
          "UPDATE model_versions SET description = ?, last_updated_timestamp = ? "
          "WHERE securable_id = ? AND version = ?",
          {TextOrNull(description), Int(now), Text(model_id), Int(version)})
      .status();
}

Status ModelVersionStore::Delete(Transaction& tx, std::string_view model_id, int64_t version) {
  return tx
      .Exec("DELETE FROM model_versions WHERE securable_id = ? AND version = ?",
            {Text(model_id), Int(version)})
      .status();
}

Status ModelVersionStore::SetTag(Transaction& tx, std::string_view model_id, int64_t version,
                                 std::string_view key, std::string_view value) {
  return tx
      .Exec(
          "INSERT INTO model_version_tags (securable_id, version, key, value) "
          "VALUES (?, ?, ?, ?) ON CONFLICT (securable_id, version, key) "
          "DO UPDATE SET value = excluded.value",
          {Text(model_id), Int(version), Text(key), Text(value)})
      .status();
}

Result<bool> ModelVersionStore::DeleteTag(Transaction& tx, std::string_view model_id,
                                          int64_t version, std::string_view key) {
  KEEL_ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM model_version_tags WHERE securable_id "
                                           "= ? AND version = ? AND key = ?",
                                           {Text(model_id), Int(version), Text(key)}));
  return n > 0;
}

Status ModelVersionStore::SetAlias(Transaction& tx, std::string_view model_id,
                                   std::string_view alias, int64_t version) {
  return tx
      .Exec(
          "INSERT INTO model_aliases (securable_id, alias, version) VALUES (?, ?, ?) "
          "ON CONFLICT (securable_id, alias) DO UPDATE SET version = excluded.version",
          {Text(model_id), Text(alias), Int(version)})
      .status();
}

Result<bool> ModelVersionStore::DeleteAlias(Transaction& tx, std::string_view model_id,
                                            std::string_view alias) {
  KEEL_ASSIGN_OR_RETURN(int64_t n,
                        tx.Exec("DELETE FROM model_aliases WHERE securable_id = ? AND alias = ?",
                                {Text(model_id), Text(alias)}));
  return n > 0;
}

Result<std::optional<int64_t>> ModelVersionStore::AliasVersion(Transaction& tx,
                                                               std::string_view model_id,
                                                               std::string_view alias) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT version FROM model_aliases WHERE "
                                            "securable_id = ? AND alias = ?",
                                            {Text(model_id), Text(alias)}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

Result<std::vector<ModelAlias>> ModelVersionStore::Aliases(Transaction& tx,
                                                           std::string_view model_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT alias, version FROM model_aliases WHERE "
                                            "securable_id = ? ORDER BY alias",
                                            {Text(model_id)}));
  std::vector<ModelAlias> out;
  for (const Row& r : rows) out.push_back({r.Text(0), r.Int(1)});
  return out;
}

Result<int64_t> ModelVersionStore::AddEvent(Transaction& tx, const RegistryEvent& e) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT COALESCE(MAX(event_id), 0) + 1 FROM registry_events"));
  int64_t id = rows[0].Int(0);
  KEEL_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO registry_events (event_id, event_type, securable_id, model_name, "
              "version, alias, principal, timestamp, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {Int(id), Text(e.event_type), Text(e.model_id), Text(e.model_name),
               e.version ? Int(*e.version) : Null(), TextOrNull(e.alias), Text(e.principal),
               Int(e.timestamp), Text(e.details.empty() ? "{}" : e.details)})
          .status());
  return id;
}

Result<std::vector<RegistryEvent>> ModelVersionStore::Events(Transaction& tx, int64_t after_id,
                                                             std::string_view model_id,
                                                             int64_t limit) {
  std::string sql =
      "SELECT event_id, event_type, securable_id, model_name, version, alias, principal, "
      "timestamp, details FROM registry_events WHERE event_id > ?";
  std::vector<SqlValue> params = {Int(after_id)};
  if (!model_id.empty()) {
    sql += " AND securable_id = ?";
    params.push_back(Text(model_id));
  }
  sql += " ORDER BY event_id LIMIT ?";
  params.push_back(Int(limit));
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  std::vector<RegistryEvent> out;
  for (const Row& r : rows) {
    RegistryEvent e;
    e.event_id = r.Int(0);
    e.event_type = r.Text(1);
    e.model_id = r.Text(2);
    e.model_name = r.Text(3);
    if (!r.IsNull(4)) e.version = r.Int(4);
    e.alias = r.Text(5);
    e.principal = r.Text(6);
    e.timestamp = r.Int(7);
    e.details = r.Text(8);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace keel::registry

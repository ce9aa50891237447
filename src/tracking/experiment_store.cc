#include "tracking/experiment_store.h"

namespace keel::tracking {

using metastore::Int;
using metastore::Row;
using metastore::SqlValue;
using metastore::Text;
using metastore::TextOrNull;
using metastore::Transaction;

namespace {

constexpr std::string_view kSelect =
    "SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, "
    "last_update_time, owner_id FROM experiments";

Result<std::vector<ExperimentRecord>> Load(Transaction& tx, const std::string& where,
                                           const std::vector<SqlValue>& params) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) + where, params));
  std::vector<ExperimentRecord> out;
  for (const Row& r : rows) {
    ExperimentRecord rec;
    rec.id = r.Int(0);
    rec.experiment.experiment_id = std::to_string(rec.id);
    rec.experiment.name = r.Text(1);
    rec.experiment.artifact_location = r.Text(2);
    rec.experiment.lifecycle_stage = r.Text(3);
    rec.experiment.creation_time = r.Int(4);
    rec.experiment.last_update_time = r.Int(5);
    rec.owner_id = r.Text(6);
    KEEL_ASSIGN_OR_RETURN(auto tags, tx.Query("SELECT key, value FROM experiment_tags WHERE "
                                              "experiment_id = ? ORDER BY key",
                                              {Int(rec.id)}));
    for (const Row& t : tags) rec.experiment.tags.push_back({t.Text(0), t.Text(1)});
    out.push_back(std::move(rec));
  }
  return out;
}

Result<std::optional<ExperimentRecord>> LoadOne(Transaction& tx, const std::string& where,
                                                const std::vector<SqlValue>& params) {
  KEEL_ASSIGN_OR_RETURN(auto all, Load(tx, where, params));
  if (all.empty()) return std::optional<ExperimentRecord>();
  return std::optional<ExperimentRecord>(std::move(all.front()));
}

}  // namespace

Result<int64_t> ExperimentStore::NextId(Transaction& tx) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COALESCE(MAX(experiment_id), 0) + 1 FROM "
                                            "experiments"));
  return rows[0].Int(0);
}

Status ExperimentStore::Insert(Transaction& tx, const ExperimentRecord& rec) {
  const Experiment& e = rec.experiment;
  return tx.Exec("INSERT INTO experiments (experiment_id, name, artifact_location, "
                 "lifecycle_stage, creation_time, last_update_time, owner_id) "
                 "VALUES (?, ?, ?, 'active', ?, ?, ?)",
                 {Int(rec.id), Text(e.name), Text(e.artifact_location), Int(e.creation_time),
                  Int(e.last_update_time), TextOrNull(rec.owner_id)})
      .status();
}

Result<std::optional<ExperimentRecord>> ExperimentStore::Get(Transaction& tx, int64_t id) {
  return LoadOne(tx, " WHERE experiment_id = ?", {Int(id)});
}

Result<std::optional<ExperimentRecord>> ExperimentStore::GetByName(Transaction& tx,
                                                                   std::string_view name) {
  return LoadOne(tx, " WHERE name = ? ORDER BY lifecycle_stage = 'active' DESC", {Text(name)});
}

Result<std::vector<ExperimentRecord>> ExperimentStore::List(Transaction& tx, ViewType view) {
  switch (view) {
    case ViewType::kActiveOnly:
      return Load(tx, " WHERE lifecycle_stage = 'active' ORDER BY experiment_id", {});
    case ViewType::kDeletedOnly:
      return Load(tx, " WHERE lifecycle_stage = 'deleted' ORDER BY experiment_id", {});
    case ViewType::kAll: return Load(tx, " ORDER BY experiment_id", {});
  }
  return std::vector<ExperimentRecord>();
}

Status ExperimentStore::Rename(Transaction& tx, int64_t id, std::string_view name, int64_t now) {
  return tx.Exec("UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
                 {Text(name), Int(now), Int(id)})
      .status();
}

Status ExperimentStore::SetLifecycle(Transaction& tx, int64_t id, std::string_view stage,
                                     int64_t now) {
  return tx.Exec("UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE "
                 "experiment_id = ?",
                 {Text(stage), Int(now), Int(id)})
      .status();
}

Status ExperimentStore::SetTag(Transaction& tx, int64_t id, std::string_view key,
                               std::string_view value) {
  return tx.Exec("INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) "
                 "ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
                 {Int(id), Text(key), Text(value)})
      .status();
}

Result<int64_t> ExperimentStore::DeleteTag(Transaction& tx, int64_t id, std::string_view key) {
  return tx.Exec("DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?",
                 {Int(id), Text(key)});
}

Status ExperimentStore::BumpVersion(Transaction& tx, int64_t id) {
  return tx.Exec("INSERT INTO experiment_versions (experiment_id, version) VALUES (?, 1) "
                 "ON CONFLICT (experiment_id) DO UPDATE SET version = experiment_versions.version + 1",
                 {Int(id)})
      .status();
}

Result<int64_t> ExperimentStore::Version(Transaction& tx, int64_t id) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT version FROM experiment_versions WHERE "
                                            "experiment_id = ?",
                                            {Int(id)}));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

Result<PermissionLevel> ExperimentStore::GrantedLevel(
    Transaction& tx, int64_t id, const std::vector<std::string>& principal_ids) {
  PermissionLevel best = PermissionLevel::kNone;
  if (principal_ids.empty()) return best;
  std::string sql = "SELECT permission_level FROM experiment_permissions WHERE experiment_id = ? "
                    "AND principal_id IN (";
  std::vector<SqlValue> params = {Int(id)};
  for (size_t i = 0; i < principal_ids.size(); ++i) {
    sql += i ? ", ?" : "?";
    params.push_back(Text(principal_ids[i]));
  }
  sql += ")";
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  for (const Row& r : rows) {
    auto level = ParsePermissionLevel(r.Text(0));
    if (level.ok() && *level > best) best = *level;
  }
  return best;
}

Status ExperimentStore::SetPermission(Transaction& tx, int64_t id, std::string_view principal_id,
                                      PermissionLevel level) {
  if (level == PermissionLevel::kNone) {
    return tx.Exec("DELETE FROM experiment_permissions WHERE experiment_id = ? AND "
                   "principal_id = ?",
                   {Int(id), Text(principal_id)})
        .status();
  }
  return tx.Exec("INSERT INTO experiment_permissions (experiment_id, principal_id, "
                 "permission_level) VALUES (?, ?, ?) ON CONFLICT (experiment_id, principal_id) "
                 "DO UPDATE SET permission_level = excluded.permission_level",
                 {Int(id), Text(principal_id), Text(PermissionLevelName(level))})
      .status();
}

Result<std::vector<std::pair<std::string, PermissionLevel>>> ExperimentStore::Permissions(
    Transaction& tx, int64_t id) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT p.name, e.permission_level FROM experiment_permissions e "
                                 "JOIN principals p ON p.id = e.principal_id WHERE "
                                 "e.experiment_id = ? ORDER BY p.name_key",
                                 {Int(id)}));
  std::vector<std::pair<std::string, PermissionLevel>> out;
  for (const Row& r : rows) {
    KEEL_ASSIGN_OR_RETURN(auto level, ParsePermissionLevel(r.Text(1)));
    out.emplace_back(r.Text(0), level);
  }
  return out;
}

}  // namespace keel::tracking

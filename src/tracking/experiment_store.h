#pragma once

#include <optional>
#include <string>
#include <vector>

#include "metastore/database.h"
#include "tracking/tracking_types.h"

namespace keel::tracking {

// An experiment row plus who owns it (for permission checks).
struct ExperimentRecord {
  Experiment experiment;
  int64_t id = 0;
  std::string owner_id;  // empty: no owner (Default)
};

// SQL for experiments, their tags and permissions. Runs inside the caller's transaction.
class ExperimentStore {
 public:
  // The next free id (max + 1); REQUIRES: a write transaction, so two creators cannot race.
  static Result<int64_t> NextId(metastore::Transaction& tx);
  // kResourceAlreadyExists when the name is taken.
  static Status Insert(metastore::Transaction& tx, const ExperimentRecord& record);
  static Result<std::optional<ExperimentRecord>> Get(metastore::Transaction& tx, int64_t id);
  // Prefers the active experiment when an active and a deleted one share the name.
  static Result<std::optional<ExperimentRecord>> GetByName(metastore::Transaction& tx,
                                                           std::string_view name);
  // All experiments of a view type, by id.
  static Result<std::vector<ExperimentRecord>> List(metastore::Transaction& tx, ViewType view);
  static Status Rename(metastore::Transaction& tx, int64_t id, std::string_view name, int64_t now);
  static Status SetLifecycle(metastore::Transaction& tx, int64_t id, std::string_view stage,
                             int64_t now);
  static Status SetTag(metastore::Transaction& tx, int64_t id, std::string_view key,
                       std::string_view value);
  // Returns how many tags were removed (0 or 1).
  static Result<int64_t> DeleteTag(metastore::Transaction& tx, int64_t id, std::string_view key);

  // Marks a change to the experiment's runs (see migration 0004); REQUIRES a write transaction.
  static Status BumpVersion(metastore::Transaction& tx, int64_t id);
  // The current version (0 when never bumped).
  static Result<int64_t> Version(metastore::Transaction& tx, int64_t id);

  // Permission levels granted on the experiment to any of `principal_ids` (highest wins).
  static Result<PermissionLevel> GrantedLevel(metastore::Transaction& tx, int64_t id,
                                              const std::vector<std::string>& principal_ids);
  static Status SetPermission(metastore::Transaction& tx, int64_t id,
                              std::string_view principal_id, PermissionLevel level);
  // (principal name, level) pairs.
  static Result<std::vector<std::pair<std::string, PermissionLevel>>> Permissions(
      metastore::Transaction& tx, int64_t id);
};

}  // namespace keel::tracking

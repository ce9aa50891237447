#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metastore/database.h"
#include "registry/registry_types.h"

namespace keel::registry {

// SQL for model versions, their tags, aliases and registry events. Runs inside the caller's
// transaction; the model is named by its securable id. Loaded versions carry their tags and
// aliases; model_name is left for the caller to fill.
class ModelVersionStore {
 public:
  // The next version number of the model (never reused: counts deleted versions too), and
  // records it as taken.
  static Result<int64_t> TakeNextVersion(metastore::Transaction& tx, std::string_view model_id);
  static Status Insert(metastore::Transaction& tx, const ModelVersion& v);
  static Result<std::optional<ModelVersion>> Get(metastore::Transaction& tx,
                                                 std::string_view model_id, int64_t version);
  // All versions of a model, newest first.
  static Result<std::vector<ModelVersion>> List(metastore::Transaction& tx,
                                                std::string_view model_id);
  // Versions of any model registered from `run_ids` (for search by run_id).
  static Result<std::vector<ModelVersion>> ListByRuns(metastore::Transaction& tx,
                                                      const std::vector<std::string>& run_ids);
  // The highest READY version, if any.
  static Result<std::optional<ModelVersion>> Latest(metastore::Transaction& tx,
                                                    std::string_view model_id);
  static Status SetStatus(metastore::Transaction& tx, std::string_view model_id, int64_t version,
                          VersionStatus status, std::string_view message, int64_t now);
  // Marks the model's PENDING_REGISTRATION versions last updated before `cutoff` as
  // FAILED_REGISTRATION with `message`; returns them as they were.
  static Result<std::vector<ModelVersion>> FailStalePending(metastore::Transaction& tx,
                                                            std::string_view model_id,
                                                            int64_t cutoff,
                                                            std::string_view message, int64_t now);
  static Status SetDescription(metastore::Transaction& tx, std::string_view model_id,
                               int64_t version, std::string_view description, int64_t now);
  static Status Delete(metastore::Transaction& tx, std::string_view model_id, int64_t version);

  static Status SetTag(metastore::Transaction& tx, std::string_view model_id, int64_t version,
                       std::string_view key, std::string_view value);
  // Whether the tag existed.
  static Result<bool> DeleteTag(metastore::Transaction& tx, std::string_view model_id,
                                int64_t version, std::string_view key);

  // Points `alias` at `version`, replacing where it pointed before (one statement).
  static Status SetAlias(metastore::Transaction& tx, std::string_view model_id,
                         std::string_view alias, int64_t version);
  // Whether the alias existed.
  static Result<bool> DeleteAlias(metastore::Transaction& tx, std::string_view model_id,
                                  std::string_view alias);
  static Result<std::optional<int64_t>> AliasVersion(metastore::Transaction& tx,
                                                     std::string_view model_id,
                                                     std::string_view alias);
  static Result<std::vector<ModelAlias>> Aliases(metastore::Transaction& tx,
                                                 std::string_view model_id);

  // Appends an event; returns its id.
  static Result<int64_t> AddEvent(metastore::Transaction& tx, const RegistryEvent& e);
  // Events after `after_id` in id order, at most `limit`; of one model when model_id is set.
  static Result<std::vector<RegistryEvent>> Events(metastore::Transaction& tx, int64_t after_id,
                                                   std::string_view model_id, int64_t limit);
};

}  // namespace keel::registry

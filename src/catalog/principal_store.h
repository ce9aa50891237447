#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/principal.h"
#include "metastore/database.h"

namespace keel::catalog {

// SQL for principals and group membership. Every method runs inside the caller's transaction.
// Lookups by name ignore case.
class PrincipalStore {
 public:
  static Status Insert(metastore::Transaction& tx, const PrincipalInfo& p);
  static Result<std::optional<PrincipalInfo>> FindByName(metastore::Transaction& tx,
                                                         std::string_view name);
  static Result<std::optional<PrincipalInfo>> FindById(metastore::Transaction& tx,
                                                       std::string_view id);
  // All principals of `kind` (all kinds when nullopt), by name, with groups/members filled in.
  static Result<std::vector<PrincipalInfo>> List(metastore::Transaction& tx,
                                                 std::optional<PrincipalKind> kind);
  static Status Delete(metastore::Transaction& tx, std::string_view id);
  static Status SetActive(metastore::Transaction& tx, std::string_view id, bool active);

  // Idempotent: adding an existing member or removing a missing one is OK.
  static Status AddMember(metastore::Transaction& tx, std::string_view group_id,
                          std::string_view member_id);
  static Status RemoveMember(metastore::Transaction& tx, std::string_view group_id,
                             std::string_view member_id);
  // Whether `group_id` is `member_id` or contains it, directly or through nested groups
  // (used to refuse membership cycles).
  static Result<bool> Contains(metastore::Transaction& tx, std::string_view group_id,
                               std::string_view member_id);
  // The id itself plus the ids of every group it belongs to, transitively.
  static Result<std::vector<std::string>> IdentityIds(metastore::Transaction& tx,
                                                      std::string_view id);
};

}  // namespace keel::catalog

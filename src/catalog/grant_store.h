#pragma once

#include <string>
#include <vector>

#include "catalog/privilege.h"
#include "metastore/database.h"

namespace keel::catalog {

// One row of the grants table, with the grantee's name.
struct GrantRecord {
  std::string securable_id;
  std::string principal_id;
  std::string principal_name;
  Privilege privilege = Privilege::kSelect;
};

// SQL for grants. Runs inside the caller's transaction.
class GrantStore {
 public:
  // Idempotent: granting twice keeps one row.
  static Status Add(metastore::Transaction& tx, std::string_view securable_id,
                    std::string_view principal_id, Privilege p, std::string_view granted_by,
                    int64_t now);
  // Idempotent: revoking a privilege that is not granted is OK.
  static Status Remove(metastore::Transaction& tx, std::string_view securable_id,
                       std::string_view principal_id, Privilege p);
  // Grants made directly on one securable, by principal name then privilege.
  static Result<std::vector<GrantRecord>> ListOn(metastore::Transaction& tx,
                                                 std::string_view securable_id);
  // Grants on any of `securable_ids` to any of `principal_ids` (the authorizer's query).
  static Result<std::vector<GrantRecord>> ListFor(metastore::Transaction& tx,
                                                  const std::vector<std::string>& securable_ids,
                                                  const std::vector<std::string>& principal_ids);
};

}  // namespace keel::catalog

#include "catalog/grant_store.h"

#include <algorithm>

namespace keel::catalog {

using metastore::Int;
using metastore::Row;
using metastore::SqlValue;
using metastore::Text;
using metastore::Transaction;

namespace {

Result<std::vector<GrantRecord>> FromRows(const std::vector<Row>& rows) {
  std::vector<GrantRecord> out;
  for (const Row& r : rows) {
    GrantRecord g;
    g.securable_id = r.Text(0);
    g.principal_id = r.Text(1);
    g.principal_name = r.Text(2);
    KEEL_ASSIGN_OR_RETURN(g.privilege, ParsePrivilege(r.Text(3)));
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace

Status GrantStore::Add(Transaction& tx, std::string_view securable_id,
                       std::string_view principal_id, Privilege p, std::string_view granted_by,
                       int64_t now) {
  return tx
      .Exec(
          "INSERT INTO grants (securable_id, principal_id, privilege, granted_by, "
          "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
          {Text(securable_id), Text(principal_id), Text(PrivilegeName(p)), Text(granted_by),
           Int(now)})
      .status();
}

Status GrantStore::Remove(Transaction& tx, std::string_view securable_id,
                          std::string_view principal_id, Privilege p) {
  return tx
      .Exec(
          "DELETE FROM grants WHERE securable_id = ? AND principal_id = ? AND "
          "privilege = ?",
          {Text(securable_id), Text(principal_id), Text(PrivilegeName(p))})
      .status();
}

Result<std::vector<GrantRecord>> GrantStore::ListOn(Transaction& tx,
                                                    std::string_view securable_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT g.securable_id, g.principal_id, p.name, g.privilege "
                                 "FROM grants g JOIN principals p ON p.id = g.principal_id "
                                 "WHERE g.securable_id = ? ORDER BY p.name_key, g.privilege",
                                 {Text(securable_id)}));
  return FromRows(rows);
}

Result<std::vector<GrantRecord>> GrantStore::ListFor(
    Transaction& tx, const std::vector<std::string>& securable_ids,
    const std::vector<std::string>& principal_ids) {
  // One indexed lookup per securable (a chain has at most four), filtered here: IN lists would
  // make SQLite build an ephemeral table per query, which cost more than the lookups on the
  // authorization path every request takes.
  std::vector<GrantRecord> out;
  if (principal_ids.empty()) return out;
  for (const std::string& securable_id : securable_ids) {
    KEEL_ASSIGN_OR_RETURN(auto rows,
                          tx.Query("SELECT g.securable_id, g.principal_id, p.name, g.privilege "
                                   "FROM grants g JOIN principals p ON p.id = g.principal_id "
                                   "WHERE g.securable_id = ?",
                                   {Text(securable_id)}));
    KEEL_ASSIGN_OR_RETURN(auto grants, FromRows(rows));
    for (GrantRecord& g : grants) {
      if (std::find(principal_ids.begin(), principal_ids.end(), g.principal_id) !=
          principal_ids.end()) {
        out.push_back(std::move(g));
      }
    }
  }
  return out;
}

}  // namespace keel::catalog

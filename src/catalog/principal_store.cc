#include "catalog/principal_store.h"

#include "catalog/names.h"

namespace keel::catalog {

using metastore::Int;
using metastore::Row;
using metastore::Text;
using metastore::Transaction;

namespace {

constexpr std::string_view kColumns = "id, name, kind, is_admin, active, created_at";

Result<PrincipalInfo> FromRow(const Row& r) {
  PrincipalInfo p;
  p.id = r.Text(0);
  p.name = r.Text(1);
  KEEL_ASSIGN_OR_RETURN(p.kind, ParsePrincipalKind(r.Text(2)));
  p.is_admin = r.Int(3) != 0;
  p.active = r.Int(4) != 0;
  p.created_at = r.Int(5);
  return p;
}

Status FillMembership(Transaction& tx, PrincipalInfo* p) {
  KEEL_ASSIGN_OR_RETURN(auto groups,
                        tx.Query("SELECT g.name FROM group_members m JOIN principals g ON "
                                 "g.id = m.group_id WHERE m.member_id = ? ORDER BY g.name_key",
                                 {Text(p->id)}));
  for (const Row& r : groups) p->groups.push_back(r.Text(0));
  if (p->kind == PrincipalKind::kGroup) {
    KEEL_ASSIGN_OR_RETURN(auto members,
                          tx.Query("SELECT p.name FROM group_members m JOIN principals p ON "
                                   "p.id = m.member_id WHERE m.group_id = ? ORDER BY p.name_key",
                                   {Text(p->id)}));
    for (const Row& r : members) p->members.push_back(r.Text(0));
  }
  return Status::OK();
}

Result<std::optional<PrincipalInfo>> FindOne(Transaction& tx, std::string_view where,
                                             std::string_view value) {
  std::string sql = "SELECT " + std::string(kColumns) + " FROM principals WHERE " +
                    std::string(where) + " = ?";
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, {Text(value)}));
  if (rows.empty()) return std::optional<PrincipalInfo>();
  KEEL_ASSIGN_OR_RETURN(PrincipalInfo p, FromRow(rows[0]));
  KEEL_RETURN_IF_ERROR(FillMembership(tx, &p));
  return std::optional<PrincipalInfo>(std::move(p));
}

}  // namespace

Status PrincipalStore::Insert(Transaction& tx, const PrincipalInfo& p) {
  return tx.Exec("INSERT INTO principals (id, name, name_key, kind, is_admin, active, created_at)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                 {Text(p.id), Text(p.name), Text(NameKey(p.name)),
                  Text(PrincipalKindName(p.kind)), Int(p.is_admin ? 1 : 0),
                  Int(p.active ? 1 : 0), Int(p.created_at)})
      .status();
}

Result<std::optional<PrincipalInfo>> PrincipalStore::FindByName(Transaction& tx,
                                                                std::string_view name) {
  return FindOne(tx, "name_key", NameKey(name));
}

Result<std::optional<PrincipalInfo>> PrincipalStore::FindById(Transaction& tx,
                                                              std::string_view id) {
  return FindOne(tx, "id", id);
}

Result<std::vector<PrincipalInfo>> PrincipalStore::List(Transaction& tx,
                                                        std::optional<PrincipalKind> kind) {
  std::string sql = "SELECT " + std::string(kColumns) + " FROM principals";
  std::vector<metastore::SqlValue> params;
  if (kind) {
    sql += " WHERE kind = ?";
    params.push_back(Text(PrincipalKindName(*kind)));
  }
  sql += " ORDER BY name_key";
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  std::vector<PrincipalInfo> out;
  for (const Row& r : rows) {
    KEEL_ASSIGN_OR_RETURN(PrincipalInfo p, FromRow(r));
    KEEL_RETURN_IF_ERROR(FillMembership(tx, &p));
    out.push_back(std::move(p));
  }
  return out;
}

Status PrincipalStore::Delete(Transaction& tx, std::string_view id) {
  return tx.Exec("DELETE FROM principals WHERE id = ?", {Text(id)}).status();
}

Status PrincipalStore::SetActive(Transaction& tx, std::string_view id, bool active) {
  return tx.Exec("UPDATE principals SET active = ? WHERE id = ?", {Int(active ? 1 : 0), Text(id)})
      .status();
}

Status PrincipalStore::AddMember(Transaction& tx, std::string_view group_id,
                                 std::string_view member_id) {
  return tx.Exec("INSERT INTO group_members (group_id, member_id) VALUES (?, ?) "
                 "ON CONFLICT DO NOTHING",
                 {Text(group_id), Text(member_id)})
      .status();
}

Status PrincipalStore::RemoveMember(Transaction& tx, std::string_view group_id,
                                    std::string_view member_id) {
  return tx.Exec("DELETE FROM group_members WHERE group_id = ? AND member_id = ?",
                 {Text(group_id), Text(member_id)})
      .status();
}

Result<bool> PrincipalStore::Contains(Transaction& tx, std::string_view group_id,
                                      std::string_view member_id) {
  KEEL_ASSIGN_OR_RETURN(auto ids, IdentityIds(tx, member_id));
  for (const auto& id : ids) {
    if (id == group_id) return true;
  }
  return false;
}

Result<std::vector<std::string>> PrincipalStore::IdentityIds(Transaction& tx,
                                                             std::string_view id) {
  // UNION (not UNION ALL) makes the recursion stop even if a cycle slipped in.
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("WITH RECURSIVE ids(id) AS (SELECT ? UNION "
                                 "SELECT m.group_id FROM group_members m JOIN ids ON "
                                 "m.member_id = ids.id) SELECT id FROM ids",
                                 {Text(id)}));
  std::vector<std::string> out;
  for (const Row& r : rows) out.push_back(r.Text(0));
  return out;
}

}  // namespace keel::catalog

#include "catalog/securable_store.h"

#include "catalog/names.h"
#include "common/json.h"

namespace keel::catalog {

using metastore::Int;
using metastore::Row;
using metastore::Text;
using metastore::TextOrNull;
using metastore::Transaction;

namespace {

constexpr std::string_view kSelect =
    "SELECT s.id, s.type, s.name, s.full_name, s.parent_id, p.name, s.owner_id, s.comment, "
    "s.properties, s.storage_location, s.created_at, s.created_by, s.updated_at, s.updated_by "
    "FROM securables s JOIN principals p ON p.id = s.owner_id";

std::string PropertiesToJson(const std::map<std::string, std::string>& props) {
  json::Value obj = json::Value::MakeObject();
  for (const auto& [k, v] : props) obj.Set(k, v);
  return obj.Dump();
}

Result<SecurableInfo> FromRow(const Row& r) {
  SecurableInfo s;
  s.id = r.Text(0);
  KEEL_ASSIGN_OR_RETURN(s.type, ParseSecurableType(r.Text(1)));
  s.name = r.Text(2);
  s.full_name = r.Text(3);
  s.parent_id = r.Text(4);
  s.owner = r.Text(5);
  s.owner_id = r.Text(6);
  s.comment = r.Text(7);
  auto props = json::Parse(r.Text(8));
  if (props.ok() && props->is_object()) {
    for (const auto& [k, v] : props->as_object()) {
      if (v.is_string()) s.properties[k] = v.as_string();
    }
  }
  s.storage_location = r.Text(9);
  s.created_at = r.Int(10);
  s.created_by = r.Text(11);
  s.updated_at = r.Int(12);
  s.updated_by = r.Text(13);
  return s;
}

Result<std::vector<SecurableInfo>> FromRows(const std::vector<Row>& rows) {
  std::vector<SecurableInfo> out;
  for (const Row& r : rows) {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo s, FromRow(r));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Status SecurableStore::Insert(Transaction& tx, const SecurableInfo& s) {
  return tx
      .Exec(
          "INSERT INTO securables (id, type, parent_id, parent_key, name, name_key, "
          "full_name, full_name_key, owner_id, comment, properties, storage_location, "
          "created_at, created_by, updated_at, updated_by) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {Text(s.id), Text(SecurableTypeName(s.type)), TextOrNull(s.parent_id), Text(s.parent_id),
           Text(s.name), Text(NameKey(s.name)), Text(s.full_name), Text(NameKey(s.full_name)),
           Text(s.owner_id), TextOrNull(s.comment), Text(PropertiesToJson(s.properties)),
           TextOrNull(s.storage_location), Int(s.created_at), Text(s.created_by), Int(s.updated_at),
           Text(s.updated_by)})
      .status();
}

Result<std::optional<SecurableInfo>> SecurableStore::FindByFullName(Transaction& tx,
                                                                    SecurableType type,
                                                                    std::string_view full_name) {
  std::string sql = std::string(kSelect) + " WHERE s.type = ? AND s.full_name_key = ?";
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query(sql, {Text(SecurableTypeName(type)), Text(NameKey(full_name))}));
  if (rows.empty()) return std::optional<SecurableInfo>();
  KEEL_ASSIGN_OR_RETURN(SecurableInfo s, FromRow(rows[0]));
  return std::optional<SecurableInfo>(std::move(s));
}

Result<std::optional<SecurableInfo>> SecurableStore::FindById(Transaction& tx,
                                                              std::string_view id) {
  std::string sql = std::string(kSelect) + " WHERE s.id = ?";
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, {Text(id)}));
  if (rows.empty()) return std::optional<SecurableInfo>();
  KEEL_ASSIGN_OR_RETURN(SecurableInfo s, FromRow(rows[0]));
  return std::optional<SecurableInfo>(std::move(s));
}

Result<std::vector<SecurableInfo>> SecurableStore::ListChildren(Transaction& tx,
                                                                std::string_view parent_id,
                                                                SecurableType type) {
  std::string sql = std::string(kSelect) +
                    " WHERE s.parent_key = ? AND s.type = ? ORDER BY "
                    "s.name_key";
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, {Text(parent_id), Text(SecurableTypeName(type))}));
  return FromRows(rows);
}

Result<int64_t> SecurableStore::CountChildren(Transaction& tx, std::string_view parent_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM securables WHERE parent_id = ?",
                                            {Text(parent_id)}));
  return rows[0].Int(0);
}

Status SecurableStore::Update(Transaction& tx, const SecurableInfo& s) {
  return tx
      .Exec(
          "UPDATE securables SET comment = ?, owner_id = ?, properties = ?, "
          "updated_at = ?, updated_by = ? WHERE id = ?",
          {TextOrNull(s.comment), Text(s.owner_id), Text(PropertiesToJson(s.properties)),
           Int(s.updated_at), Text(s.updated_by), Text(s.id)})
      .status();
}

Status SecurableStore::Rename(Transaction& tx, const SecurableInfo& s) {
  return tx
      .Exec(
          "UPDATE securables SET name = ?, name_key = ?, full_name = ?, full_name_key = ?, "
          "updated_at = ?, updated_by = ? WHERE id = ?",
          {Text(s.name), Text(NameKey(s.name)), Text(s.full_name), Text(NameKey(s.full_name)),
           Int(s.updated_at), Text(s.updated_by), Text(s.id)})
      .status();
}

Status SecurableStore::Delete(Transaction& tx, std::string_view id) {
  return tx.Exec("DELETE FROM securables WHERE id = ?", {Text(id)}).status();
}

Result<std::map<std::string, std::string>> SecurableStore::Tags(Transaction& tx,
                                                                std::string_view id) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT tag_key, tag_value FROM securable_tags "
                                            "WHERE securable_id = ? ORDER BY tag_key",
                                            {Text(id)}));
  std::map<std::string, std::string> out;
  for (const Row& r : rows) out[r.Text(0)] = r.Text(1);
  return out;
}

Status SecurableStore::SetTag(Transaction& tx, std::string_view id, std::string_view key,
                              std::string_view value) {
  return tx
      .Exec(
          "INSERT INTO securable_tags (securable_id, tag_key, tag_value) VALUES (?, ?, ?) "
          "ON CONFLICT (securable_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
          {Text(id), Text(key), Text(value)})
      .status();
}

Status SecurableStore::UnsetTag(Transaction& tx, std::string_view id, std::string_view key) {
  return tx
      .Exec("DELETE FROM securable_tags WHERE securable_id = ? AND tag_key = ?",
            {Text(id), Text(key)})
      .status();
}

}  // namespace keel::catalog

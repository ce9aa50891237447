#include "catalog/token_store.h"

namespace keel::catalog {

using metastore::Int;
using metastore::Null;
using metastore::Row;
using metastore::Text;
using metastore::TextOrNull;
using metastore::Transaction;

namespace {

constexpr std::string_view kSelect =
    "SELECT t.id, t.principal_id, p.name, t.token_hash, t.comment, t.created_at, t.expires_at, "
    "t.revoked_at FROM tokens t JOIN principals p ON p.id = t.principal_id";

TokenInfo FromRow(const Row& r) {
  TokenInfo t;
  t.id = r.Text(0);
  t.principal_id = r.Text(1);
  t.principal_name = r.Text(2);
  t.token_hash = r.Text(3);
  t.comment = r.Text(4);
  t.created_at = r.Int(5);
  t.expires_at = r.Int(6);
  t.revoked_at = r.Int(7);
  return t;
}

Result<std::optional<TokenInfo>> FindOne(Transaction& tx, std::string_view column,
                                         std::string_view value) {
  std::string sql = std::string(kSelect) + " WHERE t." + std::string(column) + " = ?";
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, {Text(value)}));
  if (rows.empty()) return std::optional<TokenInfo>();
  return std::optional<TokenInfo>(FromRow(rows[0]));
}

}  // namespace

Status TokenStore::Insert(Transaction& tx, const TokenInfo& t) {
  return tx.Exec("INSERT INTO tokens (id, principal_id, token_hash, comment, created_at, "
                 "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                 {Text(t.id), Text(t.principal_id), Text(t.token_hash), TextOrNull(t.comment),
                  Int(t.created_at), t.expires_at ? Int(t.expires_at) : Null()})
      .status();
}

Result<std::optional<TokenInfo>> TokenStore::FindByHash(Transaction& tx, std::string_view hash) {
  return FindOne(tx, "token_hash", hash);
}

Result<std::optional<TokenInfo>> TokenStore::FindById(Transaction& tx, std::string_view id) {
  return FindOne(tx, "id", id);
}

Result<std::vector<TokenInfo>> TokenStore::List(Transaction& tx, std::string_view principal_id) {
  std::string sql(kSelect);
  std::vector<metastore::SqlValue> params;
  if (!principal_id.empty()) {
    sql += " WHERE t.principal_id = ?";
    params.push_back(Text(principal_id));
  }
  sql += " ORDER BY t.created_at DESC, t.id";
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  std::vector<TokenInfo> out;
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

Status TokenStore::Revoke(Transaction& tx, std::string_view id, int64_t now) {
  return tx.Exec("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                 {Int(now), Text(id)})
      .status();
}

}  // namespace keel::catalog

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metastore/database.h"

namespace keel::catalog {

// A personal access token as stored: only its SHA-256 hash, never the token itself.
struct TokenInfo {
  std::string id;
  std::string principal_id;
  std::string principal_name;
  std::string token_hash;
  std::string comment;
  int64_t created_at = 0;
  int64_t expires_at = 0;  // 0: never
  int64_t revoked_at = 0;  // 0: not revoked
};

// SQL for tokens. Runs inside the caller's transaction.
class TokenStore {
 public:
  static Status Insert(metastore::Transaction& tx, const TokenInfo& t);
  static Result<std::optional<TokenInfo>> FindByHash(metastore::Transaction& tx,
                                                     std::string_view hash);
  static Result<std::optional<TokenInfo>> FindById(metastore::Transaction& tx,
                                                   std::string_view id);
  // Tokens of one principal (all principals when `principal_id` is empty), newest first.
  static Result<std::vector<TokenInfo>> List(metastore::Transaction& tx,
                                             std::string_view principal_id);
  static Status Revoke(metastore::Transaction& tx, std::string_view id, int64_t now);
};

}  // namespace keel::catalog

// CatalogService: principals, group membership, tokens and authentication.

#include "catalog/catalog_internal.h"
#include "catalog/catalog_service.h"
#include "catalog/names.h"
#include "catalog/principal_store.h"
#include "catalog/token_store.h"
#include "common/random.h"
#include "common/sha256.h"

namespace keel::catalog {

using internal::FindPrincipal;
using metastore::Transaction;

namespace {

// Ten years: longer-lived tokens are almost certainly a mistake.
constexpr int64_t kMaxTokenLifetimeSeconds = 10LL * 365 * 24 * 3600;
constexpr size_t kTokenRandomBytes = 20;
constexpr std::string_view kTokenPrefix = "keel";
constexpr size_t kMaxTokenBytes = 512;

Status RequireAdmin(const Principal& caller, std::string_view action) {
  if (caller.is_admin) return Status::OK();
  return Status::PermissionDenied("only a metastore admin may " + std::string(action) + "; '" +
                                  caller.name + "' is not one");
}

std::string HashToken(std::string_view token) { return Sha256::HexDigest(token); }

}  // namespace

Result<Principal> CatalogService::Authenticate(std::string_view token_value) const {
  static const Status kInvalid = Status::Unauthenticated(
      "the token is not valid (unknown, revoked or expired); create one with 'keel tokens "
      "create' and send it as 'Authorization: Bearer <token>'");
  if (token_value.empty() || token_value.size() > kMaxTokenBytes) return kInvalid;
  Principal out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto token, TokenStore::FindByHash(tx, HashToken(token_value)));
    if (!token || token->revoked_at != 0) return kInvalid;
    if (token->expires_at != 0 && token->expires_at <= Now()) return kInvalid;
    KEEL_ASSIGN_OR_RETURN(auto p, PrincipalStore::FindById(tx, token->principal_id));
    if (!p || !p->active) return kInvalid;
    out.id = p->id;
    out.name = p->name;
    out.kind = p->kind;
    out.is_admin = p->is_admin;
    KEEL_ASSIGN_OR_RETURN(out.identity_ids, PrincipalStore::IdentityIds(tx, p->id));
    return Status::OK();
  }));
  return out;
}

Result<PrincipalInfo> CatalogService::CreatePrincipal(const Principal& caller, PrincipalKind kind,
                                                      std::string_view name,
                                                      const std::vector<std::string>& groups) {
  KEEL_RETURN_IF_ERROR(RequireAdmin(caller, "create principals"));
  KEEL_RETURN_IF_ERROR(ValidatePrincipalName(name));
  PrincipalInfo out;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    PrincipalInfo p;
    p.id = NewId();
    p.name = std::string(name);
    p.kind = kind;
    p.created_at = Now();
    Status inserted = PrincipalStore::Insert(tx, p);
    if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
      return Status::AlreadyExists("principal '" + std::string(name) + "' already exists");
    }
    KEEL_RETURN_IF_ERROR(inserted);
    for (const std::string& group_name : groups) {
      KEEL_ASSIGN_OR_RETURN(PrincipalInfo group, FindPrincipal(tx, group_name));
      if (group.kind != PrincipalKind::kGroup) {
        return Status::InvalidArgument("'" + group_name + "' is not a group");
      }
      KEEL_RETURN_IF_ERROR(PrincipalStore::AddMember(tx, group.id, p.id));
    }
    KEEL_ASSIGN_OR_RETURN(auto reread, PrincipalStore::FindById(tx, p.id));
    if (!reread) return Status::Internal("principal vanished inside its own transaction");
    out = std::move(*reread);
    return Status::OK();
  }));
  return out;
}

Result<PrincipalInfo> CatalogService::GetPrincipal(const Principal& caller,
                                                   std::string_view name) const {
  PrincipalInfo out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(out, FindPrincipal(tx, name));
    return Status::OK();
  }));
  return out;
}

Result<std::vector<PrincipalInfo>> CatalogService::ListPrincipals(
    const Principal& caller, std::optional<PrincipalKind> kind) const {
  std::vector<PrincipalInfo> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(out, PrincipalStore::List(tx, kind));
    return Status::OK();
  }));
  return out;
}

Status CatalogService::DeletePrincipal(const Principal& caller, std::string_view name) {
  KEEL_RETURN_IF_ERROR(RequireAdmin(caller, "delete principals"));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(PrincipalInfo p, FindPrincipal(tx, name));
    if (p.id == caller.id) return Status::InvalidArgument("you cannot delete yourself");
    Status s = PrincipalStore::Delete(tx, p.id);
    if (s.code() == ErrorCode::kInvalidParameterValue) {
      return Status::InvalidState("principal '" + p.name +
                                  "' still owns objects; transfer their ownership first");
    }
    return s;
  });
}

Status CatalogService::AddGroupMember(const Principal& caller, std::string_view group,
                                      std::string_view member) {
  KEEL_RETURN_IF_ERROR(RequireAdmin(caller, "change group membership"));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(PrincipalInfo g, FindPrincipal(tx, group));
    if (g.kind != PrincipalKind::kGroup) {
      return Status::InvalidArgument("'" + g.name + "' is not a group");
    }
    KEEL_ASSIGN_OR_RETURN(PrincipalInfo m, FindPrincipal(tx, member));
    // Adding a group that already contains `g` would make a cycle.
    KEEL_ASSIGN_OR_RETURN(bool cycle, PrincipalStore::Contains(tx, m.id, g.id));
    if (cycle) {
      return Status::InvalidArgument("adding '" + m.name + "' to '" + g.name +
                                     "' would make a membership cycle");
    }
    return PrincipalStore::AddMember(tx, g.id, m.id);
  });
}

Status CatalogService::RemoveGroupMember(const Principal& caller, std::string_view group,
                                         std::string_view member) {
  KEEL_RETURN_IF_ERROR(RequireAdmin(caller, "change group membership"));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(PrincipalInfo g, FindPrincipal(tx, group));
    KEEL_ASSIGN_OR_RETURN(PrincipalInfo m, FindPrincipal(tx, member));
    return PrincipalStore::RemoveMember(tx, g.id, m.id);
  });
}

Result<CreatedToken> CatalogService::CreateToken(const Principal& caller,
                                                 std::string_view principal_name,
                                                 int64_t lifetime_seconds,
                                                 std::string_view comment) {
  if (lifetime_seconds < 0 || lifetime_seconds > kMaxTokenLifetimeSeconds) {
    return Status::InvalidArgument("lifetime_seconds must be between 0 (no expiry) and " +
                                   std::to_string(kMaxTokenLifetimeSeconds));
  }
  if (comment.size() > 1024) return Status::InvalidArgument("comment must be at most 1024 bytes");
  KEEL_ASSIGN_OR_RETURN(std::string random, SecureRandomBytes(kTokenRandomBytes));
  CreatedToken out;
  out.token_value = std::string(kTokenPrefix) + HexEncode(random);
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    std::string principal_id = caller.id;
    std::string name = caller.name;
    if (!principal_name.empty() && NameKey(principal_name) != NameKey(caller.name)) {
      KEEL_RETURN_IF_ERROR(RequireAdmin(caller, "create tokens for other principals"));
      KEEL_ASSIGN_OR_RETURN(PrincipalInfo p, FindPrincipal(tx, principal_name));
      if (p.kind == PrincipalKind::kGroup) {
        return Status::InvalidArgument("groups cannot have tokens; make one for a user or "
                                       "service principal");
      }
      principal_id = p.id;
      name = p.name;
    }
    TokenInfo& t = out.info;
    t.id = NewId();
    t.principal_id = principal_id;
    t.principal_name = name;
    t.token_hash = HashToken(out.token_value);
    t.comment = std::string(comment);
    t.created_at = Now();
    t.expires_at = lifetime_seconds ? t.created_at + lifetime_seconds * 1000 : 0;
    return TokenStore::Insert(tx, t);
  }));
  return out;
}

Result<std::vector<TokenInfo>> CatalogService::ListTokens(const Principal& caller,
                                                          std::string_view principal_name) const {
  std::vector<TokenInfo> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    std::string principal_id = caller.id;
    if (principal_name == "*") {
      KEEL_RETURN_IF_ERROR(RequireAdmin(caller, "list every principal's tokens"));
      principal_id.clear();
    } else if (!principal_name.empty() && NameKey(principal_name) != NameKey(caller.name)) {
      KEEL_RETURN_IF_ERROR(RequireAdmin(caller, "list other principals' tokens"));
      KEEL_ASSIGN_OR_RETURN(PrincipalInfo p, FindPrincipal(tx, principal_name));
      principal_id = p.id;
    }
    KEEL_ASSIGN_OR_RETURN(out, TokenStore::List(tx, principal_id));
    return Status::OK();
  }));
  return out;
}

Status CatalogService::RevokeToken(const Principal& caller, std::string_view token_id) {
  if (token_id.empty() || token_id.size() > 64) {
    return Status::InvalidArgument("token_id must be a token id from 'keel tokens list'");
  }
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto token, TokenStore::FindById(tx, token_id));
    // Someone else's token is reported as absent, so ids cannot be probed.
    if (!token || (token->principal_id != caller.id && !caller.is_admin)) {
      return Status::NotFound("token '" + std::string(token_id) + "' does not exist");
    }
    return TokenStore::Revoke(tx, token->id, Now());
  });
}

}  // namespace keel::catalog

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/principal.h"
#include "catalog/privilege.h"
#include "catalog/securable.h"
#include "catalog/token_store.h"
#include "common/clock.h"
#include "metastore/database.h"

namespace keel::catalog {

struct CatalogServiceOptions {
  // Directory under which managed objects get their files. Paths are derived from object ids,
  // never taken from callers. Required.
  std::string storage_root;
  // Source of "now" for tokens and audit fields. Default: the system clock.
  const Clock* clock = Clock::System();
};

struct CreateSecurableRequest {
  SecurableType type = SecurableType::kCatalog;
  std::string parent_full_name;  // "" for a catalog, "cat" for a schema, "cat.sch" for objects
  std::string name;
  std::string comment;
  std::map<std::string, std::string> properties;
  std::map<std::string, std::string> tags;  // set in the same transaction
};

struct UpdateSecurableRequest {
  std::optional<std::string> comment;
  std::optional<std::string> owner;                              // name of the new owner
  std::optional<std::map<std::string, std::string>> properties;  // replaces all properties
};

// Direct grants to one principal on one securable (UC's PrivilegeAssignment).
struct PrivilegeAssignment {
  std::string principal;
  std::vector<Privilege> privileges;
};

// One privilege in an effective listing; inherited_from_* are empty for a direct grant.
struct EffectivePrivilege {
  Privilege privilege = Privilege::kSelect;
  std::string inherited_from_type;  // "CATALOG" / "SCHEMA"
  std::string inherited_from_name;
};

struct EffectivePrivilegeAssignment {
  std::string principal;
  std::vector<EffectivePrivilege> privileges;
};

// One entry of UC's PATCH permissions `changes`.
struct PermissionsChange {
  std::string principal;
  std::vector<Privilege> add;
  std::vector<Privilege> remove;
};

struct CreatedToken {
  std::string token_value;  // shown once; only its hash is stored
  TokenInfo info;
};

// What `keel init` produced. admin_token is empty when the workspace already existed (the
// token was shown when it was made).
struct InitResult {
  bool created = false;
  std::string admin_token;
};

// The governance façade: principals, tokens, catalogs/schemas/objects, tags and grants. Every
// method that acts for someone takes the calling Principal and checks authorization here, so the
// CLI, the HTTP server and jobs obey the same rules. Every change is one metastore transaction:
// it happens whole or not at all.
//
// Thread-safety: thread-safe; holds no state beyond the database and options.
//
// Errors: kInvalidParameterValue (bad names or values), kResourceDoesNotExist,
// kResourceAlreadyExists, kPermissionDenied, kUnauthenticated (tokens), kInvalidState
// (e.g. dropping a non-empty catalog without force).
class CatalogService {
 public:
  CatalogService(metastore::Database* db, CatalogServiceOptions options);

  // ---- bootstrap --------------------------------------------------------------------------
  // Creates the workspace of DESIGN.md §1 if absent: admin user `admin_name`, catalogs dev,
  // staging and prod with a `default` schema each, groups data-scientists and ml-engineers, the
  // service principal keel-automation and the recommended grants. Idempotent: a second run
  // changes nothing.
  Result<InitResult> InitWorkspace(std::string_view admin_name);

  // ---- authentication ---------------------------------------------------------------------
  // The principal a bearer token belongs to; kUnauthenticated when the token is unknown,
  // revoked or expired, or its principal is deactivated.
  Result<Principal> Authenticate(std::string_view token_value) const;

  // ---- principals (changes need a metastore admin) ----------------------------------------
  Result<PrincipalInfo> CreatePrincipal(const Principal& caller, PrincipalKind kind,
                                        std::string_view name,
                                        const std::vector<std::string>& groups);
  Result<PrincipalInfo> GetPrincipal(const Principal& caller, std::string_view name) const;
  Result<std::vector<PrincipalInfo>> ListPrincipals(const Principal& caller,
                                                    std::optional<PrincipalKind> kind) const;
  Status DeletePrincipal(const Principal& caller, std::string_view name);
  Status AddGroupMember(const Principal& caller, std::string_view group, std::string_view member);
  Status RemoveGroupMember(const Principal& caller, std::string_view group,
                           std::string_view member);

  // ---- tokens -----------------------------------------------------------------------------
  // A token for `principal_name` (empty: the caller). Only admins make tokens for others.
  // lifetime_seconds 0 means no expiry.
  Result<CreatedToken> CreateToken(const Principal& caller, std::string_view principal_name,
                                   int64_t lifetime_seconds, std::string_view comment);
  // The caller's tokens; admins may name another principal, or "*" for all.
  Result<std::vector<TokenInfo>> ListTokens(const Principal& caller,
                                            std::string_view principal_name) const;
  // Revokes a token of the caller's (admins: any token).
  Status RevokeToken(const Principal& caller, std::string_view token_id);

  // ---- securables -------------------------------------------------------------------------
  Result<SecurableInfo> CreateSecurable(const Principal& caller,
                                        const CreateSecurableRequest& request);
  Result<SecurableInfo> GetSecurable(const Principal& caller, SecurableType type,
                                     std::string_view full_name) const;
  // Children of `parent_full_name` ("" for catalogs) that the caller may see, by name.
  Result<std::vector<SecurableInfo>> ListSecurables(const Principal& caller, SecurableType type,
                                                    std::string_view parent_full_name) const;
  Result<SecurableInfo> UpdateSecurable(const Principal& caller, SecurableType type,
                                        std::string_view full_name,
                                        const UpdateSecurableRequest& request);
  // Renames a table, volume, registered model or function within its schema (files do not
  // move: storage paths come from ids). Needs what UpdateSecurable needs (owner or MANAGE).
  Result<SecurableInfo> RenameSecurable(const Principal& caller, SecurableType type,
                                        std::string_view full_name, std::string_view new_name);
  // A container with children is only dropped with `force` (then with all its children).
  Status DeleteSecurable(const Principal& caller, SecurableType type, std::string_view full_name,
                         bool force);

  // ---- tags -------------------------------------------------------------------------------
  Result<std::map<std::string, std::string>> GetTags(const Principal& caller, SecurableType type,
                                                     std::string_view full_name) const;
  Status SetTag(const Principal& caller, SecurableType type, std::string_view full_name,
                std::string_view key, std::string_view value);
  Status UnsetTag(const Principal& caller, SecurableType type, std::string_view full_name,
                  std::string_view key);
  // Sets and removes several tags in one transaction: all of them or none.
  Status UpdateTags(const Principal& caller, SecurableType type, std::string_view full_name,
                    const std::map<std::string, std::string>& set,
                    const std::vector<std::string>& unset);

  // ---- grants -----------------------------------------------------------------------------
  // Direct grants on the object (optionally for one principal).
  Result<std::vector<PrivilegeAssignment>> GetPermissions(const Principal& caller,
                                                          SecurableType type,
                                                          std::string_view full_name,
                                                          std::string_view principal) const;
  // Applies all changes in one transaction (all or nothing) and returns the new direct grants.
  Result<std::vector<PrivilegeAssignment>> UpdatePermissions(
      const Principal& caller, SecurableType type, std::string_view full_name,
      const std::vector<PermissionsChange>& changes);
  // Direct and inherited grants; with `principal`, those that apply to it (including through
  // its groups).
  Result<std::vector<EffectivePrivilegeAssignment>> GetEffectivePermissions(
      const Principal& caller, SecurableType type, std::string_view full_name,
      std::string_view principal) const;

  // ---- for the layers above -----------------------------------------------------------------
  // The object, if the caller may use its data with `p` (SELECT, MODIFY, EXECUTE, ...).
  Result<SecurableInfo> AuthorizeDataAccess(const Principal& caller, SecurableType type,
                                            std::string_view full_name, Privilege p) const;

  const CatalogServiceOptions& options() const { return options_; }

 private:
  int64_t Now() const { return options_.clock->NowMillis(); }

  metastore::Database* db_;
  CatalogServiceOptions options_;
};

}  // namespace keel::catalog

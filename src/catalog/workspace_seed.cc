// CatalogService::InitWorkspace: the workspace `keel init` creates (DESIGN.md §1, step 1).

#include "catalog/catalog_internal.h"
#include "catalog/catalog_service.h"
#include "catalog/grant_store.h"
#include "catalog/names.h"
#include "catalog/principal_store.h"
#include "catalog/securable_store.h"
#include "catalog/token_store.h"
#include "common/random.h"
#include "common/sha256.h"

namespace keel::catalog {

using metastore::Transaction;

namespace {

constexpr std::string_view kScientists = "data-scientists";
constexpr std::string_view kEngineers = "ml-engineers";
constexpr std::string_view kAutomation = "keel-automation";

// Read access in an environment: see metadata, use containers, read data, load models.
const std::vector<Privilege> kReadOnly = {Privilege::kBrowse, Privilege::kUseCatalog,
                                          Privilege::kUseSchema, Privilege::kSelect,
                                          Privilege::kExecute, Privilege::kReadVolume};

struct SeedGrant {
  std::string_view catalog;
  std::string_view principal;
  std::vector<Privilege> privileges;
};

// The grants the Databricks MLOps workflow recommends: scientists and engineers develop in
// dev; scientists may read prod; engineers may read staging and prod; only automation writes
// staging and prod. docs/concepts.md shows this table.
const std::vector<SeedGrant>& SeedGrants() {
  static const std::vector<SeedGrant> kGrants = {
      {"dev", kScientists, {Privilege::kAllPrivileges, Privilege::kManage}},
      {"dev", kEngineers, {Privilege::kAllPrivileges, Privilege::kManage}},
      {"staging", kScientists, {Privilege::kBrowse}},
      {"staging", kEngineers, kReadOnly},
      {"staging", kAutomation, {Privilege::kAllPrivileges}},
      {"prod", kScientists, kReadOnly},
      {"prod", kEngineers, kReadOnly},
      {"prod", kAutomation, {Privilege::kAllPrivileges}},
  };
  return kGrants;
}

// Finds or creates a principal; returns its id.
Result<std::string> EnsurePrincipal(Transaction& tx, std::string_view name, PrincipalKind kind,
                                    bool is_admin, int64_t now, bool* created) {
  KEEL_ASSIGN_OR_RETURN(auto existing, PrincipalStore::FindByName(tx, name));
  if (existing) return existing->id;
  PrincipalInfo p;
  p.id = NewId();
  p.name = std::string(name);
  p.kind = kind;
  p.is_admin = is_admin;
  p.created_at = now;
  KEEL_RETURN_IF_ERROR(PrincipalStore::Insert(tx, p));
  *created = true;
  return p.id;
}

Result<SecurableInfo> EnsureSecurable(Transaction& tx, SecurableType type, std::string_view id,
                                      std::string_view name, const SecurableInfo* parent,
                                      const std::string& admin_id, std::string_view admin_name,
                                      int64_t now, bool* created) {
  std::string full_name = parent && parent->type != SecurableType::kMetastore
                              ? parent->full_name + "." + std::string(name)
                              : std::string(name);
  KEEL_ASSIGN_OR_RETURN(auto existing, SecurableStore::FindByFullName(tx, type, full_name));
  if (existing) return std::move(*existing);
  SecurableInfo s;
  s.id = id.empty() ? NewId() : std::string(id);
  s.type = type;
  s.name = std::string(name);
  s.full_name = full_name;
  s.parent_id = (parent && parent->type != SecurableType::kMetastore) ? parent->id : "";
  s.owner = std::string(admin_name);
  s.owner_id = admin_id;
  s.created_at = s.updated_at = now;
  s.created_by = s.updated_by = std::string(admin_name);
  KEEL_RETURN_IF_ERROR(SecurableStore::Insert(tx, s));
  *created = true;
  return s;
}

}  // namespace

Result<InitResult> CatalogService::InitWorkspace(std::string_view admin_name) {
  KEEL_RETURN_IF_ERROR(ValidatePrincipalName(admin_name));
  InitResult result;
  KEEL_ASSIGN_OR_RETURN(std::string random, SecureRandomBytes(20));
  std::string admin_token = "keel" + HexEncode(random);
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    int64_t now = Now();
    // Once the workspace exists, init must not mint a new admin (and token) for another name.
    KEEL_ASSIGN_OR_RETURN(auto existing_metastore,
                          SecurableStore::FindById(tx, internal::kMetastoreId));
    if (existing_metastore) {
      KEEL_ASSIGN_OR_RETURN(auto existing_admin, PrincipalStore::FindByName(tx, admin_name));
      if (!existing_admin || !existing_admin->is_admin) {
        return Status::InvalidState(
            "the workspace already exists and '" + std::string(admin_name) +
            "' is not its admin; run init with the existing admin's name, or have an admin "
            "create principals");
      }
    }
    bool created_admin = false;
    KEEL_ASSIGN_OR_RETURN(std::string admin_id,
                          EnsurePrincipal(tx, admin_name, PrincipalKind::kUser, true, now,
                                          &created_admin));
    bool created = created_admin;
    KEEL_ASSIGN_OR_RETURN(std::string scientists_id,
                          EnsurePrincipal(tx, kScientists, PrincipalKind::kGroup, false, now,
                                          &created));
    KEEL_ASSIGN_OR_RETURN(std::string engineers_id,
                          EnsurePrincipal(tx, kEngineers, PrincipalKind::kGroup, false, now,
                                          &created));
    KEEL_ASSIGN_OR_RETURN(std::string automation_id,
                          EnsurePrincipal(tx, kAutomation, PrincipalKind::kServicePrincipal,
                                          false, now, &created));
    (void)scientists_id;
    (void)engineers_id;
    (void)automation_id;

    KEEL_ASSIGN_OR_RETURN(SecurableInfo metastore,
                          EnsureSecurable(tx, SecurableType::kMetastore, internal::kMetastoreId,
                                          "metastore", nullptr, admin_id, admin_name, now,
                                          &created));
    for (std::string_view catalog_name : {"dev", "staging", "prod"}) {
      bool made_catalog = false;
      KEEL_ASSIGN_OR_RETURN(SecurableInfo catalog,
                            EnsureSecurable(tx, SecurableType::kCatalog, "", catalog_name,
                                            &metastore, admin_id, admin_name, now,
                                            &made_catalog));
      // Every new catalog gets a `default` schema, as in Unity Catalog.
      if (made_catalog) {
        created = true;
        KEEL_RETURN_IF_ERROR(EnsureSecurable(tx, SecurableType::kSchema, "", "default", &catalog,
                                             admin_id, admin_name, now, &created)
                                 .status());
        for (const SeedGrant& g : SeedGrants()) {
          if (g.catalog != catalog_name) continue;
          KEEL_ASSIGN_OR_RETURN(auto grantee, PrincipalStore::FindByName(tx, g.principal));
          for (Privilege p : g.privileges) {
            KEEL_RETURN_IF_ERROR(GrantStore::Add(tx, catalog.id, grantee->id, p, admin_name, now));
          }
        }
      }
    }
    if (created_admin) {
      TokenInfo t;
      t.id = NewId();
      t.principal_id = admin_id;
      t.principal_name = std::string(admin_name);
      t.token_hash = Sha256::HexDigest(admin_token);
      t.comment = "created by keel init";
      t.created_at = now;
      KEEL_RETURN_IF_ERROR(TokenStore::Insert(tx, t));
      result.admin_token = admin_token;
    }
    result.created = created;
    return Status::OK();
  }));
  return result;
}

}  // namespace keel::catalog

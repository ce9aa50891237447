#include "catalog/authorizer.h"

#include "catalog/catalog_internal.h"
#include "catalog/securable_store.h"

namespace keel::catalog {

namespace {

// A principal in messages: "user 'alice'".
std::string Describe(const Principal& who) {
  switch (who.kind) {
    case PrincipalKind::kUser: return "user '" + who.name + "'";
    case PrincipalKind::kGroup: return "group '" + who.name + "'";
    case PrincipalKind::kServicePrincipal: return "service principal '" + who.name + "'";
  }
  return "'" + who.name + "'";
}

}  // namespace

Result<Authorizer> Authorizer::Load(metastore::Transaction& tx, const Principal& who,
                                    const SecurableInfo& object) {
  std::vector<SecurableInfo> chain{object};
  while (!chain.back().parent_id.empty()) {
    KEEL_ASSIGN_OR_RETURN(auto parent, SecurableStore::FindById(tx, chain.back().parent_id));
    if (!parent) return Status::Internal("securable " + chain.back().full_name + " has no parent");
    chain.push_back(std::move(*parent));
  }
  std::vector<std::string> ids;
  for (const auto& s : chain) ids.push_back(s.id);
  KEEL_ASSIGN_OR_RETURN(auto grants, GrantStore::ListFor(tx, ids, who.identity_ids));
  return Authorizer(who, std::move(chain), std::move(grants));
}

bool Authorizer::Has(Privilege p, size_t level) const {
  for (const GrantRecord& g : grants_) {
    if (g.privilege != p && !(g.privilege == Privilege::kAllPrivileges && IncludedInAllPrivileges(p))) {
      continue;
    }
    for (size_t i = level; i < chain_.size(); ++i) {
      if (chain_[i].id == g.securable_id) return true;
    }
  }
  return false;
}

bool Authorizer::Owns(size_t level) const {
  for (const auto& id : who_.identity_ids) {
    if (chain_[level].owner_id == id) return true;
  }
  return false;
}

bool Authorizer::OwnsAnyLevel() const {
  for (size_t i = 0; i < chain_.size(); ++i) {
    if (Owns(i)) return true;
  }
  return false;
}

bool Authorizer::CanUseDownTo(size_t level, std::string* missing) const {
  if (who_.is_admin) return true;
  // Walk from the catalog (last) down to `level`.
  for (size_t i = chain_.size(); i-- > level;) {
    const SecurableInfo& s = chain_[i];
    if (s.type == SecurableType::kCatalog) {
      if (!Owns(i) && !Has(Privilege::kUseCatalog, i)) {
        *missing = "USE_CATALOG on catalog '" + s.full_name + "'";
        return false;
      }
    } else if (s.type == SecurableType::kSchema) {
      if (!Owns(i) && !Has(Privilege::kUseSchema, i)) {
        *missing = "USE_SCHEMA on schema '" + s.full_name + "'";
        return false;
      }
    }
  }
  return true;
}

bool Authorizer::CanUseParents(std::string* missing) const {
  return CanUseDownTo(1, missing);
}

Status Authorizer::Deny(std::string_view action, std::string_view missing) const {
  return Status::PermissionDenied(Describe(who_) + " may not " + std::string(action) + " " +
                                  internal::DescribeSecurable(chain_[0].type, chain_[0].full_name) + ": it needs " +
                                  std::string(missing) +
                                  "; ask an owner of the object or a metastore admin to grant it");
}

Status Authorizer::CheckDataAccess(Privilege p) const {
  if (who_.is_admin) return Status::OK();
  std::string missing;
  if (!CanUseParents(&missing)) return Deny("use", missing);
  if (Owns(0) || Has(p, 0)) return Status::OK();
  return Deny("use", std::string(PrivilegeName(p)));
}

Status Authorizer::CheckCreateChild(Privilege p) const {
  if (who_.is_admin) return Status::OK();
  std::string missing;
  // Creating inside a container needs USE on it as well as on its parents.
  if (!CanUseDownTo(0, &missing)) return Deny("create objects in", missing);
  if (Owns(0) || Has(p, 0)) return Status::OK();
  return Deny("create objects in", std::string(PrivilegeName(p)));
}

Status Authorizer::CheckManage() const {
  if (who_.is_admin || OwnsAnyLevel()) return Status::OK();
  std::string missing;
  if (!CanUseParents(&missing)) return Deny("manage", missing);
  if (Has(Privilege::kManage, 0)) return Status::OK();
  return Deny("manage", "MANAGE or ownership");
}

Status Authorizer::CheckApplyTag() const {
  if (CheckManage().ok()) return Status::OK();
  std::string missing;
  if (!CanUseParents(&missing)) return Deny("tag", missing);
  if (Has(Privilege::kApplyTag, 0)) return Status::OK();
  return Deny("tag", "APPLY_TAG");
}

Status Authorizer::CheckBrowse() const {
  if (who_.is_admin || OwnsAnyLevel() || Has(Privilege::kBrowse, 0)) return Status::OK();
  std::string missing;
  if (!CanUseParents(&missing)) return Deny("see", missing + " (or BROWSE on its catalog)");
  // Only a privilege that applies to the object itself reveals it: USE_CATALOG and USE_SCHEMA
  // (or CREATE_TABLE) on its containers let one enter them, not see everything inside.
  for (Privilege p : AllPrivilegeValues()) {
    if (CheckGrantable(p, chain_[0].type).ok() && Has(p, 0)) return Status::OK();
  }
  return Deny("see", "some privilege on it (or BROWSE on its catalog)");
}

}  // namespace keel::catalog

#pragma once

#include <string>
#include <vector>

#include "catalog/grant_store.h"
#include "catalog/principal.h"
#include "catalog/privilege.h"
#include "catalog/securable.h"
#include "metastore/database.h"

namespace keel::catalog {

// Decides what a principal may do with one securable, following Unity Catalog:
//  - metastore admins may do everything;
//  - a privilege granted on a catalog or schema applies to every current and future child
//    (ALL_PRIVILEGES stands for every privilege except MANAGE);
//  - privileges granted to a group apply to its members, also through nested groups;
//  - the owner of an object has every privilege on it; ownership is not inherited for data
//    access, but owners of a parent catalog or schema may manage (grant, alter, drop) children;
//  - using anything inside a catalog needs USE_CATALOG on it, and inside a schema USE_SCHEMA
//    too (owners of those containers have them implicitly);
//  - BROWSE on a catalog lets a principal see the metadata of everything in it.
//
// An Authorizer is built inside a transaction for one (principal, securable) pair and answers
// from what it loaded, so a decision and the change it guards see the same snapshot.
class Authorizer {
 public:
  // Loads the parents of `object` and the caller's grants on them.
  static Result<Authorizer> Load(metastore::Transaction& tx, const Principal& who,
                                 const SecurableInfo& object);

  // The caller may read or write the object's data with `p` (SELECT, MODIFY, EXECUTE,
  // READ_VOLUME, WRITE_VOLUME): needs USE on the containers and `p` (or ownership).
  Status CheckDataAccess(Privilege p) const;
  // The caller may create a child in this container with `p` (CREATE_SCHEMA on a catalog,
  // CREATE_TABLE/MODEL/VOLUME/FUNCTION on a schema).
  Status CheckCreateChild(Privilege p) const;
  // The caller may grant/revoke, alter, change the owner of, or drop the object.
  Status CheckManage() const;
  // The caller may set tags on the object (APPLY_TAG, or manage).
  Status CheckApplyTag() const;
  // The caller may see that the object exists and read its metadata.
  Status CheckBrowse() const;
  bool CanBrowse() const { return CheckBrowse().ok(); }

  // Effective privileges of the caller on the object (for tests and `effective` listings).
  bool HasEffective(Privilege p) const { return Has(p, 0); }

  const std::vector<SecurableInfo>& chain() const { return chain_; }

 private:
  Authorizer(const Principal& who, std::vector<SecurableInfo> chain,
             std::vector<GrantRecord> grants)
      : who_(who), chain_(std::move(chain)), grants_(std::move(grants)) {}

  // Whether `p` is granted on chain_[level] or any of its parents.
  bool Has(Privilege p, size_t level) const;
  bool Owns(size_t level) const;
  bool OwnsAnyLevel() const;
  // USE_CATALOG on the catalog and USE_SCHEMA on every schema from the catalog down to
  // chain_[level] inclusive. Sets `missing` to what is lacking.
  bool CanUseDownTo(size_t level, std::string* missing) const;
  // CanUseDownTo for the parents of the object only.
  bool CanUseParents(std::string* missing) const;
  Status Deny(std::string_view action, std::string_view missing) const;

  Principal who_;
  std::vector<SecurableInfo> chain_;  // [object, parent, ..., catalog]
  std::vector<GrantRecord> grants_;   // caller's grants on the chain
};

}  // namespace keel::catalog

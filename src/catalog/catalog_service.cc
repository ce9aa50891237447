#include "catalog/catalog_service.h"

#include <algorithm>

#include "catalog/authorizer.h"
#include "catalog/catalog_internal.h"
#include "catalog/grant_store.h"
#include "catalog/names.h"
#include "catalog/securable_store.h"
#include "common/limits.h"
#include "common/random.h"
#include "common/strings.h"

namespace keel::catalog {

using metastore::Transaction;

namespace internal {

std::string KindWord(SecurableType type) {
  std::string what = AsciiLower(SecurableTypeName(type));
  for (char& c : what) c = (c == '_') ? ' ' : c;
  return what;
}

std::string DescribeSecurable(SecurableType type, std::string_view full_name) {
  return KindWord(type) + " '" + std::string(full_name.substr(0, 300)) + "'";
}

Result<SecurableInfo> FindSecurable(Transaction& tx, SecurableType type,
                                    std::string_view full_name) {
  if (type == SecurableType::kMetastore) {
    KEEL_ASSIGN_OR_RETURN(auto m, SecurableStore::FindById(tx, kMetastoreId));
    if (!m) return Status::NotFound("the workspace is not initialised; run 'keel init'");
    return std::move(*m);
  }
  std::string what(SecurableTypeName(type));
  for (char& c : what) c = (c == '_') ? ' ' : static_cast<char>(std::tolower(c));
  KEEL_RETURN_IF_ERROR(SplitFullName(full_name, FullNameParts(type), what).status());
  KEEL_ASSIGN_OR_RETURN(auto s, SecurableStore::FindByFullName(tx, type, full_name));
  if (!s) return Status::NotFound(DescribeSecurable(type, full_name) + " does not exist");
  return std::move(*s);
}

Result<PrincipalInfo> FindPrincipal(Transaction& tx, std::string_view name) {
  KEEL_RETURN_IF_ERROR(ValidatePrincipalName(name));
  KEEL_ASSIGN_OR_RETURN(auto p, PrincipalStore::FindByName(tx, name));
  if (!p) {
    return Status::NotFound("principal '" + std::string(name) +
                            "' does not exist; list principals with 'keel principals list'");
  }
  return std::move(*p);
}

}  // namespace internal

using internal::DescribeSecurable;
using internal::FindPrincipal;
using internal::FindSecurable;
using internal::KindWord;

namespace {

// The privilege needed on the parent to create a child of `type`.
Privilege CreatePrivilegeFor(SecurableType type) {
  switch (type) {
    case SecurableType::kCatalog:
      return Privilege::kCreateCatalog;
    case SecurableType::kSchema:
      return Privilege::kCreateSchema;
    case SecurableType::kTable:
      return Privilege::kCreateTable;
    case SecurableType::kVolume:
      return Privilege::kCreateVolume;
    case SecurableType::kRegisteredModel:
      return Privilege::kCreateModel;
    case SecurableType::kFunction:
      return Privilege::kCreateFunction;
    case SecurableType::kMetastore:
      break;
  }
  return Privilege::kManage;
}

SecurableType ParentType(SecurableType type) {
  switch (type) {
    case SecurableType::kSchema:
      return SecurableType::kCatalog;
    case SecurableType::kTable:
    case SecurableType::kVolume:
    case SecurableType::kRegisteredModel:
    case SecurableType::kFunction:
      return SecurableType::kSchema;
    case SecurableType::kCatalog:
    case SecurableType::kMetastore:
      break;
  }
  return SecurableType::kMetastore;
}

// Folder name for a type under a schema's storage.
std::string_view StorageFolder(SecurableType type) {
  switch (type) {
    case SecurableType::kTable:
      return "tables";
    case SecurableType::kVolume:
      return "volumes";
    case SecurableType::kRegisteredModel:
      return "models";
    case SecurableType::kFunction:
      return "functions";
    default:
      return "";
  }
}

Status ValidateComment(std::string_view comment) {
  if (comment.size() > kMaxCommentBytes) {
    return Status::InvalidArgument("comment is " + std::to_string(comment.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxCommentBytes));
  }
  return Status::OK();
}

Status ValidateProperties(const std::map<std::string, std::string>& props) {
  constexpr size_t kMaxProperties = 256;
  if (props.size() > kMaxProperties) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxProperties) +
                                   " properties are allowed");
  }
  for (const auto& [k, v] : props) {
    if (k.empty() || k.size() > kMaxNameBytes) {
      return Status::InvalidArgument("property keys must be 1-255 bytes");
    }
    if (v.size() > kMaxCommentBytes) {
      return Status::InvalidArgument("property '" + k + "' is too long");
    }
  }
  return Status::OK();
}

std::vector<PrivilegeAssignment> Group(const std::vector<GrantRecord>& grants) {
  std::vector<PrivilegeAssignment> out;
  for (const GrantRecord& g : grants) {
    if (out.empty() || out.back().principal != g.principal_name) {
      out.push_back({g.principal_name, {}});
    }
    out.back().privileges.push_back(g.privilege);
  }
  for (auto& a : out) std::sort(a.privileges.begin(), a.privileges.end());
  return out;
}

}  // namespace

CatalogService::CatalogService(metastore::Database* db, CatalogServiceOptions options)
    : db_(db), options_(std::move(options)) {}

Result<SecurableInfo> CatalogService::CreateSecurable(const Principal& caller,
                                                      const CreateSecurableRequest& req) {
  if (req.type == SecurableType::kMetastore) {
    return Status::InvalidArgument("the metastore cannot be created");
  }
  KEEL_RETURN_IF_ERROR(ValidateObjectName(req.name, KindWord(req.type)));
  KEEL_RETURN_IF_ERROR(ValidateComment(req.comment));
  KEEL_RETURN_IF_ERROR(ValidateProperties(req.properties));
  for (const auto& [key, value] : req.tags) KEEL_RETURN_IF_ERROR(ValidateTag(key, value));
  SecurableInfo created;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    SecurableInfo parent;
    if (req.type == SecurableType::kCatalog) {
      KEEL_ASSIGN_OR_RETURN(parent, FindSecurable(tx, SecurableType::kMetastore, ""));
    } else {
      KEEL_ASSIGN_OR_RETURN(parent, FindSecurable(tx, ParentType(req.type), req.parent_full_name));
    }
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, parent));
    KEEL_RETURN_IF_ERROR(auth.CheckCreateChild(CreatePrivilegeFor(req.type)));

    SecurableInfo s;
    s.id = NewId();
    s.type = req.type;
    s.name = req.name;
    s.full_name =
        req.type == SecurableType::kCatalog ? req.name : parent.full_name + "." + req.name;
    s.parent_id = req.type == SecurableType::kCatalog ? "" : parent.id;
    s.owner = caller.name;
    s.owner_id = caller.id;
    s.comment = req.comment;
    s.properties = req.properties;
    if (!StorageFolder(req.type).empty()) {
      // <root>/<catalog id>/<schema id>/<kind>/<object id>: derived from ids, so names (which
      // users choose) never become paths, and renames never move files.
      s.storage_location = options_.storage_root + "/" + auth.chain().back().id + "/" + parent.id +
                           "/" + std::string(StorageFolder(req.type)) + "/" + s.id;
    }
    s.created_at = s.updated_at = Now();
    s.created_by = s.updated_by = caller.name;
    Status inserted = SecurableStore::Insert(tx, s);
    if (inserted.code() == ErrorCode::kResourceAlreadyExists) {
      return Status::AlreadyExists(DescribeSecurable(req.type, s.full_name) + " already exists");
    }
    KEEL_RETURN_IF_ERROR(inserted);
    for (const auto& [key, value] : req.tags) {
      KEEL_RETURN_IF_ERROR(SecurableStore::SetTag(tx, s.id, key, value));
    }
    created = std::move(s);
    return Status::OK();
  }));
  return created;
}

Result<SecurableInfo> CatalogService::GetSecurable(const Principal& caller, SecurableType type,
                                                   std::string_view full_name) const {
  SecurableInfo out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(out, FindSecurable(tx, type, full_name));
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, out));
    return auth.CheckBrowse();
  }));
  return out;
}

Result<std::vector<SecurableInfo>> CatalogService::ListSecurables(
    const Principal& caller, SecurableType type, std::string_view parent_full_name) const {
  std::vector<SecurableInfo> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    std::string parent_id;
    if (type != SecurableType::kCatalog) {
      KEEL_ASSIGN_OR_RETURN(SecurableInfo parent,
                            FindSecurable(tx, ParentType(type), parent_full_name));
      KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, parent));
      KEEL_RETURN_IF_ERROR(auth.CheckBrowse());
      parent_id = parent.id;
    }
    KEEL_ASSIGN_OR_RETURN(auto children, SecurableStore::ListChildren(tx, parent_id, type));
    for (auto& child : children) {
      KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, child));
      if (auth.CanBrowse()) out.push_back(std::move(child));
    }
    return Status::OK();
  }));
  return out;
}

Result<SecurableInfo> CatalogService::UpdateSecurable(const Principal& caller, SecurableType type,
                                                      std::string_view full_name,
                                                      const UpdateSecurableRequest& req) {
  if (req.comment) KEEL_RETURN_IF_ERROR(ValidateComment(*req.comment));
  if (req.properties) KEEL_RETURN_IF_ERROR(ValidateProperties(*req.properties));
  SecurableInfo out;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(out, FindSecurable(tx, type, full_name));
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, out));
    KEEL_RETURN_IF_ERROR(auth.CheckManage());
    if (req.comment) out.comment = *req.comment;
    if (req.properties) out.properties = *req.properties;
    if (req.owner) {
      KEEL_ASSIGN_OR_RETURN(PrincipalInfo owner, FindPrincipal(tx, *req.owner));
      out.owner = owner.name;
      out.owner_id = owner.id;
    }
    out.updated_at = Now();
    out.updated_by = caller.name;
    return SecurableStore::Update(tx, out);
  }));
  return out;
}

Result<SecurableInfo> CatalogService::RenameSecurable(const Principal& caller, SecurableType type,
                                                      std::string_view full_name,
                                                      std::string_view new_name) {
  if (FullNameParts(type) != 3) {
    return Status::InvalidArgument(
        "only tables, volumes, registered models and functions can "
        "be renamed");
  }
  KEEL_RETURN_IF_ERROR(ValidateObjectName(new_name, KindWord(type)));
  SecurableInfo out;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(out, FindSecurable(tx, type, full_name));
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, out));
    KEEL_RETURN_IF_ERROR(auth.CheckManage());
    std::string schema = out.full_name.substr(0, out.full_name.rfind('.'));
    out.name = std::string(new_name);
    out.full_name = schema + "." + out.name;
    out.updated_at = Now();
    out.updated_by = caller.name;
    Status renamed = SecurableStore::Rename(tx, out);
    if (renamed.code() == ErrorCode::kResourceAlreadyExists) {
      return Status::AlreadyExists(DescribeSecurable(type, out.full_name) + " already exists");
    }
    return renamed;
  }));
  return out;
}

Status CatalogService::DeleteSecurable(const Principal& caller, SecurableType type,
                                       std::string_view full_name, bool force) {
  if (type == SecurableType::kMetastore) {
    return Status::InvalidArgument("the metastore cannot be deleted");
  }
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo s, FindSecurable(tx, type, full_name));
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, s));
    KEEL_RETURN_IF_ERROR(auth.CheckManage());
    KEEL_ASSIGN_OR_RETURN(int64_t children, SecurableStore::CountChildren(tx, s.id));
    if (children > 0 && !force) {
      return Status::InvalidState(DescribeSecurable(type, s.full_name) + " is not empty (" +
                                  std::to_string(children) +
                                  " objects); delete them first or pass force=true");
    }
    return SecurableStore::Delete(tx, s.id);
  });
}

Result<std::map<std::string, std::string>> CatalogService::GetTags(
    const Principal& caller, SecurableType type, std::string_view full_name) const {
  std::map<std::string, std::string> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo s, FindSecurable(tx, type, full_name));
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, s));
    KEEL_RETURN_IF_ERROR(auth.CheckBrowse());
    KEEL_ASSIGN_OR_RETURN(out, SecurableStore::Tags(tx, s.id));
    return Status::OK();
  }));
  return out;
}

Status CatalogService::SetTag(const Principal& caller, SecurableType type,
                              std::string_view full_name, std::string_view key,
                              std::string_view value) {
  return UpdateTags(caller, type, full_name, {{std::string(key), std::string(value)}}, {});
}

Status CatalogService::UnsetTag(const Principal& caller, SecurableType type,
                                std::string_view full_name, std::string_view key) {
  return UpdateTags(caller, type, full_name, {}, {std::string(key)});
}

Status CatalogService::UpdateTags(const Principal& caller, SecurableType type,
                                  std::string_view full_name,
                                  const std::map<std::string, std::string>& set,
                                  const std::vector<std::string>& unset) {
  constexpr size_t kMaxTagChanges = 1000;
  if (set.size() + unset.size() > kMaxTagChanges) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxTagChanges) +
                                   " tag changes per request");
  }
  for (const auto& [key, value] : set) KEEL_RETURN_IF_ERROR(ValidateTag(key, value));
  for (const std::string& key : unset) KEEL_RETURN_IF_ERROR(ValidateTagKey(key));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo s, FindSecurable(tx, type, full_name));
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, s));
    KEEL_RETURN_IF_ERROR(auth.CheckApplyTag());
    for (const auto& [key, value] : set) {
      KEEL_RETURN_IF_ERROR(SecurableStore::SetTag(tx, s.id, key, value));
    }
    for (const std::string& key : unset)
      KEEL_RETURN_IF_ERROR(SecurableStore::UnsetTag(tx, s.id, key));
    return Status::OK();
  });
}

Result<std::vector<PrivilegeAssignment>> CatalogService::GetPermissions(
    const Principal& caller, SecurableType type, std::string_view full_name,
    std::string_view principal) const {
  std::vector<PrivilegeAssignment> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo s, FindSecurable(tx, type, full_name));
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, s));
    KEEL_RETURN_IF_ERROR(auth.CheckBrowse());
    KEEL_ASSIGN_OR_RETURN(auto grants, GrantStore::ListOn(tx, s.id));
    out = Group(grants);
    if (!principal.empty()) {
      std::erase_if(out, [&](const PrivilegeAssignment& a) {
        return NameKey(a.principal) != NameKey(principal);
      });
    }
    return Status::OK();
  }));
  return out;
}

Result<std::vector<PrivilegeAssignment>> CatalogService::UpdatePermissions(
    const Principal& caller, SecurableType type, std::string_view full_name,
    const std::vector<PermissionsChange>& changes) {
  constexpr size_t kMaxChanges = 1000;
  if (changes.size() > kMaxChanges) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxChanges) +
                                   " changes per request");
  }
  std::vector<PrivilegeAssignment> out;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo s, FindSecurable(tx, type, full_name));
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, s));
    KEEL_RETURN_IF_ERROR(auth.CheckManage());
    for (const PermissionsChange& change : changes) {
      KEEL_ASSIGN_OR_RETURN(PrincipalInfo grantee, FindPrincipal(tx, change.principal));
      for (Privilege p : change.add) {
        KEEL_RETURN_IF_ERROR(CheckGrantable(p, s.type));
        KEEL_RETURN_IF_ERROR(GrantStore::Add(tx, s.id, grantee.id, p, caller.name, Now()));
      }
      for (Privilege p : change.remove) {
        KEEL_RETURN_IF_ERROR(GrantStore::Remove(tx, s.id, grantee.id, p));
      }
    }
    KEEL_ASSIGN_OR_RETURN(auto grants, GrantStore::ListOn(tx, s.id));
    out = Group(grants);
    return Status::OK();
  }));
  return out;
}

Result<std::vector<EffectivePrivilegeAssignment>> CatalogService::GetEffectivePermissions(
    const Principal& caller, SecurableType type, std::string_view full_name,
    std::string_view principal) const {
  std::vector<EffectivePrivilegeAssignment> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo s, FindSecurable(tx, type, full_name));
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, s));
    KEEL_RETURN_IF_ERROR(auth.CheckBrowse());
    std::vector<std::string> applies_to;  // principal ids whose grants count; empty: all
    if (!principal.empty()) {
      KEEL_ASSIGN_OR_RETURN(PrincipalInfo p, FindPrincipal(tx, principal));
      KEEL_ASSIGN_OR_RETURN(applies_to, PrincipalStore::IdentityIds(tx, p.id));
    }
    for (size_t level = 0; level < auth.chain().size(); ++level) {
      const SecurableInfo& from = auth.chain()[level];
      KEEL_ASSIGN_OR_RETURN(auto grants, GrantStore::ListOn(tx, from.id));
      for (const GrantRecord& g : grants) {
        if (!applies_to.empty() &&
            std::find(applies_to.begin(), applies_to.end(), g.principal_id) == applies_to.end()) {
          continue;
        }
        auto it = std::find_if(out.begin(), out.end(),
                               [&](const auto& a) { return a.principal == g.principal_name; });
        if (it == out.end()) {
          out.push_back({g.principal_name, {}});
          it = out.end() - 1;
        }
        EffectivePrivilege e;
        e.privilege = g.privilege;
        if (level > 0) {
          e.inherited_from_type = std::string(SecurableTypeName(from.type));
          e.inherited_from_name = from.full_name;
        }
        it->privileges.push_back(std::move(e));
      }
    }
    return Status::OK();
  }));
  return out;
}

Result<SecurableInfo> CatalogService::AuthorizeDataAccess(const Principal& caller,
                                                          SecurableType type,
                                                          std::string_view full_name,
                                                          Privilege p) const {
  // Only the privilege that governs this kind of object's data may be asked for: otherwise a
  // caller asking for SELECT on a volume would be let in by a catalog-wide SELECT grant.
  bool data_privilege = p == Privilege::kSelect || p == Privilege::kModify ||
                        p == Privilege::kExecute || p == Privilege::kReadVolume ||
                        p == Privilege::kWriteVolume;
  if (!data_privilege || FullNameParts(type) != 3 || !CheckGrantable(p, type).ok()) {
    return Status::InvalidArgument(std::string(PrivilegeName(p)) +
                                   " does not govern the data of a " +
                                   std::string(SecurableTypeName(type)));
  }
  SecurableInfo out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(out, FindSecurable(tx, type, full_name));
    KEEL_ASSIGN_OR_RETURN(Authorizer auth, Authorizer::Load(tx, caller, out));
    return auth.CheckDataAccess(p);
  }));
  return out;
}

}  // namespace keel::catalog

#include "catalog/privilege.h"

#include <string>

namespace keel::catalog {

namespace {

struct PrivilegeInfo {
  Privilege privilege;
  std::string_view name;
  // Securable types this privilege may be granted on (on a parent it flows to the children).
  std::vector<SecurableType> grantable_on;
};

const std::vector<PrivilegeInfo>& Table() {
  using T = SecurableType;
  static const std::vector<PrivilegeInfo> kTable = {
      {Privilege::kCreateCatalog, "CREATE_CATALOG", {T::kMetastore}},
      {Privilege::kUseCatalog, "USE_CATALOG", {T::kCatalog}},
      {Privilege::kUseSchema, "USE_SCHEMA", {T::kCatalog, T::kSchema}},
      {Privilege::kCreateSchema, "CREATE_SCHEMA", {T::kCatalog}},
      {Privilege::kCreateTable, "CREATE_TABLE", {T::kCatalog, T::kSchema}},
      {Privilege::kCreateModel, "CREATE_MODEL", {T::kCatalog, T::kSchema}},
      {Privilege::kCreateVolume, "CREATE_VOLUME", {T::kCatalog, T::kSchema}},
      {Privilege::kCreateFunction, "CREATE_FUNCTION", {T::kCatalog, T::kSchema}},
      {Privilege::kSelect, "SELECT", {T::kCatalog, T::kSchema, T::kTable}},
      {Privilege::kModify, "MODIFY", {T::kCatalog, T::kSchema, T::kTable}},
      {Privilege::kExecute,
       "EXECUTE",
       {T::kCatalog, T::kSchema, T::kRegisteredModel, T::kFunction}},
      {Privilege::kReadVolume, "READ_VOLUME", {T::kCatalog, T::kSchema, T::kVolume}},
      {Privilege::kWriteVolume, "WRITE_VOLUME", {T::kCatalog, T::kSchema, T::kVolume}},
      {Privilege::kApplyTag,
       "APPLY_TAG",
       {T::kCatalog, T::kSchema, T::kTable, T::kVolume, T::kRegisteredModel, T::kFunction}},
      {Privilege::kBrowse, "BROWSE", {T::kCatalog}},
      {Privilege::kManage,
       "MANAGE",
       {T::kCatalog, T::kSchema, T::kTable, T::kVolume, T::kRegisteredModel, T::kFunction}},
      {Privilege::kAllPrivileges,
       "ALL_PRIVILEGES",
       {T::kCatalog, T::kSchema, T::kTable, T::kVolume, T::kRegisteredModel, T::kFunction}},
  };
  return kTable;
}

const PrivilegeInfo& Info(Privilege p) { return Table()[static_cast<size_t>(p)]; }

}  // namespace

const std::vector<Privilege>& AllPrivilegeValues() {
  static const std::vector<Privilege> kAll = [] {
    std::vector<Privilege> out;
    for (const auto& info : Table()) out.push_back(info.privilege);
    return out;
  }();
  return kAll;
}

std::string_view PrivilegeName(Privilege p) { return Info(p).name; }

Result<Privilege> ParsePrivilege(std::string_view name) {
  std::string key;
  for (char c : name.substr(0, 64)) {
    if (c == ' ') c = '_';
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    key.push_back(c);
  }
  for (const auto& info : Table()) {
    if (info.name == key && name.size() <= 64) return info.privilege;
  }
  return Status::InvalidArgument("unknown privilege '" + std::string(name.substr(0, 64)) +
                                 "'; privileges are e.g. USE_CATALOG, USE_SCHEMA, SELECT, "
                                 "MODIFY, EXECUTE, CREATE_TABLE, ALL_PRIVILEGES");
}

Status CheckGrantable(Privilege p, SecurableType type) {
  for (SecurableType t : Info(p).grantable_on) {
    if (t == type) return Status::OK();
  }
  return Status::InvalidArgument("privilege " + std::string(PrivilegeName(p)) +
                                 " cannot be granted on a " +
                                 std::string(SecurableTypeName(type)));
}

bool IncludedInAllPrivileges(Privilege p) {
  return p != Privilege::kManage && p != Privilege::kCreateCatalog &&
         p != Privilege::kAllPrivileges;
}

}  // namespace keel::catalog

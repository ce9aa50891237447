#pragma once

#include <string_view>
#include <vector>

#include "catalog/securable.h"
#include "common/result.h"

namespace keel::catalog {

// Unity Catalog privileges. Granted on a catalog or schema, a privilege flows down to every
// current and future child (see Authorizer).
enum class Privilege {
  kCreateCatalog,  // on the metastore only
  kUseCatalog,
  kUseSchema,
  kCreateSchema,
  kCreateTable,
  kCreateModel,
  kCreateVolume,
  kCreateFunction,
  kSelect,
  kModify,
  kExecute,
  kReadVolume,
  kWriteVolume,
  kApplyTag,
  kBrowse,
  kManage,
  kAllPrivileges,  // every privilege applicable to the object and its children, except MANAGE
};

// Every privilege, in the order above.
const std::vector<Privilege>& AllPrivilegeValues();

// "USE_CATALOG", "ALL_PRIVILEGES", ...: the spelling of UC's REST API.
std::string_view PrivilegeName(Privilege p);

// Accepts "USE_CATALOG", "USE CATALOG" and any case ("use catalog").
Result<Privilege> ParsePrivilege(std::string_view name);

// Whether `p` may be granted on an object of `type` (e.g. SELECT on a catalog — it flows to the
// catalog's tables — but not USE_CATALOG on a table). Error message names both.
Status CheckGrantable(Privilege p, SecurableType type);

// The privileges ALL_PRIVILEGES stands for (everything but MANAGE, CREATE_CATALOG and itself).
bool IncludedInAllPrivileges(Privilege p);

}  // namespace keel::catalog

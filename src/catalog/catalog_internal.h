#pragma once

// Helpers shared by the files that implement CatalogService. Private to src/catalog.

#include <string>
#include <string_view>

#include "catalog/principal.h"
#include "catalog/principal_store.h"
#include "catalog/securable.h"
#include "metastore/database.h"

namespace keel::catalog::internal {

// The securable named `full_name`, validating the name's shape first. kResourceDoesNotExist
// names the object when absent.
Result<SecurableInfo> FindSecurable(metastore::Transaction& tx, SecurableType type,
                                    std::string_view full_name);

// The principal named `name`, or kResourceDoesNotExist naming it.
Result<PrincipalInfo> FindPrincipal(metastore::Transaction& tx, std::string_view name);

// "registered model", "table": the kind of object in messages.
std::string KindWord(SecurableType type);
// "catalog 'dev'", "registered model 'dev.s.m'".
std::string DescribeSecurable(SecurableType type, std::string_view full_name);

// The metastore's own securable (holds CREATE_CATALOG grants); created by InitWorkspace.
inline constexpr std::string_view kMetastoreId = "metastore";

}  // namespace keel::catalog::internal

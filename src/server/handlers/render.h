#pragma once

// JSON shapes shared by several handler files: Unity Catalog's *Info objects, SCIM resources
// and token infos, and the readers of the request fields they share.

#include <map>
#include <string>

#include "catalog/catalog_service.h"
#include "common/json.h"

namespace keel::server::handlers {

// CatalogInfo / SchemaInfo / VolumeInfo ... in Unity Catalog's field names.
json::Value RenderSecurable(const catalog::SecurableInfo& s);

// A SCIM User, Group or ServicePrincipal resource.
json::Value RenderScimPrincipal(const catalog::PrincipalInfo& p);

// Databricks' PublicTokenInfo: token_id, creation_time, expiry_time (-1: none), comment.
json::Value RenderTokenInfo(const catalog::TokenInfo& t);

// {"privilege_assignments": [{"principal", "privileges": [...]}]}, UC's permissions answer.
json::Value RenderAssignments(const std::vector<catalog::PrivilegeAssignment>& assignments);

// The optional `properties` object of a request (string values only).
Result<std::map<std::string, std::string>> ReadProperties(const json::FieldReader& f);

}  // namespace keel::server::handlers

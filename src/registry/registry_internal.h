#pragma once

// Helpers shared by the files that implement RegistryService. Private to src/registry.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/principal.h"
#include "catalog/securable.h"
#include "metastore/database.h"
#include "registry/registry_types.h"

namespace keel::registry::internal {

// What a caller wants to do with a registered model (see RegistryService).
enum class Access {
  kBrowse,   // see the model
  kExecute,  // read versions and their files
  kManage,   // add versions, aliases, tags; update, rename, delete
};

// The registered model `name` ("catalog.schema.model"), validating the name first.
// kInvalidParameterValue for a malformed name, kResourceDoesNotExist naming it when absent.
Result<catalog::SecurableInfo> FindModel(metastore::Transaction& tx, std::string_view name);
Result<catalog::SecurableInfo> FindModelById(metastore::Transaction& tx, std::string_view id);

// kPermissionDenied (naming what is missing) unless the caller may do `access`.
Status Require(metastore::Transaction& tx, const catalog::Principal& caller,
               const catalog::SecurableInfo& model, Access access);
// The same, as a yes/no answer (for filtering listings).
Result<bool> Allowed(metastore::Transaction& tx, const catalog::Principal& caller,
                     const catalog::SecurableInfo& model, Access access);

// What the caller may see of a model, from one load of its grants: the model itself (any
// privilege or BROWSE) and its versions (EXECUTE).
struct Visibility {
  bool model = false;
  bool versions = false;
};
Result<Visibility> VisibilityOf(metastore::Transaction& tx, const catalog::Principal& caller,
                                const catalog::SecurableInfo& model);

// Refuses descriptions over kMaxDescriptionBytes.
Status ValidateDescription(std::string_view description);

// The version, with model_name filled; kResourceDoesNotExist naming it when absent.
Result<ModelVersion> FindVersion(metastore::Transaction& tx, const catalog::SecurableInfo& model,
                                 int64_t version);

// The model's tags and aliases, and its latest READY version when `with_versions`.
Result<RegisteredModel> LoadRegisteredModel(metastore::Transaction& tx,
                                            catalog::SecurableInfo securable, bool with_versions);

// Every registered model of the metastore, catalog by catalog and schema by schema (callers
// filter what the caller may see).
Result<std::vector<catalog::SecurableInfo>> AllModels(metastore::Transaction& tx);

// The page size a search asked for: `given` (0: `fallback`) within 1..`max`.
Result<int64_t> PageSize(int64_t given, int64_t fallback, int64_t max);

// Moves items [offset, offset + limit) of `items` into `page`; returns the next page's token
// ("" on the last page).
std::string TakePage(int64_t offset, int64_t limit, size_t count,
                     const std::function<void(size_t)>& take);

// "version 3 of registered model 'dev.s.m'".
std::string DescribeVersion(std::string_view name, int64_t version);

// {"key": key, "value": value} (value omitted when null), the details of a tag event.
std::string TagDetails(std::string_view key, const std::string* value);

// Appends a registry event about `model`.
Status RecordEvent(metastore::Transaction& tx, std::string_view type,
                   const catalog::SecurableInfo& model, std::optional<int64_t> version,
                   std::string_view alias, const catalog::Principal& caller, int64_t now,
                   std::string details = "{}");

}  // namespace keel::registry::internal

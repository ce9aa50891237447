#include "registry/registry_internal.h"

#include "catalog/authorizer.h"
#include "catalog/names.h"
#include "catalog/securable_store.h"
#include "common/json.h"
#include "common/page_token.h"
#include "registry/model_version_store.h"
#include "registry/registry_service.h"

namespace keel::registry::internal {

using catalog::SecurableInfo;
using catalog::SecurableType;
using metastore::Transaction;

namespace {

std::string Shown(std::string_view s) { return std::string(s.substr(0, 300)); }

}  // namespace

Result<SecurableInfo> FindModel(Transaction& tx, std::string_view name) {
  auto parts = catalog::SplitFullName(name, 3, "registered model");
  if (!parts.ok()) {
    return Status::InvalidArgument(parts.status().message() +
                                   "; registered model names are catalog.schema.model, as in "
                                   "dev.default.churn");
  }
  KEEL_ASSIGN_OR_RETURN(auto found, catalog::SecurableStore::FindByFullName(
                                        tx, SecurableType::kRegisteredModel, name));
  if (!found) {
    return Status::NotFound("registered model '" + Shown(name) +
                            "' does not exist; create it with registered-models/create or "
                            "`keel models create`");
  }
  return std::move(*found);
}

Result<SecurableInfo> FindModelById(Transaction& tx, std::string_view id) {
  KEEL_ASSIGN_OR_RETURN(auto found, catalog::SecurableStore::FindById(tx, id));
  if (!found || found->type != SecurableType::kRegisteredModel) {
    return Status::NotFound("no registered model has id '" + Shown(id) + "'");
  }
  return std::move(*found);
}

Status Require(Transaction& tx, const catalog::Principal& caller, const SecurableInfo& model,
               Access access) {
  KEEL_ASSIGN_OR_RETURN(catalog::Authorizer auth, catalog::Authorizer::Load(tx, caller, model));
  switch (access) {
    case Access::kBrowse:
      return auth.CheckBrowse();
    case Access::kExecute:
      return auth.CheckDataAccess(catalog::Privilege::kExecute);
    case Access::kManage:
      return auth.CheckManage();
  }
  return Status::Internal("unknown access kind");
}

Result<bool> Allowed(Transaction& tx, const catalog::Principal& caller, const SecurableInfo& model,
                     Access access) {
  Status s = Require(tx, caller, model, access);
  if (s.code() == ErrorCode::kPermissionDenied) return false;
  KEEL_RETURN_IF_ERROR(s);
  return true;
}

Result<std::vector<SecurableInfo>> AllModels(Transaction& tx) {
  using catalog::SecurableStore;
  std::vector<SecurableInfo> out;
  KEEL_ASSIGN_OR_RETURN(auto catalogs,
                        SecurableStore::ListChildren(tx, "", SecurableType::kCatalog));
  for (const SecurableInfo& cat : catalogs) {
    KEEL_ASSIGN_OR_RETURN(auto schemas,
                          SecurableStore::ListChildren(tx, cat.id, SecurableType::kSchema));
    for (const SecurableInfo& schema : schemas) {
      KEEL_ASSIGN_OR_RETURN(auto models, SecurableStore::ListChildren(
                                             tx, schema.id, SecurableType::kRegisteredModel));
      for (SecurableInfo& m : models) out.push_back(std::move(m));
    }
  }
  return out;
}

Result<int64_t> PageSize(int64_t given, int64_t fallback, int64_t max) {
  int64_t limit = given == 0 ? fallback : given;
  if (limit < 1 || limit > max) {
    return Status::InvalidArgument("max_results must be between 1 and " + std::to_string(max) +
                                   ", got " + std::to_string(given));
  }
  return limit;
}

std::string TakePage(int64_t offset, int64_t limit, size_t count,
                     const std::function<void(size_t)>& take) {
  size_t begin = std::min(count, static_cast<size_t>(offset));
  size_t end = std::min(count, begin + static_cast<size_t>(limit));
  for (size_t i = begin; i < end; ++i) take(i);
  return end < count ? MakePageToken(static_cast<int64_t>(end)) : std::string();
}

Result<Visibility> VisibilityOf(Transaction& tx, const catalog::Principal& caller,
                                const SecurableInfo& model) {
  KEEL_ASSIGN_OR_RETURN(catalog::Authorizer auth, catalog::Authorizer::Load(tx, caller, model));
  Visibility out;
  out.model = auth.CheckBrowse().ok();
  out.versions = auth.CheckDataAccess(catalog::Privilege::kExecute).ok();
  return out;
}

Status ValidateDescription(std::string_view description) {
  if (description.size() > kMaxDescriptionBytes) {
    return Status::InvalidArgument("description is " + std::to_string(description.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxDescriptionBytes));
  }
  return Status::OK();
}

std::string DescribeVersion(std::string_view name, int64_t version) {
  return "version " + std::to_string(version) + " of registered model '" + Shown(name) + "'";
}

Result<ModelVersion> FindVersion(Transaction& tx, const SecurableInfo& model, int64_t version) {
  KEEL_ASSIGN_OR_RETURN(auto found, ModelVersionStore::Get(tx, model.id, version));
  if (!found) {
    return Status::NotFound(DescribeVersion(model.full_name, version) + " does not exist");
  }
  found->model_name = model.full_name;
  return std::move(*found);
}

Result<RegisteredModel> LoadRegisteredModel(Transaction& tx, SecurableInfo securable,
                                            bool with_versions) {
  RegisteredModel out;
  KEEL_ASSIGN_OR_RETURN(out.tags, catalog::SecurableStore::Tags(tx, securable.id));
  KEEL_ASSIGN_OR_RETURN(out.aliases, ModelVersionStore::Aliases(tx, securable.id));
  if (with_versions) {
    KEEL_ASSIGN_OR_RETURN(out.latest_version, ModelVersionStore::Latest(tx, securable.id));
    if (out.latest_version) out.latest_version->model_name = securable.full_name;
  }
  out.securable = std::move(securable);
  return out;
}

std::string TagDetails(std::string_view key, const std::string* value) {
  json::Value details;
  details.Set("key", key);
  if (value) details.Set("value", *value);
  return details.Dump();
}

Status RecordEvent(Transaction& tx, std::string_view type, const SecurableInfo& model,
                   std::optional<int64_t> version, std::string_view alias,
                   const catalog::Principal& caller, int64_t now, std::string details) {
  RegistryEvent e;
  e.event_type = std::string(type);
  e.model_id = model.id;
  e.model_name = model.full_name;
  e.version = version;
  e.alias = std::string(alias);
  e.principal = caller.name;
  e.timestamp = now;
  e.details = std::move(details);
  return ModelVersionStore::AddEvent(tx, e).status();
}

}  // namespace keel::registry::internal

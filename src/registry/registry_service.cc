// RegistryService: registered models (create, get, search, update, rename, delete, tags) and
// the event log. Versions and aliases are in registry_service_versions.cc, version files in
// registry_version_files.cc.

#include "registry/registry_service.h"

#include <algorithm>

#include "catalog/names.h"
#include "catalog/securable_store.h"
#include "common/page_token.h"
#include "registry/model_version_store.h"
#include "registry/registry_internal.h"
#include "tracking/search_filter.h"

namespace keel::registry {

using catalog::Principal;
using catalog::SecurableInfo;
using catalog::SecurableStore;
using catalog::SecurableType;
using internal::Access;
using metastore::Transaction;

namespace {

// Whether a registered model passes every clause of a search filter.
bool ModelMatches(const RegisteredModel& m, const tracking::Filter& filter) {
  for (const tracking::Comparison& c : filter.clauses) {
    if (c.key_type == tracking::KeyType::kTag) {
      auto it = m.tags.find(c.key);
      if (it == m.tags.end() || !tracking::MatchesText(it->second, c)) return false;
    } else if (!tracking::MatchesText(m.securable.full_name, c)) {
      return false;
    }
  }
  return true;
}

// Orders models by the order_by clauses, then by name (MLflow's tie-break).
Status SortModels(const std::vector<std::string>& order_by, std::vector<RegisteredModel>* models) {
  std::vector<tracking::OrderBy> keys;
  for (const std::string& text : order_by) {
    KEEL_ASSIGN_OR_RETURN(auto o,
                          tracking::ParseOrderBy(text, tracking::SearchEntity::kRegisteredModels));
    keys.push_back(std::move(o));
  }
  std::stable_sort(
      models->begin(), models->end(), [&](const RegisteredModel& a, const RegisteredModel& b) {
        for (const tracking::OrderBy& k : keys) {
          int cmp = 0;
          if (k.key == "name") {
            cmp = a.securable.full_name.compare(b.securable.full_name);
          } else {
            int64_t x =
                k.key == "creation_timestamp" ? a.securable.created_at : a.securable.updated_at;
            int64_t y =
                k.key == "creation_timestamp" ? b.securable.created_at : b.securable.updated_at;
            cmp = x < y ? -1 : (x > y ? 1 : 0);
          }
          if (cmp != 0) return k.ascending ? cmp < 0 : cmp > 0;
        }
        return a.securable.full_name < b.securable.full_name;
      });
  return Status::OK();
}

}  // namespace

RegistryService::RegistryService(metastore::Database* db, catalog::CatalogService* catalog,
                                 tracking::TrackingService* tracking, FileSystem* fs,
                                 RegistryServiceOptions options)
    : db_(db), catalog_(catalog), tracking_(tracking), fs_(fs), options_(options) {}

Result<RegisteredModel> RegistryService::CreateRegisteredModel(
    const Principal& caller, std::string_view name, std::string_view description,
    const std::map<std::string, std::string>& tags) {
  KEEL_RETURN_IF_ERROR(internal::ValidateDescription(description));
  auto parts = catalog::SplitFullName(name, 3, "registered model");
  if (!parts.ok()) {
    return Status::InvalidArgument(parts.status().message() +
                                   "; registered model names are catalog.schema.model, as in "
                                   "dev.default.churn");
  }
  catalog::CreateSecurableRequest req;
  req.type = SecurableType::kRegisteredModel;
  req.parent_full_name = (*parts)[0] + "." + (*parts)[1];
  req.name = (*parts)[2];
  req.comment = std::string(description);
  req.tags = tags;
  KEEL_ASSIGN_OR_RETURN(SecurableInfo created, catalog_->CreateSecurable(caller, req));
  RegisteredModel out;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_RETURN_IF_ERROR(internal::RecordEvent(tx, kEventModelCreated, created, std::nullopt, "",
                                               caller, created.created_at));
    KEEL_ASSIGN_OR_RETURN(out, internal::LoadRegisteredModel(tx, created, true));
    return Status::OK();
  }));
  return out;
}

Result<RegisteredModel> RegistryService::GetRegisteredModel(const Principal& caller,
                                                            std::string_view name) const {
  RegisteredModel out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_ASSIGN_OR_RETURN(internal::Visibility seen, internal::VisibilityOf(tx, caller, model));
    if (!seen.model) return internal::Require(tx, caller, model, Access::kBrowse);  // its error
    KEEL_ASSIGN_OR_RETURN(out, internal::LoadRegisteredModel(tx, std::move(model), seen.versions));
    return Status::OK();
  }));
  return out;
}

Result<std::vector<RegisteredModel>> RegistryService::ListRegisteredModels(
    const Principal& caller, std::string_view schema) const {
  KEEL_ASSIGN_OR_RETURN(auto securables,
                        catalog_->ListSecurables(caller, SecurableType::kRegisteredModel, schema));
  std::vector<RegisteredModel> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    for (SecurableInfo& s : securables) {
      KEEL_ASSIGN_OR_RETURN(internal::Visibility seen, internal::VisibilityOf(tx, caller, s));
      KEEL_ASSIGN_OR_RETURN(auto m, internal::LoadRegisteredModel(tx, std::move(s), seen.versions));
      out.push_back(std::move(m));
    }
    return Status::OK();
  }));
  return out;
}

Result<RegisteredModelPage> RegistryService::SearchRegisteredModels(
    const Principal& caller, const SearchRequest& req) const {
  KEEL_ASSIGN_OR_RETURN(
      int64_t limit,
      internal::PageSize(req.max_results, kDefaultModelSearchResults, kMaxModelSearchResults));
  KEEL_ASSIGN_OR_RETURN(
      tracking::Filter filter,
      tracking::ParseFilter(req.filter, tracking::SearchEntity::kRegisteredModels));
  KEEL_ASSIGN_OR_RETURN(int64_t offset, ParsePageToken(req.page_token));
  std::vector<RegisteredModel> found;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto models, internal::AllModels(tx));
    for (SecurableInfo& s : models) {
      KEEL_ASSIGN_OR_RETURN(internal::Visibility seen, internal::VisibilityOf(tx, caller, s));
      if (!seen.model) continue;
      KEEL_ASSIGN_OR_RETURN(auto m, internal::LoadRegisteredModel(tx, std::move(s), seen.versions));
      if (ModelMatches(m, filter)) found.push_back(std::move(m));
    }
    return Status::OK();
  }));
  KEEL_RETURN_IF_ERROR(SortModels(req.order_by, &found));
  RegisteredModelPage page;
  page.next_page_token = internal::TakePage(
      offset, limit, found.size(), [&](size_t i) { page.models.push_back(std::move(found[i])); });
  return page;
}

Result<RegisteredModel> RegistryService::UpdateRegisteredModel(const Principal& caller,
                                                               std::string_view name,
                                                               std::string_view description) {
  UpdateModelRequest req;
  req.comment = std::string(description);
  return UpdateModel(caller, name, req);
}

Result<RegisteredModel> RegistryService::RenameRegisteredModel(const Principal& caller,
                                                               std::string_view name,
                                                               std::string_view new_name) {
  std::string schema;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    schema = model.full_name.substr(0, model.full_name.rfind('.'));
    return Status::OK();
  }));
  std::string_view last = new_name;
  if (new_name.find('.') != std::string_view::npos) {
    KEEL_ASSIGN_OR_RETURN(auto parts, catalog::SplitFullName(new_name, 3, "registered model"));
    if (catalog::NameKey(parts[0] + "." + parts[1]) != catalog::NameKey(schema)) {
      return Status::InvalidArgument("a registered model can only be renamed within its schema ('" +
                                     schema + "')");
    }
    last = new_name.substr(new_name.rfind('.') + 1);
  }
  KEEL_ASSIGN_OR_RETURN(
      SecurableInfo renamed,
      catalog_->RenameSecurable(caller, SecurableType::kRegisteredModel, name, last));
  return GetRegisteredModel(caller, renamed.full_name);
}

Result<RegisteredModel> RegistryService::UpdateModel(const Principal& caller, std::string_view name,
                                                     const UpdateModelRequest& req) {
  if (req.comment) KEEL_RETURN_IF_ERROR(internal::ValidateDescription(*req.comment));
  std::string current(name);
  if (req.new_name) {
    KEEL_ASSIGN_OR_RETURN(RegisteredModel renamed,
                          RenameRegisteredModel(caller, current, *req.new_name));
    current = renamed.securable.full_name;
  }
  if (req.comment || req.owner) {
    catalog::UpdateSecurableRequest update;
    update.comment = req.comment;
    update.owner = req.owner;
    KEEL_RETURN_IF_ERROR(
        db_->Read([&](Transaction& tx) { return internal::FindModel(tx, current).status(); }));
    KEEL_RETURN_IF_ERROR(
        catalog_->UpdateSecurable(caller, SecurableType::kRegisteredModel, current, update)
            .status());
  }
  return GetRegisteredModel(caller, current);
}

Status RegistryService::DeleteRegisteredModel(const Principal& caller, std::string_view name) {
  std::string storage;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kManage));
    storage = model.storage_location;
    KEEL_RETURN_IF_ERROR(
        internal::RecordEvent(tx, kEventModelDeleted, model, std::nullopt, "", caller, Now()));
    return SecurableStore::Delete(tx, model.id);  // versions, tags, aliases cascade
  }));
  // The metadata is gone; leftover files (a crash here) are unreachable, never half-visible.
  if (!storage.empty()) {
    Status removed = fs_->RemoveAll(storage);
    if (!removed.ok() && removed.code() != ErrorCode::kResourceDoesNotExist) return removed;
  }
  return Status::OK();
}

Status RegistryService::SetRegisteredModelTag(const Principal& caller, std::string_view name,
                                              std::string_view key, std::string_view value) {
  KEEL_RETURN_IF_ERROR(catalog::ValidateTag(key, value));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kManage));
    KEEL_RETURN_IF_ERROR(SecurableStore::SetTag(tx, model.id, key, value));
    std::string v(value);
    return internal::RecordEvent(tx, kEventModelTagSet, model, std::nullopt, "", caller, Now(),
                                 internal::TagDetails(key, &v));
  });
}

Status RegistryService::DeleteRegisteredModelTag(const Principal& caller, std::string_view name,
                                                 std::string_view key) {
  KEEL_RETURN_IF_ERROR(catalog::ValidateTagKey(key));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kManage));
    KEEL_ASSIGN_OR_RETURN(auto tags, SecurableStore::Tags(tx, model.id));
    if (tags.count(std::string(key)) == 0) {
      return Status::NotFound("registered model '" + model.full_name + "' has no tag '" +
                              std::string(key) + "'");
    }
    KEEL_RETURN_IF_ERROR(SecurableStore::UnsetTag(tx, model.id, key));
    return internal::RecordEvent(tx, kEventModelTagDeleted, model, std::nullopt, "", caller, Now(),
                                 internal::TagDetails(key, nullptr));
  });
}

Result<std::vector<RegistryEvent>> RegistryService::ListEvents(const Principal& caller,
                                                               std::string_view name,
                                                               int64_t after_id,
                                                               int64_t limit) const {
  if (limit == 0) limit = 1000;
  if (limit < 1 || limit > 100000) {
    return Status::InvalidArgument("limit must be between 1 and 100000");
  }
  std::vector<RegistryEvent> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    std::string model_id;
    if (!name.empty()) {
      KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
      KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kExecute));
      model_id = model.id;
    } else if (!caller.is_admin) {
      return Status::PermissionDenied(
          "only metastore admins may list the events of every "
          "model; name one model");
    }
    KEEL_ASSIGN_OR_RETURN(out, ModelVersionStore::Events(tx, after_id, model_id, limit));
    return Status::OK();
  }));
  return out;
}

}  // namespace keel::registry

// RegistryService: reading and changing model versions, their tags and aliases, and resolving
// models:/ URIs.

#include <algorithm>

#include "catalog/names.h"
#include "common/json.h"
#include "common/page_token.h"
#include "registry/model_version_store.h"
#include "registry/registry_internal.h"
#include "registry/registry_service.h"
#include "tracking/search_filter.h"

namespace keel::registry {

using catalog::Principal;
using catalog::SecurableInfo;
using internal::Access;
using metastore::Transaction;

namespace {

bool VersionMatches(const ModelVersion& v, const tracking::Filter& filter) {
  for (const tracking::Comparison& c : filter.clauses) {
    if (c.key_type == tracking::KeyType::kTag) {
      auto it = v.tags.find(c.key);
      if (it == v.tags.end() || !tracking::MatchesText(it->second, c)) return false;
      continue;
    }
    bool ok = true;
    if (c.key == "name")
      ok = tracking::MatchesText(v.model_name, c);
    else if (c.key == "run_id")
      ok = tracking::MatchesText(v.run_id, c);
    else if (c.key == "source_path")
      ok = tracking::MatchesText(v.source, c);
    else if (c.key == "version_number")
      ok = tracking::MatchesNumber(static_cast<double>(v.version), c);
    if (!ok) return false;
  }
  return true;
}

Status SortVersions(const std::vector<std::string>& order_by, std::vector<ModelVersion>* versions) {
  std::vector<tracking::OrderBy> keys;
  for (const std::string& text : order_by) {
    KEEL_ASSIGN_OR_RETURN(auto o,
                          tracking::ParseOrderBy(text, tracking::SearchEntity::kModelVersions));
    keys.push_back(std::move(o));
  }
  auto number = [](const ModelVersion& v, const std::string& key) -> int64_t {
    if (key == "version_number") return v.version;
    if (key == "creation_timestamp") return v.creation_timestamp;
    return v.last_updated_timestamp;
  };
  std::stable_sort(versions->begin(), versions->end(),
                   [&](const ModelVersion& a, const ModelVersion& b) {
                     for (const tracking::OrderBy& k : keys) {
                       int cmp = 0;
                       if (k.key == "name") {
                         cmp = a.model_name.compare(b.model_name);
                       } else {
                         int64_t x = number(a, k.key), y = number(b, k.key);
                         cmp = x < y ? -1 : (x > y ? 1 : 0);
                       }
                       if (cmp != 0) return k.ascending ? cmp < 0 : cmp > 0;
                     }
                     // MLflow's default: name ascending, then newest version first.
                     int cmp = a.model_name.compare(b.model_name);
                     if (cmp != 0) return cmp < 0;
                     return a.version > b.version;
                   });
  return Status::OK();
}

// The equality clause on `key`, if the filter has one (to narrow what is loaded).
const tracking::Comparison* EqualityOn(const tracking::Filter& filter, std::string_view key) {
  for (const tracking::Comparison& c : filter.clauses) {
    if (c.key_type == tracking::KeyType::kAttribute && c.key == key &&
        (c.op == tracking::CompareOp::kEq || c.op == tracking::CompareOp::kIn)) {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace

Result<ModelVersion> RegistryService::GetModelVersion(const Principal& caller,
                                                      std::string_view name,
                                                      int64_t version) const {
  ModelVersion out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kExecute));
    KEEL_ASSIGN_OR_RETURN(out, internal::FindVersion(tx, model, version));
    return Status::OK();
  }));
  return out;
}

Result<ModelVersion> RegistryService::UpdateModelVersion(const Principal& caller,
                                                         std::string_view name, int64_t version,
                                                         std::string_view description) {
  KEEL_RETURN_IF_ERROR(internal::ValidateDescription(description));
  ModelVersion out;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kManage));
    KEEL_RETURN_IF_ERROR(internal::FindVersion(tx, model, version).status());
    KEEL_RETURN_IF_ERROR(
        ModelVersionStore::SetDescription(tx, model.id, version, description, Now()));
    KEEL_RETURN_IF_ERROR(
        internal::RecordEvent(tx, kEventVersionUpdated, model, version, "", caller, Now()));
    KEEL_ASSIGN_OR_RETURN(out, internal::FindVersion(tx, model, version));
    return Status::OK();
  }));
  return out;
}

Status RegistryService::DeleteModelVersion(const Principal& caller, std::string_view name,
                                           int64_t version, bool remove_aliases) {
  std::string storage;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kManage));
    KEEL_ASSIGN_OR_RETURN(ModelVersion v, internal::FindVersion(tx, model, version));
    if (!v.aliases.empty() && !remove_aliases) {
      std::string names;
      for (const std::string& a : v.aliases) names += (names.empty() ? "'" : ", '") + a + "'";
      return Status::InvalidArgument(
          internal::DescribeVersion(model.full_name, version) + " holds the alias " + names +
          "; move or delete the alias first, or delete the version together with its aliases "
          "(remove_aliases: true in the API, --remove-aliases in keel models delete)");
    }
    for (const std::string& a : v.aliases) {
      KEEL_RETURN_IF_ERROR(ModelVersionStore::DeleteAlias(tx, model.id, a).status());
      KEEL_RETURN_IF_ERROR(
          internal::RecordEvent(tx, kEventAliasDeleted, model, version, a, caller, Now()));
    }
    storage = v.storage_location;
    KEEL_RETURN_IF_ERROR(ModelVersionStore::Delete(tx, model.id, version));
    return internal::RecordEvent(tx, kEventVersionDeleted, model, version, "", caller, Now());
  }));
  if (!storage.empty()) {
    Status removed = fs_->RemoveAll(storage);
    if (!removed.ok() && removed.code() != ErrorCode::kResourceDoesNotExist) return removed;
  }
  return Status::OK();
}

Result<ModelVersionPage> RegistryService::SearchModelVersions(const Principal& caller,
                                                              const SearchRequest& req) const {
  KEEL_ASSIGN_OR_RETURN(
      int64_t limit,
      internal::PageSize(req.max_results, kDefaultVersionSearchResults, kMaxVersionSearchResults));
  KEEL_ASSIGN_OR_RETURN(tracking::Filter filter,
                        tracking::ParseFilter(req.filter, tracking::SearchEntity::kModelVersions));
  KEEL_ASSIGN_OR_RETURN(int64_t offset, ParsePageToken(req.page_token));
  std::vector<ModelVersion> found;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    // Candidates: one model when the request or the filter names it, the versions of some runs
    // when the filter names them, else every model the caller may read.
    std::vector<ModelVersion> candidates;
    std::map<std::string, std::optional<SecurableInfo>> readable;  // model id -> model
    auto can_read = [&](const std::string& model_id) -> Result<const SecurableInfo*> {
      auto it = readable.find(model_id);
      if (it == readable.end()) {
        std::optional<SecurableInfo> entry;
        KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModelById(tx, model_id));
        KEEL_ASSIGN_OR_RETURN(bool ok, internal::Allowed(tx, caller, model, Access::kExecute));
        if (ok) entry = std::move(model);
        it = readable.emplace(model_id, std::move(entry)).first;
      }
      return it->second ? &*it->second : nullptr;
    };
    const tracking::Comparison* by_name = EqualityOn(filter, "name");
    const tracking::Comparison* by_run = EqualityOn(filter, "run_id");
    if (!req.model_name.empty()) {
      KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, req.model_name));
      KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kExecute));
      KEEL_ASSIGN_OR_RETURN(candidates, ModelVersionStore::List(tx, model.id));
    } else if (by_name && by_name->op == tracking::CompareOp::kEq) {
      auto model = internal::FindModel(tx, by_name->value.text);
      if (model.status().code() == ErrorCode::kResourceDoesNotExist) return Status::OK();
      KEEL_RETURN_IF_ERROR(model.status());
      KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, *model, Access::kExecute));
      KEEL_ASSIGN_OR_RETURN(candidates, ModelVersionStore::List(tx, model->id));
    } else if (by_run) {
      std::vector<std::string> runs = by_run->op == tracking::CompareOp::kEq
                                          ? std::vector<std::string>{by_run->value.text}
                                          : by_run->value.list;
      KEEL_ASSIGN_OR_RETURN(candidates, ModelVersionStore::ListByRuns(tx, runs));
    } else {
      KEEL_ASSIGN_OR_RETURN(auto models, internal::AllModels(tx));
      for (const SecurableInfo& m : models) {
        KEEL_ASSIGN_OR_RETURN(auto versions, ModelVersionStore::List(tx, m.id));
        for (ModelVersion& v : versions) candidates.push_back(std::move(v));
      }
    }
    for (ModelVersion& v : candidates) {
      KEEL_ASSIGN_OR_RETURN(const SecurableInfo* model, can_read(v.model_id));
      if (model == nullptr) continue;
      v.model_name = model->full_name;
      if (VersionMatches(v, filter)) found.push_back(std::move(v));
    }
    return Status::OK();
  }));
  KEEL_RETURN_IF_ERROR(SortVersions(req.order_by, &found));
  ModelVersionPage page;
  page.next_page_token = internal::TakePage(
      offset, limit, found.size(), [&](size_t i) { page.versions.push_back(std::move(found[i])); });
  return page;
}

Result<std::vector<ModelVersion>> RegistryService::GetLatestVersions(
    const Principal& caller, std::string_view name, const std::vector<std::string>& stages) const {
  for (const std::string& stage : stages) {
    if (stage != "None" && stage != "none") {
      return Status::InvalidArgument("Keel's registry has no stages ('" + stage.substr(0, 100) +
                                     "'); point an alias at the version instead and load "
                                     "models:/<name>@<alias>");
    }
  }
  std::vector<ModelVersion> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kExecute));
    KEEL_ASSIGN_OR_RETURN(auto latest, ModelVersionStore::Latest(tx, model.id));
    if (latest) {
      latest->model_name = model.full_name;
      out.push_back(std::move(*latest));
    }
    return Status::OK();
  }));
  return out;
}

Status RegistryService::SetModelVersionTag(const Principal& caller, std::string_view name,
                                           int64_t version, std::string_view key,
                                           std::string_view value) {
  KEEL_RETURN_IF_ERROR(catalog::ValidateTag(key, value));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kManage));
    KEEL_RETURN_IF_ERROR(internal::FindVersion(tx, model, version).status());
    KEEL_RETURN_IF_ERROR(ModelVersionStore::SetTag(tx, model.id, version, key, value));
    std::string v(value);
    return internal::RecordEvent(tx, kEventVersionTagSet, model, version, "", caller, Now(),
                                 internal::TagDetails(key, &v));
  });
}

Status RegistryService::DeleteModelVersionTag(const Principal& caller, std::string_view name,
                                              int64_t version, std::string_view key) {
  KEEL_RETURN_IF_ERROR(catalog::ValidateTagKey(key));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kManage));
    KEEL_RETURN_IF_ERROR(internal::FindVersion(tx, model, version).status());
    KEEL_ASSIGN_OR_RETURN(bool existed, ModelVersionStore::DeleteTag(tx, model.id, version, key));
    if (!existed) {
      return Status::NotFound(internal::DescribeVersion(model.full_name, version) +
                              " has no tag '" + std::string(key.substr(0, 255)) + "'");
    }
    return internal::RecordEvent(tx, kEventVersionTagDeleted, model, version, "", caller, Now(),
                                 internal::TagDetails(key, nullptr));
  });
}

Status RegistryService::SetAlias(const Principal& caller, std::string_view name,
                                 std::string_view alias, int64_t version) {
  KEEL_RETURN_IF_ERROR(ValidateAlias(alias));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kManage));
    KEEL_ASSIGN_OR_RETURN(ModelVersion v, internal::FindVersion(tx, model, version));
    if (v.status != VersionStatus::kReady) {
      return Status::InvalidArgument(internal::DescribeVersion(model.full_name, version) + " is " +
                                     std::string(VersionStatusName(v.status)) +
                                     "; only READY versions can carry an alias");
    }
    KEEL_ASSIGN_OR_RETURN(auto before, ModelVersionStore::AliasVersion(tx, model.id, alias));
    KEEL_RETURN_IF_ERROR(ModelVersionStore::SetAlias(tx, model.id, alias, version));
    json::Value details = json::Value::MakeObject();
    if (before) details.Set("previous_version", std::to_string(*before));
    return internal::RecordEvent(tx, kEventAliasSet, model, version, alias, caller, Now(),
                                 details.Dump());
  });
}

Status RegistryService::DeleteAlias(const Principal& caller, std::string_view name,
                                    std::string_view alias) {
  if (alias.empty() || alias.size() > 255) {
    return Status::InvalidArgument("alias must be 1-255 characters");
  }
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kManage));
    KEEL_ASSIGN_OR_RETURN(auto before, ModelVersionStore::AliasVersion(tx, model.id, alias));
    if (!before) {
      return Status::NotFound("registered model '" + model.full_name + "' has no alias '" +
                              std::string(alias) + "'");
    }
    KEEL_RETURN_IF_ERROR(ModelVersionStore::DeleteAlias(tx, model.id, alias).status());
    return internal::RecordEvent(tx, kEventAliasDeleted, model, *before, alias, caller, Now());
  });
}

Result<ModelVersion> RegistryService::GetVersionByAlias(const Principal& caller,
                                                        std::string_view name,
                                                        std::string_view alias) const {
  if (alias.empty() || alias.size() > 255) {
    return Status::InvalidArgument("alias must be 1-255 characters");
  }
  ModelVersion out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kExecute));
    KEEL_ASSIGN_OR_RETURN(auto version, ModelVersionStore::AliasVersion(tx, model.id, alias));
    if (!version) {
      return Status::NotFound("registered model '" + model.full_name + "' has no alias '" +
                              std::string(alias) + "'");
    }
    KEEL_ASSIGN_OR_RETURN(out, internal::FindVersion(tx, model, *version));
    return Status::OK();
  }));
  return out;
}

Result<ModelVersion> RegistryService::ResolveModelUri(const Principal& caller,
                                                      std::string_view uri) const {
  KEEL_ASSIGN_OR_RETURN(ModelUri parsed, ParseModelUri(uri));
  if (!parsed.logged_model_id.empty()) {
    return Status::InvalidArgument("'" + std::string(uri.substr(0, 200)) +
                                   "' names a logged model, not a registered model version");
  }
  ModelVersion out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(SecurableInfo model, internal::FindModel(tx, parsed.name));
    KEEL_RETURN_IF_ERROR(internal::Require(tx, caller, model, Access::kExecute));
    std::optional<int64_t> version = parsed.version;
    if (!parsed.alias.empty()) {
      KEEL_ASSIGN_OR_RETURN(version, ModelVersionStore::AliasVersion(tx, model.id, parsed.alias));
      if (!version) {
        return Status::NotFound("registered model '" + model.full_name + "' has no alias '" +
                                parsed.alias + "'");
      }
    } else if (parsed.latest) {
      KEEL_ASSIGN_OR_RETURN(auto latest, ModelVersionStore::Latest(tx, model.id));
      if (!latest) {
        return Status::NotFound("registered model '" + model.full_name + "' has no READY version");
      }
      version = latest->version;
    }
    KEEL_ASSIGN_OR_RETURN(out, internal::FindVersion(tx, model, *version));
    if (out.status != VersionStatus::kReady) {
      return Status::InvalidArgument(internal::DescribeVersion(model.full_name, *version) + " is " +
                                     std::string(VersionStatusName(out.status)) + ", not READY");
    }
    return Status::OK();
  }));
  return out;
}

Result<std::string> RegistryService::GetDownloadUri(const Principal& caller, std::string_view name,
                                                    int64_t version) const {
  KEEL_ASSIGN_OR_RETURN(ModelVersion v, GetModelVersion(caller, name, version));
  return std::string(tracking::kArtifactProxyScheme) + std::string(kRegistryArtifactPrefix) +
         v.model_id + "/versions/" + std::to_string(v.version);
}

}  // namespace keel::registry

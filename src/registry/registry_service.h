#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_service.h"
#include "common/clock.h"
#include "common/fs/file_system.h"
#include "metastore/database.h"
#include "registry/model_uri.h"
#include "registry/registry_types.h"
#include "tracking/artifact_store.h"
#include "tracking/tracking_service.h"

namespace keel::registry {

struct RegistryServiceOptions {
  // Source of "now" for timestamps. Default: the system clock.
  const Clock* clock = Clock::System();
  // A registration cut off by a crash leaves its version PENDING_REGISTRATION. The next
  // registration of the model marks such versions FAILED_REGISTRATION (and removes their partial
  // files) once they have made no progress for this long. Default: one hour.
  int64_t stale_pending_millis = 60 * 60 * 1000;
};

struct CreateModelVersionRequest {
  std::string name;    // "catalog.schema.model"
  std::string source;  // runs:/, mlflow-artifacts:/, models:/ URI (see CreateModelVersion)
  std::string run_id;  // optional; taken from the source when it names a run
  std::string run_link;
  std::string description;
  std::map<std::string, std::string> tags;
};

// Unity Catalog's PATCH of a registered model; absent fields are left as they are.
struct UpdateModelRequest {
  std::optional<std::string> comment;
  std::optional<std::string> new_name;  // the last part, or a full name in the same schema
  std::optional<std::string> owner;     // a principal's name
};

struct SearchRequest {
  // Model-version searches only: the versions of this model (kResourceDoesNotExist when there is
  // no such model), the filter applying within them. Empty: any model.
  std::string model_name;
  std::string filter;
  int64_t max_results = 0;  // 0: the default (100 models / 10,000 versions)
  std::vector<std::string> order_by;
  std::string page_token;
};

struct RegisteredModelPage {
  std::vector<RegisteredModel> models;
  std::string next_page_token;
};

struct ModelVersionPage {
  std::vector<ModelVersion> versions;
  std::string next_page_token;
};

// Named limits (MLflow's).
inline constexpr int64_t kDefaultModelSearchResults = 100;
inline constexpr int64_t kMaxModelSearchResults = 1000;
inline constexpr int64_t kDefaultVersionSearchResults = 10000;
inline constexpr int64_t kMaxVersionSearchResults = 200000;
inline constexpr size_t kMaxDescriptionBytes = 64 * 1024;

// The mlflow-artifacts path prefix under which version files are served.
inline constexpr std::string_view kRegistryArtifactPrefix = "registry/models/";

// A Unity-Catalog-style model registry. A registered model is a REGISTERED_MODEL securable
// `catalog.schema.model`, governed by the catalog's grants:
//  - creating one needs USE_CATALOG, USE_SCHEMA and CREATE_MODEL on the schema;
//  - adding versions, setting or deleting aliases and tags, updating, renaming and deleting
//    need ownership or MANAGE (what CatalogService calls manage);
//  - reading versions (get, search, by alias, download) needs EXECUTE (or ownership);
//  - seeing the registered model needs any privilege on it or BROWSE.
// A version's files are copied from its source into the model's managed storage when it is
// registered, so the version is immutable and independent of the run. Aliases point at
// exactly one version; moving one is a single transaction. Alias moves and new versions are
// recorded as registry events.
//
// Thread-safety: thread-safe.
//
// Errors: kInvalidParameterValue (bad names, URIs, aliases, a version holding an alias),
// kResourceDoesNotExist, kResourceAlreadyExists, kPermissionDenied (names the privilege).
class RegistryService {
 public:
  RegistryService(metastore::Database* db, catalog::CatalogService* catalog,
                  tracking::TrackingService* tracking, FileSystem* fs,
                  RegistryServiceOptions options = {});

  // ---- registered models ------------------------------------------------------------------
  Result<RegisteredModel> CreateRegisteredModel(const catalog::Principal& caller,
                                                std::string_view name, std::string_view description,
                                                const std::map<std::string, std::string>& tags);
  Result<RegisteredModel> GetRegisteredModel(const catalog::Principal& caller,
                                             std::string_view name) const;
  // Models in every schema the caller may see, filtered (name, tags) and ordered.
  Result<RegisteredModelPage> SearchRegisteredModels(const catalog::Principal& caller,
                                                     const SearchRequest& request) const;
  // Registered models of one schema ("cat.sch") the caller may see, by name.
  Result<std::vector<RegisteredModel>> ListRegisteredModels(const catalog::Principal& caller,
                                                            std::string_view schema) const;
  Result<RegisteredModel> UpdateRegisteredModel(const catalog::Principal& caller,
                                                std::string_view name,
                                                std::string_view description);
  // new_name: a full name in the same schema, or just the model's new last part.
  Result<RegisteredModel> RenameRegisteredModel(const catalog::Principal& caller,
                                                std::string_view name, std::string_view new_name);
  // UC's update: renames first (so a taken name changes nothing), then sets comment and owner.
  Result<RegisteredModel> UpdateModel(const catalog::Principal& caller, std::string_view name,
                                      const UpdateModelRequest& request);
  // Removes the model, its versions and aliases, then its files.
  Status DeleteRegisteredModel(const catalog::Principal& caller, std::string_view name);
  Status SetRegisteredModelTag(const catalog::Principal& caller, std::string_view name,
                               std::string_view key, std::string_view value);
  Status DeleteRegisteredModelTag(const catalog::Principal& caller, std::string_view name,
                                  std::string_view key);

  // ---- versions -----------------------------------------------------------------------------
  // Registers a new version: resolves the source (runs:/<run>/<path>,
  // mlflow-artifacts:/<experiment>/<run>/artifacts/<path>, models:/<name>/<version|@alias>,
  // models:/m-<logged model>), checks the caller may read it and that it holds an MLmodel
  // file, then copies its files under the model's storage and marks the version READY. A copy
  // that fails leaves the version FAILED_REGISTRATION and returns the error.
  Result<ModelVersion> CreateModelVersion(const catalog::Principal& caller,
                                          const CreateModelVersionRequest& request);
  Result<ModelVersion> GetModelVersion(const catalog::Principal& caller, std::string_view name,
                                       int64_t version) const;
  Result<ModelVersion> UpdateModelVersion(const catalog::Principal& caller, std::string_view name,
                                          int64_t version, std::string_view description);
  // Refuses a version an alias points at unless `remove_aliases`. Files are removed after the
  // metadata.
  Status DeleteModelVersion(const catalog::Principal& caller, std::string_view name,
                            int64_t version, bool remove_aliases);
  Result<ModelVersionPage> SearchModelVersions(const catalog::Principal& caller,
                                               const SearchRequest& request) const;
  // MLflow's get-latest-versions without stages: the highest READY version (stages other than
  // "None" are refused: use aliases).
  Result<std::vector<ModelVersion>> GetLatestVersions(const catalog::Principal& caller,
                                                      std::string_view name,
                                                      const std::vector<std::string>& stages) const;
  Status SetModelVersionTag(const catalog::Principal& caller, std::string_view name,
                            int64_t version, std::string_view key, std::string_view value);
  Status DeleteModelVersionTag(const catalog::Principal& caller, std::string_view name,
                               int64_t version, std::string_view key);

  // ---- aliases ------------------------------------------------------------------------------
  Status SetAlias(const catalog::Principal& caller, std::string_view name, std::string_view alias,
                  int64_t version);
  Status DeleteAlias(const catalog::Principal& caller, std::string_view name,
                     std::string_view alias);
  Result<ModelVersion> GetVersionByAlias(const catalog::Principal& caller, std::string_view name,
                                         std::string_view alias) const;

  // ---- URIs, files and lineage -------------------------------------------------------------
  // The READY version a models:/ URI names (EXECUTE checked).
  Result<ModelVersion> ResolveModelUri(const catalog::Principal& caller,
                                       std::string_view uri) const;
  // "mlflow-artifacts:/registry/models/<model id>/versions/<N>": where clients download the
  // version's files through the mlflow-artifacts proxy.
  Result<std::string> GetDownloadUri(const catalog::Principal& caller, std::string_view name,
                                     int64_t version) const;
  // The mlflow-artifacts proxy for paths under kRegistryArtifactPrefix (read-only; EXECUTE).
  Result<std::vector<tracking::ArtifactEntry>> ListVersionFiles(const catalog::Principal& caller,
                                                                std::string_view proxy_path) const;
  Result<std::unique_ptr<RandomAccessFile>> OpenVersionFile(const catalog::Principal& caller,
                                                            std::string_view proxy_path) const;
  // Copies the files of the version `uri` names into the local directory `dest` (created;
  // files already there are replaced). For the CLI and jobs.
  Result<ModelVersion> DownloadModel(const catalog::Principal& caller, std::string_view uri,
                                     const std::string& dest) const;

  // Registry events after `after_id` (of one model when `name` is set, which needs EXECUTE;
  // all models needs a metastore admin), at most `limit` (0: 1000).
  Result<std::vector<RegistryEvent>> ListEvents(const catalog::Principal& caller,
                                                std::string_view name, int64_t after_id,
                                                int64_t limit) const;

 private:
  int64_t Now() const { return options_.clock->NowMillis(); }

  metastore::Database* db_;
  catalog::CatalogService* catalog_;
  tracking::TrackingService* tracking_;
  FileSystem* fs_;
  RegistryServiceOptions options_;
};

}  // namespace keel::registry

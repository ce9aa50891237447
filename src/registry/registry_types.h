#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/securable.h"

namespace keel::registry {

// One input table a run read: the Delta table and the version it read (from the run's
// log-inputs datasets whose source names a Delta table, as mlflow.data.load_delta logs them).
struct LineageInput {
  std::string table;     // "dev.x.t" (or a path for tables outside the catalog)
  int64_t version = -1;  // -1 when the dataset did not say
  std::string dataset_name;
  std::string digest;
};

// Where a model version came from, recorded when it was registered: the run, the data it read
// and the code commit.
struct Lineage {
  std::string run_id;
  std::string experiment_id;
  std::vector<LineageInput> inputs;
  std::string git_commit;   // run tag mlflow.source.git.commit
  std::string git_repo;     // run tag mlflow.source.git.repoURL
  std::string source_name;  // run tag mlflow.source.name
};

enum class VersionStatus { kPendingRegistration, kReady, kFailedRegistration };

// "PENDING_REGISTRATION", "READY", "FAILED_REGISTRATION" (MLflow's ModelVersionStatus).
std::string_view VersionStatusName(VersionStatus status);
VersionStatus ParseVersionStatus(std::string_view name);  // unknown -> kFailedRegistration

// A model version as MLflow's ModelVersion describes it.
struct ModelVersion {
  std::string model_name;  // full name "catalog.schema.model"
  std::string model_id;    // the registered model's securable id
  int64_t version = 0;
  std::string source;  // as the caller gave it
  std::string run_id;
  std::string run_link;
  std::string description;
  VersionStatus status = VersionStatus::kPendingRegistration;
  std::string status_message;
  std::string user_id;  // who registered it
  int64_t creation_timestamp = 0;
  int64_t last_updated_timestamp = 0;
  std::map<std::string, std::string> tags;
  std::vector<std::string> aliases;  // sorted
  Lineage lineage;
  std::string storage_location;  // the version's files (managed; never shown to clients)
};

struct ModelAlias {
  std::string alias;
  int64_t version = 0;
};

// A registered model: the catalog securable plus its tags, aliases and latest version.
struct RegisteredModel {
  catalog::SecurableInfo securable;  // name, full_name, owner, comment, storage_location
  std::map<std::string, std::string> tags;
  std::vector<ModelAlias> aliases;             // sorted by alias
  std::optional<ModelVersion> latest_version;  // highest READY version
};

// An entry of the registry's event log, for jobs and webhooks to follow.
struct RegistryEvent {
  int64_t event_id = 0;
  std::string event_type;  // see the kEvent* names below
  std::string model_id;
  std::string model_name;
  std::optional<int64_t> version;
  std::string alias;
  std::string principal;
  int64_t timestamp = 0;
  std::string details;  // JSON object
};

inline constexpr std::string_view kEventModelCreated = "REGISTERED_MODEL_CREATED";
inline constexpr std::string_view kEventModelDeleted = "REGISTERED_MODEL_DELETED";
inline constexpr std::string_view kEventVersionCreated = "MODEL_VERSION_CREATED";
inline constexpr std::string_view kEventVersionDeleted = "MODEL_VERSION_DELETED";
inline constexpr std::string_view kEventAliasSet = "ALIAS_SET";
inline constexpr std::string_view kEventAliasDeleted = "ALIAS_DELETED";
inline constexpr std::string_view kEventVersionTagSet = "MODEL_VERSION_TAG_SET";
inline constexpr std::string_view kEventVersionTagDeleted = "MODEL_VERSION_TAG_DELETED";
inline constexpr std::string_view kEventVersionUpdated = "MODEL_VERSION_UPDATED";
inline constexpr std::string_view kEventModelTagSet = "REGISTERED_MODEL_TAG_SET";
inline constexpr std::string_view kEventModelTagDeleted = "REGISTERED_MODEL_TAG_DELETED";

}  // namespace keel::registry

// TrackingService: experiments and their permissions.

#include "tracking/tracking_service.h"

#include "catalog/principal_store.h"
#include "tracking/experiment_store.h"
#include "tracking/tracking_internal.h"
#include "tracking/validation.h"

namespace keel::tracking {

using internal::FindExperiment;
using internal::Require;
using metastore::Transaction;

TrackingService::TrackingService(metastore::Database* db, TrackingServiceOptions options)
    : db_(db),
      options_(std::move(options)),
      artifacts_(std::make_unique<ArtifactStore>(options_.artifact_root)),
      search_index_(std::make_unique<RunSearchIndex>()) {}

Result<std::string> TrackingService::CreateExperiment(const catalog::Principal& caller,
                                                      std::string_view name,
                                                      std::string_view artifact_location,
                                                      const std::vector<KeyValue>& tags) {
  KEEL_RETURN_IF_ERROR(ValidateExperimentName(name));
  if (!artifact_location.empty()) {
    return Status::InvalidArgument("artifact_location is chosen by Keel (artifacts are served "
                                   "through mlflow-artifacts:/); omit it");
  }
  if (name.rfind("/Users/", 0) == 0 && !caller.is_admin) {
    std::string home = "/Users/" + caller.name + "/";
    if (name.rfind(home, 0) != 0) {
      return Status::PermissionDenied("'" + caller.name + "' may not create experiments under "
                                      "another user's folder; use " + home + "... or /Shared/...");
    }
  }
  for (const KeyValue& t : tags) {
    KEEL_RETURN_IF_ERROR(ValidateEntityKey("tag", t.key));
    KEEL_RETURN_IF_ERROR(ValidateTagValue(t.key, t.value));
  }
  std::string id_text;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto existing, ExperimentStore::GetByName(tx, name));
    if (existing) {
      return Status::AlreadyExists("Experiment '" + std::string(name) + "' already exists." +
                                   (existing->experiment.lifecycle_stage == "deleted"
                                        ? " It is deleted; restore it or choose another name."
                                        : ""));
    }
    ExperimentRecord rec;
    KEEL_ASSIGN_OR_RETURN(rec.id, ExperimentStore::NextId(tx));
    rec.owner_id = caller.id;
    rec.experiment.name = std::string(name);
    rec.experiment.artifact_location = std::string(kArtifactProxyScheme) + std::to_string(rec.id);
    rec.experiment.creation_time = rec.experiment.last_update_time = Now();
    KEEL_RETURN_IF_ERROR(ExperimentStore::Insert(tx, rec));
    for (const KeyValue& t : tags) KEEL_RETURN_IF_ERROR(ExperimentStore::SetTag(tx, rec.id, t.key, t.value));
    id_text = std::to_string(rec.id);
    return Status::OK();
  }));
  return id_text;
}

Result<Experiment> TrackingService::GetExperiment(const catalog::Principal& caller,
                                                  std::string_view experiment_id) const {
  Experiment out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord rec, FindExperiment(tx, experiment_id));
    KEEL_RETURN_IF_ERROR(Require(tx, caller, rec, PermissionLevel::kCanRead));
    out = std::move(rec.experiment);
    return Status::OK();
  }));
  return out;
}

Result<Experiment> TrackingService::GetExperimentByName(const catalog::Principal& caller,
                                                        std::string_view name) const {
  if (name.empty()) return Status::InvalidArgument("experiment_name must not be empty");
  Experiment out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto rec, ExperimentStore::GetByName(tx, name));
    // Unknown names are RESOURCE_DOES_NOT_EXIST (404): mlflow.set_experiment relies on it.
    if (!rec) {
      return Status::NotFound("Could not find experiment with name '" +
                              std::string(name.substr(0, 500)) + "'");
    }
    KEEL_RETURN_IF_ERROR(Require(tx, caller, *rec, PermissionLevel::kCanRead));
    out = std::move(rec->experiment);
    return Status::OK();
  }));
  return out;
}

Status TrackingService::UpdateExperiment(const catalog::Principal& caller,
                                         std::string_view experiment_id,
                                         std::string_view new_name) {
  KEEL_RETURN_IF_ERROR(ValidateExperimentName(new_name));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord rec, FindExperiment(tx, experiment_id));
    KEEL_RETURN_IF_ERROR(Require(tx, caller, rec, PermissionLevel::kCanManage));
    if (rec.experiment.lifecycle_stage != "active") {
      return Status::InvalidArgument("Cannot rename a non-active experiment.");
    }
    KEEL_ASSIGN_OR_RETURN(auto clash, ExperimentStore::GetByName(tx, new_name));
    if (clash && clash->id != rec.id) {
      return Status::AlreadyExists("Experiment '" + std::string(new_name) + "' already exists.");
    }
    return ExperimentStore::Rename(tx, rec.id, new_name, Now());
  });
}

Status TrackingService::DeleteExperiment(const catalog::Principal& caller,
                                         std::string_view experiment_id) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord rec, FindExperiment(tx, experiment_id));
    KEEL_RETURN_IF_ERROR(Require(tx, caller, rec, PermissionLevel::kCanManage));
    if (rec.id == 0) {
      return Status::InvalidArgument("Cannot delete the default experiment '0'. This is an "
                                     "internally reserved experiment.");
    }
    KEEL_RETURN_IF_ERROR(ExperimentStore::SetLifecycle(tx, rec.id, "deleted", Now()));
    KEEL_RETURN_IF_ERROR(ExperimentStore::BumpVersion(tx, rec.id));
    // Runs of a deleted experiment are deleted with it, as in MLflow's SQL store.
    return tx.Exec("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE "
                   "experiment_id = ? AND lifecycle_stage = 'active'",
                   {metastore::Int(Now()), metastore::Int(rec.id)})
        .status();
  });
}

Status TrackingService::RestoreExperiment(const catalog::Principal& caller,
                                          std::string_view experiment_id) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord rec, FindExperiment(tx, experiment_id));
    KEEL_RETURN_IF_ERROR(Require(tx, caller, rec, PermissionLevel::kCanManage));
    if (rec.experiment.lifecycle_stage != "deleted") {
      return Status::InvalidArgument("Cannot restore an experiment that is not deleted.");
    }
    KEEL_RETURN_IF_ERROR(ExperimentStore::SetLifecycle(tx, rec.id, "active", Now()));
    KEEL_RETURN_IF_ERROR(ExperimentStore::BumpVersion(tx, rec.id));
    return tx.Exec("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE "
                   "experiment_id = ? AND lifecycle_stage = 'deleted'",
                   {metastore::Int(rec.id)})
        .status();
  });
}

Status TrackingService::SetExperimentTag(const catalog::Principal& caller,
                                         std::string_view experiment_id, std::string_view key,
                                         std::string_view value) {
  KEEL_RETURN_IF_ERROR(ValidateEntityKey("tag", key));
  KEEL_RETURN_IF_ERROR(ValidateTagValue(key, value));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord rec, FindExperiment(tx, experiment_id));
    KEEL_RETURN_IF_ERROR(Require(tx, caller, rec, PermissionLevel::kCanEdit));
    if (rec.experiment.lifecycle_stage != "active") {
      return Status::InvalidArgument("The experiment " + rec.experiment.experiment_id +
                                     " must be in the 'active' state.");
    }
    return ExperimentStore::SetTag(tx, rec.id, key, value);
  });
}

Status TrackingService::DeleteExperimentTag(const catalog::Principal& caller,
                                            std::string_view experiment_id,
                                            std::string_view key) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord rec, FindExperiment(tx, experiment_id));
    KEEL_RETURN_IF_ERROR(Require(tx, caller, rec, PermissionLevel::kCanEdit));
    KEEL_ASSIGN_OR_RETURN(int64_t removed, ExperimentStore::DeleteTag(tx, rec.id, key));
    if (removed == 0) {
      return Status::NotFound("No tag with name: " + std::string(key.substr(0, 250)) +
                              " in experiment " + rec.experiment.experiment_id);
    }
    return Status::OK();
  });
}

Status TrackingService::SetExperimentPermission(const catalog::Principal& caller,
                                                std::string_view experiment_id,
                                                std::string_view principal,
                                                PermissionLevel level) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord rec, FindExperiment(tx, experiment_id));
    KEEL_RETURN_IF_ERROR(Require(tx, caller, rec, PermissionLevel::kCanManage));
    KEEL_ASSIGN_OR_RETURN(auto p, catalog::PrincipalStore::FindByName(tx, principal));
    if (!p) {
      return Status::NotFound("principal '" + std::string(principal.substr(0, 255)) +
                              "' does not exist");
    }
    return ExperimentStore::SetPermission(tx, rec.id, p->id, level);
  });
}

Result<std::vector<std::pair<std::string, PermissionLevel>>>
TrackingService::GetExperimentPermissions(const catalog::Principal& caller,
                                          std::string_view experiment_id) const {
  std::vector<std::pair<std::string, PermissionLevel>> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord rec, FindExperiment(tx, experiment_id));
    KEEL_RETURN_IF_ERROR(Require(tx, caller, rec, PermissionLevel::kCanRead));
    KEEL_ASSIGN_OR_RETURN(out, ExperimentStore::Permissions(tx, rec.id));
    return Status::OK();
  }));
  return out;
}

Status TrackingService::AuthorizeExperiment(const catalog::Principal& caller,
                                            std::string_view experiment_id,
                                            PermissionLevel needed) const {
  return db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord rec, FindExperiment(tx, experiment_id));
    return Require(tx, caller, rec, needed);
  });
}

Result<RunInfo> TrackingService::AuthorizeRun(const catalog::Principal& caller,
                                              std::string_view run_id,
                                              PermissionLevel needed) const {
  RunInfo out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(out, internal::FindRunFor(tx, caller, run_id, needed));
    return Status::OK();
  }));
  return out;
}

}  // namespace keel::tracking

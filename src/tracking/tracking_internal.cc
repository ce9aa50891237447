#include "tracking/tracking_internal.h"

#include <charconv>

#include "common/random.h"
#include "tracking/experiment_store.h"
#include "tracking/run_store.h"

namespace keel::tracking::internal {

std::string GenerateRunName() {
  static const char* kAdjectives[] = {"bold",  "calm",   "eager",  "fleet", "gentle", "keen",
                                      "lucid", "mellow", "nimble", "quiet", "sturdy", "vivid"};
  static const char* kNouns[] = {"otter", "heron", "lynx",  "finch", "bison", "crane",
                                 "gecko", "koala", "moose", "panda", "raven", "tapir"};
  std::string random = NewId();
  unsigned a = static_cast<unsigned char>(random[0]) % 12;
  unsigned n = static_cast<unsigned char>(random[1]) % 12;
  unsigned num =
      (static_cast<unsigned char>(random[2]) * 256u + static_cast<unsigned char>(random[3])) % 1000;
  return std::string(kAdjectives[a]) + "-" + kNouns[n] + "-" + std::to_string(num);
}

Result<int64_t> ParseExperimentId(std::string_view id) {
  int64_t out = -1;
  auto res = std::from_chars(id.data(), id.data() + id.size(), out);
  if (id.empty() || res.ec != std::errc() || res.ptr != id.data() + id.size() || out < 0) {
    return Status::InvalidArgument("Invalid experiment ID: '" + std::string(id.substr(0, 64)) +
                                   "'; experiment ids are non-negative integers");
  }
  return out;
}

Result<ExperimentRecord> FindExperiment(metastore::Transaction& tx, std::string_view id) {
  KEEL_ASSIGN_OR_RETURN(int64_t numeric, ParseExperimentId(id));
  KEEL_ASSIGN_OR_RETURN(auto rec, ExperimentStore::Get(tx, numeric));
  if (!rec) {
    return Status::NotFound("No Experiment with id=" + std::to_string(numeric) + " exists");
  }
  return std::move(*rec);
}

Result<PermissionLevel> EffectiveLevel(metastore::Transaction& tx, const catalog::Principal& caller,
                                       const ExperimentRecord& rec) {
  if (caller.is_admin) return PermissionLevel::kCanManage;
  for (const auto& id : caller.identity_ids) {
    if (!rec.owner_id.empty() && id == rec.owner_id) return PermissionLevel::kCanManage;
  }
  const std::string& name = rec.experiment.name;
  std::string home = "/Users/" + caller.name + "/";
  if (name.rfind(home, 0) == 0) return PermissionLevel::kCanManage;
  PermissionLevel implicit = PermissionLevel::kNone;
  if (rec.id == 0 || name.rfind("/Shared/", 0) == 0) implicit = PermissionLevel::kCanEdit;
  KEEL_ASSIGN_OR_RETURN(PermissionLevel granted,
                        ExperimentStore::GrantedLevel(tx, rec.id, caller.identity_ids));
  return granted > implicit ? granted : implicit;
}

Status Require(metastore::Transaction& tx, const catalog::Principal& caller,
               const ExperimentRecord& rec, PermissionLevel needed) {
  KEEL_ASSIGN_OR_RETURN(PermissionLevel level, EffectiveLevel(tx, caller, rec));
  if (level >= needed) return Status::OK();
  return Status::PermissionDenied("'" + caller.name + "' needs " +
                                  std::string(PermissionLevelName(needed)) + " on experiment " +
                                  rec.experiment.experiment_id + " ('" + rec.experiment.name +
                                  "'); ask its owner to share it");
}

Result<RunInfo> FindRun(metastore::Transaction& tx, std::string_view run_id) {
  if (run_id.empty() || run_id.size() > 64) {
    return Status::InvalidArgument("Invalid run ID: '" + std::string(run_id.substr(0, 64)) + "'");
  }
  KEEL_ASSIGN_OR_RETURN(auto info, RunStore::GetInfo(tx, run_id));
  if (!info) return Status::NotFound("Run with id=" + std::string(run_id) + " not found");
  return std::move(*info);
}

Result<RunInfo> FindRunFor(metastore::Transaction& tx, const catalog::Principal& caller,
                           std::string_view run_id, PermissionLevel needed) {
  KEEL_ASSIGN_OR_RETURN(RunInfo info, FindRun(tx, run_id));
  KEEL_ASSIGN_OR_RETURN(ExperimentRecord exp, FindExperiment(tx, info.experiment_id));
  KEEL_RETURN_IF_ERROR(Require(tx, caller, exp, needed));
  return info;
}

Status BumpFor(metastore::Transaction& tx, const RunInfo& run) {
  KEEL_ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(run.experiment_id));
  return ExperimentStore::BumpVersion(tx, id);
}

Status RequireActive(const RunInfo& run) {
  if (run.lifecycle_stage == "active") return Status::OK();
  return Status::InvalidArgument("The run " + run.run_id +
                                 " must be in the 'active' state. Current state is " +
                                 run.lifecycle_stage + ".");
}

}  // namespace keel::tracking::internal

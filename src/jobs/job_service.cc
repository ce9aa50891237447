#include "jobs/job_service.h"

#include <algorithm>

#include "catalog/principal_store.h"

namespace keel::jobs {

using catalog::Principal;
using catalog::PrincipalInfo;
using catalog::PrincipalStore;
using metastore::Transaction;

namespace {

constexpr int64_t kMaxListLimit = 10000;

}  // namespace

Result<JobSpec> ParseStoredSettings(std::string_view settings_json, std::string_view what) {
  auto parsed = json::Parse(settings_json);
  auto spec = parsed.ok() ? ParseJobSpec(*parsed) : Result<JobSpec>(parsed.status());
  if (!spec.ok()) {
    return Status::Corruption(std::string(what) +
                              " has settings this version cannot read: " + spec.status().message());
  }
  return spec;
}

Principal JobsSystemPrincipal() {
  Principal p;
  p.id = "";
  p.name = "keel-jobs";
  p.is_admin = true;
  return p;
}

JobService::JobService(metastore::Database* db, catalog::CatalogService* catalog,
                       JobServiceOptions options)
    : db_(db), catalog_(catalog), options_(std::move(options)) {}

PermissionLevel JobService::LevelIn(Transaction& tx, const Principal& caller,
                                    const JobRecord& job) const {
  if (caller.is_admin) return PermissionLevel::kCanManage;
  if (!caller.id.empty() && caller.id == job.owner_id) return PermissionLevel::kIsOwner;
  auto grants = JobStore::Permissions(tx, job.job_id);
  if (!grants.ok()) return PermissionLevel::kNone;
  PermissionLevel best = PermissionLevel::kNone;
  for (const auto& [principal_id, level_name] : *grants) {
    bool mine = principal_id == caller.id ||
                std::find(caller.identity_ids.begin(), caller.identity_ids.end(), principal_id) !=
                    caller.identity_ids.end();
    auto level = ParsePermissionLevel(level_name);
    if (mine && level.ok() && *level > best) best = *level;
  }
  return best;
}

Result<JobRecord> JobService::RequireJob(Transaction& tx, const Principal& caller, int64_t job_id,
                                         PermissionLevel needed, std::string_view action) const {
  KEEL_ASSIGN_OR_RETURN(auto job, JobStore::GetJob(tx, job_id));
  if (!job) {
    return Status::NotFound("job " + std::to_string(job_id) +
                            " does not exist; see 'keel jobs list'");
  }
  PermissionLevel have = LevelIn(tx, caller, *job);
  if (have == PermissionLevel::kNone) {
    // Jobs one cannot see are reported as absent, so ids cannot be probed.
    return Status::NotFound("job " + std::to_string(job_id) +
                            " does not exist; see 'keel jobs list'");
  }
  if (have < needed) {
    return Status::PermissionDenied(
        "'" + caller.name + "' needs " + std::string(PermissionLevelName(needed)) + " on job " +
        std::to_string(job_id) + " to " + std::string(action) + " (has " +
        std::string(PermissionLevelName(have)) + "); ask its owner to grant it");
  }
  return *job;
}

Result<std::string> JobService::ResolveRunAs(const Principal& caller, const JobSpec& spec) const {
  if (spec.run_as.empty() || spec.run_as == caller.name) return caller.name;
  if (!caller.is_admin) {
    return Status::PermissionDenied(
        "only a metastore admin may set run_as to another principal ('" + spec.run_as +
        "'); remove run_as to run as yourself");
  }
  std::optional<PrincipalInfo> p;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(p, PrincipalStore::FindByName(tx, spec.run_as));
    return Status::OK();
  }));
  if (!p) {
    return Status::InvalidArgument("run_as: principal '" + spec.run_as +
                                   "' does not exist; see 'keel principals list'");
  }
  if (p->kind == catalog::PrincipalKind::kGroup) {
    return Status::InvalidArgument("run_as: '" + spec.run_as +
                                   "' is a group; a job runs as a user or service principal");
  }
  return p->name;
}

Result<JobInfo> JobService::LoadJob(Transaction& tx, const JobRecord& rec) const {
  JobInfo info;
  info.job_id = rec.job_id;
  info.created_time = rec.created_time;
  info.updated_time = rec.updated_time;
  info.bundle_key = rec.bundle_key;
  info.run_as_user_name = rec.run_as;
  KEEL_ASSIGN_OR_RETURN(auto creator, PrincipalStore::FindById(tx, rec.creator_id));
  KEEL_ASSIGN_OR_RETURN(auto owner, PrincipalStore::FindById(tx, rec.owner_id));
  info.creator_user_name = creator ? creator->name : rec.creator_id;
  info.owner_user_name = owner ? owner->name : rec.owner_id;
  KEEL_ASSIGN_OR_RETURN(json::Value settings, json::Parse(rec.settings_json));
  auto spec = ParseJobSpec(settings);
  if (!spec.ok()) {
    return Status::Corruption("job " + std::to_string(rec.job_id) +
                              " has settings this version cannot read: " + spec.status().message());
  }
  info.settings = std::move(*spec);
  return info;
}

Result<int64_t> JobService::CreateJob(const Principal& caller, const JobSpec& spec) {
  KEEL_ASSIGN_OR_RETURN(std::string run_as, ResolveRunAs(caller, spec));
  int64_t job_id = 0;
  const int64_t now = options_.clock->NowMillis();
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(job_id, JobStore::NextJobId(tx));
    JobRecord rec;
    rec.job_id = job_id;
    rec.name = spec.name;
    rec.settings_json = spec.ToJson().Dump();
    rec.creator_id = caller.id;
    rec.owner_id = caller.id;
    rec.run_as = run_as;
    rec.created_time = now;
    rec.updated_time = now;
    return JobStore::InsertJob(tx, rec);
  }));
  return job_id;
}

Result<int64_t> JobService::UpsertBundleJob(const Principal& caller, std::string_view bundle_key,
                                            const JobSpec& spec) {
  KEEL_ASSIGN_OR_RETURN(std::string run_as, ResolveRunAs(caller, spec));
  int64_t job_id = 0;
  const int64_t now = options_.clock->NowMillis();
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto existing, JobStore::GetJobByBundleKey(tx, bundle_key));
    JobRecord rec;
    if (existing) {
      if (LevelIn(tx, caller, *existing) < PermissionLevel::kCanManage) {
        return Status::PermissionDenied("'" + caller.name + "' needs CAN_MANAGE on job " +
                                        std::to_string(existing->job_id) + " (deployed as " +
                                        std::string(bundle_key) + ") to redeploy it");
      }
      rec = *existing;
    } else {
      KEEL_ASSIGN_OR_RETURN(rec.job_id, JobStore::NextJobId(tx));
      rec.creator_id = caller.id;
      rec.owner_id = caller.id;
      rec.created_time = now;
      rec.bundle_key = std::string(bundle_key);
    }
    job_id = rec.job_id;
    rec.name = spec.name;
    rec.settings_json = spec.ToJson().Dump();
    rec.run_as = run_as;
    rec.updated_time = now;
    return existing ? JobStore::UpdateJob(tx, rec) : JobStore::InsertJob(tx, rec);
  }));
  return job_id;
}

Result<std::vector<JobInfo>> JobService::ListBundleJobs(const Principal& caller,
                                                        std::string_view prefix) const {
  std::vector<JobInfo> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto deployed, JobStore::ListJobsByBundlePrefix(tx, prefix));
    for (const JobRecord& rec : deployed) {
      if (LevelIn(tx, caller, rec) == PermissionLevel::kNone) continue;
      KEEL_ASSIGN_OR_RETURN(JobInfo info, LoadJob(tx, rec));
      out.push_back(std::move(info));
    }
    return Status::OK();
  }));
  return out;
}

Result<JobInfo> JobService::GetJob(const Principal& caller, int64_t job_id) const {
  JobInfo info;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(JobRecord rec,
                          RequireJob(tx, caller, job_id, PermissionLevel::kCanView, "view it"));
    KEEL_ASSIGN_OR_RETURN(info, LoadJob(tx, rec));
    return Status::OK();
  }));
  return info;
}

Result<std::vector<JobInfo>> JobService::ListJobs(const Principal& caller, std::string_view name,
                                                  int64_t offset, int64_t limit) const {
  if (limit <= 0 || limit > kMaxListLimit) {
    return Status::InvalidArgument("limit must be between 1 and " + std::to_string(kMaxListLimit));
  }
  if (offset < 0) return Status::InvalidArgument("offset must not be negative");
  std::vector<JobInfo> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(auto all, JobStore::ListJobs(tx, name, 0, INT64_MAX));
    int64_t skipped = 0;
    for (const JobRecord& rec : all) {
      if (LevelIn(tx, caller, rec) == PermissionLevel::kNone) continue;
      if (skipped++ < offset) continue;
      if (static_cast<int64_t>(out.size()) >= limit) break;
      KEEL_ASSIGN_OR_RETURN(JobInfo info, LoadJob(tx, rec));
      out.push_back(std::move(info));
    }
    return Status::OK();
  }));
  return out;
}

Status JobService::ResetJob(const Principal& caller, int64_t job_id, const JobSpec& spec) {
  KEEL_ASSIGN_OR_RETURN(std::string run_as, ResolveRunAs(caller, spec));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(JobRecord rec, RequireJob(tx, caller, job_id, PermissionLevel::kCanManage,
                                                    "change its settings"));
    rec.name = spec.name;
    rec.settings_json = spec.ToJson().Dump();
    rec.run_as = run_as;
    rec.updated_time = options_.clock->NowMillis();
    return JobStore::UpdateJob(tx, rec);
  });
}

Status JobService::UpdateJob(const Principal& caller, int64_t job_id,
                             const json::Value& new_settings,
                             const std::vector<std::string>& fields_to_remove) {
  if (!new_settings.is_null() && !new_settings.is_object()) {
    return Status::InvalidArgument("new_settings must be an object of JobSettings fields");
  }
  KEEL_ASSIGN_OR_RETURN(JobInfo current, GetJob(caller, job_id));
  json::Value merged = current.settings.ToJson();
  for (const std::string& field : fields_to_remove) {
    if (field.rfind("tasks/", 0) == 0) {
      std::string key = field.substr(6);
      bool found = false;
      if (merged.Find("tasks") && merged["tasks"].is_array()) {
        auto& tasks = merged["tasks"].as_array();
        auto it = std::find_if(tasks.begin(), tasks.end(), [&](const json::Value& t) {
          const json::Value* k = t.Find("task_key");
          return k && k->is_string() && k->as_string() == key;
        });
        found = it != tasks.end();
        if (found) tasks.erase(it);
      }
      if (!found) return Status::InvalidArgument("fields_to_remove: no task '" + key + "'");
    } else if (!merged.Erase(field)) {
      return Status::InvalidArgument("fields_to_remove: '" + field + "' is not set on job " +
                                     std::to_string(job_id));
    }
  }
  if (new_settings.is_object()) {
    for (const auto& [key, value] : new_settings.as_object()) {
      if (key != "tasks" || !value.is_array() || !merged.Find("tasks")) {
        merged.Set(key, value);
        continue;
      }
      json::Value& tasks = merged["tasks"];
      for (const json::Value& task : value.as_array()) {
        const json::Value* k = task.Find("task_key");
        bool replaced = false;
        for (json::Value& existing : tasks.as_array()) {
          const json::Value* ek = existing.Find("task_key");
          if (k && ek && *k == *ek) {
            existing = task;
            replaced = true;
            break;
          }
        }
        if (!replaced) tasks.Append(task);
      }
    }
  }
  KEEL_ASSIGN_OR_RETURN(JobSpec spec, ParseJobSpec(merged));
  return ResetJob(caller, job_id, spec);
}

Status JobService::DeleteJob(const Principal& caller, int64_t job_id) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_RETURN_IF_ERROR(
        RequireJob(tx, caller, job_id, PermissionLevel::kCanManage, "delete it").status());
    KEEL_ASSIGN_OR_RETURN(int64_t active, JobStore::CountActiveRuns(tx, job_id));
    if (active > 0) {
      return Status::InvalidState(
          "job " + std::to_string(job_id) + " has " + std::to_string(active) +
          " active run(s); cancel them first ('keel jobs cancel-all-runs')");
    }
    return JobStore::DeleteJob(tx, job_id);
  });
}

Result<std::vector<JobPermission>> JobService::GetPermissions(const Principal& caller,
                                                              int64_t job_id) const {
  std::vector<JobPermission> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(JobRecord rec, RequireJob(tx, caller, job_id, PermissionLevel::kCanView,
                                                    "see its permissions"));
    KEEL_ASSIGN_OR_RETURN(auto owner, PrincipalStore::FindById(tx, rec.owner_id));
    out.push_back({owner ? owner->name : rec.owner_id, PermissionLevel::kIsOwner});
    KEEL_ASSIGN_OR_RETURN(auto grants, JobStore::Permissions(tx, job_id));
    for (const auto& [id, level] : grants) {
      KEEL_ASSIGN_OR_RETURN(auto p, PrincipalStore::FindById(tx, id));
      KEEL_ASSIGN_OR_RETURN(PermissionLevel l, ParsePermissionLevel(level));
      out.push_back({p ? p->name : id, l});
    }
    return Status::OK();
  }));
  return out;
}

Status JobService::SetPermissions(const Principal& caller, int64_t job_id,
                                  const std::vector<JobPermission>& changes) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(JobRecord rec, RequireJob(tx, caller, job_id, PermissionLevel::kCanManage,
                                                    "change its permissions"));
    for (const JobPermission& c : changes) {
      KEEL_ASSIGN_OR_RETURN(auto p, PrincipalStore::FindByName(tx, c.principal));
      if (!p) {
        return Status::InvalidArgument("principal '" + c.principal +
                                       "' does not exist; see 'keel principals list'");
      }
      if (c.level == PermissionLevel::kIsOwner) {
        // A new owner: only the owner or an admin may hand the job over.
        if (!caller.is_admin && caller.id != rec.owner_id) {
          return Status::PermissionDenied("only the owner or an admin may change the owner");
        }
        if (p->kind == catalog::PrincipalKind::kGroup) {
          return Status::InvalidArgument("a group cannot own a job");
        }
        rec.owner_id = p->id;
        rec.updated_time = options_.clock->NowMillis();
        KEEL_RETURN_IF_ERROR(JobStore::UpdateJob(tx, rec));
        continue;
      }
      if (c.level == PermissionLevel::kNone) {
        KEEL_RETURN_IF_ERROR(JobStore::DeletePermission(tx, job_id, p->id));
      } else {
        KEEL_RETURN_IF_ERROR(
            JobStore::SetPermission(tx, job_id, p->id, PermissionLevelName(c.level)));
      }
    }
    return Status::OK();
  });
}

}  // namespace keel::jobs

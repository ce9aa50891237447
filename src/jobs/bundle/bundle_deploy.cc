#include "jobs/bundle/bundle_deploy.h"

#include <set>

#include "common/clock.h"

namespace keel::jobs {

namespace {

Result<Bundle> Load(const catalog::Principal& caller, const BundleRequest& request,
                    const GitState* git) {
  BundleContext context;
  context.user = caller.name;
  if (git) {
    context.git_commit = git->commit;
    context.git_branch = git->branch;
  }
  return LoadBundle(request.root_dir, request.target, request.variables, context);
}

}  // namespace

std::string BundleKeyPrefix(const Bundle& bundle) {
  std::string prefix = bundle.name + "/" + bundle.target + "/";
  if (bundle.mode == BundleMode::kDevelopment) prefix += bundle.user + "/";
  return prefix;
}

Result<DeployResult> DeployBundle(const catalog::Principal& caller, const BundleServices& services,
                                  const BundleRequest& request) {
  DeployResult result;
  KEEL_ASSIGN_OR_RETURN(result.git, ReadGitState(request.root_dir));
  KEEL_ASSIGN_OR_RETURN(result.bundle, Load(caller, request, &result.git));
  const Bundle& bundle = result.bundle;
  KEEL_RETURN_IF_ERROR(ValidateGitBranch(bundle, result.git.branch));
  if (result.git.dirty) {
    if (bundle.mode == BundleMode::kProduction && !request.allow_dirty) {
      return Status::InvalidState(
          "the checkout has uncommitted changes; a production target "
          "deploys committed code only: commit them (or pass "
          "--allow-dirty to deploy commit " +
          result.git.commit.substr(0, 12) + " without them)");
    }
    result.warnings.push_back("uncommitted changes are not deployed: jobs run commit " +
                              result.git.commit.substr(0, 12));
  }
  KEEL_ASSIGN_OR_RETURN(std::string snapshot, SnapshotCommit(request.root_dir, result.git.commit,
                                                             request.snapshots_root));
  result.code_root = snapshot;
  if (!result.git.prefix.empty()) {
    result.code_root += "/" + result.git.prefix;
    if (result.code_root.back() == '/') result.code_root.pop_back();
  }

  // Validate every job before changing anything, so a bad file deploys nothing.
  const std::string prefix = BundleKeyPrefix(bundle);
  const std::string deployed_at = FormatIso8601Millis(Clock::System()->NowMillis());
  std::vector<std::pair<const Bundle::Resource*, JobSpec>> specs;
  for (const Bundle::Resource& r : bundle.jobs) {
    json::Value settings = r.settings;
    settings.Set("code_root", result.code_root);
    json::Value deployment = json::Value::MakeObject();
    deployment.Set("bundle", bundle.name);
    deployment.Set("target", bundle.target);
    if (bundle.mode != BundleMode::kDefault) deployment.Set("mode", BundleModeName(bundle.mode));
    deployment.Set("resource_key", r.key);
    deployment.Set("git_commit", result.git.commit);
    deployment.Set("git_branch", result.git.branch);
    deployment.Set("deployed_by", caller.name);
    deployment.Set("deployed_at", deployed_at);
    settings.Set("deployment", deployment);
    SpecSource source;
    source.file_name = r.file;
    source.locations = r.locations;
    auto spec = ParseJobSpec(settings, source);
    if (!spec.ok()) {
      return Status(spec.status().code(), "job '" + r.key + "': " + spec.status().message());
    }
    specs.emplace_back(&r, std::move(*spec));
  }

  KEEL_ASSIGN_OR_RETURN(std::vector<JobInfo> before, services.jobs->ListBundleJobs(caller, prefix));
  std::set<std::string> existing;
  for (const JobInfo& j : before) existing.insert(j.bundle_key);
  std::set<std::string> keys;
  for (const auto& [resource, spec] : specs) {
    std::string key = prefix + resource->key;
    keys.insert(key);
    KEEL_ASSIGN_OR_RETURN(int64_t id, services.jobs->UpsertBundleJob(caller, key, spec));
    result.resources.push_back(
        {"job", resource->key, spec.name, std::to_string(id), !existing.count(key)});
  }
  for (const JobInfo& j : before) {
    if (keys.count(j.bundle_key)) continue;
    KEEL_RETURN_IF_ERROR(services.jobs->DeleteJob(caller, j.job_id));
    result.removed_jobs.push_back(j.job_id);
  }

  for (const Bundle::Resource& r : bundle.experiments) {
    if (!services.tracking) break;
    std::string name = r.settings.Find("name")->as_string();
    auto found = services.tracking->GetExperimentByName(caller, name);
    if (found.ok()) {
      result.resources.push_back({"experiment", r.key, name, found->experiment_id, false});
      continue;
    }
    if (found.status().code() != ErrorCode::kResourceDoesNotExist) return found.status();
    KEEL_ASSIGN_OR_RETURN(std::string id,
                          services.tracking->CreateExperiment(caller, name, "", {}));
    result.resources.push_back({"experiment", r.key, name, id, true});
  }
  for (const Bundle::Resource& r : bundle.registered_models) {
    if (!services.registry) break;
    std::string full = r.settings.Find("catalog_name")->as_string() + "." +
                       r.settings.Find("schema_name")->as_string() + "." +
                       r.settings.Find("name")->as_string();
    auto found = services.registry->GetRegisteredModel(caller, full);
    if (found.ok()) {
      result.resources.push_back({"registered_model", r.key, full, full, false});
      continue;
    }
    if (found.status().code() != ErrorCode::kResourceDoesNotExist) return found.status();
    const json::Value* comment = r.settings.Find("comment");
    KEEL_RETURN_IF_ERROR(
        services.registry
            ->CreateRegisteredModel(
                caller, full,
                comment && comment->is_string() ? comment->as_string() : std::string(), {})
            .status());
    result.resources.push_back({"registered_model", r.key, full, full, true});
  }
  return result;
}

Result<std::map<std::string, int64_t>> DeployedJobs(const catalog::Principal& caller,
                                                    const BundleServices& services,
                                                    const BundleRequest& request) {
  // The git facts only matter to bundles that name them; a folder outside git still resolves.
  Result<GitState> git = ReadGitState(request.root_dir);
  KEEL_ASSIGN_OR_RETURN(Bundle bundle, Load(caller, request, git.ok() ? &*git : nullptr));
  const std::string prefix = BundleKeyPrefix(bundle);
  KEEL_ASSIGN_OR_RETURN(std::vector<JobInfo> jobs, services.jobs->ListBundleJobs(caller, prefix));
  std::map<std::string, int64_t> out;
  for (const JobInfo& j : jobs) out[j.bundle_key.substr(prefix.size())] = j.job_id;
  return out;
}

Result<std::vector<int64_t>> DestroyBundle(const catalog::Principal& caller,
                                           const BundleServices& services,
                                           const BundleRequest& request) {
  KEEL_ASSIGN_OR_RETURN(auto jobs, DeployedJobs(caller, services, request));
  std::vector<int64_t> removed;
  for (const auto& [key, id] : jobs) {
    KEEL_RETURN_IF_ERROR(services.jobs->DeleteJob(caller, id));
    removed.push_back(id);
  }
  return removed;
}

}  // namespace keel::jobs

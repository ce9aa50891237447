#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "catalog/principal.h"
#include "common/result.h"
#include "jobs/bundle/bundle.h"
#include "jobs/bundle/code_snapshot.h"
#include "jobs/job_service.h"
#include "registry/registry_service.h"
#include "tracking/tracking_service.h"

// `keel bundle deploy|destroy`: turns a loaded bundle into jobs, experiments and registered
// models of one target, running the code of one git commit.
namespace keel::jobs {

struct BundleRequest {
  std::string root_dir;
  std::string target;                            // "" = the default target
  std::map<std::string, std::string> variables;  // --var overrides
  // Where commits are exported (<home>/bundles/snapshots); each job's code_root is inside.
  std::string snapshots_root;
  // Deploy from a checkout with uncommitted changes to a production target anyway (they are
  // not deployed: only the commit is).
  bool allow_dirty = false;
};

struct DeployedResource {
  std::string kind;  // "job", "experiment", "registered_model"
  std::string key;
  std::string name;
  std::string id;  // job id, experiment id, model full name
  bool created = false;
};

struct DeployResult {
  Bundle bundle;
  GitState git;
  std::string code_root;  // the snapshot directory jobs run in
  std::vector<DeployedResource> resources;
  std::vector<int64_t> removed_jobs;  // deployed before, no longer in the bundle
  std::vector<std::string> warnings;
};

struct BundleServices {
  JobService* jobs = nullptr;
  tracking::TrackingService* tracking = nullptr;
  registry::RegistryService* registry = nullptr;
};

// The bundle key prefix of a target's jobs: "<bundle>/<target>/" ("<bundle>/<target>/<user>/"
// in development mode, so every developer gets their own copy).
std::string BundleKeyPrefix(const Bundle& bundle);

// Loads the bundle for the caller, checks the git branch (production targets with git.branch)
// and a clean checkout (production targets, unless allow_dirty), snapshots HEAD's commit, then
// creates or updates every job (idempotently, keyed by bundle/target/resource key; settings get
// code_root = the snapshot and `deployment` = bundle, target, mode, git commit and branch, who
// and when), creates missing experiments and registered models, and deletes the target's jobs
// that the bundle no longer defines. Errors from job settings name the file and line.
Result<DeployResult> DeployBundle(const catalog::Principal& caller, const BundleServices& services,
                                  const BundleRequest& request);

// The job ids the target's deployment created (bundle keys under BundleKeyPrefix).
Result<std::map<std::string, int64_t>> DeployedJobs(const catalog::Principal& caller,
                                                    const BundleServices& services,
                                                    const BundleRequest& request);

// Deletes the target's jobs (experiments, models and their data are kept).
Result<std::vector<int64_t>> DestroyBundle(const catalog::Principal& caller,
                                           const BundleServices& services,
                                           const BundleRequest& request);

}  // namespace keel::jobs

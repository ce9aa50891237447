#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"

// A bundle is Keel's Databricks Asset Bundle: a project folder whose `keel.yml` declares the
// jobs, experiments and registered models of an ML project once, with per-target (dev, staging,
// prod) variables, so that the same definitions are promoted as code from one environment to the
// next (DESIGN.md §1 step 7). This file loads and resolves a bundle for one target; deploying it
// (creating jobs, snapshotting code, see code_snapshot.h) is the caller's job.
//
// The project file, `keel.yml` (or `keel.yaml`) at the root:
//
//   bundle: {name: churn}                      # required
//   variables:                                 # declared here; values are strings
//     catalog_name: {description: "...", default: dev}
//   include: ["resources/*.yml", "jobs/**/*.yml"]  # more files holding `resources:` only
//   run_as: {service_principal_name: automation}   # optional, for every job
//   resources:
//     jobs: {<key>: <JobSettings>}             # Jobs 2.1 JobSettings (see jobs/job_spec.h)
//     experiments: {<key>: {name}}
//     registered_models: {<key>: {catalog_name, schema_name, name, comment}}
//   targets:
//     dev:     {mode: development, default: true, variables: {catalog_name: dev}}
//     staging: {variables: {catalog_name: staging}}
//     prod:    {mode: production, git: {branch: release}, run_as: {...},
//               variables: {catalog_name: prod}, resources: {<overrides, deep-merged>}}
//
// See LoadBundle for how targets, variables, references and modes are resolved.
namespace keel::jobs {

// How a target deploys (Databricks' `mode`).
enum class BundleMode {
  kDefault,      // no `mode:`; resources deploy as written
  kDevelopment,  // per-user copies: names prefixed, schedules paused (see LoadBundle)
  kProduction,   // deploys only from the target's `git.branch`, when it names one
};
std::string_view BundleModeName(BundleMode mode);  // "", "development", "production"

// Facts about the caller that a bundle may refer to. The loader does no I/O for them: the
// deployer fills them in (the git fields from ReadGitState in code_snapshot.h).
struct BundleContext {
  // ${workspace.current_user.userName}; required by development mode.
  std::string user;
  // ${bundle.git.commit} and ${bundle.git.branch}; a reference to an empty one is an error.
  std::string git_commit;
  std::string git_branch;
};

struct Bundle {
  std::string name;    // bundle.name
  std::string target;  // the selected target
  BundleMode mode = BundleMode::kDefault;
  std::string user;  // from BundleContext
  // Every declared variable with its resolved value.
  std::map<std::string, std::string> variables;

  struct Resource {
    std::string key;       // the key under resources.<kind>
    json::Value settings;  // resolved: references substituted, target overrides merged
    std::string file;      // the file defining it, relative to root_dir ("resources/train.yml")
    int line = 0;          // 1-based line of the key in `file`; 0 when unknown
    // Line and column of each JSON path inside `settings` ("tasks[0].task_key") in `file`, for
    // jobs::SpecSource; empty when the YAML reader gives no locations. Paths that a target
    // override added are absent.
    std::map<std::string, std::pair<int, int>> locations;
  };
  std::vector<Resource> jobs;  // each sorted by key
  std::vector<Resource> experiments;
  std::vector<Resource> registered_models;

  // The branch a production target deploys from (its `git.branch`); empty = any. Check it with
  // ValidateGitBranch before deploying.
  std::string required_branch;
  // The bundle's root folder, absolute and with symlinks resolved.
  std::string root_dir;
};

// Limits on what LoadBundle reads and produces; input over a limit is refused with
// kRequestLimitExceeded naming the limit.
inline constexpr size_t kMaxBundleFileBytes = 4 * 1024 * 1024;  // keel.yml or an included file
inline constexpr size_t kMaxBundleIncludedFiles = 1000;         // over all include patterns
inline constexpr size_t kMaxBundleWalkEntries = 200000;         // directory entries globbing visits
inline constexpr size_t kMaxBundleVariableBytes = 64 * 1024;    // one resolved variable value
inline constexpr size_t kMaxBundleResolvedBytes = 64 * 1024 * 1024;  // all substituted strings

// Loads the bundle at `root_dir` for `target` ("" = the target with `default: true`).
//
//  - Files: keel.yml (or keel.yaml; both is an error) plus the files matched by `include`, in
//    pattern order and, within a pattern, by path; a file matched twice is read once and
//    keel.yml itself is never included. Patterns are relative to root_dir; `*` and `?` match
//    within one path segment, `**` matches any number of folders, `[...]` is a character class.
//    Patterns with `..` segments or starting with `/` are refused, as is a matched file whose
//    resolved path (after symlinks) leaves root_dir. Globs do not descend into symlinked
//    folders or `.git`. A pattern without wildcards must match a file; a glob may match none.
//    Included files may contain only `resources:`.
//  - Resources: a key may be defined once per kind over all files; a second definition is an
//    error naming both files. The target's `resources` deep-merge over them: objects merge by
//    key; arrays of objects merge by `task_key`, `job_cluster_key` or `name` when every element
//    has it (so a target can change one task), other arrays and scalars are replaced. A target
//    may also define new resources. A job without `name` is named after its key.
//  - Variables: value = var_overrides (`--var name=value`) > the target's `variables` >
//    `default`. Overriding or setting an undeclared variable is an error (a typo), as is a
//    declared variable left without a value. Values may refer to other variables and to the
//    names below; a cycle is an error naming it.
//  - References, in every string value of resources, run_as and variables: ${var.<name>},
//    ${bundle.name}, ${bundle.target}, ${bundle.git.commit}, ${bundle.git.branch},
//    ${workspace.current_user.userName} and ${workspace.current_user.short_name} (the user
//    name up to '@', other than letters and digits replaced by '_'). Any other ${a.b} is an
//    error giving file:line; `$${` writes a literal `${` (e.g. for a shell's ${HOME}). Text
//    like `${x:-y}` that is not a reference is left alone. Keys are never substituted.
//  - mode: development: job names get the prefix "[dev <user>] ", every `schedule`, `trigger`
//    and `continuous` gets `pause_status: PAUSED`, and jobs get the tag `dev: <user>`.
//    mode: production: `git.branch` becomes required_branch.
//  - run_as (top level, or the target's, which wins) is set on every job that has none.
//
// Jobs' settings are not validated here beyond being objects (ParseJobSpec does that, given
// the resource's file and locations); experiments need a string `name` and registered models
// `catalog_name`, `schema_name` and `name`, and unknown fields of those two are refused.
//
// Errors: kResourceDoesNotExist when there is no project file or root_dir is missing;
// kInvalidParameterValue for everything wrong in the files, prefixed with "file:line:column:"
// (or "file:" and the JSON path when locations are unknown); kRequestLimitExceeded over a
// limit above; kIOError when a file cannot be read.
//
// Thread-safe: calls share no state.
Result<Bundle> LoadBundle(const std::string& root_dir, std::string_view target,
                          const std::map<std::string, std::string>& var_overrides,
                          const BundleContext& context = {});

// OK when `bundle` has no required branch or `current_branch` is it; else kInvalidState saying
// which branch to deploy from (an empty `current_branch` is a detached HEAD).
Status ValidateGitBranch(const Bundle& bundle, std::string_view current_branch);

}  // namespace keel::jobs

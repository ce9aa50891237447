// keel bundle validate|deploy|run|destroy [-t TARGET]: jobs, experiments and registered models
// declared in keel.yml, promoted as code from dev to staging to prod.

#include <unistd.h>

#include <climits>
#include <ostream>

#include "cli/commands.h"
#include "cli/job_runtime.h"
#include "cli/output.h"
#include "cli/workspace.h"
#include "jobs/bundle/bundle_deploy.h"

namespace keel::cli {

namespace {

constexpr std::string_view kUsage =
    "usage: keel bundle validate|deploy|run|destroy|summary [-t TARGET] [--var NAME=VALUE]...\n"
    "                   [--root DIR] [--allow-dirty]\n"
    "  validate            resolve keel.yml for the target and check every job\n"
    "  deploy              snapshot the git commit, create or update the target's jobs,\n"
    "                      experiments and registered models\n"
    "  run KEY [--param k=v]... [--no-wait]\n"
    "                      run a deployed job (by its resource key) and wait\n"
    "  summary             the deployed jobs of the target\n"
    "  destroy             delete the target's jobs\n";

Result<jobs::BundleRequest> ReadRequest(Args& args, const Workspace& ws) {
  jobs::BundleRequest request;
  KEEL_ASSIGN_OR_RETURN(auto target, args.Flag("target"));
  if (!target) {
    KEEL_ASSIGN_OR_RETURN(target, args.Flag("t"));
  }
  request.target = target.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto root, args.Flag("root"));
  if (root) {
    request.root_dir = *root;
  } else {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd))) return Status::IOError("cannot read the current directory");
    request.root_dir = cwd;
  }
  KEEL_ASSIGN_OR_RETURN(std::vector<std::string> vars, RepeatedFlag(args, "var"));
  for (const std::string& v : vars) {
    KEEL_ASSIGN_OR_RETURN(auto kv, SplitAssignment(v, "--var"));
    request.variables[kv.first] = kv.second;
  }
  request.allow_dirty = args.BoolFlag("allow-dirty");
  request.snapshots_root = ws.config.home + "/bundles/snapshots";
  return request;
}

jobs::BundleServices ServicesOf(Workspace& ws) {
  return {ws.jobs.get(), ws.tracking.get(), ws.registry.get()};
}

}  // namespace

int RunBundleCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << kUsage;
    return 2;
  }
  int exit_code = 0;
  int rc = RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    KEEL_ASSIGN_OR_RETURN(jobs::BundleRequest request, ReadRequest(args, s.ws));
    jobs::BundleServices services = ServicesOf(s.ws);
    if (*verb == "validate") {
      KEEL_RETURN_IF_ERROR(args.Finish());
      auto git = jobs::ReadGitState(request.root_dir);
      jobs::BundleContext context;
      context.user = s.caller.name;
      if (git.ok()) {
        context.git_commit = git->commit;
        context.git_branch = git->branch;
      }
      KEEL_ASSIGN_OR_RETURN(jobs::Bundle bundle, jobs::LoadBundle(request.root_dir, request.target,
                                                                  request.variables, context));
      for (const jobs::Bundle::Resource& r : bundle.jobs) {
        jobs::SpecSource source{r.file, r.locations};
        auto spec = jobs::ParseJobSpec(r.settings, source);
        if (!spec.ok()) {
          return Status(spec.status().code(), "job '" + r.key + "': " + spec.status().message());
        }
      }
      if (git.ok()) KEEL_RETURN_IF_ERROR(jobs::ValidateGitBranch(bundle, git->branch));
      json::Value v = json::Value::MakeObject();
      v.Set("bundle", bundle.name);
      v.Set("target", bundle.target);
      v.Set("mode", jobs::BundleModeName(bundle.mode));
      json::Value vars = json::Value::MakeObject();
      for (const auto& [k, val] : bundle.variables) vars.Set(k, val);
      v.Set("variables", vars);
      json::Value names = json::Value::MakeArray();
      for (const jobs::Bundle::Resource& r : bundle.jobs) names.Append(r.key);
      v.Set("jobs", names);
      if (s.format == OutputFormat::kJson) {
        PrintValue(out, s.format, v);
      } else {
        out << "bundle '" << bundle.name << "', target '" << bundle.target
            << "': " << bundle.jobs.size() << " job(s), " << bundle.experiments.size()
            << " experiment(s), " << bundle.registered_models.size()
            << " registered model(s) are valid\n";
      }
      return Status::OK();
    }
    if (*verb == "deploy") {
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(jobs::DeployResult result,
                            jobs::DeployBundle(s.caller, services, request));
      for (const std::string& w : result.warnings) err << "warning: " << w << "\n";
      json::Value v = json::Value::MakeObject();
      v.Set("bundle", result.bundle.name);
      v.Set("target", result.bundle.target);
      v.Set("git_commit", result.git.commit);
      v.Set("git_branch", result.git.branch);
      v.Set("code_root", result.code_root);
      json::Value resources = json::Value::MakeArray();
      for (const jobs::DeployedResource& r : result.resources) {
        json::Value e = json::Value::MakeObject();
        e.Set("kind", r.kind);
        e.Set("key", r.key);
        e.Set("name", r.name);
        e.Set("id", r.id);
        e.Set("action", r.created ? "created" : "updated");
        resources.Append(e);
      }
      v.Set("resources", resources);
      json::Value removed = json::Value::MakeArray();
      for (int64_t id : result.removed_jobs) removed.Append(id);
      v.Set("removed_jobs", removed);
      if (s.format == OutputFormat::kJson) {
        PrintValue(out, s.format, v);
      } else {
        out << "deployed bundle '" << result.bundle.name << "' to target '" << result.bundle.target
            << "' at commit " << result.git.commit.substr(0, 12)
            << (result.git.branch.empty() ? "" : " (" + result.git.branch + ")") << "\n";
        PrintValue(out, s.format, resources, {"kind", "key", "name", "id", "action"});
      }
      return Status::OK();
    }
    if (*verb == "summary") {
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto deployed, jobs::DeployedJobs(s.caller, services, request));
      json::Value rows = json::Value::MakeArray();
      for (const auto& [key, id] : deployed) {
        KEEL_ASSIGN_OR_RETURN(jobs::JobInfo job, s.ws.jobs->GetJob(s.caller, id));
        json::Value r = json::Value::MakeObject();
        r.Set("key", key);
        r.Set("job_id", id);
        r.Set("name", job.settings.name);
        auto commit = job.settings.deployment.find("git_commit");
        r.Set("git_commit", commit == job.settings.deployment.end() ? "" : commit->second);
        rows.Append(r);
      }
      PrintValue(out, s.format, rows, {"key", "job_id", "name", "git_commit"});
      return Status::OK();
    }
    if (*verb == "run") {
      KEEL_ASSIGN_OR_RETURN(std::string key, args.Positional("KEY (a job's resource key)"));
      KEEL_ASSIGN_OR_RETURN(std::vector<std::string> params, RepeatedFlag(args, "param"));
      bool no_wait = args.BoolFlag("no-wait");
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto deployed, jobs::DeployedJobs(s.caller, services, request));
      auto it = deployed.find(key);
      if (it == deployed.end()) {
        return Status::NotFound("job '" + key + "' is not deployed to target '" + request.target +
                                "'; run 'keel bundle deploy' first");
      }
      jobs::RunNowRequest run;
      run.job_id = it->second;
      for (const std::string& p : params) {
        KEEL_ASSIGN_OR_RETURN(auto kv, SplitAssignment(p, "--param"));
        run.job_parameters[kv.first] = kv.second;
      }
      return RunJobAndPrint(s, run, no_wait, out, &exit_code);
    }
    if (*verb == "destroy") {
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto removed, jobs::DestroyBundle(s.caller, services, request));
      out << "deleted " << removed.size() << " job(s)\n";
      return Status::OK();
    }
    return Status::InvalidArgument("unknown verb 'bundle " + *verb + "'");
  });
  return rc != 0 ? rc : exit_code;
}

}  // namespace keel::cli

// keel jobs ...: job definitions, runs (executed in this process unless --no-wait), repair,
// logs, permissions; keel task-values ...: what tasks hand to each other.

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <ostream>
#include <thread>

#include "cli/commands.h"
#include "cli/job_runtime.h"
#include "cli/output.h"
#include "cli/workspace.h"
#include "common/fs/file_system.h"
#include "jobs/job_spec.h"

namespace keel::cli {

namespace {

constexpr std::string_view kJobsUsage =
    "usage: keel jobs validate|create|list|get|reset|delete|run-now|cancel-all|permissions ...\n"
    "       keel jobs runs list|get|cancel|repair|output|deliveries ...\n"
    "  validate FILE                 check a job definition (YAML or JSON)\n"
    "  create FILE                   create a job; prints its id\n"
    "  reset JOB_ID FILE             replace a job's settings\n"
    "  run-now JOB_ID [--param k=v]... [--no-wait]\n"
    "                                run it here and wait (--no-wait: queue it for keel server)\n"
    "  runs repair RUN_ID (--task T... | --all-failed) [--dependents] [--no-wait]\n"
    "  runs output TASK_RUN_ID       a task's logs, error and task values\n";

// The run executing in this process, for the signal handler: SIGTERM/SIGINT cancel it (its
// processes are stopped) instead of leaving them behind.
jobs::RunExecutor* g_active_executor = nullptr;

void CancelOnSignal(int) {
  if (g_active_executor) g_active_executor->CancelAll();
}

Result<jobs::JobSpec> LoadSpecFile(const std::string& path) {
  KEEL_ASSIGN_OR_RETURN(std::string text, FileSystem::Default()->ReadFile(path));
  bool json_file = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  if (json_file) {
    KEEL_ASSIGN_OR_RETURN(json::Value v, json::Parse(text));
    jobs::SpecSource source;
    source.file_name = path;
    return jobs::ParseJobSpec(v, source);
  }
  return jobs::ParseJobSpecYaml(text, path);
}

Result<int64_t> IdArg(Args& args, std::string_view what) {
  KEEL_ASSIGN_OR_RETURN(std::string text, args.Positional(what));
  char* end = nullptr;
  long long id = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || id <= 0) {
    return Status::InvalidArgument(std::string(what) + " must be a positive integer, not '" + text +
                                   "'");
  }
  return static_cast<int64_t>(id);
}

Result<std::map<std::string, std::string>> ParamFlags(Args& args) {
  KEEL_ASSIGN_OR_RETURN(std::vector<std::string> params, RepeatedFlag(args, "param"));
  std::map<std::string, std::string> out;
  for (const std::string& p : params) {
    KEEL_ASSIGN_OR_RETURN(auto kv, SplitAssignment(p, "--param"));
    out[kv.first] = kv.second;
  }
  return out;
}

std::string Duration(int64_t start, int64_t end) {
  if (!start || !end) return "";
  return std::to_string((end - start) / 1000) + "." + std::to_string((end - start) % 1000 / 100) +
         "s";
}

void PrintRun(std::ostream& out, OutputFormat format, const jobs::JobRun& run) {
  if (format == OutputFormat::kJson) {
    PrintValue(out, format, run.ToJson());
    return;
  }
  out << "run " << run.run_id << " of job " << run.job_id << " (" << run.settings.name
      << "): " << jobs::LifeCycleName(run.life_cycle);
  if (run.result != jobs::ResultState::kNone) out << " " << jobs::ResultStateName(run.result);
  if (!run.state_message.empty()) out << " - " << run.state_message;
  out << "\n";
  json::Value rows = json::Value::MakeArray();
  for (const jobs::TaskRun& t : run.tasks) {
    json::Value r = json::Value::MakeObject();
    r.Set("task", t.task_key);
    r.Set("task_run_id", t.task_run_id);
    r.Set("attempt", t.attempt_number);
    r.Set("state", jobs::LifeCycleName(t.life_cycle));
    r.Set("result", jobs::ResultStateName(t.result));
    r.Set("duration", Duration(t.start_time, t.end_time));
    r.Set("message", t.state_message.substr(0, 100));
    rows.Append(r);
  }
  PrintValue(out, format, rows,
             {"task", "task_run_id", "attempt", "state", "result", "duration", "message"});
}

// Executes a QUEUED run in this process, or waits for whoever took it (keel server), and
// returns it once it has ended.
Result<jobs::JobRun> ExecuteHere(Session& s, int64_t run_id) {
  KEEL_ASSIGN_OR_RETURN(JobRuntime rt, MakeJobRuntime(s.ws, ""));
  for (;;) {
    KEEL_ASSIGN_OR_RETURN(jobs::JobRun run, s.ws.jobs->GetRun(s.caller, run_id));
    if (jobs::IsFinal(run.life_cycle)) return run;
    if (run.life_cycle == jobs::LifeCycle::kQueued) {
      KEEL_ASSIGN_OR_RETURN(bool claimed, rt.executor->Claim(run_id));
      if (claimed) {
        g_active_executor = rt.executor.get();
        struct sigaction sa {};
        sa.sa_handler = CancelOnSignal;
        sigaction(SIGTERM, &sa, nullptr);
        sigaction(SIGINT, &sa, nullptr);
        auto result = rt.executor->Execute(run_id);
        g_active_executor = nullptr;
        rt.notifier->Flush();
        return result;
      }
    }
    // Waiting for a concurrency slot, or another process runs it.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int ExitCodeFor(const jobs::JobRun& run) {
  return run.result == jobs::ResultState::kSuccess ? 0 : 1;
}

Status RunsVerb(Session& s, Args& args, std::ostream& out, int* exit_code) {
  KEEL_ASSIGN_OR_RETURN(std::string verb,
                        args.Positional("runs verb (list|get|cancel|repair|output|deliveries)"));
  jobs::JobService& js = *s.ws.jobs;
  if (verb == "list") {
    jobs::RunFilter f;
    KEEL_ASSIGN_OR_RETURN(auto job_id, args.IntFlag("job-id"));
    KEEL_ASSIGN_OR_RETURN(auto limit, args.IntFlag("limit"));
    f.job_id = job_id.value_or(0);
    f.limit = limit.value_or(25);
    f.active_only = args.BoolFlag("active");
    f.completed_only = args.BoolFlag("completed");
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto runs, js.ListRuns(s.caller, f));
    json::Value list = json::Value::MakeArray();
    for (const jobs::JobRun& r : runs) {
      json::Value v = r.ToJson();
      if (s.format == OutputFormat::kText) {
        json::Value row = json::Value::MakeObject();
        row.Set("run_id", r.run_id);
        row.Set("job_id", r.job_id);
        row.Set("trigger", r.trigger_type);
        row.Set("state", jobs::LifeCycleName(r.life_cycle));
        row.Set("result", jobs::ResultStateName(r.result));
        row.Set("start", r.start_time ? FormatIso8601Millis(r.start_time) : "");
        row.Set("duration", Duration(r.start_time, r.end_time));
        v = row;
      }
      list.Append(v);
    }
    PrintValue(out, s.format, list,
               {"run_id", "job_id", "trigger", "state", "result", "start", "duration"});
    return Status::OK();
  }
  if (verb == "get") {
    KEEL_ASSIGN_OR_RETURN(int64_t run_id, IdArg(args, "RUN_ID"));
    bool history = args.BoolFlag("history");
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(jobs::JobRun run, js.GetRun(s.caller, run_id, history));
    PrintRun(out, s.format, run);
    return Status::OK();
  }
  if (verb == "cancel") {
    KEEL_ASSIGN_OR_RETURN(int64_t run_id, IdArg(args, "RUN_ID"));
    KEEL_RETURN_IF_ERROR(args.Finish());
    return js.CancelRun(s.caller, run_id);
  }
  if (verb == "repair") {
    jobs::RepairRequest request;
    KEEL_ASSIGN_OR_RETURN(request.run_id, IdArg(args, "RUN_ID"));
    KEEL_ASSIGN_OR_RETURN(request.rerun_tasks, RepeatedFlag(args, "task"));
    request.rerun_all_failed_tasks = args.BoolFlag("all-failed");
    request.rerun_dependent_tasks = args.BoolFlag("dependents");
    KEEL_ASSIGN_OR_RETURN(request.job_parameters, ParamFlags(args));
    bool no_wait = args.BoolFlag("no-wait");
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(int32_t repair, js.RepairRun(s.caller, request));
    if (no_wait) {
      json::Value v;
      v.Set("run_id", request.run_id);
      v.Set("repair_id", repair);
      PrintValue(out, s.format, v);
      return Status::OK();
    }
    KEEL_ASSIGN_OR_RETURN(jobs::JobRun run, ExecuteHere(s, request.run_id));
    PrintRun(out, s.format, run);
    *exit_code = ExitCodeFor(run);
    return Status::OK();
  }
  if (verb == "output") {
    KEEL_ASSIGN_OR_RETURN(int64_t task_run_id, IdArg(args, "TASK_RUN_ID"));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(jobs::RunOutput output, js.GetRunOutput(s.caller, task_run_id));
    if (s.format == OutputFormat::kJson) {
      PrintValue(out, s.format, output.ToJson());
    } else {
      out << output.logs;
      if (!output.error.empty()) out << "error: " << output.error << "\n";
    }
    return Status::OK();
  }
  if (verb == "deliveries") {
    KEEL_ASSIGN_OR_RETURN(int64_t run_id, IdArg(args, "RUN_ID"));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto deliveries, js.ListDeliveries(s.caller, run_id));
    json::Value list = json::Value::MakeArray();
    for (const jobs::WebhookDelivery& d : deliveries) list.Append(d.ToJson());
    PrintValue(out, s.format, list, {"event", "url", "attempts", "status_code", "outcome"});
    return Status::OK();
  }
  return Status::InvalidArgument("unknown verb 'runs " + verb + "'");
}

}  // namespace

Status RunJobAndPrint(Session& s, const jobs::RunNowRequest& request, bool no_wait,
                      std::ostream& out, int* exit_code) {
  KEEL_ASSIGN_OR_RETURN(int64_t run_id, s.ws.jobs->RunNow(s.caller, request));
  if (no_wait) {
    json::Value v;
    v.Set("run_id", run_id);
    if (s.format == OutputFormat::kJson) {
      PrintValue(out, s.format, v);
    } else {
      out << run_id << "\n";
    }
    return Status::OK();
  }
  KEEL_ASSIGN_OR_RETURN(jobs::JobRun run, ExecuteHere(s, run_id));
  PrintRun(out, s.format, run);
  *exit_code = ExitCodeFor(run);
  return Status::OK();
}

int RunJobsCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << kJobsUsage;
    return 2;
  }
  int exit_code = 0;
  int rc = RunOrPrintError(err, [&]() -> Status {
    if (*verb == "validate") {
      // Needs no workspace; --home is accepted so scripts can pass it everywhere.
      KEEL_RETURN_IF_ERROR(args.Flag("home").status());
      KEEL_ASSIGN_OR_RETURN(std::string path, args.Positional("FILE"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(jobs::JobSpec spec, LoadSpecFile(path));
      out << path << ": job '" << spec.name << "' with " << spec.tasks.size()
          << " task(s) is valid\n";
      return Status::OK();
    }
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    jobs::JobService& js = *s.ws.jobs;
    if (*verb == "create") {
      KEEL_ASSIGN_OR_RETURN(std::string path, args.Positional("FILE"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(jobs::JobSpec spec, LoadSpecFile(path));
      KEEL_ASSIGN_OR_RETURN(int64_t id, js.CreateJob(s.caller, spec));
      json::Value v;
      v.Set("job_id", id);
      if (s.format == OutputFormat::kJson) {
        PrintValue(out, s.format, v);
      } else {
        out << id << "\n";
      }
      return Status::OK();
    }
    if (*verb == "list") {
      KEEL_ASSIGN_OR_RETURN(auto name, args.Flag("name"));
      KEEL_ASSIGN_OR_RETURN(auto limit, args.IntFlag("limit"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto list,
                            js.ListJobs(s.caller, name.value_or(""), 0, limit.value_or(100)));
      json::Value rows = json::Value::MakeArray();
      for (const jobs::JobInfo& j : list) {
        json::Value v = j.ToJson();
        if (s.format == OutputFormat::kText) {
          json::Value row = json::Value::MakeObject();
          row.Set("job_id", j.job_id);
          row.Set("name", j.settings.name);
          row.Set("tasks", static_cast<int64_t>(j.settings.tasks.size()));
          row.Set("schedule",
                  j.settings.schedule ? j.settings.schedule->quartz_cron_expression : "");
          row.Set("run_as", j.run_as_user_name);
          row.Set("deployed_from", j.bundle_key);
          v = row;
        }
        rows.Append(v);
      }
      PrintValue(out, s.format, rows,
                 {"job_id", "name", "tasks", "schedule", "run_as", "deployed_from"});
      return Status::OK();
    }
    if (*verb == "get") {
      KEEL_ASSIGN_OR_RETURN(int64_t id, IdArg(args, "JOB_ID"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(jobs::JobInfo job, js.GetJob(s.caller, id));
      PrintValue(out, OutputFormat::kJson, job.ToJson());
      return Status::OK();
    }
    if (*verb == "reset") {
      KEEL_ASSIGN_OR_RETURN(int64_t id, IdArg(args, "JOB_ID"));
      KEEL_ASSIGN_OR_RETURN(std::string path, args.Positional("FILE"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(jobs::JobSpec spec, LoadSpecFile(path));
      return js.ResetJob(s.caller, id, spec);
    }
    if (*verb == "delete") {
      KEEL_ASSIGN_OR_RETURN(int64_t id, IdArg(args, "JOB_ID"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      return js.DeleteJob(s.caller, id);
    }
    if (*verb == "cancel-all") {
      KEEL_ASSIGN_OR_RETURN(int64_t id, IdArg(args, "JOB_ID"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      return js.CancelAllRuns(s.caller, id);
    }
    if (*verb == "run-now") {
      jobs::RunNowRequest request;
      KEEL_ASSIGN_OR_RETURN(request.job_id, IdArg(args, "JOB_ID"));
      KEEL_ASSIGN_OR_RETURN(request.job_parameters, ParamFlags(args));
      KEEL_ASSIGN_OR_RETURN(auto parent, args.IntFlag("parent-run-id"));
      bool no_wait = args.BoolFlag("no-wait");
      args.BoolFlag("wait");  // the default; accepted for clarity
      KEEL_RETURN_IF_ERROR(args.Finish());
      if (parent) {
        request.parent_run_id = *parent;
        request.trigger_type = "RUN_JOB_TASK";
      }
      return RunJobAndPrint(s, request, no_wait, out, &exit_code);
    }
    if (*verb == "permissions") {
      KEEL_ASSIGN_OR_RETURN(int64_t id, IdArg(args, "JOB_ID"));
      KEEL_ASSIGN_OR_RETURN(std::vector<std::string> sets, RepeatedFlag(args, "set"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      if (!sets.empty()) {
        std::vector<jobs::JobPermission> changes;
        for (const std::string& text : sets) {
          KEEL_ASSIGN_OR_RETURN(auto kv, SplitAssignment(text, "--set"));
          KEEL_ASSIGN_OR_RETURN(jobs::PermissionLevel level, jobs::ParsePermissionLevel(kv.second));
          changes.push_back({kv.first, level});
        }
        KEEL_RETURN_IF_ERROR(js.SetPermissions(s.caller, id, changes));
      }
      KEEL_ASSIGN_OR_RETURN(auto perms, js.GetPermissions(s.caller, id));
      json::Value rows = json::Value::MakeArray();
      for (const jobs::JobPermission& p : perms) {
        json::Value r = json::Value::MakeObject();
        r.Set("principal", p.principal);
        r.Set("permission_level", jobs::PermissionLevelName(p.level));
        rows.Append(r);
      }
      PrintValue(out, s.format, rows, {"principal", "permission_level"});
      return Status::OK();
    }
    if (*verb == "runs") return RunsVerb(s, args, out, &exit_code);
    return Status::InvalidArgument("unknown verb 'jobs " + *verb + "'; see 'keel jobs'");
  });
  return rc != 0 ? rc : exit_code;
}

int RunTaskValuesCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << "usage: keel task-values set KEY JSON | get --task TASK KEY\n"
           "  inside a job task; --run RUN_ID (and for set --task) default to the task's own\n";
    return 2;
  }
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(auto run_flag, args.IntFlag("run"));
    KEEL_ASSIGN_OR_RETURN(auto task_flag, args.Flag("task"));
    const char* env_run = std::getenv("KEEL_JOB_RUN_ID");
    const char* env_task = std::getenv("KEEL_TASK_KEY");
    int64_t run_id = run_flag ? *run_flag : (env_run ? std::atoll(env_run) : 0);
    if (run_id <= 0) {
      return Status::InvalidArgument(
          "no run: pass --run RUN_ID, or run this inside a job task "
          "(which sets KEEL_JOB_RUN_ID)");
    }
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    if (*verb == "set") {
      KEEL_ASSIGN_OR_RETURN(std::string key, args.Positional("KEY"));
      KEEL_ASSIGN_OR_RETURN(std::string value, args.Positional("JSON value"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      std::string task = task_flag ? *task_flag : (env_task ? env_task : "");
      if (task.empty()) {
        return Status::InvalidArgument("no task: pass --task, or run this inside a job task");
      }
      // A bare word is taken as a string, so `set model_uri models:/m/1` works unquoted.
      if (!json::Parse(value).ok()) {
        std::string quoted;
        json::AppendQuoted(value, &quoted);
        value = quoted;
      }
      return s.ws.jobs->SetTaskValue(s.caller, run_id, task, key, value);
    }
    if (*verb == "get") {
      KEEL_ASSIGN_OR_RETURN(std::string key, args.Positional("KEY"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      if (!task_flag)
        return Status::InvalidArgument("--task TASK (the task that set the value) is required");
      KEEL_ASSIGN_OR_RETURN(json::Value v,
                            s.ws.jobs->GetTaskValue(s.caller, run_id, *task_flag, key));
      if (v.is_string() && s.format == OutputFormat::kText) {
        out << v.as_string() << "\n";
      } else {
        out << v.Dump() << "\n";
      }
      return Status::OK();
    }
    return Status::InvalidArgument("unknown verb 'task-values " + *verb + "'");
  });
}

}  // namespace keel::cli

// keel experiments|runs: MLflow tracking from the command line (same service and permissions
// as the REST API).

#include <map>
#include <ostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/workspace.h"
#include "common/clock.h"
#include "common/fs/file_system.h"
#include "server/handlers/tracking_render.h"

namespace keel::cli {

namespace {

using server::handlers::RenderExperiment;
using server::handlers::RenderRun;

Result<tracking::ViewType> TakeView(Args& args) {
  KEEL_ASSIGN_OR_RETURN(std::string v, args.FlagOr("view", "active"));
  if (v == "active") return tracking::ViewType::kActiveOnly;
  if (v == "deleted") return tracking::ViewType::kDeletedOnly;
  if (v == "all") return tracking::ViewType::kAll;
  return Status::InvalidArgument("--view must be active, deleted or all");
}

// A run as one table row: id, name, status, start time, then its latest metrics.
json::Value RunRow(const tracking::Run& run) {
  json::Value row;
  row.Set("run_id", run.info.run_id);
  row.Set("run_name", run.info.run_name);
  row.Set("status", run.info.status);
  row.Set("start_time", FormatIso8601Millis(run.info.start_time));
  std::string metrics;
  for (const auto& m : run.metrics) {
    if (!metrics.empty()) metrics += " ";
    metrics += m.key + "=" + json::Value(m.value).Dump();
  }
  row.Set("metrics", metrics);
  return row;
}

}  // namespace

// keel experiments list [--filter F] [--view active|deleted|all] | get ID|NAME | create NAME |
//                  delete ID | restore ID
int RunExperimentsCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << "usage: keel experiments list|get|create|delete|restore ...\n";
    return 2;
  }
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    tracking::TrackingService& svc = *s.ws.tracking;
    if (*verb == "list") {
      tracking::SearchExperimentsRequest req;
      KEEL_ASSIGN_OR_RETURN(auto filter, args.Flag("filter"));
      req.filter = filter.value_or("");
      KEEL_ASSIGN_OR_RETURN(req.view, TakeView(args));
      req.max_results = tracking::kMaxSearchResults;
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto page, svc.SearchExperiments(s.caller, req));
      json::Value list = json::Value::MakeArray();
      for (const auto& e : page.experiments) list.Append(RenderExperiment(e));
      PrintValue(out, s.format, list, {"experiment_id", "name", "lifecycle_stage"});
      return Status::OK();
    }
    if (*verb == "get") {
      KEEL_ASSIGN_OR_RETURN(std::string id, args.Positional("experiment id or name"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      bool numeric = !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;
      KEEL_ASSIGN_OR_RETURN(auto e, numeric ? svc.GetExperiment(s.caller, id)
                                            : svc.GetExperimentByName(s.caller, id));
      PrintValue(out, s.format, RenderExperiment(e));
      return Status::OK();
    }
    if (*verb == "create") {
      KEEL_ASSIGN_OR_RETURN(std::string name, args.Positional("experiment name"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(std::string id, svc.CreateExperiment(s.caller, name, "", {}));
      json::Value v;
      v.Set("experiment_id", id);
      PrintValue(out, s.format, v);
      return Status::OK();
    }
    if (*verb == "delete" || *verb == "restore") {
      KEEL_ASSIGN_OR_RETURN(std::string id, args.Positional("experiment id"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      return *verb == "delete" ? svc.DeleteExperiment(s.caller, id)
                               : svc.RestoreExperiment(s.caller, id);
    }
    return Status::InvalidArgument("unknown command 'keel experiments " + *verb + "'");
  });
}

// keel runs compare RUN_ID RUN_ID... | list|search EXPERIMENT_ID... [--filter F] [--order-by K] [--max-results N]
//           [--view active|deleted|all] | get RUN_ID
int RunRunsCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << "usage: keel runs list|search|get ...\n";
    return 2;
  }
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    tracking::TrackingService& svc = *s.ws.tracking;
    if (*verb == "list" || *verb == "search") {
      tracking::SearchRunsRequest req;
      KEEL_ASSIGN_OR_RETURN(auto filter, args.Flag("filter"));
      req.filter = filter.value_or("");
      KEEL_ASSIGN_OR_RETURN(auto order, args.Flag("order-by"));
      req.order_by = SplitCommaList(order.value_or(""));
      KEEL_ASSIGN_OR_RETURN(auto max_results, args.IntFlag("max-results"));
      req.max_results = max_results.value_or(100);
      KEEL_ASSIGN_OR_RETURN(req.view, TakeView(args));
      while (auto id = args.OptionalPositional()) req.experiment_ids.push_back(*id);
      KEEL_RETURN_IF_ERROR(args.Finish());
      if (req.experiment_ids.empty()) req.experiment_ids = {"0"};
      KEEL_ASSIGN_OR_RETURN(auto page, svc.SearchRuns(s.caller, req));
      json::Value list = json::Value::MakeArray();
      for (const auto& run : page.runs) {
        list.Append(s.format == OutputFormat::kJson ? RenderRun(run) : RunRow(run));
      }
      PrintValue(out, s.format, list, {"run_id", "run_name", "status", "start_time", "metrics"});
      return Status::OK();
    }
    if (*verb == "get") {
      KEEL_ASSIGN_OR_RETURN(std::string id, args.Positional("run id"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto run, svc.GetRun(s.caller, id));
      PrintValue(out, s.format, RenderRun(run));
      return Status::OK();
    }
    if (*verb == "compare") {
      // One row per param and metric key, one column per run.
      std::vector<tracking::Run> runs;
      while (auto id = args.OptionalPositional()) {
        KEEL_ASSIGN_OR_RETURN(auto run, svc.GetRun(s.caller, *id));
        runs.push_back(std::move(run));
      }
      KEEL_RETURN_IF_ERROR(args.Finish());
      if (runs.size() < 2) return Status::InvalidArgument("name at least two run ids to compare");
      std::map<std::string, std::vector<std::string>> rows;  // "params.x" -> one cell per run
      for (size_t i = 0; i < runs.size(); ++i) {
        for (const auto& p : runs[i].params) {
          rows["params." + p.key].resize(runs.size());
          rows["params." + p.key][i] = p.value;
        }
        for (const auto& m : runs[i].metrics) {
          rows["metrics." + m.key].resize(runs.size());
          rows["metrics." + m.key][i] = json::Value(m.value).Dump();
        }
      }
      std::vector<std::string> columns = {"key"};
      for (const auto& run : runs) columns.push_back(run.info.run_name + " (" + run.info.run_id.substr(0, 8) + ")");
      json::Value table = json::Value::MakeArray();
      for (const auto& [key, cells] : rows) {
        json::Value row;
        row.Set("key", key);
        for (size_t i = 0; i < runs.size(); ++i) row.Set(columns[i + 1], cells[i]);
        table.Append(std::move(row));
      }
      PrintValue(out, s.format, table, columns);
      return Status::OK();
    }
    return Status::InvalidArgument("unknown command 'keel runs " + *verb + "'");
  });
}

// keel artifacts list RUN_ID [PATH] | download RUN_ID PATH [--to FILE] |
//                upload RUN_ID FILE [--path DEST]
int RunArtifactsCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << "usage: keel artifacts list|download|upload RUN_ID ...\n";
    return 2;
  }
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    tracking::TrackingService& svc = *s.ws.tracking;
    KEEL_ASSIGN_OR_RETURN(std::string run_id, args.Positional("run id"));
    if (*verb == "list") {
      std::string path = args.OptionalPositional().value_or("");
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(auto listing, svc.ListRunArtifacts(s.caller, run_id, path));
      json::Value files = json::Value::MakeArray();
      for (const auto& e : listing.files) {
        json::Value f;
        f.Set("path", e.path);
        f.Set("is_dir", e.is_dir);
        f.Set("file_size", e.file_size);
        files.Append(std::move(f));
      }
      PrintValue(out, s.format, files, {"path", "is_dir", "file_size"});
      return Status::OK();
    }
    if (*verb == "download") {
      KEEL_ASSIGN_OR_RETURN(std::string path, args.Positional("artifact path"));
      KEEL_ASSIGN_OR_RETURN(auto to, args.Flag("to"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(std::string data, svc.DownloadRunArtifact(s.caller, run_id, path));
      if (!to) {
        out << data;
        return Status::OK();
      }
      return FileSystem::Default()->WriteFileAtomic(*to, data);
    }
    if (*verb == "upload") {
      KEEL_ASSIGN_OR_RETURN(std::string file, args.Positional("local file"));
      KEEL_ASSIGN_OR_RETURN(auto dest, args.Flag("path"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      KEEL_ASSIGN_OR_RETURN(std::string data, FileSystem::Default()->ReadFile(file));
      std::string name = file.substr(file.find_last_of('/') + 1);
      return svc.UploadRunArtifact(s.caller, run_id, dest ? *dest + "/" + name : name, data);
    }
    return Status::InvalidArgument("unknown command 'keel artifacts " + *verb + "'");
  });
}

}  // namespace keel::cli

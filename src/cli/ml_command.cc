// keel train | tune | evaluate | profile | automl | predict: the development stage of the
// workflow (ml/train/), recorded in tracking under the caller's grants.

#include <unistd.h>

#include <ostream>

#include "cli/commands.h"
#include "cli/job_runtime.h"
#include "cli/output.h"
#include "cli/workspace.h"
#include "ml/sample/sample_data.h"
#include "ml/train/automl.h"
#include "ml/train/trainer.h"
#include "ml/train/workflows.h"

namespace keel::cli {

namespace {

constexpr std::string_view kTrainUsage =
    "usage: keel train [SPEC.yaml] [--table CAT.SCH.TABLE] [--version N] [--label COL]\n"
    "                  [--problem classification|regression] [--algorithm xgboost|linear]\n"
    "                  [--features a,b,c] [--param NAME=VALUE]... [--metric M] [--seed N]\n"
    "                  [--early-stopping-rounds N] [--experiment NAME] [--run-name NAME]\n"
    "                  [--register CAT.SCH.MODEL]\n"
    "  Trains a model on a table version and logs it to a tracking run (see docs/ml.md).\n";
constexpr std::string_view kTuneUsage =
    "usage: keel tune SPEC.yaml [--strategy random|grid|tpe] [--max-trials N] [--timeout 10m]\n"
    "                 [--parallelism N] [train's flags]\n"
    "  Searches the spec's tune.search_space; every trial is a child run.\n";
constexpr std::string_view kEvaluateUsage =
    "usage: keel evaluate MODEL_URI CAT.SCH.TABLE [--version N] [--label COL] [--slice COL]...\n"
    "                     [--baseline MODEL_URI] [--experiment NAME] [--run-name NAME]\n";
constexpr std::string_view kProfileUsage =
    "usage: keel profile CAT.SCH.TABLE [--version N] [--label COL] [--top-k N] [--bins N]\n"
    "                    [--experiment NAME]\n";
constexpr std::string_view kAutomlUsage =
    "usage: keel automl CAT.SCH.TABLE --target COL --problem classification|regression\n"
    "                   [--timeout 10m] [--max-trials N] [--metric M] [--seed N]\n"
    "                   [--parallelism N] [--version N] [--experiment NAME]\n"
    "                   [--register CAT.SCH.MODEL]\n";
constexpr std::string_view kPredictUsage =
    "usage: keel predict MODEL_URI CAT.SCH.TABLE --output CAT.SCH.TABLE [--version N]\n"
    "                    [--mode append|overwrite] [--format text|json]\n";

constexpr std::string_view kSampleUsage =
    "usage: keel sample-data churn|rent --table CAT.SCH.TABLE [--rows N] [--seed N]\n"
    "                        [--mode overwrite|append]\n"
    "  Writes realistic generated rows (the same for a seed) to a table: churn is a\n"
    "  classification dataset (label churned), rent a regression one (label rent).\n";

std::string WorkingDirectory() {
  char buf[4096];
  return getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : std::string();
}

ml::MlContext Context(Session& s, std::string source_name) {
  ml::MlContext ctx;
  ctx.tables = s.ws.tables.get();
  ctx.tracking = s.ws.tracking.get();
  ctx.registry = s.ws.registry.get();
  ctx.fs = FileSystem::Default();
  ctx.caller = s.caller;
  ctx.source_dir = WorkingDirectory();
  ctx.source_name = std::move(source_name);
  ctx.scratch_root = s.ws.config.home + "/tmp";
  return ctx;
}

json::Value Metrics(const ml::MetricList& metrics) {
  json::Value out = json::Value::MakeObject();
  for (const auto& [key, value] : metrics) out.Set(key, value);
  return out;
}

std::string MetricsText(const ml::MetricList& metrics) {
  std::string out;
  for (const auto& [key, value] : metrics) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.4f", value);
    out += (out.empty() ? "" : "  ") + key + "=" + buf;
  }
  return out;
}

json::Value TrainJson(const ml::TrainResult& r) {
  json::Value out = json::Value::MakeObject();
  out.Set("run_id", r.run_id);
  out.Set("experiment_id", r.experiment_id);
  out.Set("model_uri", r.model_uri);
  out.Set("table_version", r.table_version);
  out.Set("objective", r.objective);
  out.Set("validation_metrics", Metrics(r.validation_metrics));
  out.Set("test_metrics", Metrics(r.test_metrics));
  if (r.registered_version) out.Set("registered_version", *r.registered_version);
  return out;
}

// What a `keel train` job task hands to later tasks: the run, the model URI (the registered
// version when there is one), the table version, and test metrics as test_<name>.
json::Value TrainTaskValues(const ml::TrainResult& r, const std::string& register_as) {
  json::Value v = json::Value::MakeObject();
  v.Set("run_id", r.run_id);
  v.Set("table_version", r.table_version);
  if (r.registered_version) {
    v.Set("model_uri", "models:/" + register_as + "/" + std::to_string(*r.registered_version));
    v.Set("registered_version", *r.registered_version);
  } else {
    v.Set("model_uri", r.model_uri);
  }
  for (const auto& [key, value] : r.test_metrics) {
    v.Set(key.rfind("test_", 0) == 0 ? key : "test_" + key, value);
  }
  return v;
}

void PrintTrain(std::ostream& out, const ml::TrainResult& r, const std::string& register_as) {
  out << "run " << r.run_id << " (experiment " << r.experiment_id << "), table version "
      << r.table_version << "\n";
  if (!r.validation_metrics.empty())
    out << "validation: " << MetricsText(r.validation_metrics) << "\n";
  if (!r.test_metrics.empty()) out << "test:       " << MetricsText(r.test_metrics) << "\n";
  if (!r.model_uri.empty()) out << "model: " << r.model_uri << "\n";
  if (r.registered_version) {
    out << "registered " << register_as << " version " << *r.registered_version << "\n";
  } else if (!r.model_uri.empty()) {
    out << "register it: keel models register CAT.SCH.MODEL --source " << r.model_uri << "\n";
  }
}

Result<std::optional<int64_t>> VersionFlag(Args& args) { return args.IntFlag("version"); }

// The spec from the optional file, with the command-line flags applied over it.
Result<ml::TrainingSpec> SpecFromArgs(Args& args, bool require_file) {
  ml::TrainingSpec spec;
  bool have_file = false;
  if (std::optional<std::string> path = args.OptionalPositional()) {
    auto text = FileSystem::Default()->ReadFile(*path);
    if (!text.ok()) {
      return Status::InvalidArgument("cannot read the spec file " + *path + ": " +
                                     text.status().message());
    }
    auto parsed = ml::ParseTrainingSpecText(*text);
    if (!parsed.ok()) return Status::InvalidArgument(*path + ": " + parsed.status().message());
    spec = std::move(*parsed);
    have_file = true;
  }
  if (require_file && !have_file)
    return Status::InvalidArgument("give the spec file: keel tune SPEC.yaml");
  KEEL_ASSIGN_OR_RETURN(auto table, args.Flag("table"));
  if (table) spec.table = *table;
  KEEL_ASSIGN_OR_RETURN(auto version, VersionFlag(args));
  if (version) spec.version = *version;
  KEEL_ASSIGN_OR_RETURN(auto label, args.Flag("label"));
  if (label) spec.label = *label;
  KEEL_ASSIGN_OR_RETURN(auto problem, args.Flag("problem"));
  if (problem) {
    KEEL_ASSIGN_OR_RETURN(spec.problem, ml::ParseProblemType(*problem));
  } else if (!have_file) {
    return Status::InvalidArgument("say --problem classification or --problem regression");
  }
  KEEL_ASSIGN_OR_RETURN(auto algorithm, args.Flag("algorithm"));
  if (algorithm) {
    KEEL_ASSIGN_OR_RETURN(spec.algorithm, ml::ParseAlgorithm(*algorithm));
  }
  KEEL_ASSIGN_OR_RETURN(auto features, args.Flag("features"));
  if (features) spec.features = SplitCommaList(*features);
  KEEL_ASSIGN_OR_RETURN(std::vector<std::string> params, RepeatedFlag(args, "param"));
  for (const std::string& p : params) {
    KEEL_ASSIGN_OR_RETURN(auto kv, SplitAssignment(p, "--param"));
    ml::SetParam(&spec, kv.first, kv.second);
  }
  KEEL_ASSIGN_OR_RETURN(auto metric, args.Flag("metric"));
  if (metric) spec.metric = *metric;
  KEEL_ASSIGN_OR_RETURN(auto seed, args.IntFlag("seed"));
  if (seed) spec.seed = static_cast<uint64_t>(*seed);
  KEEL_ASSIGN_OR_RETURN(auto early, args.IntFlag("early-stopping-rounds"));
  if (early) spec.early_stopping_rounds = static_cast<int>(*early);
  KEEL_ASSIGN_OR_RETURN(auto experiment, args.Flag("experiment"));
  if (experiment) spec.experiment = *experiment;
  KEEL_ASSIGN_OR_RETURN(auto run_name, args.Flag("run-name"));
  if (run_name) spec.run_name = *run_name;
  KEEL_ASSIGN_OR_RETURN(auto register_as, args.Flag("register"));
  if (register_as) spec.register_as = *register_as;
  return spec;
}

int Usage(Args& args, std::ostream& out, std::ostream& err, std::string_view usage) {
  if (args.BoolFlag("help")) {
    out << usage;
    return 0;
  }
  return -1;
}

}  // namespace

int RunTrainCommand(Args& args, std::ostream& out, std::ostream& err) {
  if (int rc = Usage(args, out, err, kTrainUsage); rc >= 0) return rc;
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    KEEL_ASSIGN_OR_RETURN(ml::TrainingSpec spec, SpecFromArgs(args, false));
    KEEL_RETURN_IF_ERROR(args.Finish());
    ml::MlContext ctx = Context(s, "keel train");
    KEEL_ASSIGN_OR_RETURN(ml::TrainResult r, ml::Train(ctx, spec));
    PublishTaskValues(s, TrainTaskValues(r, spec.register_as), err);
    if (s.format == OutputFormat::kJson) {
      PrintValue(out, s.format, TrainJson(r));
    } else {
      PrintTrain(out, r, spec.register_as);
    }
    return Status::OK();
  });
}

int RunTuneCommand(Args& args, std::ostream& out, std::ostream& err) {
  if (int rc = Usage(args, out, err, kTuneUsage); rc >= 0) return rc;
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    KEEL_ASSIGN_OR_RETURN(ml::TrainingSpec spec, SpecFromArgs(args, true));
    KEEL_ASSIGN_OR_RETURN(auto strategy, args.Flag("strategy"));
    if (strategy) {
      KEEL_ASSIGN_OR_RETURN(spec.tune.strategy, ml::ParseSearchStrategy(*strategy));
    }
    KEEL_ASSIGN_OR_RETURN(auto max_trials, args.IntFlag("max-trials"));
    if (max_trials)
      spec.tune.max_trials =
          static_cast<int>(std::clamp<int64_t>(*max_trials, 0, ml::kMaxTuneTrials + 1));
    KEEL_ASSIGN_OR_RETURN(auto timeout, args.Flag("timeout"));
    if (timeout) {
      KEEL_ASSIGN_OR_RETURN(spec.tune.timeout_seconds, ml::ParseDurationSeconds(*timeout));
    }
    KEEL_ASSIGN_OR_RETURN(auto parallelism, args.IntFlag("parallelism"));
    if (parallelism)
      spec.tune.parallelism = static_cast<int>(std::clamp<int64_t>(*parallelism, 0, 1024));
    KEEL_RETURN_IF_ERROR(args.Finish());
    ml::MlContext ctx = Context(s, "keel tune");
    KEEL_ASSIGN_OR_RETURN(ml::TuneResultSummary r, ml::Tune(ctx, spec));
    json::Value doc = json::Value::MakeObject();
    doc.Set("run_id", r.run_id);
    doc.Set("experiment_id", r.experiment_id);
    doc.Set("trials", r.trials);
    doc.Set("failed_trials", r.failed_trials);
    doc.Set("best_params", r.best_params);
    doc.Set("best", TrainJson(r.best));
    if (s.format == OutputFormat::kJson) {
      PrintValue(out, s.format, doc);
      return Status::OK();
    }
    out << "tuning run " << r.run_id << ": " << r.trials << " trials (" << r.failed_trials
        << " failed)\nbest params: " << r.best_params.Dump() << "\nbest ";
    PrintTrain(out, r.best, spec.register_as);
    return Status::OK();
  });
}

int RunEvaluateCommand(Args& args, std::ostream& out, std::ostream& err) {
  if (int rc = Usage(args, out, err, kEvaluateUsage); rc >= 0) return rc;
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    ml::EvaluateRequest request;
    KEEL_ASSIGN_OR_RETURN(request.model_uri, args.Positional("MODEL_URI"));
    KEEL_ASSIGN_OR_RETURN(request.table, args.Positional("TABLE"));
    KEEL_ASSIGN_OR_RETURN(request.version, VersionFlag(args));
    KEEL_ASSIGN_OR_RETURN(request.label, args.FlagOr("label", ""));
    KEEL_ASSIGN_OR_RETURN(request.slice_columns, RepeatedFlag(args, "slice"));
    KEEL_ASSIGN_OR_RETURN(request.baseline_uri, args.FlagOr("baseline", ""));
    KEEL_ASSIGN_OR_RETURN(request.experiment, args.FlagOr("experiment", ""));
    KEEL_ASSIGN_OR_RETURN(request.run_name, args.FlagOr("run-name", ""));
    KEEL_RETURN_IF_ERROR(args.Finish());
    ml::MlContext ctx = Context(s, "keel evaluate");
    KEEL_ASSIGN_OR_RETURN(ml::EvaluateResult r, ml::EvaluateModel(ctx, request));
    if (s.format == OutputFormat::kJson) {
      json::Value doc = r.report;
      doc.Set("run_id", r.run_id);
      PrintValue(out, s.format, doc);
      return Status::OK();
    }
    out << "evaluation run " << r.run_id << " on " << request.table << " version "
        << r.table_version << "\nmodel:    " << MetricsText(r.metrics) << "\n";
    if (!r.baseline_metrics.empty()) out << "baseline: " << MetricsText(r.baseline_metrics) << "\n";
    if (!request.slice_columns.empty()) {
      out << "per-slice metrics: evaluation/report.json of the run\n";
    }
    return Status::OK();
  });
}

int RunProfileCommand(Args& args, std::ostream& out, std::ostream& err) {
  if (int rc = Usage(args, out, err, kProfileUsage); rc >= 0) return rc;
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    ml::ProfileRequest request;
    KEEL_ASSIGN_OR_RETURN(request.table, args.Positional("TABLE"));
    KEEL_ASSIGN_OR_RETURN(request.version, VersionFlag(args));
    KEEL_ASSIGN_OR_RETURN(request.options.label_column, args.FlagOr("label", ""));
    KEEL_ASSIGN_OR_RETURN(auto top_k, args.IntFlag("top-k"));
    if (top_k) request.options.top_k = static_cast<int>(std::clamp<int64_t>(*top_k, 0, 1000000));
    KEEL_ASSIGN_OR_RETURN(auto bins, args.IntFlag("bins"));
    if (bins)
      request.options.histogram_bins = static_cast<int>(std::clamp<int64_t>(*bins, 0, 1000000));
    KEEL_ASSIGN_OR_RETURN(request.experiment, args.FlagOr("experiment", ""));
    KEEL_RETURN_IF_ERROR(args.Finish());
    ml::MlContext ctx = Context(s, "keel profile");
    KEEL_ASSIGN_OR_RETURN(ml::ProfileResult r, ml::ProfileTable(ctx, request));
    if (s.format == OutputFormat::kJson) {
      json::Value doc = r.profile.ToJson();
      doc.Set("run_id", r.run_id);
      doc.Set("table_version", r.table_version);
      PrintValue(out, s.format, doc);
      return Status::OK();
    }
    out << request.table << " version " << r.table_version << ": " << r.profile.num_rows
        << " rows, " << r.profile.columns.size() << " columns (profile run " << r.run_id << ")\n";
    json::Value rows = json::Value::MakeArray();
    for (const ml::ColumnProfile& c : r.profile.columns) {
      json::Value row = json::Value::MakeObject();
      row.Set("column", c.name);
      row.Set("type", c.type);
      row.Set("nulls", c.nulls);
      row.Set("distinct", (c.distinct_approximate ? "~" : "") + std::to_string(c.distinct));
      auto fmt = [](const std::optional<double>& v) {
        if (!v) return std::string();
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.4g", *v);
        return std::string(buf);
      };
      row.Set("min", fmt(c.min));
      row.Set("max", fmt(c.max));
      row.Set("mean", fmt(c.mean));
      row.Set("corr_label", fmt(c.label_correlation));
      rows.Append(std::move(row));
    }
    PrintValue(out, s.format, rows,
               {"column", "type", "nulls", "distinct", "min", "max", "mean", "corr_label"});
    out << "report: profile/profile.html in the run's artifacts (keel artifacts download "
        << r.run_id << " profile/profile.html --dest DIR)\n";
    return Status::OK();
  });
}

int RunAutomlCommand(Args& args, std::ostream& out, std::ostream& err) {
  if (int rc = Usage(args, out, err, kAutomlUsage); rc >= 0) return rc;
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    ml::AutomlRequest request;
    KEEL_ASSIGN_OR_RETURN(request.table, args.Positional("TABLE"));
    KEEL_ASSIGN_OR_RETURN(auto target, args.Flag("target"));
    if (!target) return Status::InvalidArgument("say which column to predict: --target COL");
    request.target = *target;
    KEEL_ASSIGN_OR_RETURN(auto problem, args.Flag("problem"));
    if (!problem) {
      return Status::InvalidArgument("say --problem classification or --problem regression");
    }
    KEEL_ASSIGN_OR_RETURN(request.problem, ml::ParseProblemType(*problem));
    KEEL_ASSIGN_OR_RETURN(std::string timeout, args.FlagOr("timeout", "10m"));
    KEEL_ASSIGN_OR_RETURN(request.timeout_seconds, ml::ParseDurationSeconds(timeout));
    KEEL_ASSIGN_OR_RETURN(auto max_trials, args.IntFlag("max-trials"));
    if (max_trials)
      request.max_trials =
          static_cast<int>(std::clamp<int64_t>(*max_trials, 0, ml::kMaxTuneTrials));
    KEEL_ASSIGN_OR_RETURN(request.metric, args.FlagOr("metric", ""));
    KEEL_ASSIGN_OR_RETURN(auto seed, args.IntFlag("seed"));
    if (seed) request.seed = static_cast<uint64_t>(*seed);
    KEEL_ASSIGN_OR_RETURN(auto parallelism, args.IntFlag("parallelism"));
    if (parallelism)
      request.parallelism = static_cast<int>(std::clamp<int64_t>(*parallelism, 1, 1024));
    KEEL_ASSIGN_OR_RETURN(request.version, VersionFlag(args));
    KEEL_ASSIGN_OR_RETURN(request.experiment, args.FlagOr("experiment", ""));
    KEEL_ASSIGN_OR_RETURN(request.register_as, args.FlagOr("register", ""));
    KEEL_RETURN_IF_ERROR(args.Finish());
    ml::MlContext ctx = Context(s, "keel automl");
    KEEL_ASSIGN_OR_RETURN(ml::AutomlResult r, ml::RunAutoml(ctx, request));
    if (s.format == OutputFormat::kJson) {
      json::Value doc = json::Value::MakeObject();
      doc.Set("run_id", r.run_id);
      doc.Set("experiment_id", r.experiment_id);
      doc.Set("trials", r.trials);
      doc.Set("failed_trials", r.failed_trials);
      doc.Set("best_algorithm", r.best_algorithm);
      doc.Set("best_params", r.best_params);
      doc.Set("best", TrainJson(r.best));
      PrintValue(out, s.format, doc);
      return Status::OK();
    }
    out << "automl run " << r.run_id << " (experiment " << r.experiment_id << "): " << r.trials
        << " trials, " << r.failed_trials << " failed\nbest: " << r.best_algorithm << " "
        << r.best_params.Dump() << "\n";
    PrintTrain(out, r.best, request.register_as);
    return Status::OK();
  });
}

int RunPredictCommand(Args& args, std::ostream& out, std::ostream& err) {
  if (int rc = Usage(args, out, err, kPredictUsage); rc >= 0) return rc;
  return RunOrPrintError(err, [&]() -> Status {
    // --output names the output table here; --format picks text or json.
    KEEL_ASSIGN_OR_RETURN(auto output_table, args.Flag("output"));
    KEEL_ASSIGN_OR_RETURN(std::string format, args.FlagOr("format", "text"));
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    if (format != "text" && format != "json") {
      return Status::InvalidArgument("--format must be text or json");
    }
    ml::PredictRequest request;
    KEEL_ASSIGN_OR_RETURN(request.model_uri, args.Positional("MODEL_URI"));
    KEEL_ASSIGN_OR_RETURN(request.table, args.Positional("TABLE"));
    if (!output_table) return Status::InvalidArgument("say where to write: --output CAT.SCH.TABLE");
    request.output_table = *output_table;
    KEEL_ASSIGN_OR_RETURN(request.version, VersionFlag(args));
    KEEL_ASSIGN_OR_RETURN(std::string mode, args.FlagOr("mode", "append"));
    if (mode != "append" && mode != "overwrite") {
      return Status::InvalidArgument("--mode must be append or overwrite");
    }
    request.overwrite = mode == "overwrite";
    KEEL_RETURN_IF_ERROR(args.Finish());
    ml::MlContext ctx = Context(s, "keel predict");
    KEEL_ASSIGN_OR_RETURN(ml::PredictResult r, ml::PredictTable(ctx, request));
    if (format == "json") {
      json::Value doc = json::Value::MakeObject();
      doc.Set("rows", r.rows);
      doc.Set("input_version", r.input_version);
      doc.Set("output_table", request.output_table);
      doc.Set("output_version", r.output_version);
      doc.Set("created", r.created);
      PrintValue(out, OutputFormat::kJson, doc);
      return Status::OK();
    }
    out << "wrote " << r.rows << " predictions of " << request.model_uri << " on " << request.table
        << " version " << r.input_version << " to " << request.output_table << " version "
        << r.output_version << (r.created ? " (created)" : "") << "\n";
    return Status::OK();
  });
}

}  // namespace keel::cli

namespace keel::cli {

int RunSampleDataCommand(Args& args, std::ostream& out, std::ostream& err) {
  if (int rc = Usage(args, out, err, kSampleUsage); rc >= 0) return rc;
  return RunOrPrintError(err, [&]() -> Status {
    KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
    KEEL_ASSIGN_OR_RETURN(std::string name, args.Positional("DATASET (churn or rent)"));
    KEEL_ASSIGN_OR_RETURN(auto table, args.Flag("table"));
    if (!table) return Status::InvalidArgument("say where to write: --table CAT.SCH.TABLE");
    KEEL_ASSIGN_OR_RETURN(auto rows, args.IntFlag("rows"));
    KEEL_ASSIGN_OR_RETURN(auto seed, args.IntFlag("seed"));
    KEEL_ASSIGN_OR_RETURN(std::string mode, args.FlagOr("mode", "overwrite"));
    if (mode != "append" && mode != "overwrite") {
      return Status::InvalidArgument("--mode must be overwrite or append");
    }
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(batch::RecordBatch data,
                          ml::GenerateSampleData(name, rows.value_or(5000),
                                                 static_cast<uint64_t>(seed.value_or(42))));
    ml::MlContext ctx = Context(s, "keel sample-data");
    bool created = false;
    KEEL_ASSIGN_OR_RETURN(int64_t version,
                          ml::WriteOrCreateTable(ctx, *table, data, mode == "overwrite",
                                                 "Keel sample data: " + name, &created));
    out << "wrote " << data.num_rows << " rows of " << name << " to " << *table << " version "
        << version << (created ? " (created)" : "") << "\n";
    return Status::OK();
  });
}

}  // namespace keel::cli

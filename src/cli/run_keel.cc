#include <ostream>
#include <string_view>

#include "cli/commands.h"

namespace keel::cli {

namespace {

struct CommandEntry {
  std::string_view name;
  CommandFn run;
  std::string_view summary;
};

// The command table: `keel <name> ...` runs `run`; `keel help` prints the summaries.
constexpr CommandEntry kCommands[] = {
    {"init", RunInitCommand, "create a workspace (catalogs dev/staging/prod, groups, grants)"},
    {"server", RunServerCommand, "serve the REST API: keel server [--host H] [--port P]"},
    {"catalogs", RunCatalogsCommand, "create|list|get|update|delete catalogs"},
    {"schemas", RunSchemasCommand, "create|list|get|update|delete schemas (CATALOG.SCHEMA)"},
    {"volumes", RunVolumesCommand, "create|list|get|update|delete volumes (CAT.SCH.VOL)"},
    {"tables", RunTablesCommand, "create|list|describe|read|write|ingest|... managed tables"},
    {"grants", RunGrantsCommand, "get|update|effective TYPE NAME: privileges on an object"},
    {"principals", RunPrincipalsCommand, "users, groups and service principals"},
    {"tokens", RunTokensCommand, "create|list|revoke personal access tokens"},
    {"experiments", RunExperimentsCommand, "list|get|create|delete|restore MLflow experiments"},
    {"runs", RunRunsCommand, "search|get|compare runs: keel runs search EXP_ID --filter F"},
    {"artifacts", RunArtifactsCommand, "list|download|upload artifacts of a run"},
    {"models", RunModelsCommand, "create|list|describe|register|alias|lineage|... registry"},
    {"sample-data", RunSampleDataCommand, "churn|rent --table T: write generated sample rows"},
    {"profile", RunProfileCommand, "profile TABLE: column statistics, logged as JSON and HTML"},
    {"automl", RunAutomlCommand, "automl TABLE --target COL --problem P: baselines and search"},
    {"train", RunTrainCommand, "train SPEC.yaml: train, evaluate and log a model (xgboost|linear)"},
    {"tune", RunTuneCommand, "tune SPEC.yaml: hyperparameter search, trials as child runs"},
    {"evaluate", RunEvaluateCommand, "evaluate MODEL_URI TABLE: metrics, slices, baseline"},
    {"predict", RunPredictCommand, "predict MODEL_URI TABLE --output TABLE: batch scoring"},
    {"jobs", RunJobsCommand, "create|list|get|run-now|runs ...: multi-task jobs and their runs"},
    {"task-values", RunTaskValuesCommand, "set KEY JSON | get --task T KEY: values between tasks"},
    {"bundle", RunBundleCommand, "validate|deploy|run|destroy -t TARGET: jobs as code (keel.yml)"},
    {"parquet", RunParquetCommand, "schema|meta|cat FILE: inspect Parquet files"},
    {"delta", RunDeltaCommand, "describe|cat|history PATH: inspect Delta tables"},
};

void PrintHelp(std::ostream& out) {
  out << "keel " KEEL_VERSION " - an MLOps lakehouse in one binary\n\n"
      << "usage: keel <command> [args] [--home DIR] [--output text|json]\n\ncommands:\n";
  for (const auto& c : kCommands) {
    out << "  " << c.name << std::string(13 - c.name.size(), ' ') << c.summary << "\n";
  }
  out << "\nEvery command takes --home DIR (default $KEEL_HOME or ~/.keel). See docs/cli.md.\n";
}

}  // namespace

int RunKeel(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  if (words.empty() || words[0] == "help" || words[0] == "--help" || words[0] == "-h") {
    PrintHelp(words.empty() ? err : out);
    return words.empty() ? 2 : 0;
  }
  if (words[0] == "version" || words[0] == "--version") {
    out << "keel " KEEL_VERSION "\n";
    return 0;
  }
  for (const auto& c : kCommands) {
    if (c.name == words[0]) {
      Args args(std::vector<std::string>(words.begin() + 1, words.end()));
      return c.run(args, out, err);
    }
  }
  err << "Error: unknown command '" << words[0] << "'; run 'keel help'\n";
  return 2;
}

}  // namespace keel::cli

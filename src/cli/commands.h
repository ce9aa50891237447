#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/args.h"

namespace keel::cli {

// Every `keel <area>` command has this shape: it reads its words from `args` (the words after
// the area name), writes results to `out` and messages to `err`, and returns the process exit
// code (0 success, 1 an error the user can act on, 2 a usage error).
using CommandFn = int (*)(Args& args, std::ostream& out, std::ostream& err);

// One per area, each in its own <area>_command.cc.
int RunInitCommand(Args& args, std::ostream& out, std::ostream& err);
int RunServerCommand(Args& args, std::ostream& out, std::ostream& err);
int RunJobsCommand(Args& args, std::ostream& out, std::ostream& err);
int RunTaskValuesCommand(Args& args, std::ostream& out, std::ostream& err);
int RunBundleCommand(Args& args, std::ostream& out, std::ostream& err);
int RunCatalogsCommand(Args& args, std::ostream& out, std::ostream& err);
int RunSchemasCommand(Args& args, std::ostream& out, std::ostream& err);
int RunVolumesCommand(Args& args, std::ostream& out, std::ostream& err);
int RunTablesCommand(Args& args, std::ostream& out, std::ostream& err);
int RunGrantsCommand(Args& args, std::ostream& out, std::ostream& err);
int RunPrincipalsCommand(Args& args, std::ostream& out, std::ostream& err);
int RunTokensCommand(Args& args, std::ostream& out, std::ostream& err);
int RunParquetCommand(Args& args, std::ostream& out, std::ostream& err);
int RunDeltaCommand(Args& args, std::ostream& out, std::ostream& err);
int RunExperimentsCommand(Args& args, std::ostream& out, std::ostream& err);
int RunRunsCommand(Args& args, std::ostream& out, std::ostream& err);
int RunArtifactsCommand(Args& args, std::ostream& out, std::ostream& err);
int RunModelsCommand(Args& args, std::ostream& out, std::ostream& err);
int RunTrainCommand(Args& args, std::ostream& out, std::ostream& err);
int RunTuneCommand(Args& args, std::ostream& out, std::ostream& err);
int RunEvaluateCommand(Args& args, std::ostream& out, std::ostream& err);
int RunProfileCommand(Args& args, std::ostream& out, std::ostream& err);
int RunAutomlCommand(Args& args, std::ostream& out, std::ostream& err);
int RunPredictCommand(Args& args, std::ostream& out, std::ostream& err);
int RunSampleDataCommand(Args& args, std::ostream& out, std::ostream& err);

// Runs `keel <words...>` (what main does; tests call it in-process).
int RunKeel(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);

}  // namespace keel::cli

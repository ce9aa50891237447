#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.h"
#include "common/json.h"

namespace keel::cli {

enum class OutputFormat { kText, kJson };

// Takes `--output text|json` (default text).
Result<OutputFormat> TakeOutputFormat(Args& args);

// Prints `value` as pretty JSON (kJson) or, for kText, as `text_columns` of each element of the
// list (a table with a header), or key: value lines for an object.
void PrintValue(std::ostream& out, OutputFormat format, const json::Value& value,
                const std::vector<std::string>& text_columns = {});

// Prints "Error: <message>" and returns the exit code for the status (2 for usage errors,
// 1 otherwise).
int PrintError(std::ostream& err, const Status& status);

// Runs `body` (returning Status) and turns an error into the printed message and exit code.
template <typename Fn>
int RunOrPrintError(std::ostream& err, Fn&& body) {
  Status s = body();
  return s.ok() ? 0 : PrintError(err, s);
}

// `keel <area> VERB ...`: without a verb prints `usage` and returns 2; otherwise runs
// run(verb, args, out) and turns an error into the printed message and exit code.
int RunVerbCommand(Args& args, std::ostream& out, std::ostream& err, std::string_view usage,
                   Status (*run)(const std::string& verb, Args& args, std::ostream& out));

// Splits "a,b,c" (empty -> {}).
std::vector<std::string> SplitCommaList(const std::string& s);

}  // namespace keel::cli

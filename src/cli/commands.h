#pragma once

#include <iosfwd>

#include "cli/args.h"

namespace keel::cli {

// Every `keel <area>` command has this shape: it reads its words from `args` (the words after
// the area name), writes results to `out` and messages to `err`, and returns the process exit
// code (0 success, 1 an error the user can act on, 2 a usage error).
using CommandFn = int (*)(Args& args, std::ostream& out, std::ostream& err);

// One per area, each in its own <area>_command.cc.
int RunParquetCommand(Args& args, std::ostream& out, std::ostream& err);

}  // namespace keel::cli

#pragma once

// For test binaries only: CMake defines KEEL_SOURCE_DIR for them, not for the keel_testutil
// library, so this header must not be included from testutil/*.cc.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "testutil/keel_process.h"

#ifndef KEEL_SOURCE_DIR
#error "testutil/node_interop.h is for test binaries, which CMake gives KEEL_SOURCE_DIR"
#endif

namespace keel::testutil {

// tests/interop: the node scripts that drive third-party readers (DuckDB) as test oracles, and
// their node_modules (installed by scripts/install-deps).
inline std::string InteropDir() { return std::string(KEEL_SOURCE_DIR) + "/tests/interop"; }

// Whether node and @duckdb/node-api are installed; when not, *why says what to do. Interop
// tests GTEST_SKIP with that reason (a visible skip, never a silent pass).
inline bool NodeInteropAvailable(std::string* why) {
  if (std::system("command -v node > /dev/null 2>&1") != 0) {
    *why = "node is not installed";
    return false;
  }
  if (!std::filesystem::exists(InteropDir() + "/node_modules/@duckdb/node-api")) {
    *why = "tests/interop/node_modules lacks @duckdb/node-api; run scripts/install-deps";
    return false;
  }
  return true;
}

// Runs `node tests/interop/<script> args...` (see RunProcess).
inline Result<ProcessResult> RunInteropScript(const std::string& script,
                                              const std::vector<std::string>& args,
                                              const RunOptions& options = {}) {
  std::vector<std::string> argv = {"node", InteropDir() + "/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess("/usr/bin/env", argv, options);
}

}  // namespace keel::testutil

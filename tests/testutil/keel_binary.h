#pragma once

// For test binaries only: CMake defines KEEL_BINARY (the path of the built `keel`) for them,
// not for the keel_testutil library, so this header must not be included from testutil/*.cc.

#include <string>
#include <vector>

#include "testutil/keel_process.h"

#ifndef KEEL_BINARY
#error "testutil/keel_binary.h is for test binaries, which CMake gives KEEL_BINARY"
#endif

namespace keel::testutil {

// The path of the `keel` executable built alongside the tests.
inline std::string KeelBinary() { return KEEL_BINARY; }

// Runs `keel args...` (see RunProcess).
inline Result<ProcessResult> RunKeel(const std::vector<std::string>& args,
                                     const RunOptions& options = {}) {
  return RunProcess(KeelBinary(), args, options);
}

// Options for a KeelServer of the built binary with `home` as --home.
inline KeelServerOptions DefaultKeelServerOptions(const std::string& home) {
  KeelServerOptions options;
  options.binary = KeelBinary();
  options.home = home;
  return options;
}

}  // namespace keel::testutil

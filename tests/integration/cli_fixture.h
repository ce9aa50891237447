#pragma once

// Runs the real `keel` binary against a fresh KEEL_HOME in a temp directory (the CLI contract
// tests).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testutil/keel_binary.h"
#include "testutil/temp_dir.h"

namespace keel::integration {

class CliTest : public ::testing::Test {
 protected:
  // `keel <args> --home <home_>`; fails the test when the process cannot be run.
  testutil::ProcessResult Keel(std::vector<std::string> args) {
    args.push_back("--home");
    args.push_back(home_);
    auto r = testutil::RunKeel(args);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : testutil::ProcessResult{};
  }

  testutil::TempDir dir_;
  std::string home_ = dir_.path() + "/ws";
};

}  // namespace keel::integration

#include "cli/args.h"

#include <gtest/gtest.h>

namespace keel::cli {
namespace {

TEST(ArgsTest, FlagValuesAreNeverTakenAsPositionals) {
  Args args({"--home", "/tmp/h", "create", "dev.x", "--comment=c", "--force"});
  EXPECT_EQ(*args.OptionalPositional(), "create");
  EXPECT_EQ(*args.OptionalPositional(), "dev.x");
  EXPECT_FALSE(args.OptionalPositional().has_value());
  EXPECT_EQ(**args.Flag("home"), "/tmp/h");
  EXPECT_EQ(**args.Flag("comment"), "c");
  EXPECT_TRUE(args.BoolFlag("force"));
  EXPECT_TRUE(args.Finish().ok());
}

TEST(ArgsTest, ValuelessFlagsBeforeAPositionalDoNotSwallowIt) {
  Args args({"vacuum", "--dry-run", "dev.default.m", "--home", "H"});
  EXPECT_EQ(*args.OptionalPositional(), "vacuum");
  EXPECT_EQ(*args.OptionalPositional(), "dev.default.m");
  EXPECT_TRUE(args.BoolFlag("dry-run"));
  // A boolean flag the command read first owns no value either, whatever its name.
  Args taken({"write", "--some-switch", "dev.t"});
  EXPECT_EQ(*taken.OptionalPositional(), "write");
  EXPECT_TRUE(taken.BoolFlag("some-switch"));
  EXPECT_EQ(*taken.OptionalPositional(), "dev.t");
}

TEST(ArgsTest, LeftoverFlagsAndWordsAreErrors) {
  Args typo({"list", "--colour", "red"});
  EXPECT_EQ(*typo.OptionalPositional(), "list");
  EXPECT_FALSE(typo.Finish().ok());
  Args extra({"get", "a", "b"});
  EXPECT_EQ(*extra.Positional("verb"), "get");
  EXPECT_EQ(*extra.Positional("name"), "a");
  EXPECT_EQ(extra.Finish().code(), ErrorCode::kInvalidParameterValue);
  Args missing({"--port"});
  EXPECT_FALSE(missing.Flag("port").ok());
  Args not_int({"--port", "http"});
  EXPECT_FALSE(not_int.IntFlag("port").ok());
}

TEST(ArgsTest, DoubleDashEndsFlags) {
  Args args({"cat", "--", "--weird-file-name"});
  EXPECT_EQ(*args.OptionalPositional(), "cat");
  EXPECT_EQ(*args.OptionalPositional(), "--weird-file-name");
}

}  // namespace
}  // namespace keel::cli

#include "common/json.h"

#include <gtest/gtest.h>

#include <cmath>

namespace keel::json {
namespace {

TEST(JsonTest, ParsesAndDumpsNestedDocumentsStably) {
  auto v = Parse(R"( {"a": [1, 2.5, "x", true, null], "b": {"c": -7}} )");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->Dump(), R"({"a":[1,2.5,"x",true,null],"b":{"c":-7}})");
  EXPECT_EQ(v->Find("b")->Find("c")->as_int(), -7);
}

TEST(JsonTest, DecodesEscapesAndSurrogatePairs) {
  auto v = Parse(R"("a\n\u00e9\ud83d\ude00\"")");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_string(), "a\n\xc3\xa9\xf0\x9f\x98\x80\"");
  EXPECT_EQ(v->Dump(), "\"a\\n\xc3\xa9\xf0\x9f\x98\x80\\\"\"");
}

TEST(JsonTest, RefusesMalformedInputWithOffset) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "tru", "[1] 2",
                          "\"\xff\"", "\"\\ud800\"", "\"a\nb\"", "{\"a\":}", "nul", "-"}) {
    auto v = Parse(bad);
    EXPECT_FALSE(v.ok()) << bad;
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), ErrorCode::kMalformedRequest) << bad;
    }
  }
}

TEST(JsonTest, RefusesDeepNestingInsteadOfOverflowingTheStack) {
  std::string deep(100000, '[');
  auto v = Parse(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("nesting"), std::string::npos);
}

TEST(JsonTest, IntegersStayIntegersAndHugeOnesBecomeDoubles) {
  EXPECT_TRUE(Parse("9223372036854775807")->is_int());
  EXPECT_TRUE(Parse("9223372036854775808")->is_double());
  EXPECT_TRUE(Parse("1e400")->is_double());
  EXPECT_EQ(Value(1.0).Dump(), "1.0");
}

TEST(JsonTest, NanAndInfinityRoundTripAsPythonWritesThem) {
  auto v = Parse("[NaN, Infinity, -Infinity]");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(std::isnan(v->as_array()[0].as_double()));
  EXPECT_EQ(v->Dump(), "[NaN,Infinity,-Infinity]");
}

TEST(FieldReaderTest, ReportsMissingAndWrongTypedFieldsByName) {
  auto v = Parse(R"({"name": 5, "flag": true, "n": "12"})");
  ASSERT_TRUE(v.ok());
  auto f = FieldReader::Make(*v);
  ASSERT_TRUE(f.ok());
  auto name = f->RequiredString("name");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(name.status().message().find("'name'"), std::string::npos);
  EXPECT_FALSE(f->RequiredString("other").ok());
  EXPECT_EQ(**f->OptionalInt("n"), 12);  // protobuf JSON sends int64 as strings
  EXPECT_FALSE(f->RejectUnknown({"name", "flag"}).ok());
  EXPECT_TRUE(f->RejectUnknown({"name", "flag", "n"}).ok());
  EXPECT_FALSE(FieldReader::Make(Value(3)).ok());
}

}  // namespace
}  // namespace keel::json

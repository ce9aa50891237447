#include "ml/tune/search_space.h"

#include <gtest/gtest.h>

#include <string>

#include "common/json.h"

namespace keel::ml {
namespace {

json::Value ParseJson(const std::string& text) {
  Result<json::Value> v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString() << " in " << text;
  return v.ok() ? *v : json::Value();
}

TEST(SearchSpaceTest, ParsesEveryKindInTheOrderGiven) {
  Result<SearchSpace> space = SearchSpace::FromJson(ParseJson(R"({
      "max_depth": {"type": "int", "low": 2, "high": 8},
      "eta": {"type": "loguniform", "low": 0.001, "high": 0.3},
      "subsample": {"type": "uniform", "low": 0.5, "high": 1.0},
      "booster": {"type": "choice", "values": ["gbtree", "dart"]}})"));
  ASSERT_TRUE(space.ok()) << space.status().ToString();
  ASSERT_EQ(space->params.size(), 4u);
  EXPECT_EQ(space->params[0].name, "max_depth");
  EXPECT_EQ(space->params[0].kind, ParamKind::kInt);
  EXPECT_EQ(space->params[0].low, 2);
  EXPECT_EQ(space->params[0].high, 8);
  EXPECT_EQ(space->params[1].name, "eta");
  EXPECT_EQ(space->params[1].kind, ParamKind::kLogUniform);
  EXPECT_DOUBLE_EQ(space->params[1].low, 0.001);
  EXPECT_DOUBLE_EQ(space->params[1].high, 0.3);
  EXPECT_EQ(space->params[2].kind, ParamKind::kUniform);
  EXPECT_EQ(space->params[3].name, "booster");
  EXPECT_EQ(space->params[3].kind, ParamKind::kChoice);
  ASSERT_EQ(space->params[3].choices.size(), 2u);
  EXPECT_EQ(space->params[3].choices[0], json::Value("gbtree"));
  EXPECT_EQ(space->params[3].choices[1], json::Value("dart"));
}

TEST(SearchSpaceTest, BareListIsShorthandForChoice) {
  Result<SearchSpace> space =
      SearchSpace::FromJson(ParseJson(R"({"booster": ["gbtree", "dart", 3, null]})"));
  ASSERT_TRUE(space.ok()) << space.status().ToString();
  ASSERT_EQ(space->params.size(), 1u);
  EXPECT_EQ(space->params[0].kind, ParamKind::kChoice);
  ASSERT_EQ(space->params[0].choices.size(), 4u);
  EXPECT_EQ(space->params[0].choices[2], json::Value(3));
  EXPECT_TRUE(space->params[0].choices[3].is_null());
}

TEST(SearchSpaceTest, IntBoundsWrittenAsWholeDoublesAreAccepted) {
  Result<SearchSpace> space =
      SearchSpace::FromJson(ParseJson(R"({"n": {"type": "int", "low": 2.0, "high": 2}})"));
  ASSERT_TRUE(space.ok()) << space.status().ToString();
  EXPECT_EQ(space->params[0].low, 2);
  EXPECT_EQ(space->params[0].high, 2);
}

TEST(SearchSpaceTest, ToJsonRoundTrips) {
  json::Value spec = ParseJson(R"({
      "n": {"type": "int", "low": -3, "high": 8},
      "eta": {"type": "loguniform", "low": 0.001, "high": 0.3},
      "c": ["a", "b"]})");
  Result<SearchSpace> space = SearchSpace::FromJson(spec);
  ASSERT_TRUE(space.ok());
  json::Value out = space->ToJson();
  EXPECT_EQ(out.Dump(), R"({"n":{"type":"int","low":-3,"high":8},)"
                        R"("eta":{"type":"loguniform","low":0.001,"high":0.3},)"
                        R"("c":{"type":"choice","values":["a","b"]}})");
  Result<SearchSpace> again = SearchSpace::FromJson(out);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToJson(), out);
}

struct BadSpace {
  const char* json;
  const char* message_part;  // the error must contain it
};

class SearchSpaceErrorTest : public ::testing::TestWithParam<BadSpace> {};

TEST_P(SearchSpaceErrorTest, IsRefusedWithAMessageNamingTheProblem) {
  Result<SearchSpace> space = SearchSpace::FromJson(ParseJson(GetParam().json));
  ASSERT_FALSE(space.ok()) << GetParam().json;
  EXPECT_EQ(space.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(space.status().message().find(GetParam().message_part), std::string::npos)
      << space.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    EveryError, SearchSpaceErrorTest,
    ::testing::Values(
        BadSpace{R"([1, 2])", "must be an object"}, BadSpace{R"({})", "search space is empty"},
        BadSpace{R"({"eta": {"type": "normal", "low": 0, "high": 1}})",
                 "'eta': unknown type 'normal'"},
        BadSpace{R"({"eta": {"low": 0, "high": 1}})", "'eta': missing 'type'"},
        BadSpace{R"({"eta": {"type": 3, "low": 0, "high": 1}})", "'eta': 'type' must be"},
        BadSpace{R"({"eta": {"type": "uniform", "low": 0}})", "'eta': missing 'high'"},
        BadSpace{R"({"eta": {"type": "uniform", "high": 1}})", "'eta': missing 'low'"},
        BadSpace{R"({"eta": {"type": "uniform", "low": null, "high": 1}})", "'eta': missing 'low'"},
        BadSpace{R"({"eta": {"type": "uniform", "low": "0", "high": 1}})",
                 "'eta': 'low' must be a number"},
        BadSpace{R"({"eta": {"type": "uniform", "low": NaN, "high": 1}})",
                 "'eta': 'low' must be finite"},
        BadSpace{R"({"eta": {"type": "loguniform", "low": 1, "high": Infinity}})",
                 "'eta': 'high' must be finite"},
        BadSpace{R"({"eta": {"type": "uniform", "low": 2, "high": 1}})",
                 "'eta': low (2) is greater than high (1)"},
        BadSpace{R"({"eta": {"type": "loguniform", "low": 0, "high": 1}})",
                 "'eta': loguniform needs low > 0"},
        BadSpace{R"({"eta": {"type": "loguniform", "low": -1, "high": 1}})",
                 "'eta': loguniform needs low > 0"},
        BadSpace{R"({"depth": {"type": "int", "low": 1.5, "high": 4}})",
                 "'depth': int bounds must be integers"},
        BadSpace{R"({"depth": {"type": "int", "low": 1, "high": 4.25}})",
                 "'depth': int bounds must be integers"},
        BadSpace{R"({"depth": {"type": "int", "low": 5, "high": 4}})", "holds no integer"},
        BadSpace{R"({"depth": {"type": "int", "low": 0, "high": 1e300}})", "within +-2^53"},
        BadSpace{R"({"booster": []})", "'booster': the choice has no values"},
        BadSpace{R"({"booster": {"type": "choice", "values": []}})",
                 "'booster': the choice has no values"},
        BadSpace{R"({"booster": {"type": "choice"}})", "'booster': missing 'values'"},
        BadSpace{R"({"booster": {"type": "choice", "values": "gbtree"}})",
                 "'booster': 'values' must be a list"},
        BadSpace{R"({"eta": {"type": "uniform", "lo": 0, "low": 0, "high": 1}})",
                 "'eta': unknown member 'lo'"},
        BadSpace{R"({"booster": {"type": "choice", "values": [1], "low": 0}})",
                 "'booster': unknown member 'low'"},
        BadSpace{R"({"eta": 0.1})", "'eta': expected an object"}));

TEST(SearchSpaceTest, DuplicateNamesAreRefused) {
  // The JSON parser keeps the last of repeated keys, so build the object directly, as a caller
  // converting YAML might.
  json::Value::Object members;
  members.emplace_back("eta", json::Value(json::Value::Array{1, 2}));
  members.emplace_back("eta", json::Value(json::Value::Array{3}));
  Result<SearchSpace> space = SearchSpace::FromJson(json::Value(std::move(members)));
  ASSERT_FALSE(space.ok());
  EXPECT_EQ(space.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(space.status().message().find("'eta': named twice"), std::string::npos)
      << space.status().message();
}

TEST(SearchSpaceTest, MoreThanTheParameterLimitIsRefused) {
  json::Value spec = json::Value::MakeObject();
  for (size_t i = 0; i < kMaxSearchSpaceParams; ++i) {
    spec.Set("p" + std::to_string(i), json::Value(json::Value::Array{1, 2}));
  }
  ASSERT_TRUE(SearchSpace::FromJson(spec).ok());
  spec.Set("one_too_many", json::Value(json::Value::Array{1}));
  Result<SearchSpace> space = SearchSpace::FromJson(spec);
  ASSERT_FALSE(space.ok());
  EXPECT_EQ(space.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(space.status().message().find("65 parameters, more than the limit of 64"),
            std::string::npos)
      << space.status().message();
}

TEST(SearchSpaceTest, ChoiceLongerThanTheLimitIsRefused) {
  json::Value::Array values;
  for (size_t i = 0; i <= kMaxChoiceValues; ++i) values.emplace_back(static_cast<int>(i));
  json::Value spec = json::Value::MakeObject();
  spec.Set("c", json::Value(std::move(values)));
  Result<SearchSpace> space = SearchSpace::FromJson(spec);
  ASSERT_FALSE(space.ok());
  EXPECT_NE(space.status().message().find("'c': the choice has 1001 values"), std::string::npos)
      << space.status().message();
}

}  // namespace
}  // namespace keel::ml

#include "tracking/search_filter.h"

#include <gtest/gtest.h>

namespace keel::tracking {
namespace {

std::string ValueOf(std::string_view filter) {
  auto f = ParseFilter(filter, SearchEntity::kRuns);
  EXPECT_TRUE(f.ok()) << filter << ": " << f.status().ToString();
  return f.ok() && !f->clauses.empty() ? f->clauses[0].value.text : "<error>";
}

TEST(SearchFilterTest, QuotedValuesKeepEverythingButTheOuterQuotesAsMlflowDoes) {
  EXPECT_EQ(ValueOf(R"(params.p = 'C:\data\x')"), R"(C:\data\x)");
  EXPECT_EQ(ValueOf("params.p = 'it''s'"), "it''s");
  EXPECT_EQ(ValueOf(R"(params.p = 'a\'b')"), R"(a\'b)");
  EXPECT_EQ(ValueOf(R"(params.p = "x")"), "x");
}

TEST(SearchFilterTest, RunNameAliasesNormalise) {
  for (const char* f : {"attributes.`Run name` = 'x'", "attributes.`Run Name` = 'x'",
                        "run_name = 'x'", "attributes.run_name = 'x'"}) {
    auto parsed = ParseFilter(f, SearchEntity::kRuns);
    ASSERT_TRUE(parsed.ok()) << f << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->clauses[0].key, "run_name") << f;
  }
}

TEST(SearchFilterTest, LikeUnderscoreMatchesOneWholeCharacter) {
  EXPECT_TRUE(MatchesLike("\xc3\xa9", "_", false));          // é is one character
  EXPECT_TRUE(MatchesLike("caf\xc3\xa9!", "caf_!", false));
  EXPECT_FALSE(MatchesLike("caf\xc3\xa9", "caf__", false));
  EXPECT_TRUE(MatchesLike("\xc3\xa9t\xc3\xa9", "%t_", false));
  EXPECT_TRUE(MatchesLike("abc", "a%", false));
  EXPECT_FALSE(MatchesLike("ABC", "a%", false));
  EXPECT_TRUE(MatchesLike("ABC", "a%", true));
  EXPECT_TRUE(MatchesLike("a%b", "a%b", false));
}

TEST(SearchFilterTest, OrderByLongerThanTheLimitIsRefused) {
  std::string long_key = "metrics." + std::string(kMaxOrderByBytes, 'k');
  EXPECT_EQ(ParseOrderBy(long_key, SearchEntity::kRuns).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_TRUE(ParseOrderBy("metrics.`a b` DESC", SearchEntity::kRuns).ok());
}

}  // namespace
}  // namespace keel::tracking

#include "registry/model_uri.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace keel::registry {
namespace {

// The error of a URI that must be refused (kInvalidParameterValue); its message.
std::string Refused(std::string_view uri) {
  auto parsed = ParseModelUri(uri);
  EXPECT_FALSE(parsed.ok()) << "'" << uri << "' was accepted";
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidParameterValue) << uri;
  return parsed.status().message();
}

ModelUri Parsed(std::string_view uri) {
  auto parsed = ParseModelUri(uri);
  EXPECT_TRUE(parsed.ok()) << uri << ": " << parsed.status().ToString();
  return parsed.ok() ? *parsed : ModelUri{};
}

TEST(ModelUriTest, ParsesAFixedVersion) {
  ModelUri u = Parsed("models:/dev.default.churn/3");
  EXPECT_EQ(u.name, "dev.default.churn");
  ASSERT_TRUE(u.version.has_value());
  EXPECT_EQ(*u.version, 3);
  EXPECT_TRUE(u.alias.empty());
  EXPECT_FALSE(u.latest);
  EXPECT_TRUE(u.logged_model_id.empty());
  EXPECT_TRUE(u.sub_path.empty());
}

TEST(ModelUriTest, ParsesAnAlias) {
  ModelUri u = Parsed("models:/dev.default.churn@champion");
  EXPECT_EQ(u.name, "dev.default.churn");
  EXPECT_EQ(u.alias, "champion");
  EXPECT_FALSE(u.version.has_value());
  EXPECT_FALSE(u.latest);
}

TEST(ModelUriTest, ParsesLatestInAnyCase) {
  for (std::string_view uri :
       {"models:/a.b.c/latest", "models:/a.b.c/LATEST", "models:/a.b.c/Latest"}) {
    ModelUri u = Parsed(uri);
    EXPECT_TRUE(u.latest) << uri;
    EXPECT_EQ(u.name, "a.b.c") << uri;
    EXPECT_FALSE(u.version.has_value()) << uri;
  }
}

TEST(ModelUriTest, ParsesALoggedModelIdAndNothingElse) {
  ModelUri u = Parsed("models:/m-0123456789abcdef");
  EXPECT_EQ(u.logged_model_id, "m-0123456789abcdef");
  EXPECT_TRUE(u.name.empty());
  EXPECT_FALSE(u.version.has_value());
  EXPECT_TRUE(u.alias.empty());
  EXPECT_FALSE(u.latest);
}

TEST(ModelUriTest, ADottedNameStartingWithMDashIsARegisteredModel) {
  // "m-" only means a logged model when the rest is not a three-level name.
  EXPECT_NE(Refused("models:/m-cat.sch.model").find("no version or alias"), std::string::npos);
  ModelUri u = Parsed("models:/m-cat.sch.model/2");
  EXPECT_EQ(u.name, "m-cat.sch.model");
  EXPECT_EQ(u.version, 2);
  EXPECT_TRUE(u.logged_model_id.empty());
}

TEST(ModelUriTest, KeepsTheSubPathAfterAVersionOrAlias) {
  ModelUri v = Parsed("models:/a.b.c/7/data/model.pkl");
  EXPECT_EQ(v.version, 7);
  EXPECT_EQ(v.sub_path, "data/model.pkl");
  ModelUri a = Parsed("models:/a.b.c@prod/MLmodel");
  EXPECT_EQ(a.alias, "prod");
  EXPECT_EQ(a.sub_path, "MLmodel");
  ModelUri l = Parsed("models:/a.b.c/latest/x");
  EXPECT_TRUE(l.latest);
  EXPECT_EQ(l.sub_path, "x");
}

TEST(ModelUriTest, ExtraLeadingSlashesAreIgnored) {
  ModelUri u = Parsed("models:///a.b.c/1");
  EXPECT_EQ(u.name, "a.b.c");
  EXPECT_EQ(u.version, 1);
  EXPECT_EQ(Parsed("models://a.b.c@x").alias, "x");
}

TEST(ModelUriTest, StageNamesAreRefusedWithAPointerToAliases) {
  for (std::string_view stage : {"Production", "Staging", "Archived", "None", "production"}) {
    std::string message = Refused("models:/dev.default.churn/" + std::string(stage));
    EXPECT_NE(message.find("stage"), std::string::npos) << message;
    EXPECT_NE(message.find("alias"), std::string::npos) << message;
    EXPECT_NE(message.find(stage), std::string::npos) << message;
  }
}

TEST(ModelUriTest, ReservedAliasesAreRefused) {
  for (std::string_view alias : {"latest", "LATEST", "v1", "V12", "v0"}) {
    std::string message = Refused("models:/a.b.c@" + std::string(alias));
    EXPECT_NE(message.find("reserved"), std::string::npos) << alias << ": " << message;
  }
}

TEST(ModelUriTest, AliasesWithBadCharactersAreRefused) {
  for (std::string_view alias : {"a.b", "has space", "a$b", "x:y", "caf\xc3\xa9"}) {
    std::string message = Refused("models:/a.b.c@" + std::string(alias));
    EXPECT_NE(message.find("letters, digits"), std::string::npos) << alias << ": " << message;
  }
  EXPECT_NE(Refused("models:/a.b.c@").find("1-255"), std::string::npos);
}

TEST(ModelUriTest, UrisWithoutTheSchemeOrAModelAreRefused) {
  EXPECT_NE(Refused("").find("models:/"), std::string::npos);
  EXPECT_NE(Refused("runs:/abc/model").find("must start with models:/"), std::string::npos);
  EXPECT_NE(Refused("Models:/a.b.c/1").find("must start with models:/"), std::string::npos);
  EXPECT_NE(Refused("models:/").find("no version or alias"), std::string::npos);
  EXPECT_NE(Refused("models:/a.b.c").find("no version or alias"), std::string::npos);
  EXPECT_NE(Refused("models:/@champion").find("name is empty"), std::string::npos);
  // A trailing slash names nothing.
  EXPECT_NE(Refused("models:/a.b.c/").find("names no version or alias"), std::string::npos);
}

TEST(ModelUriTest, HugeInputIsRefusedWithoutEchoingItAll) {
  std::string huge = "models:/" + std::string(100000, 'x') + "/1";
  std::string message = Refused(huge);
  EXPECT_NE(message.find("too long"), std::string::npos);
  EXPECT_LT(message.size(), 1000u);
  // Under the limit, a long name parses (the catalog validates names later).
  std::string long_name = "a.b." + std::string(3000, 'c');
  EXPECT_EQ(Parsed("models:/" + long_name + "/1").name, long_name);
}

TEST(ModelUriTest, VersionZeroAndOverflowingVersionsAreRefused) {
  EXPECT_NE(Refused("models:/a.b.c/0").find("positive integer"), std::string::npos);
  EXPECT_NE(Refused("models:/a.b.c/9223372036854775808").find("positive integer"),
            std::string::npos);
  EXPECT_NE(Refused("models:/a.b.c/99999999999999999999999").find("positive integer"),
            std::string::npos);
  EXPECT_EQ(Parsed("models:/a.b.c/9223372036854775807").version, INT64_MAX);
  // A signed number is a bad version, not a stage.
  EXPECT_NE(Refused("models:/a.b.c/-1").find("positive integer"), std::string::npos);
  EXPECT_NE(Refused("models:/a.b.c/+1").find("positive integer"), std::string::npos);
}

TEST(ModelUriTest, FormatGivesBackEachForm) {
  for (std::string_view uri : {"models:/dev.default.churn/3", "models:/dev.default.churn@champion",
                               "models:/dev.default.churn/latest", "models:/m-0123abc",
                               "models:/a.b.c/7/data/model.pkl", "models:/a.b.c@prod/MLmodel"}) {
    EXPECT_EQ(FormatModelUri(Parsed(uri)), uri);
  }
  // Normalised forms.
  EXPECT_EQ(FormatModelUri(Parsed("models:///a.b.c/1")), "models:/a.b.c/1");
  EXPECT_EQ(FormatModelUri(Parsed("models:/a.b.c/LATEST")), "models:/a.b.c/latest");
  EXPECT_EQ(FormatModelUri(Parsed("models:/a.b.c/007")), "models:/a.b.c/7");
}

TEST(ModelUriTest, FormatOfAStructNamesTheAliasBeforeTheVersion) {
  ModelUri u;
  u.name = "a.b.c";
  u.version = 2;
  u.alias = "champ";
  EXPECT_EQ(FormatModelUri(u), "models:/a.b.c@champ");
  u.alias.clear();
  EXPECT_EQ(FormatModelUri(u), "models:/a.b.c/2");
  u.version.reset();
  EXPECT_EQ(FormatModelUri(u), "models:/a.b.c/latest");
}

TEST(ParseVersionNumberTest, AcceptsPositiveDecimalIntegers) {
  EXPECT_EQ(*ParseVersionNumber("1"), 1);
  EXPECT_EQ(*ParseVersionNumber("42"), 42);
  EXPECT_EQ(*ParseVersionNumber("9223372036854775807"), INT64_MAX);
}

TEST(ParseVersionNumberTest, RefusesEverythingElseQuotingTheInput) {
  for (std::string_view text :
       {"", "0", "-1", "+1", " 1", "1 ", "1a", "0x10", "1.0", "1e3", "9223372036854775808",
        "18446744073709551616", "99999999999999999999999999"}) {
    auto v = ParseVersionNumber(text);
    ASSERT_FALSE(v.ok()) << "'" << text << "' was accepted";
    EXPECT_EQ(v.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_NE(v.status().message().find("'" + std::string(text) + "'"), std::string::npos)
        << v.status().message();
  }
  // Huge input is quoted only in part.
  auto huge = ParseVersionNumber(std::string(10000, '9'));
  ASSERT_FALSE(huge.ok());
  EXPECT_LT(huge.status().message().size(), 500u);
}

TEST(ValidateAliasTest, AcceptsLettersDigitsUnderscoresAndDashes) {
  for (std::string_view alias :
       {"champion", "Challenger_2", "a-b", "v", "vx1", "v1a", "version1", "latest2", "1", "_"}) {
    EXPECT_TRUE(ValidateAlias(alias).ok()) << alias << ": " << ValidateAlias(alias).ToString();
  }
  EXPECT_TRUE(ValidateAlias(std::string(255, 'a')).ok());
}

TEST(ValidateAliasTest, RefusesReservedNames) {
  for (std::string_view alias : {"latest", "LATEST", "Latest", "v1", "V12", "v007"}) {
    Status s = ValidateAlias(alias);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidParameterValue) << alias;
    EXPECT_NE(s.message().find("reserved"), std::string::npos) << s.message();
  }
}

TEST(ValidateAliasTest, RefusesEmptyHugeAndBadCharacters) {
  EXPECT_EQ(ValidateAlias("").code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ValidateAlias(std::string(256, 'a')).code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ValidateAlias(std::string(1 << 20, 'a')).code(), ErrorCode::kInvalidParameterValue);
  for (std::string_view alias :
       std::vector<std::string_view>{"a b", "a.b", "a/b", "a@b", "tab\t",
                                     std::string_view("\0x", 2), "\xff", "caf\xc3\xa9"}) {
    Status s = ValidateAlias(alias);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidParameterValue) << alias;
    EXPECT_NE(s.message().find("letters, digits"), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace keel::registry

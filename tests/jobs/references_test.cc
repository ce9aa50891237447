#include "jobs/references.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace keel::jobs {
namespace {

std::vector<std::string> Texts(std::string_view text) {
  auto refs = FindReferences(text);
  EXPECT_TRUE(refs.ok()) << refs.status().ToString();
  std::vector<std::string> out;
  if (refs.ok()) {
    for (const Reference& r : *refs) out.push_back(r.text);
  }
  return out;
}

void ExpectRefused(std::string_view text, std::string_view message_part) {
  auto refs = FindReferences(text);
  ASSERT_FALSE(refs.ok()) << "accepted: " << text;
  EXPECT_EQ(refs.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(refs.status().message().find(message_part), std::string::npos)
      << refs.status().message();
}

Result<std::string> Resolve(const Reference& ref) {
  static const std::map<std::string, std::string> kValues = {
      {"job.id", "7"},
      {"job.run_id", "42"},
      {"job.parameters.catalog", "prod"},
      {"tasks.train.values.model_uri", "models:/dev.ml.churn/3"},
      {"task.execution_count", "2"}};
  auto it = kValues.find(ref.text);
  if (it == kValues.end()) return Status::NotFound("no value for " + ref.text);
  return it->second;
}

TEST(ReferencesTest, FindsEveryDocumentedFormInOrder) {
  EXPECT_EQ(Texts("{{job.id}}{{job.name}}{{job.run_id}}{{job.parameters.catalog}}"
                  "{{job.trigger.type}}{{job.start_time.iso_datetime}}"),
            (std::vector<std::string>{"job.id", "job.name", "job.run_id", "job.parameters.catalog",
                                      "job.trigger.type", "job.start_time.iso_datetime"}));
  EXPECT_EQ(Texts("a {{task.name}} b {{task.run_id}} c {{task.execution_count}}"),
            (std::vector<std::string>{"task.name", "task.run_id", "task.execution_count"}));
  EXPECT_EQ(Texts("{{tasks.train.values.model_uri}} {{tasks.train.result_state}} "
                  "{{tasks.train-2.run_id}}"),
            (std::vector<std::string>{"tasks.train.values.model_uri", "tasks.train.result_state",
                                      "tasks.train-2.run_id"}));
}

TEST(ReferencesTest, SplitsAReferenceIntoItsParts) {
  auto refs = FindReferences("uri={{tasks.train.values.model_uri}}");
  ASSERT_TRUE(refs.ok());
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ((*refs)[0].parts, (std::vector<std::string>{"tasks", "train", "values", "model_uri"}));
}

TEST(ReferencesTest, AllowsWhitespaceInsideTheBracesAndTrimsIt) {
  EXPECT_EQ(Texts("{{ job.id }} {{\tjob.run_id\t}}"),
            (std::vector<std::string>{"job.id", "job.run_id"}));
}

TEST(ReferencesTest, TextWithoutReferencesHasNone) {
  EXPECT_TRUE(Texts("").empty());
  EXPECT_TRUE(Texts("plain text with { braces } and }} closers").empty());
}

TEST(ReferencesTest, ABackslashBeforeTheBracesMakesThemLiteral) {
  EXPECT_TRUE(Texts("\\{{job.id}}").empty());
  EXPECT_EQ(Texts("\\{{not a ref}} but {{job.id}}"), (std::vector<std::string>{"job.id"}));
}

TEST(ReferencesTest, RefusesAnUnclosedReference) {
  ExpectRefused("run {{job.id", "unclosed '{{'");
  ExpectRefused("{{job.id} }", "unclosed");
}

TEST(ReferencesTest, RefusesAnEmptyReference) {
  ExpectRefused("{{}}", "empty reference");
  ExpectRefused("{{   }}", "empty reference");
}

TEST(ReferencesTest, RefusesUnknownNamespacesNamingThem) {
  ExpectRefused("{{secrets.token}}", "'secrets' is not a namespace");
  ExpectRefused("{{run.id}}", "unknown reference '{{run.id}}'");
}

TEST(ReferencesTest, RefusesUnknownFormsOfKnownNamespaces) {
  ExpectRefused("{{job.owner}}", "unknown reference '{{job.owner}}'");
  ExpectRefused("{{job.parameters}}", "unknown reference");
  ExpectRefused("{{job.parameters.a.b}}", "unknown reference");
  ExpectRefused("{{job.start_time.year}}", "unknown reference");
  ExpectRefused("{{task.values.x}}", "unknown reference");
  ExpectRefused("{{tasks.train}}", "unknown reference");
  ExpectRefused("{{tasks.train.values}}", "unknown reference");
  ExpectRefused("{{tasks.train.output}}", "unknown reference");
}

TEST(ReferencesTest, RefusesEmptyPartsAndOddCharacters) {
  ExpectRefused("{{job..id}}", "an empty name between dots");
  ExpectRefused("{{tasks.train.values.}}", "an empty name between dots");
  ExpectRefused("{{tasks.tr ain.run_id}}", "names hold only letters");
  ExpectRefused("{{ {{job.id}} }}", "names hold only letters");
}

TEST(ReferencesTest, RefusesAnOverlongReference) {
  ExpectRefused("{{job.parameters." + std::string(2000, 'a') + "}}", "longer than 1024 bytes");
}

TEST(ReferencesTest, ErrorsListTheKnownForms) {
  ExpectRefused("{{job.owner}}", "{{tasks.<task_key>.values.<key>}}");
}

TEST(ReferencesTest, SubstitutesEveryReference) {
  auto out = SubstituteReferences(
      "--model {{tasks.train.values.model_uri}} --catalog={{ job.parameters.catalog }} "
      "run {{job.run_id}}/{{job.id}} try {{task.execution_count}}",
      Resolve);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, "--model models:/dev.ml.churn/3 --catalog=prod run 42/7 try 2");
}

TEST(ReferencesTest, SubstitutionKeepsEscapedBracesAsLiteralText) {
  auto out = SubstituteReferences("\\{{job.id}} is {{job.id}}; a\\b stays", Resolve);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "{{job.id}} is 7; a\\b stays");
}

TEST(ReferencesTest, SubstitutionDoesNotRescanResolvedValues) {
  auto out = SubstituteReferences("{{job.id}}", [](const Reference&) -> Result<std::string> {
    return std::string("{{job.run_id}}");
  });
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "{{job.run_id}}");
}

TEST(ReferencesTest, SubstitutionReturnsTheResolversError) {
  auto out = SubstituteReferences("{{job.id}} {{job.name}}", Resolve);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_NE(out.status().message().find("job.name"), std::string::npos);
}

TEST(ReferencesTest, SubstitutionStopsAtTheFirstMalformedReference) {
  int calls = 0;
  auto out = SubstituteReferences("{{job.id}} {{job.bogus}}",
                                  [&calls](const Reference&) -> Result<std::string> {
                                    ++calls;
                                    return std::string("x");
                                  });
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_LE(calls, 1);
}

}  // namespace
}  // namespace keel::jobs

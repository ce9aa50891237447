#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/json.h"

namespace keel::cli {
namespace {

struct CommandRun {
  int code;
  std::string out;
  std::string err;
};

CommandRun Keel(std::vector<std::string> words) {
  std::ostringstream out, err;
  int code = RunKeel(words, out, err);
  return {code, out.str(), err.str()};
}

// The table root of a case of shared/conformance/delta.
std::string Table(const std::string& name) {
  return std::string(KEEL_SOURCE_DIR) + "/../shared/conformance/delta/" + name + "/delta";
}

std::vector<json::Value> JsonLines(const std::string& text) {
  std::vector<json::Value> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto v = json::Parse(line);
    EXPECT_TRUE(v.ok()) << line;
    if (v.ok()) rows.push_back(std::move(v).value());
  }
  return rows;
}

json::Value ParseJson(const std::string& text) {
  auto v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? std::move(v).value() : json::Value();
}

TEST(DeltaCommandTest, DescribeShowsVersionProtocolSchemaAndCounts) {
  auto r = Keel({"delta", "describe", Table("basic_append_time_travel"), "--output", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json::Value d = ParseJson(r.out);
  EXPECT_EQ(d.Find("version")->as_int(), 2);
  EXPECT_EQ(d.Find("min_reader_version")->as_int(), 1);
  EXPECT_EQ(d.Find("min_writer_version")->as_int(), 2);
  EXPECT_EQ(d.Find("num_files")->as_int(), 6);
  ASSERT_TRUE(d.Find("num_records")->is_int()) << r.out;
  EXPECT_EQ(d.Find("num_records")->as_int(), 30);
  EXPECT_EQ(d.Find("partition_columns")->size(), 0u);
  EXPECT_EQ(d.Find("id")->as_string(), "d49dc19d-c206-4b38-be18-d8b7bdb07a07");
  EXPECT_EQ(d.Find("created_time")->as_int(), 1603724019791);
  EXPECT_EQ(d.Find("timestamp_ms")->as_int(), 1603724022561);
  EXPECT_EQ(d.Find("timestamp")->as_string(), "2020-10-26T14:53:42.561000Z");
  EXPECT_TRUE(d.Find("checkpoint_version")->is_null());
  EXPECT_TRUE(d.Find("properties")->is_object());
  const json::Value* schema = d.Find("schema");
  ASSERT_TRUE(schema->is_object()) << r.out;
  EXPECT_EQ(schema->Find("type")->as_string(), "struct");
  EXPECT_EQ(schema->Find("fields")->as_array()[0].Find("name")->as_string(), "id");
  EXPECT_EQ(d.Find("reader_features"), nullptr);
}

TEST(DeltaCommandTest, DescribeTextPrintsKeyValueLines) {
  auto r = Keel({"delta", "describe", Table("basic_append_time_travel")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("version: 2\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("schema: struct<id:long>\n"), std::string::npos) << r.out;
}

TEST(DeltaCommandTest, DescribeShowsPartitionColumnsAndFeatures) {
  auto r = Keel({"delta", "describe", Table("partition_special_chars"), "--output=json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json::Value d = ParseJson(r.out);
  ASSERT_EQ(d.Find("partition_columns")->size(), 1u);
  EXPECT_EQ(d.Find("partition_columns")->as_array()[0].as_string(), "x");
}

TEST(DeltaCommandTest, CatReadsTheLatestVersionAndTimeTravels) {
  auto latest = Keel({"delta", "cat", Table("basic_append_time_travel")});
  ASSERT_EQ(latest.code, 0) << latest.err;
  EXPECT_EQ(JsonLines(latest.out).size(), 30u);

  auto v0 = Keel({"delta", "cat", Table("basic_append_time_travel"), "--version", "0"});
  ASSERT_EQ(v0.code, 0) << v0.err;
  auto rows = JsonLines(v0.out);
  ASSERT_EQ(rows.size(), 10u);
  int64_t sum = 0;
  for (const auto& row : rows) sum += row.Find("id")->as_int();
  EXPECT_EQ(sum, 45);  // ids 0..9

  auto v1 = Keel({"delta", "cat", Table("basic_append_time_travel"), "--version=1"});
  ASSERT_EQ(v1.code, 0) << v1.err;
  EXPECT_EQ(JsonLines(v1.out).size(), 20u);
}

TEST(DeltaCommandTest, CatAtATimestampReadsTheVersionCommittedByThen) {
  // commit_timestamps_ms of the manifest: v0 1603724019870, v1 1603724021190, v2 1603724022561.
  struct Case {
    const char* timestamp;
    size_t rows;
  } cases[] = {{"2020-10-26T14:53:39.870Z", 10}, {"2020-10-26T14:53:41.189Z", 10},
               {"2020-10-26T14:53:41.190Z", 20}, {"2020-10-26 15:53:42.000+01:00", 20},
               {"2020-10-26T14:53:42.561Z", 30}, {"2030-01-01", 30}};
  for (const auto& c : cases) {
    auto r = Keel({"delta", "cat", Table("basic_append_time_travel"), "--timestamp", c.timestamp});
    ASSERT_EQ(r.code, 0) << c.timestamp << ": " << r.err;
    EXPECT_EQ(JsonLines(r.out).size(), c.rows) << c.timestamp;
  }
  auto before = Keel(
      {"delta", "cat", Table("basic_append_time_travel"), "--timestamp", "2020-10-26T14:53:39Z"});
  EXPECT_EQ(before.code, 1);
  EXPECT_NE(before.err.find("Error: "), std::string::npos);
  auto bad = Keel({"delta", "cat", Table("basic_append_time_travel"), "--timestamp", "yesterday"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("ISO-8601"), std::string::npos) << bad.err;
  auto both = Keel({"delta", "cat", Table("basic_append_time_travel"), "--version", "0",
                    "--timestamp", "2030-01-01"});
  EXPECT_EQ(both.code, 1);
}

TEST(DeltaCommandTest, CatFiltersProjectsLimitsAndWritesCsv) {
  auto r = Keel({"delta", "cat", Table("basic_append_time_travel"), "--where", "id >= 25",
                 "--columns", "id", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  // Rows come file by file; compare as a set.
  std::multiset<std::string> lines;
  std::istringstream in(r.out);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header, "id");
  while (std::getline(in, line)) lines.insert(line);
  EXPECT_EQ(lines, (std::multiset<std::string>{"25", "26", "27", "28", "29"}));

  auto limited = Keel({"delta", "cat", Table("basic_append_time_travel"), "--limit", "3"});
  ASSERT_EQ(limited.code, 0) << limited.err;
  EXPECT_EQ(JsonLines(limited.out).size(), 3u);

  auto unknown = Keel({"delta", "cat", Table("basic_append_time_travel"), "--columns", "nope"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("nope"), std::string::npos) << unknown.err;
}

TEST(DeltaCommandTest, CatReadsPartitionValuesWithSpecialCharacters) {
  auto r = Keel({"delta", "cat", Table("partition_special_chars")});
  ASSERT_EQ(r.code, 0) << r.err;
  auto rows = JsonLines(r.out);
  ASSERT_EQ(rows.size(), 2u);
  std::multiset<std::string> xs;
  for (const auto& row : rows) xs.insert(row.Find("x")->as_string());
  EXPECT_EQ(xs, (std::multiset<std::string>{"A/A", "B B"}));
}

TEST(DeltaCommandTest, HistoryListsCommitsNewestFirst) {
  auto r = Keel({"delta", "history", Table("basic_append_time_travel"), "--output", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  json::Value h = ParseJson(r.out);
  ASSERT_EQ(h.size(), 3u);
  const auto& newest = h.as_array()[0];
  EXPECT_EQ(newest.Find("version")->as_int(), 2);
  EXPECT_EQ(newest.Find("timestamp_ms")->as_int(), 1603724022561);
  EXPECT_EQ(newest.Find("timestamp")->as_string(), "2020-10-26T14:53:42.561000Z");
  EXPECT_EQ(newest.Find("operation")->as_string(), "WRITE");
  EXPECT_EQ(newest.Find("operationParameters")->Find("mode")->as_string(), "Append");
  EXPECT_TRUE(newest.Find("isBlindAppend")->as_bool());
  EXPECT_EQ(h.as_array()[2].Find("version")->as_int(), 0);

  auto limited = Keel(
      {"delta", "history", Table("basic_append_time_travel"), "--limit", "1", "--output", "json"});
  ASSERT_EQ(limited.code, 0) << limited.err;
  EXPECT_EQ(ParseJson(limited.out).size(), 1u);

  auto text = Keel({"delta", "history", Table("basic_append_time_travel")});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_EQ(text.out.substr(0, 7), "version");
}

TEST(DeltaCommandTest, UnsupportedTablesAreRefusedNamingTheFeature) {
  struct Case {
    const char* table;
    const char* names;
  } cases[] = {{"refuse_dv_small", "deletionVectors"},
               {"refuse_column_mapping_name", "columnMapping"},
               {"refuse_invalid_protocol_version", "99"}};
  for (const auto& c : cases) {
    for (const char* verb : {"describe", "cat"}) {
      auto r = Keel({"delta", verb, Table(c.table)});
      EXPECT_EQ(r.code, 1) << c.table << " " << verb;
      EXPECT_TRUE(r.out.empty()) << r.out;
      EXPECT_NE(r.err.find(c.names), std::string::npos) << c.table << " " << verb << ": " << r.err;
      EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
    }
  }
}

TEST(DeltaCommandTest, AMissingLogIsNotADeltaTable) {
  for (const char* verb : {"describe", "cat", "history"}) {
    auto r = Keel({"delta", verb, Table("error_no_delta_log")});
    EXPECT_EQ(r.code, 1) << verb;
    EXPECT_NE(r.err.find("not a Delta table"), std::string::npos) << verb << ": " << r.err;
  }
  auto corrupt = Keel({"delta", "describe", Table("error_missing_protocol")});
  EXPECT_EQ(corrupt.code, 1);
  EXPECT_NE(corrupt.err.find("Error: "), std::string::npos);
}

TEST(DeltaCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Keel({"delta"}).code, 2);
  EXPECT_EQ(Keel({"delta", "drop", "x"}).code, 2);
  auto r = Keel({"delta", "cat", Table("basic_append_time_travel"), "--format", "xml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("jsonl or csv"), std::string::npos);
  EXPECT_EQ(Keel({"delta", "cat"}).code, 1);
}

}  // namespace
}  // namespace keel::cli

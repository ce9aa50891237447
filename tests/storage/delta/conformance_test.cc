// Runs the Delta reader over ../shared/conformance/delta (tables written by Spark, delta-rs and
// the Delta golden-table generator; see its README): every case behaves as manifest.json says —
// readable tables give exactly the expected rows (compared with the upstream expected Parquet
// where the case has it) at the latest version, at each listed version and at each commit
// timestamp; refuse_* cases fail naming the feature before any data file is read; error_* cases
// fail cleanly; the CDF case returns the expected changes.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/fs/file_system.h"
#include "common/json.h"
#include "storage/batch/value_format.h"
#include "storage/delta/delta_table.h"
#include "storage/delta/scan.h"
#include "storage/delta/snapshot.h"
#include "storage/parquet/file_reader.h"

namespace keel::delta {
namespace {

std::string Dir() { return std::string(KEEL_SOURCE_DIR) + "/../shared/conformance/delta"; }

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const json::Value& Manifest() {
  static const json::Value* manifest = [] {
    auto parsed = json::Parse(Slurp(Dir() + "/manifest.json"));
    return new json::Value(parsed.ok() ? *parsed : json::Value());
  }();
  return *manifest;
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> out;
  const json::Value* cases = Manifest().Find("cases");
  if (cases == nullptr || !cases->is_array()) return {"no_manifest"};
  for (const auto& c : cases->as_array()) out.push_back(c.Find("case")->as_string());
  return out;
}

const json::Value& Case(const std::string& name) {
  for (const auto& c : Manifest().Find("cases")->as_array()) {
    if (c.Find("case")->as_string() == name) return c;
  }
  static const json::Value none;
  return none;
}

// Rows as canonical text: each row's columns sorted by name, the rows sorted, so that two
// tables compare as multisets with columns matched by name.
std::vector<std::string> CanonicalRows(const batch::RecordBatch& b) {
  std::vector<size_t> order(b.schema.fields.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return b.schema.fields[x].name < b.schema.fields[y].name;
  });
  std::vector<std::string> rows;
  for (int64_t r = 0; r < b.num_rows; ++r) {
    std::string line;
    for (size_t c : order) {
      line += b.schema.fields[c].name + "=";
      batch::AppendValueJson(b.columns[c], r, &line);
      line += ";";
    }
    rows.push_back(std::move(line));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

// The rows of every Parquet file of an expected/.../table_content directory.
std::vector<std::string> ExpectedRows(const std::string& dir) {
  std::vector<std::string> rows;
  std::vector<std::string> files;
  for (auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.size() > 8 && name.substr(name.size() - 8) == ".parquet" && name[0] != '.') {
      files.push_back(e.path().string());
    }
  }
  for (const std::string& f : files) {
    auto reader = parquet::FileReader::Open(f);
    EXPECT_TRUE(reader.ok()) << f << ": " << reader.status().ToString();
    if (!reader.ok()) continue;
    auto b = (*reader)->ReadAll();
    EXPECT_TRUE(b.ok()) << f << ": " << b.status().ToString();
    if (!b.ok()) continue;
    for (auto& r : CanonicalRows(*b)) rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::string Root(const std::string& name) { return Dir() + "/" + name + "/delta"; }

// Spark wrote the timestamp partition values of this table in America/Los_Angeles (PDT in
// September 2021), its session time zone; Keel reads naive partition timestamps in a zone the
// caller names, as Spark's session time zone does.
int PartitionOffsetMinutes(const std::string& name) {
  return name == "partition_values_all_types" ? -7 * 60 : 0;
}

class DeltaConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(DeltaConformance, BehavesAsListed) {
  if (!std::filesystem::exists(Dir() + "/manifest.json")) {
    GTEST_SKIP() << "no conformance corpus at " << Dir();
  }
  const std::string name = GetParam();
  const json::Value& c = Case(name);
  const std::string group = c.Find("group")->as_string();
  FileSystem* fs = FileSystem::Default();
  ScanOptions scan;
  scan.partition_timestamp_offset_minutes = PartitionOffsetMinutes(name);

  if (group == "error") {
    auto snapshot = Snapshot::Load(fs, Root(name));
    Status s = snapshot.ok() ? ScanTable(**snapshot, scan).status() : snapshot.status();
    ASSERT_FALSE(s.ok()) << name << " must fail";
    EXPECT_FALSE(s.message().empty());
    EXPECT_NE(s.code(), ErrorCode::kInternalError) << s.ToString();
    if (name == "error_no_delta_log") {
      EXPECT_NE(s.message().find("not a Delta table"), std::string::npos) << s.ToString();
    } else {
      EXPECT_EQ(s.code(), ErrorCode::kCorruption) << s.ToString();
      EXPECT_NE(s.message().find(name == "error_missing_protocol" ? "protocol" : "metaData"),
                std::string::npos)
          << s.ToString();
    }
    return;
  }
  if (group == "refuse") {
    auto snapshot = Snapshot::Load(fs, Root(name));
    Status s = snapshot.ok() ? ScanTable(**snapshot, scan).status() : snapshot.status();
    ASSERT_EQ(s.code(), ErrorCode::kNotImplemented) << name << ": " << s.ToString();
    // The message names what is unsupported: a reader feature or the reader version.
    const json::Value& protocol = *c.Find("protocol");
    bool named = false;
    if (const json::Value* rf = protocol.Find("readerFeatures"); rf && rf->is_array()) {
      for (const auto& f : rf->as_array()) {
        named |= s.message().find(f.as_string()) != std::string::npos;
      }
    }
    if (name.find("column_mapping") != std::string::npos) {
      named |= s.message().find("columnMapping") != std::string::npos;
    }
    named |= s.message().find("reader version " +
                              std::to_string(protocol.Find("minReaderVersion")->as_int())) !=
             std::string::npos;
    EXPECT_TRUE(named) << name << ": " << s.ToString();
    return;
  }

  // read, read+cdf, read-if-feature-known
  auto snapshot = Snapshot::Load(fs, Root(name));
  ASSERT_TRUE(snapshot.ok()) << name << ": " << snapshot.status().ToString();
  EXPECT_EQ((*snapshot)->version(), c.Find("latest_version")->as_int());
  EXPECT_EQ(static_cast<int64_t>((*snapshot)->files().size()), c.Find("live_files")->as_int());
  if (const json::Value* txns = c.Find("txns"); txns && txns->is_object()) {
    for (const auto& [app, version] : txns->as_object()) {
      EXPECT_EQ((*snapshot)->TxnVersion(app), version.as_int()) << app;
    }
  }
  auto rows = ScanTable(**snapshot, scan);
  ASSERT_TRUE(rows.ok()) << name << ": " << rows.status().ToString();
  EXPECT_EQ(rows->num_rows, c.Find("expected_rows")->as_int()) << name;

  // Expected content at the latest version and at each listed older version.
  if (const json::Value* expected = c.Find("expected"); expected && expected->is_object()) {
    for (const auto& [label, facts] : expected->as_object()) {
      int64_t version = facts.Find("version")->as_int();
      std::string content = Dir() + "/" + name + "/expected/" + label + "/table_content";
      auto at = Snapshot::Load(fs, Root(name), TimeTravel{version, std::nullopt});
      ASSERT_TRUE(at.ok()) << name << "@" << version << ": " << at.status().ToString();
      auto got = ScanTable(**at, scan);
      ASSERT_TRUE(got.ok()) << name << "@" << version << ": " << got.status().ToString();
      EXPECT_EQ(got->num_rows, facts.Find("rows")->as_int()) << name << "@" << version;
      if (std::filesystem::exists(content)) {
        EXPECT_EQ(CanonicalRows(*got), ExpectedRows(content)) << name << "@" << label;
      }
    }
  }

  // Timestamp time travel: each commit's timestamp selects that commit; 1 ms earlier selects
  // the one before.
  if (const json::Value* stamps = c.Find("commit_timestamps_ms"); stamps && stamps->is_object()) {
    int64_t previous = -1;
    int64_t earliest = INT64_MAX;
    for (const auto& [v, ts] : stamps->as_object()) earliest = std::min<int64_t>(earliest, std::stoll(v));
    for (const auto& [v, ts] : stamps->as_object()) {
      int64_t version = static_cast<int64_t>(std::stoll(v));
      auto at = VersionAtTimestamp(fs, Root(name), ts.as_int());
      ASSERT_TRUE(at.ok()) << name << " ts " << ts.as_int() << ": " << at.status().ToString();
      EXPECT_EQ(*at, version) << name;
      if (version > earliest && ts.as_int() - 1 > previous) {
        auto before = VersionAtTimestamp(fs, Root(name), ts.as_int() - 1);
        ASSERT_TRUE(before.ok());
        EXPECT_EQ(*before, version - 1) << name;
      }
      if (version == earliest) {
        EXPECT_EQ(VersionAtTimestamp(fs, Root(name), ts.as_int() - 1).status().code(),
                  ErrorCode::kResourceDoesNotExist)
            << name;
      }
      previous = ts.as_int();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, DeltaConformance, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// cdf_partitioned: the Change Data Feed from version 0 equals the delta-rs test's expectation
// (expected/cdf_from_v0.csv): version 0 as inserts from its add files, versions 1-3 from their
// cdc files only.
TEST(DeltaConformanceCdf, ChangesFromVersionZero) {
  const std::string root = Root("cdf_partitioned");
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no conformance corpus";
  auto table = DeltaTable::Open(FileSystem::Default(), root);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto changes = table->ReadChanges(0);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();

  std::vector<std::string> got;
  const auto& s = changes->schema;
  auto col = [&](const char* n) { return *s.FieldIndex(n); };
  for (int64_t r = 0; r < changes->num_rows; ++r) {
    std::string line;
    for (const char* n : {"id", "name", "birthday", "_change_type", "_commit_version",
                          "_commit_timestamp"}) {
      line += batch::ValueToCsvField(changes->columns[col(n)], r) + ",";
    }
    got.push_back(line);
  }
  std::sort(got.begin(), got.end());

  std::vector<std::string> want;
  std::istringstream in(Slurp(Dir() + "/cdf_partitioned/expected/cdf_from_v0.csv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    // The CSV has millisecond timestamps ending in Z; Keel prints microseconds.
    std::string ts = line.substr(line.rfind(',') + 1);
    line = line.substr(0, line.rfind(',') + 1) + ts.substr(0, ts.size() - 1) + "000Z,";
    want.push_back(line);
  }
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace keel::delta

// DuckDB and an independent log replay (tests/interop/delta_replay.mjs, written from
// PROTOCOL.md, sharing no code with Keel) as oracles for the tables Keel writes: after appends,
// overwrite, delete, update, merge, restore and a checkpoint, the replay accepts every commit and
// the checkpoint, and the rows it reads with DuckDB are Keel's rows, at the latest version and
// at older ones. Skipped only when node or the npm package is absent (the policy of
// tests/storage/parquet/interop/duckdb_oracle_test.cc; scripts/install-deps installs it).

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "common/json.h"
#include "storage/batch/row.h"
#include "storage/batch/value_format.h"
#include "storage/delta/delta_table.h"
#include "testutil/node_interop.h"
#include "testutil/temp_dir.h"

namespace keel::delta {
namespace {

using batch::DataType;
using batch::Row;
using batch::TypeId;
using BV = batch::Value;

// What delta_replay.mjs printed for one version.
struct Replay {
  json::Value header;             // {"version","checkpoint","files","columns"} or {"error"}
  std::vector<std::string> rows;  // normalised JSON, sorted
};

// JSON text re-serialised, so that both sides spell numbers and escapes alike.
std::string Normalize(const std::string& line) {
  auto v = json::Parse(line);
  return v.ok() ? v->Dump() : "unparsable: " + line;
}

Replay Failed(const std::string& why) {
  Replay r;
  r.header = json::Value::MakeObject();
  r.header.Set("error", why);
  return r;
}

// Runs the replay once for all `versions` (none: the latest); one Replay per version in order,
// or a single one whose header holds the error.
std::vector<Replay> RunReplay(const std::string& root, const std::vector<int64_t>& versions) {
  std::vector<std::string> args = {root};
  for (int64_t v : versions) args.push_back(std::to_string(v));
  auto r = testutil::RunInteropScript("delta_replay.mjs", args);
  if (!r.ok()) return {Failed(r.status().ToString())};
  if (r->stdout_text.empty()) return {Failed("no output; stderr: " + r->stderr_text)};
  std::vector<Replay> out;
  std::istringstream in(r->stdout_text);
  std::string line;
  while (std::getline(in, line)) {
    auto parsed = json::Parse(line);
    if (parsed.ok() && (parsed->Find("error") || parsed->Find("columns"))) {
      out.push_back({*parsed, {}});
    } else if (!out.empty()) {
      out.back().rows.push_back(Normalize(line));
    }
  }
  for (Replay& replay : out) std::sort(replay.rows.begin(), replay.rows.end());
  return out;
}

batch::Schema TableSchema() {
  auto P = [](TypeId id) { return DataType::Primitive(id); };
  batch::Schema s;
  s.fields = {
      {"id", P(TypeId::kLong), false},
      {"part_s", P(TypeId::kString), true},
      {"part_i", P(TypeId::kInt), true},
      {"part_d", P(TypeId::kDate), true},
      {"flag", P(TypeId::kBoolean), true},
      {"tiny", P(TypeId::kByte), true},
      {"small", P(TypeId::kShort), true},
      {"big", P(TypeId::kLong), true},
      {"dbl", P(TypeId::kDouble), true},
      {"text", P(TypeId::kString), true},
      {"bin", P(TypeId::kBinary), true},
      {"day", P(TypeId::kDate), true},
      {"ts", P(TypeId::kTimestamp), true},
      {"ts_ntz", P(TypeId::kTimestampNtz), true},
      {"amount", DataType::Decimal(12, 2), true},
      {"st", DataType::Struct({{"a", P(TypeId::kInt), true}, {"b", P(TypeId::kString), true}}),
       true},
      {"arr", DataType::Array(P(TypeId::kLong)), true},
      {"m", DataType::Map(P(TypeId::kString), P(TypeId::kDouble)), true},
  };
  return s;
}

// Rows with ids [first, first + n), partition values drawn from a small set that includes
// null and characters that need escaping in directory names and URIs.
batch::RecordBatch Rows(int64_t first, int n, uint32_t seed) {
  static const char* kStrings[] = {"a b/c", "x=y", "100%", "plain", "\xc3\xa9t\xc3\xa9", nullptr};
  std::mt19937 rng(seed);
  auto maybe = [&](BV v) { return rng() % 6 == 0 ? BV() : std::move(v); };
  auto word = [&] {
    std::string w = "w\"'\\,";
    for (int i = static_cast<int>(rng() % 8); i > 0; --i) w.push_back('a' + rng() % 26);
    return w;
  };
  std::vector<Row> rows;
  for (int r = 0; r < n; ++r) {
    const char* s = kStrings[rng() % 6];
    Row row;
    row.push_back(BV(first + r));
    row.push_back(s ? BV(std::string(s)) : BV());
    row.push_back(rng() % 4 == 0 ? BV() : BV(static_cast<int64_t>(rng() % 2) - 1));
    row.push_back(rng() % 4 == 0 ? BV() : BV(static_cast<int64_t>(19000 + rng() % 2)));
    row.push_back(maybe(BV(rng() % 2 == 0)));
    row.push_back(maybe(BV(static_cast<int64_t>(static_cast<int8_t>(rng())))));
    row.push_back(maybe(BV(static_cast<int64_t>(static_cast<int16_t>(rng())))));
    row.push_back(maybe(BV(static_cast<int64_t>(rng()) * 100003 - (int64_t{1} << 40))));
    row.push_back(maybe(BV(static_cast<double>(static_cast<int32_t>(rng())) / 64.0)));
    row.push_back(maybe(BV(word())));
    row.push_back(maybe(BV(std::string(1 + rng() % 4, static_cast<char>(rng())))));
    row.push_back(maybe(BV(static_cast<int64_t>(rng() % 30000) - 5000)));
    row.push_back(maybe(BV(static_cast<int64_t>(rng()) * 1000003)));
    row.push_back(maybe(BV(static_cast<int64_t>(rng()) * 999 + 7)));
    row.push_back(maybe(BV(batch::Int128(static_cast<int32_t>(rng())))));
    row.push_back(
        maybe(BV(BV::List{maybe(BV(static_cast<int64_t>(rng() % 100))), maybe(BV(word()))})));
    BV::List arr;
    for (int k = static_cast<int>(rng() % 4); k > 0; --k)
      arr.push_back(maybe(BV(static_cast<int64_t>(rng()))));
    row.push_back(maybe(BV(std::move(arr))));
    BV::Entries m;
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
      m.emplace_back(BV("k" + std::to_string(k)), maybe(BV(rng() / 8.0)));
    }
    row.push_back(maybe(BV(std::move(m))));
    rows.push_back(std::move(row));
  }
  auto b = batch::FromRows(TableSchema(), rows);
  if (!b.ok()) ADD_FAILURE() << b.status().ToString();
  return std::move(b).value();
}

class DuckDbDeltaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!testutil::NodeInteropAvailable(&why)) GTEST_SKIP() << why;
    root_ = dir_.Join("table with space");
  }

  std::vector<std::string> KeelRows(const DeltaTable& table, int64_t version) {
    auto b = table.Read({}, TimeTravel{version, std::nullopt});
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    std::vector<std::string> out;
    if (!b.ok()) return out;
    for (int64_t r = 0; r < b->num_rows; ++r) out.push_back(Normalize(batch::RowToJson(*b, r)));
    std::sort(out.begin(), out.end());
    return out;
  }

  // The replay at `version` agrees with Keel: same live files, same rows as multisets.
  void ExpectReplayMatches(const DeltaTable& table, int64_t version, const Replay& replay) {
    SCOPED_TRACE("version " + std::to_string(version));
    ASSERT_EQ(replay.header.Find("error"), nullptr) << replay.header.Dump();
    auto snapshot = table.Load(TimeTravel{version, std::nullopt});
    ASSERT_TRUE(snapshot.ok());
    EXPECT_EQ(replay.header.Find("version")->as_int(), version);
    EXPECT_EQ(replay.header.Find("files")->as_int(),
              static_cast<int64_t>((*snapshot)->files().size()));
    std::vector<std::string> keel = KeelRows(table, version);
    ASSERT_EQ(keel.size(), replay.rows.size());
    std::vector<std::string> only_keel, only_replay;
    std::set_difference(keel.begin(), keel.end(), replay.rows.begin(), replay.rows.end(),
                        std::back_inserter(only_keel));
    std::set_difference(replay.rows.begin(), replay.rows.end(), keel.begin(), keel.end(),
                        std::back_inserter(only_replay));
    ASSERT_TRUE(only_keel.empty())
        << only_keel.size() << " rows differ; first:\n  keel:   " << only_keel[0]
        << "\n  replay: " << only_replay[0];
  }

  testutil::TempDir dir_{"keel-delta-interop"};
  std::string root_;
};

TEST_F(DuckDbDeltaTest, IndependentReplayReadsKeelsTableAsKeelDoesAtEveryVersion) {
  CreateTableOptions o;
  o.schema = TableSchema();
  o.partition_columns = {"part_s", "part_i", "part_d"};
  auto created = DeltaTable::Create(FileSystem::Default(), root_, o);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  DeltaTable& t = *created;
  int64_t next_id = 0;
  int64_t version = 0;
  // Each operation must commit the next version (none may be a no-op).
  auto expect_next = [&](const Result<CommitResult>& r) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->version, ++version);
  };
  auto append = [&](int n, WriteMode mode = WriteMode::kAppend) {
    WriteOptions w;
    w.mode = mode;
    expect_next(t.Write(Rows(next_id, n, static_cast<uint32_t>(next_id + 1)), w));
    next_id += n;
  };
  append(60);                                                                        // v1
  append(40);                                                                        // v2
  append(50, WriteMode::kOverwrite);                                                 // v3
  append(30);                                                                        // v4
  expect_next(t.Delete("big < 0 OR part_i IS NULL"));                                // v5
  expect_next(t.Update("part_i = 0", {{"text", "'updated'"}, {"dbl", "dbl * 2"}}));  // v6
  MergeOptions merge;
  merge.keys = {"id"};
  expect_next(t.Merge(Rows(next_id - 20, 30, 77), merge));  // v7: 20 ids exist, 10 are new
  next_id += 10;
  append(25);                                                            // v8
  expect_next(t.Restore(TimeTravel{4, std::nullopt}));                   // v9
  append(20);                                                            // v10: checkpoint
  expect_next(t.Delete("part_s = 'a b/c'"));                             // v11
  append(15);                                                            // v12
  expect_next(t.Update("part_d IS NULL", {{"part_s", "'moved x=y'"}}));  // v13
  ASSERT_FALSE(HasFailure());

  auto latest = t.Load();
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ((*latest)->version(), 13);
  const std::vector<int64_t> versions = {13, 12, 10, 9, 7, 6, 3, 1, 0};
  std::vector<Replay> replays = RunReplay(root_, versions);
  ASSERT_EQ(replays.size(), versions.size()) << replays[0].header.Dump();
  EXPECT_EQ(replays[0].header.Find("checkpoint")->as_int(), 10) << "no checkpoint was replayed";
  EXPECT_GT(replays[0].rows.size(), 50u);
  for (size_t i = 0; i < versions.size(); ++i) ExpectReplayMatches(t, versions[i], replays[i]);
}

TEST_F(DuckDbDeltaTest, ReplayRejectsATornCommitLine) {
  // The oracle itself must fail on a broken log, or its agreement above means nothing.
  CreateTableOptions o;
  o.schema = TableSchema();
  auto created = DeltaTable::Create(FileSystem::Default(), root_, o);
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(created->Write(Rows(0, 5, 1)).ok());
  ASSERT_TRUE(FileSystem::Default()
                  ->WriteFileAtomic(root_ + "/_delta_log/00000000000000000002.json",
                                    "{\"add\":{\"path\":\"x.parquet\"}}\n")
                  .ok());
  std::vector<Replay> replays = RunReplay(root_, {});
  ASSERT_EQ(replays.size(), 1u);
  const json::Value* error = replays[0].header.Find("error");
  ASSERT_NE(error, nullptr) << replays[0].header.Dump();
  EXPECT_NE(error->as_string().find("add.partitionValues"), std::string::npos) << error->Dump();
}

}  // namespace
}  // namespace keel::delta

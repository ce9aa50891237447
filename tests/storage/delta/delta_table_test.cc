// DeltaTable operations on tables Keel writes: every write is a new version, every version
// reads back as it was, and each operation's rows are what SQL says.

#include "storage/delta/delta_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "common/clock.h"
#include "storage/batch/row.h"
#include "storage/batch/value_format.h"
#include "storage/delta/log_listing.h"
#include "testutil/temp_dir.h"

namespace keel::delta {
namespace {

using batch::DataType;
using batch::Row;
using batch::TypeId;
using batch::Value;

batch::Schema PeopleSchema() {
  batch::Schema s;
  s.fields = {{"id", DataType::Primitive(TypeId::kLong), false},
              {"name", DataType::Primitive(TypeId::kString), true},
              {"region", DataType::Primitive(TypeId::kString), true},
              {"score", DataType::Primitive(TypeId::kDouble), true}};
  return s;
}

batch::RecordBatch People(const std::vector<Row>& rows) {
  auto b = batch::FromRows(PeopleSchema(), rows);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return *b;
}

Row Person(int64_t id, const char* name, const char* region, double score) {
  return Row{Value(id), Value(std::string(name)),
             region ? Value(std::string(region)) : Value(), Value(score)};
}

// Rows as sorted JSON lines (order-insensitive comparison).
std::vector<std::string> Lines(const batch::RecordBatch& b) {
  std::vector<std::string> out;
  for (int64_t r = 0; r < b.num_rows; ++r) out.push_back(batch::RowToJson(b, r));
  std::sort(out.begin(), out.end());
  return out;
}

class DeltaTableTest : public ::testing::Test {
 protected:
  DeltaTableTest() : clock_(1700000000000) {
    options_.clock = &clock_;
    root_ = dir_.Join("people");
  }

  DeltaTable Create(std::vector<std::string> partitions = {},
                    std::map<std::string, std::string> properties = {}) {
    CreateTableOptions o;
    o.schema = PeopleSchema();
    o.partition_columns = std::move(partitions);
    o.properties = std::move(properties);
    o.name = "people";
    auto t = DeltaTable::Create(FileSystem::Default(), root_, o, options_);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return *t;
  }

  std::vector<std::string> ReadLines(const DeltaTable& t, TimeTravel at = {},
                                     ScanOptions scan = {}) {
    auto b = t.Read(scan, at);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? Lines(*b) : std::vector<std::string>{};
  }

  int64_t Tick() {
    clock_.Advance(1000);
    return clock_.NowMillis();
  }

  testutil::TempDir dir_;
  ManualClock clock_;
  TableOptions options_;
  std::string root_;
};

TEST_F(DeltaTableTest, CreateAppendAndTimeTravel) {
  DeltaTable t = Create();
  auto empty = t.Load();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->version(), 0);
  EXPECT_EQ((*empty)->protocol().min_reader_version, 1);
  EXPECT_EQ((*empty)->protocol().min_writer_version, 2);
  EXPECT_EQ((*empty)->schema(), PeopleSchema());

  Tick();
  auto v1 = t.Write(People({Person(1, "ann", "eu", 1.5), Person(2, "bob", "us", 2.5)}));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->version, 1);
  int64_t t1 = clock_.NowMillis();
  Tick();
  auto v2 = t.Write(People({Person(3, "cy", nullptr, 3.5)}));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2);

  EXPECT_EQ(ReadLines(t).size(), 3u);
  EXPECT_EQ(ReadLines(t, TimeTravel{1, std::nullopt}).size(), 2u);
  EXPECT_EQ(ReadLines(t, TimeTravel{0, std::nullopt}).size(), 0u);
  EXPECT_EQ(ReadLines(t, TimeTravel{std::nullopt, t1}).size(), 2u);
  EXPECT_EQ(ReadLines(t, TimeTravel{std::nullopt, t1 + 999}).size(), 2u);
  EXPECT_EQ(t.Read({}, TimeTravel{7, std::nullopt}).status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(t.Read({}, TimeTravel{std::nullopt, 1}).status().code(),
            ErrorCode::kResourceDoesNotExist);

  auto history = t.History();
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].version, 2);
  EXPECT_EQ((*history)[0].operation, "WRITE");
  EXPECT_EQ((*history)[2].operation, "CREATE TABLE");
  EXPECT_EQ((*history)[0].commit_info.Find("isBlindAppend")->as_bool(), true);
}

TEST_F(DeltaTableTest, CreateRefusesBadDefinitionsAndExistingTables) {
  Create();
  CreateTableOptions o;
  o.schema = PeopleSchema();
  EXPECT_EQ(DeltaTable::Create(FileSystem::Default(), root_, o).status().code(),
            ErrorCode::kResourceAlreadyExists);
  o.partition_columns = {"nope"};
  EXPECT_EQ(DeltaTable::Create(FileSystem::Default(), dir_.Join("b"), o).status().code(),
            ErrorCode::kInvalidParameterValue);
  o.partition_columns = {"score"};  // doubles cannot partition
  EXPECT_EQ(DeltaTable::Create(FileSystem::Default(), dir_.Join("c"), o).status().code(),
            ErrorCode::kInvalidParameterValue);
  o.partition_columns = {};
  o.schema.fields.push_back({"ID", DataType::Primitive(TypeId::kInt), true});
  EXPECT_EQ(DeltaTable::Create(FileSystem::Default(), dir_.Join("d"), o).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(DeltaTable::Open(FileSystem::Default(), dir_.Join("none")).status().code(),
            ErrorCode::kResourceDoesNotExist);
}

TEST_F(DeltaTableTest, SchemaEnforcementAndEvolution) {
  DeltaTable t = Create();
  // Columns in another order and a narrower type are matched by name and widened.
  batch::Schema other;
  other.fields = {{"name", DataType::Primitive(TypeId::kString), true},
                  {"id", DataType::Primitive(TypeId::kInt), true}};
  auto b = batch::FromRows(other, {Row{Value(std::string("zed")), Value(int64_t{9})}});
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(t.Write(*b).ok());
  EXPECT_EQ(ReadLines(t), std::vector<std::string>{
                              R"({"id":9,"name":"zed","region":null,"score":null})"});

  // A null in the NOT NULL column is refused, and so is an unknown column.
  auto nulls = batch::FromRows(other, {Row{Value(std::string("x")), Value()}});
  EXPECT_EQ(t.Write(*nulls).status().code(), ErrorCode::kInvalidParameterValue);
  batch::Schema extra = PeopleSchema();
  extra.fields.push_back({"age", DataType::Primitive(TypeId::kInt), true});
  auto wide = batch::FromRows(extra, {Row{Value(int64_t{5}), Value(std::string("e")), Value(),
                                          Value(1.0), Value(int64_t{40})}});
  ASSERT_TRUE(wide.ok());
  auto refused = t.Write(*wide);
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(refused.status().message().find("age"), std::string::npos);
  // Incompatible types are refused.
  batch::Schema wrong;
  wrong.fields = {{"id", DataType::Primitive(TypeId::kString), true}};
  auto bad = batch::FromRows(wrong, {Row{Value(std::string("x"))}});
  EXPECT_EQ(t.Write(*bad).status().code(), ErrorCode::kInvalidParameterValue);

  // With merge_schema the column is added; old rows read it as null.
  WriteOptions merge;
  merge.merge_schema = true;
  auto added = t.Write(*wide, merge);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  auto snapshot = t.Load();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ((*snapshot)->schema().fields.size(), 5u);
  EXPECT_EQ(ReadLines(t), (std::vector<std::string>{
                              R"({"id":5,"name":"e","region":null,"score":1,"age":40})",
                              R"({"id":9,"name":"zed","region":null,"score":null,"age":null})"}));
  // The version before the evolution still reads with its own schema.
  auto before = t.Read({}, TimeTravel{1, std::nullopt});
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->schema.fields.size(), 4u);
}

TEST_F(DeltaTableTest, PartitionedWritesUseHiveDirectoriesAndSkipFiles) {
  DeltaTable t = Create({"region"});
  ASSERT_TRUE(t.Write(People({Person(1, "a", "eu", 1), Person(2, "b", "us", 2),
                              Person(3, "c", nullptr, 3), Person(4, "d", "a b/c", 4)}))
                  .ok());
  EXPECT_TRUE(std::filesystem::exists(root_ + "/region=eu"));
  EXPECT_TRUE(std::filesystem::exists(root_ + "/region=__HIVE_DEFAULT_PARTITION__"));
  EXPECT_TRUE(std::filesystem::exists(root_ + "/region=a%20b%2Fc"));
  auto snapshot = t.Load();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ((*snapshot)->files().size(), 4u);
  // Data files hold no partition column.
  ScanOptions scan;
  scan.filter = "region = 'a b/c'";
  EXPECT_EQ(ReadLines(t, {}, scan), std::vector<std::string>{
                                        R"({"id":4,"name":"d","region":"a b/c","score":4})"});
  ASSERT_TRUE(snapshot.ok());
  auto expr = Expression::Parse("region = 'eu'");
  ASSERT_TRUE(expr.ok());
  ASSERT_TRUE(expr->Bind((*snapshot)->schema()).ok());
  EXPECT_EQ(SelectFiles(**snapshot, &*expr).size(), 1u);
  scan.filter = "region IS NULL";
  EXPECT_EQ(ReadLines(t, {}, scan).size(), 1u);
  // Statistics skip files on data columns too.
  auto by_id = Expression::Parse("id > 3");
  ASSERT_TRUE(by_id->Bind((*snapshot)->schema()).ok());
  EXPECT_EQ(SelectFiles(**snapshot, &*by_id).size(), 1u);
}

TEST_F(DeltaTableTest, OverwriteWholeAndByPredicate) {
  DeltaTable t = Create({"region"});
  ASSERT_TRUE(t.Write(People({Person(1, "a", "eu", 1), Person(2, "b", "us", 2),
                              Person(3, "c", "us", 3)}))
                  .ok());
  WriteOptions replace;
  replace.mode = WriteMode::kOverwrite;
  replace.replace_where = "region = 'us'";
  // Rows outside the predicate are refused.
  EXPECT_EQ(t.Write(People({Person(9, "z", "eu", 9)}), replace).status().code(),
            ErrorCode::kInvalidParameterValue);
  auto r = t.Write(People({Person(7, "n", "us", 7)}), replace);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ReadLines(t), (std::vector<std::string>{
                              R"({"id":1,"name":"a","region":"eu","score":1})",
                              R"({"id":7,"name":"n","region":"us","score":7})"}));
  WriteOptions all;
  all.mode = WriteMode::kOverwrite;
  ASSERT_TRUE(t.Write(People({Person(8, "o", "jp", 8)}), all).ok());
  EXPECT_EQ(ReadLines(t).size(), 1u);
  EXPECT_EQ(ReadLines(t, TimeTravel{1, std::nullopt}).size(), 3u);
}

TEST_F(DeltaTableTest, DeleteUpdateAndRestore) {
  DeltaTable t = Create();
  ASSERT_TRUE(t.Write(People({Person(1, "a", "eu", 1), Person(2, "b", "us", 2),
                              Person(3, "c", nullptr, 3)}))
                  .ok());  // v1
  auto deleted = t.Delete("region = 'us' OR score > 2.5");
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->version, 2);
  EXPECT_EQ(deleted->rows_affected, 2);
  EXPECT_EQ(ReadLines(t), std::vector<std::string>{
                              R"({"id":1,"name":"a","region":"eu","score":1})"});
  // A predicate matching nothing commits nothing.
  auto none = t.Delete("id = 42");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->version, 2);
  EXPECT_EQ(none->rows_affected, 0);

  auto updated = t.Update("id = 1", {{"score", "score * 10 + 1"}, {"name", "'A'"}});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->version, 3);
  EXPECT_EQ(ReadLines(t), std::vector<std::string>{
                              R"({"id":1,"name":"A","region":"eu","score":11})"});
  EXPECT_EQ(t.Update("id = 1", {{"nope", "1"}}).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(t.Update("id = 1", {{"id", "NULL"}}).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(t.Delete("id = = 1").status().code(), ErrorCode::kInvalidParameterValue);

  auto restored = t.Restore(TimeTravel{1, std::nullopt});
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->version, 4);
  EXPECT_EQ(ReadLines(t), ReadLines(t, TimeTravel{1, std::nullopt}));
  EXPECT_EQ(ReadLines(t).size(), 3u);
  auto history = t.History();
  ASSERT_TRUE(history.ok());
  EXPECT_EQ((*history)[0].operation, "RESTORE");
  EXPECT_EQ((*history)[1].operation, "UPDATE");
  EXPECT_EQ((*history)[2].operation, "DELETE");
}

TEST_F(DeltaTableTest, UpdateFitsDecimalArithmeticBackIntoTheColumn) {
  CreateTableOptions o;
  o.schema.fields = {{"id", DataType::Primitive(TypeId::kLong), false},
                     {"price", DataType::Decimal(6, 2), true}};
  auto t = DeltaTable::Create(FileSystem::Default(), root_, o, options_);
  ASSERT_TRUE(t.ok());
  auto rows = batch::FromRows(o.schema, {Row{Value(int64_t{1}), Value(batch::Int128{1250})},
                                         Row{Value(int64_t{2}), Value()}});
  ASSERT_TRUE(t->Write(*rows).ok());
  auto doubled = t->Update("", {{"price", "price * 2"}});
  ASSERT_TRUE(doubled.ok()) << doubled.status().ToString();
  EXPECT_EQ(ReadLines(*t), (std::vector<std::string>{R"({"id":1,"price":"25.00"})",
                                                     R"({"id":2,"price":null})"}));
  // A result that does not fit decimal(6,2) is refused and nothing changes.
  EXPECT_EQ(t->Update("id = 1", {{"price", "price * 100000"}}).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(ReadLines(*t).size(), 2u);
  EXPECT_EQ((*t->Load())->version(), 2);
}

TEST_F(DeltaTableTest, MergeUpsertsOnKeys) {
  DeltaTable t = Create({"region"});
  ASSERT_TRUE(t.Write(People({Person(1, "a", "eu", 1), Person(2, "b", "us", 2)})).ok());
  MergeOptions upsert;
  upsert.keys = {"id"};
  auto merged = t.Merge(People({Person(2, "B", "us", 20), Person(3, "c", "eu", 3)}), upsert);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->rows_affected, 2);
  EXPECT_EQ(ReadLines(t), (std::vector<std::string>{
                              R"({"id":1,"name":"a","region":"eu","score":1})",
                              R"({"id":2,"name":"B","region":"us","score":20})",
                              R"({"id":3,"name":"c","region":"eu","score":3})"}));
  // Duplicate keys in the source are refused.
  EXPECT_EQ(t.Merge(People({Person(5, "x", "eu", 1), Person(5, "y", "eu", 2)}), upsert)
                .status()
                .code(),
            ErrorCode::kInvalidParameterValue);
  MergeOptions remove;
  remove.keys = {"id"};
  remove.delete_matched = true;
  remove.insert_unmatched = false;
  ASSERT_TRUE(t.Merge(People({Person(1, "", "eu", 0)}), remove).ok());
  EXPECT_EQ(ReadLines(t).size(), 2u);
  MergeOptions insert_only;
  insert_only.keys = {"id"};
  insert_only.update_matched = false;
  ASSERT_TRUE(t.Merge(People({Person(2, "ignored", "us", 0), Person(4, "d", "jp", 4)}),
                      insert_only)
                  .ok());
  auto rows = ReadLines(t);
  EXPECT_EQ(rows.size(), 3u);
  EXPECT_NE(std::find(rows.begin(), rows.end(),
                      R"({"id":2,"name":"B","region":"us","score":20})"),
            rows.end());
}

TEST_F(DeltaTableTest, IdempotentWritesWithTxn) {
  DeltaTable t = Create();
  WriteOptions o;
  o.txn_app_id = "job-7";
  o.txn_version = 1;
  auto first = t.Write(People({Person(1, "a", "eu", 1)}), o);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->skipped);
  auto again = t.Write(People({Person(1, "a", "eu", 1)}), o);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->skipped);
  EXPECT_EQ(ReadLines(t).size(), 1u);
  auto snapshot = t.Load();
  EXPECT_EQ((*snapshot)->TxnVersion("job-7"), 1);
}

TEST_F(DeltaTableTest, CheckpointsEveryIntervalAndLoadsFromThem) {
  DeltaTable t = Create({}, {{"delta.checkpointInterval", "3"}});
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(t.Write(People({Person(i, "x", "eu", i)})).ok());
  }
  EXPECT_TRUE(std::filesystem::exists(root_ + "/_delta_log/00000000000000000003.checkpoint.parquet"));
  EXPECT_TRUE(std::filesystem::exists(root_ + "/_delta_log/00000000000000000006.checkpoint.parquet"));
  EXPECT_TRUE(std::filesystem::exists(root_ + "/_delta_log/_last_checkpoint"));
  auto snapshot = t.Load();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ((*snapshot)->checkpoint_version(), 6);
  EXPECT_EQ(ReadLines(t).size(), 7u);
  // Without the commits before the checkpoint, the latest version still loads; older ones
  // say their log is gone.
  for (int v = 0; v <= 5; ++v) std::filesystem::remove(CommitPath(root_, v));
  EXPECT_EQ(ReadLines(t).size(), 7u);
  EXPECT_EQ(t.Read({}, TimeTravel{2, std::nullopt}).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(DeltaTableTest, ConcurrentWritersFollowConflictRules) {
  DeltaTable t = Create();
  ASSERT_TRUE(t.Write(People({Person(1, "a", "eu", 1), Person(2, "b", "us", 2)})).ok());
  auto base = t.Load();
  ASSERT_TRUE(base.ok());

  // A blind append committed meanwhile does not stop a second blind append: it is retried.
  Transaction blind(*base);
  blind.Add(AddFile{"x.parquet", {}, 1, 1, true, std::nullopt, {}, std::nullopt});
  ASSERT_TRUE(t.Write(People({Person(3, "c", "eu", 3)})).ok());  // v2 wins
  auto v = blind.Commit("WRITE");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 3);

  // A delete that read the table conflicts with a concurrent append of matching data...
  auto snap = t.Load();
  Transaction del(*snap);
  auto pred = Expression::Parse("region = 'eu'");
  ASSERT_TRUE(pred->Bind((*snap)->schema()).ok());
  del.ReadWhere(*pred, SelectFiles(**snap, &*pred));
  del.Remove((*snap)->files()[0]);
  ASSERT_TRUE(t.Write(People({Person(4, "d", "eu", 4)})).ok());
  auto lost = del.Commit("DELETE");
  EXPECT_EQ(lost.status().code(), ErrorCode::kResourceConflict) << lost.status().ToString();
  EXPECT_NE(lost.status().message().find("ConcurrentAppend"), std::string::npos);

  // ... and with a concurrent delete of the same file.
  snap = t.Load();
  Transaction a(*snap), b(*snap);
  a.Remove((*snap)->files()[0]);
  b.Remove((*snap)->files()[0]);
  ASSERT_TRUE(a.Commit("DELETE").ok());
  auto second = b.Commit("DELETE");
  EXPECT_EQ(second.status().code(), ErrorCode::kResourceConflict);
  EXPECT_NE(second.status().message().find("ConcurrentDeleteDelete"), std::string::npos);

  // A metadata change conflicts with everything but blind appends.
  snap = t.Load();
  Transaction reader(*snap);
  reader.ReadWholeTable();
  ASSERT_TRUE(t.SetProperties({{"owner.team", "ml"}}).ok());
  EXPECT_EQ(reader.Commit("UPDATE").status().code(), ErrorCode::kResourceConflict);
}

TEST_F(DeltaTableTest, AppendOnlyTablesRefuseChanges) {
  DeltaTable t = Create({}, {{"delta.appendOnly", "true"}});
  ASSERT_TRUE(t.Write(People({Person(1, "a", "eu", 1)})).ok());
  EXPECT_EQ(t.Delete("id = 1").status().code(), ErrorCode::kInvalidState);
  EXPECT_EQ(t.Update("id = 1", {{"score", "2"}}).status().code(), ErrorCode::kInvalidState);
  WriteOptions o;
  o.mode = WriteMode::kOverwrite;
  EXPECT_EQ(t.Write(People({}), o).status().code(), ErrorCode::kInvalidState);
}

TEST_F(DeltaTableTest, VacuumHonoursRetention) {
  DeltaTable t = Create();
  ASSERT_TRUE(t.Write(People({Person(1, "a", "eu", 1)})).ok());
  WriteOptions o;
  o.mode = WriteMode::kOverwrite;
  ASSERT_TRUE(t.Write(People({Person(2, "b", "eu", 2)}), o).ok());
  // A short retention is refused unless asked for.
  VacuumOptions quick;
  quick.retention_ms = 0;
  EXPECT_EQ(t.Vacuum(quick).status().code(), ErrorCode::kInvalidParameterValue);
  // Within the retention nothing goes: version 1 still reads.
  auto kept = t.Vacuum();
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_TRUE(kept->deleted.empty());
  EXPECT_EQ(ReadLines(t, TimeTravel{1, std::nullopt}).size(), 1u);
  // Files of the real file system are "now"-dated: with the manual clock 8 days ahead and a
  // short retention allowed, the removed file goes and the live one stays.
  clock_.Advance(8LL * 24 * 3600 * 1000 + int64_t{std::time(nullptr)} * 1000 - clock_.NowMillis());
  quick.allow_short_retention = true;
  quick.dry_run = true;
  auto listed = t.Vacuum(quick);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->deleted.size(), 1u);
  quick.dry_run = false;
  auto gone = t.Vacuum(quick);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->deleted, listed->deleted);
  EXPECT_EQ(ReadLines(t).size(), 1u);
  EXPECT_FALSE(t.Read({}, TimeTravel{1, std::nullopt}).ok());
  EXPECT_EQ(t.Restore(TimeTravel{1, std::nullopt}).status().code(), ErrorCode::kInvalidState);
}

TEST_F(DeltaTableTest, ChangeDataFeedOfKeelWrites) {
  DeltaTable t = Create();
  ASSERT_TRUE(t.Write(People({Person(1, "a", "eu", 1), Person(2, "b", "us", 2)})).ok());
  ASSERT_TRUE(t.Delete("id = 2").ok());
  auto changes = t.ReadChanges(1);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  std::vector<std::string> kinds;
  auto type = *changes->schema.FieldIndex("_change_type");
  auto version = *changes->schema.FieldIndex("_commit_version");
  for (int64_t r = 0; r < changes->num_rows; ++r) {
    kinds.push_back(std::string(changes->columns[type].StringAt(r)) + "@" +
                    std::to_string(changes->columns[version].i64[r]));
  }
  std::sort(kinds.begin(), kinds.end());
  // v1 inserts two rows; v2 removes the file (two rows) and re-adds the survivor.
  EXPECT_EQ(kinds, (std::vector<std::string>{"delete@2", "delete@2", "insert@1", "insert@1",
                                             "insert@2"}));
  EXPECT_EQ(t.ReadChanges(5).status().code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(DeltaTableTest, CorruptLogsAreCleanErrors) {
  DeltaTable t = Create();
  ASSERT_TRUE(t.Write(People({Person(1, "a", "eu", 1)})).ok());
  FileSystem* fs = FileSystem::Default();
  ASSERT_TRUE(fs->WriteFileAtomic(CommitPath(root_, 2), "{\"add\": {\"path\": 12}}\n").ok());
  auto s = t.Load();
  EXPECT_EQ(s.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(s.status().message().find("00000000000000000002.json"), std::string::npos);
  ASSERT_TRUE(fs->WriteFileAtomic(CommitPath(root_, 2), "not json\n").ok());
  EXPECT_EQ(t.Load().status().code(), ErrorCode::kCorruption);
  // A gap in the log.
  ASSERT_TRUE(fs->RemoveFile(CommitPath(root_, 2)).ok());
  ASSERT_TRUE(fs->WriteFileAtomic(CommitPath(root_, 3), "{\"commitInfo\":{}}\n").ok());
  auto gap = t.Load();
  EXPECT_EQ(gap.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(gap.status().message().find("commit 2"), std::string::npos) << gap.status().ToString();
  // A data file that went missing.
  ASSERT_TRUE(fs->RemoveFile(CommitPath(root_, 3)).ok());
  auto snapshot = t.Load();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_TRUE(fs->RemoveFile(root_ + "/" + (*snapshot)->files()[0].path).ok());
  EXPECT_FALSE(t.Read().ok());
}

}  // namespace
}  // namespace keel::delta

// TableService: managed Delta tables under the grants of `keel init`'s workspace.

#include "catalog/table_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "catalog/catalog_test_env.h"
#include "storage/batch/row.h"

namespace keel::catalog {
namespace {

using batch::Value;
using testing::CatalogTestEnv;

// Records every OnRead/OnWrite call.
class RecordingObserver : public TableAccessObserver {
 public:
  struct Event {
    std::string kind, who, table;
    int64_t version;
    bool operator==(const Event&) const = default;
  };
  void OnRead(const Principal& who, const std::string& t, int64_t v) override {
    std::lock_guard<std::mutex> l(mu_);
    events.push_back({"read", who.name, t, v});
  }
  void OnWrite(const Principal& who, const std::string& t, int64_t v) override {
    std::lock_guard<std::mutex> l(mu_);
    events.push_back({"write", who.name, t, v});
  }
  std::vector<Event> events;  // guarded by mu_ while tests run single-threaded

 private:
  std::mutex mu_;
};

// Delegates to the real file system but refuses to create any Delta commit file, so that
// DeltaTable::Create fails after the securable was made.
class NoCommitFileSystem : public FileSystem {
 public:
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& p) override {
    return base_->OpenForRead(p);
  }
  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& p) override {
    return base_->OpenForWrite(p);
  }
  Result<std::string> ReadFile(const std::string& p) override { return base_->ReadFile(p); }
  Status WriteFileAtomic(const std::string& p, std::string_view d) override {
    if (p.find("_delta_log") != std::string::npos) return Status::IOError("disk full");
    return base_->WriteFileAtomic(p, d);
  }
  Status PutIfAbsent(const std::string& p, std::string_view) override {
    return Status::IOError("disk full (" + p.substr(p.rfind('/') + 1) + ")");
  }
  Status CreateDirs(const std::string& p) override { return base_->CreateDirs(p); }
  Result<bool> Exists(const std::string& p) override { return base_->Exists(p); }
  Result<uint64_t> FileSize(const std::string& p) override { return base_->FileSize(p); }
  Result<int64_t> ModifiedTimeMillis(const std::string& p) override {
    return base_->ModifiedTimeMillis(p);
  }
  Result<std::vector<std::string>> ListDir(const std::string& p) override {
    return base_->ListDir(p);
  }
  Status RemoveFile(const std::string& p) override { return base_->RemoveFile(p); }
  Status RemoveAll(const std::string& p) override { return base_->RemoveAll(p); }
  Status Rename(const std::string& a, const std::string& b) override { return base_->Rename(a, b); }

 private:
  FileSystem* base_ = FileSystem::Default();
};

batch::Schema IdName() {
  batch::Schema s;
  s.fields.push_back({"id", batch::DataType::Primitive(batch::TypeId::kLong), false});
  s.fields.push_back({"name", batch::DataType::Primitive(batch::TypeId::kString), true});
  return s;
}

batch::RecordBatch Rows(std::vector<std::pair<int64_t, std::string>> rows) {
  std::vector<batch::Row> out;
  for (auto& [id, name] : rows) out.push_back({Value(id), Value(name)});
  auto b = batch::FromRows(IdName(), out);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? *b : batch::RecordBatch{};
}

class TableServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.AddUser("alice", {"data-scientists"});
    env_.AddUser("bob", {"ml-engineers"});
    env_.AddUser("carol", {});
    alice_ = env_.As("alice");
    bob_ = env_.As("bob");
    carol_ = env_.As("carol");
    automation_ = env_.As("keel-automation");
    TableServiceOptions options;
    options.clock = &env_.clock();
    options.observer = &observer_;
    tables_ = std::make_unique<TableService>(&env_.svc(), FileSystem::Default(), options);
  }

  Status Create(const Principal& who, const std::string& name,
                std::vector<std::string> partitions = {}) {
    CreateTableRequest req;
    req.full_name = name;
    req.schema = IdName();
    req.partition_columns = std::move(partitions);
    req.comment = "test table";
    req.properties = {{"owner_team", "ml"}};
    return tables_->CreateTable(who, req).status();
  }

  Status Append(const Principal& who, const std::string& name,
                std::vector<std::pair<int64_t, std::string>> rows) {
    return tables_->Write(who, name, Rows(std::move(rows))).status();
  }

  int64_t CountRows(const Principal& who, const std::string& name,
                    const delta::TimeTravel& at = {}) {
    auto r = tables_->Read(who, name, {}, at);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->rows.num_rows : -1;
  }

  CatalogTestEnv env_;
  RecordingObserver observer_;
  std::unique_ptr<TableService> tables_;
  Principal alice_, bob_, carol_, automation_;
};

void ExpectDenied(const Status& s, std::string_view privilege) {
  EXPECT_EQ(s.code(), ErrorCode::kPermissionDenied) << s.ToString();
  EXPECT_NE(s.message().find(privilege), std::string::npos) << s.message();
}

TEST_F(TableServiceTest, DataScientistCreatesAndWritesInDevButNotInProd) {
  ASSERT_TRUE(Create(alice_, "dev.default.features").ok());
  ASSERT_TRUE(Append(alice_, "dev.default.features", {{1, "a"}, {2, "b"}}).ok());
  EXPECT_EQ(CountRows(alice_, "dev.default.features"), 2);

  int64_t before = env_.Count("securables");
  ExpectDenied(Create(alice_, "prod.default.features"), "CREATE_TABLE");
  EXPECT_EQ(env_.Count("securables"), before);
}

TEST_F(TableServiceTest, EngineersReadProdButOnlyAutomationWritesIt) {
  ASSERT_TRUE(Create(automation_, "prod.default.scores").ok());
  ASSERT_TRUE(Append(automation_, "prod.default.scores", {{1, "x"}}).ok());
  EXPECT_EQ(CountRows(bob_, "prod.default.scores"), 1);
  EXPECT_EQ(CountRows(alice_, "prod.default.scores"), 1);
  ExpectDenied(Append(bob_, "prod.default.scores", {{2, "y"}}), "MODIFY");
  ExpectDenied(Append(alice_, "prod.default.scores", {{2, "y"}}), "MODIFY");
  EXPECT_TRUE(tables_->History(bob_, "prod.default.scores").ok());
  // Nothing was written by the refused calls.
  EXPECT_EQ(CountRows(automation_, "prod.default.scores"), 1);
}

TEST_F(TableServiceTest, SelectAllowsReadsAndModifyAllowsEveryChange) {
  ASSERT_TRUE(Create(env_.admin(), "staging.default.t").ok());
  ASSERT_TRUE(Append(env_.admin(), "staging.default.t", {{1, "a"}, {2, "b"}}).ok());
  const std::string t = "staging.default.t";

  // carol has nothing: not even the containers.
  ExpectDenied(tables_->Read(carol_, t).status(), "USE_CATALOG");
  env_.Grant(SecurableType::kCatalog, "staging", "carol", {Privilege::kUseCatalog});
  env_.Grant(SecurableType::kSchema, "staging.default", "carol", {Privilege::kUseSchema});
  ExpectDenied(tables_->Read(carol_, t).status(), "SELECT");

  env_.Grant(SecurableType::kTable, t, "carol", {Privilege::kSelect});
  EXPECT_EQ(CountRows(carol_, t), 2);
  EXPECT_TRUE(tables_->History(carol_, t).ok());
  EXPECT_TRUE(tables_->DescribeTable(carol_, t).ok());
  ExpectDenied(Append(carol_, t, {{3, "c"}}), "MODIFY");
  ExpectDenied(tables_->DeleteRows(carol_, t, "id = 1").status(), "MODIFY");
  ExpectDenied(tables_->UpdateRows(carol_, t, "id = 1", {{"name", "'z'"}}).status(), "MODIFY");
  ExpectDenied(tables_->Restore(carol_, t, {.version = 0}).status(), "MODIFY");
  ExpectDenied(tables_->Vacuum(carol_, t).status(), "MODIFY");
  delta::MergeOptions merge;
  merge.keys = {"id"};
  ExpectDenied(tables_->Merge(carol_, t, Rows({{1, "m"}}), merge).status(), "MODIFY");
  ExpectDenied(tables_->DropTable(carol_, t), "MANAGE");

  env_.Grant(SecurableType::kTable, t, "carol", {Privilege::kModify});
  EXPECT_TRUE(Append(carol_, t, {{3, "c"}}).ok());
  auto deleted = tables_->DeleteRows(carol_, t, "id = 1");
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->rows_affected, 1);
  auto updated = tables_->UpdateRows(carol_, t, "id = 2", {{"name", "'zz'"}});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->rows_affected, 1);
  auto merged = tables_->Merge(carol_, t, Rows({{3, "m"}, {4, "n"}}), merge);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(CountRows(carol_, t), 3);  // 2, 3, 4
  auto restored = tables_->Restore(carol_, t, {.version = 1});
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(CountRows(carol_, t), 2);
  delta::VacuumOptions vacuum;
  vacuum.dry_run = true;
  EXPECT_TRUE(tables_->Vacuum(carol_, t, vacuum).ok());
  // MODIFY is not ownership.
  ExpectDenied(tables_->DropTable(carol_, t), "MANAGE");
}

TEST_F(TableServiceTest, OwnersUseTheirTablesWithoutGrantsAndOthersNeedThem) {
  env_.Grant(SecurableType::kCatalog, "prod", "carol", {Privilege::kUseCatalog});
  env_.Grant(SecurableType::kSchema, "prod.default", "carol",
             {Privilege::kUseSchema, Privilege::kCreateTable});
  ASSERT_TRUE(Create(carol_, "prod.default.carols").ok());
  EXPECT_TRUE(Append(carol_, "prod.default.carols", {{1, "a"}}).ok());
  EXPECT_EQ(CountRows(carol_, "prod.default.carols"), 1);
  auto info = tables_->DescribeTable(carol_, "prod.default.carols");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->securable.owner, "carol");
  // bob reads prod through the catalog-wide SELECT, but may not change or drop carol's table.
  EXPECT_EQ(CountRows(bob_, "prod.default.carols"), 1);
  ExpectDenied(Append(bob_, "prod.default.carols", {{2, "b"}}), "MODIFY");
  ExpectDenied(tables_->DropTable(bob_, "prod.default.carols"), "MANAGE");
  EXPECT_TRUE(tables_->DropTable(carol_, "prod.default.carols").ok());
}

TEST_F(TableServiceTest, DescribeGivesUnityCatalogFieldsAndDeltaFacts) {
  ASSERT_TRUE(Create(alice_, "dev.default.parts", {"name"}).ok());
  ASSERT_TRUE(Append(alice_, "dev.default.parts", {{1, "a"}, {2, "b"}, {3, "a"}}).ok());
  auto info = tables_->DescribeTable(alice_, "dev.default.parts");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->securable.full_name, "dev.default.parts");
  EXPECT_EQ(info->catalog_name, "dev");
  EXPECT_EQ(info->schema_name, "default");
  EXPECT_EQ(info->securable.owner, "alice");
  EXPECT_EQ(info->securable.comment, "test table");
  EXPECT_EQ(info->securable.properties.at("owner_team"), "ml");
  EXPECT_EQ(info->securable.storage_location.rfind(env_.storage_root() + "/", 0), 0u);
  EXPECT_EQ(info->securable.storage_location.find("parts"), std::string::npos)
      << "locations come from ids, not names";
  EXPECT_EQ(info->version, 1);
  EXPECT_EQ(info->num_files, 2);  // one per partition
  EXPECT_EQ(info->num_records, 3);
  EXPECT_EQ(info->partition_columns, std::vector<std::string>{"name"});
  ASSERT_EQ(info->columns.size(), 2u);
  EXPECT_EQ(info->columns[0].name, "id");
  EXPECT_EQ(info->columns[0].type_name, "LONG");
  EXPECT_FALSE(info->columns[0].nullable);
  EXPECT_FALSE(info->columns[0].partition_index.has_value());
  EXPECT_EQ(info->columns[1].type_name, "STRING");
  EXPECT_EQ(info->columns[1].position, 1);
  EXPECT_EQ(info->columns[1].partition_index, 0);
  EXPECT_NE(info->columns[0].type_json.find("\"type\":\"long\""), std::string::npos)
      << info->columns[0].type_json;
  EXPECT_NE(info->schema_json.find("\"fields\""), std::string::npos);
  EXPECT_GE(info->min_reader_version, 1);
  EXPECT_GE(info->min_writer_version, 2);

  auto v0 = tables_->DescribeTable(alice_, "dev.default.parts", {.version = 0});
  ASSERT_TRUE(v0.ok());
  EXPECT_EQ(v0->version, 0);
  EXPECT_EQ(v0->num_files, 0);
}

TEST_F(TableServiceTest, DroppedTablesLoseTheirFilesAndMetastoreEntry) {
  ASSERT_TRUE(Create(alice_, "dev.default.gone").ok());
  ASSERT_TRUE(Append(alice_, "dev.default.gone", {{1, "a"}}).ok());
  auto info = tables_->DescribeTable(alice_, "dev.default.gone");
  ASSERT_TRUE(info.ok());
  std::string location = info->securable.storage_location;
  EXPECT_TRUE(*FileSystem::Default()->Exists(location + "/_delta_log"));
  ASSERT_TRUE(tables_->DropTable(alice_, "dev.default.gone").ok());
  EXPECT_FALSE(*FileSystem::Default()->Exists(location));
  EXPECT_EQ(tables_->DescribeTable(alice_, "dev.default.gone").status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(tables_->Read(alice_, "dev.default.gone").status().code(),
            ErrorCode::kResourceDoesNotExist);
  // The name is free again.
  EXPECT_TRUE(Create(alice_, "dev.default.gone").ok());
}

TEST_F(TableServiceTest, FailedCreatesLeaveNoSecurableAndNoFiles) {
  int64_t before = env_.Count("securables");
  CreateTableRequest req;
  req.full_name = "dev.default.bad";
  req.schema = IdName();
  req.schema.fields.push_back({"ID", batch::DataType::Primitive(batch::TypeId::kInt), true});
  EXPECT_EQ(tables_->CreateTable(alice_, req).status().code(), ErrorCode::kInvalidParameterValue);
  req.schema = {};
  EXPECT_EQ(tables_->CreateTable(alice_, req).status().code(), ErrorCode::kInvalidParameterValue);
  req.schema = IdName();
  req.partition_columns = {"nope"};
  EXPECT_EQ(tables_->CreateTable(alice_, req).status().code(), ErrorCode::kInvalidParameterValue);
  req.partition_columns = {};
  for (const std::string& bad : std::vector<std::string>{
           "dev.default.a..b", "dev.default.a/b", "dev.default", "dev..x", "dev.default.x.y",
           std::string("dev.default.a\0b", 15), "../etc/x.y.z"}) {
    req.full_name = bad;
    EXPECT_EQ(tables_->CreateTable(alice_, req).status().code(), ErrorCode::kInvalidParameterValue)
        << bad;
  }
  EXPECT_EQ(env_.Count("securables"), before);

  // The Delta create fails after the securable was made: the securable goes away again.
  NoCommitFileSystem failing;
  TableService broken(&env_.svc(), &failing, TableServiceOptions{&env_.clock(), nullptr});
  req.full_name = "dev.default.half";
  Status s = broken.CreateTable(alice_, req).status();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(env_.Count("securables"), before);
  auto tables = tables_->ListTables(alice_, "dev.default");
  ASSERT_TRUE(tables.ok());
  EXPECT_TRUE(tables->tables.empty());
  // No file was left under the storage root (directories may remain).
  std::error_code ec;
  int files = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(env_.storage_root(), ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) ++files;
  }
  EXPECT_EQ(files, 0);
}

TEST_F(TableServiceTest, ObserverSeesTheVersionsReadAndWritten) {
  ASSERT_TRUE(Create(alice_, "dev.default.lineage").ok());
  EXPECT_TRUE(observer_.events.empty());
  ASSERT_TRUE(Append(alice_, "dev.default.lineage", {{1, "a"}}).ok());
  ASSERT_TRUE(Append(alice_, "dev.default.lineage", {{2, "b"}}).ok());
  EXPECT_EQ(CountRows(bob_, "dev.default.lineage"), 2);
  EXPECT_EQ(CountRows(bob_, "dev.default.lineage", {.version = 1}), 1);
  ExpectDenied(Append(carol_, "dev.default.lineage", {{3, "c"}}), "USE_CATALOG");
  ASSERT_TRUE(tables_->DeleteRows(alice_, "dev.default.lineage", "id = 2").ok());
  using E = RecordingObserver::Event;
  std::vector<E> want = {{"write", "alice", "dev.default.lineage", 1},
                         {"write", "alice", "dev.default.lineage", 2},
                         {"read", "bob", "dev.default.lineage", 2},
                         {"read", "bob", "dev.default.lineage", 1},
                         {"write", "alice", "dev.default.lineage", 3}};
  EXPECT_EQ(observer_.events, want);
}

TEST_F(TableServiceTest, TimeTravelByVersionAndTimestamp) {
  ASSERT_TRUE(Create(alice_, "dev.default.tt").ok());
  env_.clock().Advance(60'000);
  ASSERT_TRUE(Append(alice_, "dev.default.tt", {{1, "a"}}).ok());
  int64_t after_v1 = env_.clock().NowMillis() + 30'000;
  env_.clock().Advance(60'000);
  ASSERT_TRUE(Append(alice_, "dev.default.tt", {{2, "b"}, {3, "c"}}).ok());

  EXPECT_EQ(CountRows(alice_, "dev.default.tt", {.version = 0}), 0);
  EXPECT_EQ(CountRows(alice_, "dev.default.tt", {.version = 1}), 1);
  auto at = tables_->Read(alice_, "dev.default.tt", {}, {.timestamp_ms = after_v1});
  ASSERT_TRUE(at.ok()) << at.status().ToString();
  EXPECT_EQ(at->version, 1);
  EXPECT_EQ(at->rows.num_rows, 1);
  auto latest = tables_->Read(alice_, "dev.default.tt");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(tables_->Read(alice_, "dev.default.tt", {}, {.version = 9}).status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(tables_->Read(alice_, "dev.default.tt", {}, {.timestamp_ms = 1}).status().code(),
            ErrorCode::kResourceDoesNotExist);

  auto history = tables_->History(alice_, "dev.default.tt");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].version, 2);

  delta::ScanOptions scan;
  scan.columns = {"name"};
  scan.filter = "id >= 2";
  auto some = tables_->Read(alice_, "dev.default.tt", scan);
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  EXPECT_EQ(some->rows.num_rows, 2);
  EXPECT_EQ(some->rows.schema.fields.size(), 1u);
  scan.filter = "id >>> 2";
  EXPECT_EQ(tables_->Read(alice_, "dev.default.tt", scan).status().code(),
            ErrorCode::kInvalidParameterValue);
  scan.filter = "";
  scan.columns = {"nope"};
  EXPECT_EQ(tables_->Read(alice_, "dev.default.tt", scan).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(TableServiceTest, ListTablesPagesByNameAndHidesWhatTheCallerCannotSee) {
  for (std::string n : {"c", "a", "e", "b", "d"})
    ASSERT_TRUE(Create(alice_, "dev.default." + n).ok());
  auto first = tables_->ListTables(alice_, "dev.default", 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->tables.size(), 2u);
  EXPECT_EQ(first->tables[0].securable.name, "a");
  EXPECT_EQ(first->tables[1].securable.name, "b");
  EXPECT_EQ(first->tables[0].version, 0);
  ASSERT_FALSE(first->next_page_token.empty());
  auto second = tables_->ListTables(alice_, "dev.default", 2, first->next_page_token);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->tables.size(), 2u);
  EXPECT_EQ(second->tables[0].securable.name, "c");
  auto third = tables_->ListTables(alice_, "dev.default", 2, second->next_page_token);
  ASSERT_TRUE(third.ok());
  ASSERT_EQ(third->tables.size(), 1u);
  EXPECT_TRUE(third->next_page_token.empty());
  EXPECT_EQ(tables_->ListTables(alice_, "dev.default", -1).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(tables_->ListTables(alice_, "dev.nope").status().code(),
            ErrorCode::kResourceDoesNotExist);
  ExpectDenied(tables_->ListTables(carol_, "dev.default").status(), "USE_CATALOG");
}

TEST_F(TableServiceTest, ConcurrentChangesArePassedThroughAsConflictsOrSerialised) {
  ASSERT_TRUE(Create(alice_, "dev.default.busy").ok());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, conflict{0}, other{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      Status s = Append(alice_, "dev.default.busy", {{i, "x"}});
      if (s.ok())
        ++ok;
      else if (s.code() == ErrorCode::kResourceConflict)
        ++conflict;
      else
        ++other;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(CountRows(alice_, "dev.default.busy"), ok.load());
}

TEST_F(TableServiceTest, IngestCreatesWithAnInferredSchemaThenAppendsOrOverwrites) {
  IngestRequest req;
  auto first = tables_->Ingest(alice_, "dev.default.raw", "id,name\n1,a\n2,b\n", req);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->commit.version, 1);
  auto info = tables_->DescribeTable(alice_, "dev.default.raw");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->columns[0].type_name, "LONG");
  EXPECT_EQ(info->columns[1].type_name, "STRING");

  // Columns are matched by name, in any order, and take the table's types.
  auto second = tables_->Ingest(alice_, "dev.default.raw", "name,id\nc,3\n", req);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(CountRows(alice_, "dev.default.raw"), 3);
  req.format = csv::TextFormat::kJsonLines;
  req.mode = delta::WriteMode::kOverwrite;
  auto third = tables_->Ingest(alice_, "dev.default.raw", "{\"id\": 9}\n", req);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(CountRows(alice_, "dev.default.raw"), 1);

  std::vector<int64_t> written;
  for (const auto& e : observer_.events) {
    if (e.kind == "write") written.push_back(e.version);
  }
  EXPECT_EQ(written, (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(TableServiceTest, TextWritesRefuseUnknownColumnsUnlessMergingTheSchema) {
  ASSERT_TRUE(Create(alice_, "dev.default.evolve").ok());
  TextWriteRequest req;
  auto refused = tables_->WriteText(alice_, "dev.default.evolve", "id,extra\n1,x\n", req);
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(refused.status().message().find("extra"), std::string::npos);
  EXPECT_NE(refused.status().message().find("merge"), std::string::npos);
  EXPECT_EQ(CountRows(alice_, "dev.default.evolve"), 0);
  req.write.merge_schema = true;
  auto merged = tables_->WriteText(alice_, "dev.default.evolve", "id,extra\n1,x\n", req);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  auto info = tables_->DescribeTable(alice_, "dev.default.evolve");
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->columns.size(), 3u);
  EXPECT_EQ(info->columns[2].name, "extra");
  // Bad values and a null in the non-nullable id write nothing.
  req.write.merge_schema = false;
  EXPECT_EQ(
      tables_->WriteText(alice_, "dev.default.evolve", "id\nnot-a-number\n", req).status().code(),
      ErrorCode::kInvalidParameterValue);
  EXPECT_FALSE(tables_->WriteText(alice_, "dev.default.evolve", "name\nno id\n", req).ok());
  EXPECT_EQ(CountRows(alice_, "dev.default.evolve"), 1);
}

TEST_F(TableServiceTest, IngestOfBadDataOrWithoutGrantsMakesNoTable) {
  int64_t before = env_.Count("securables");
  IngestRequest req;
  EXPECT_FALSE(tables_->Ingest(alice_, "dev.default.ragged", "a,b\n1,2,3\n", req).ok());
  EXPECT_FALSE(tables_->Ingest(alice_, "dev.default.empty", "", req).ok());
  req.schema = IdName();
  EXPECT_FALSE(tables_->Ingest(alice_, "dev.default.typed", "id,name\nx,a\n", req).ok());
  EXPECT_FALSE(tables_->Ingest(alice_, "dev.default.nulls", "id,name\n,a\n", req).ok());
  ExpectDenied(tables_->Ingest(alice_, "prod.default.raw", "id\n1\n", {}).status(), "CREATE_TABLE");
  EXPECT_EQ(tables_->Ingest(alice_, "dev.default.a..b", "id\n1\n", {}).status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(env_.Count("securables"), before);
  // keel-automation may ingest into prod.
  auto ok = tables_->Ingest(automation_, "prod.default.raw", "id\n1\n", {});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->created);
}

}  // namespace
}  // namespace keel::catalog

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "metastore/migrations/migration.h"
#include "metastore/sqlite/sqlite_database.h"
#include "testutil/temp_dir.h"

namespace keel::metastore {
namespace {

std::unique_ptr<Database> OpenMigrated(const std::string& path) {
  auto db = OpenSqliteDatabase(path);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_TRUE(ApplyMigrations(**db).ok());
  return std::move(db).value();
}

TEST(SqliteDatabaseTest, MigrationsApplyOnceAndReopenChangesNothing) {
  testutil::TempDir dir;
  auto db = OpenMigrated(dir.path() + "/m.db");
  auto v = SchemaVersion(*db);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, AllMigrations().back().version);
  db.reset();
  auto again = OpenMigrated(dir.path() + "/m.db");
  EXPECT_EQ(*SchemaVersion(*again), AllMigrations().back().version);
}

TEST(SqliteDatabaseTest, RefusesADatabaseNewerThanTheBinary) {
  testutil::TempDir dir;
  auto db = OpenMigrated(dir.path() + "/m.db");
  ASSERT_TRUE(db->Write([](Transaction& tx) {
                  return tx.Exec("INSERT INTO schema_migrations VALUES (9999, 'future', 0)")
                      .status();
                }).ok());
  Status s = ApplyMigrations(*db);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidState);
  EXPECT_NE(s.message().find("upgrade keel"), std::string::npos);
}

TEST(SqliteDatabaseTest, FailedTransactionLeavesNothingBehind) {
  testutil::TempDir dir;
  auto db = OpenMigrated(dir.path() + "/m.db");
  Status s = db->Write([](Transaction& tx) -> Status {
    KEEL_RETURN_IF_ERROR(tx.Exec("INSERT INTO principals (id, name, name_key, kind, created_at) "
                                 "VALUES ('a', 'A', 'a', 'USER', 0)")
                             .status());
    return Status::InvalidArgument("changed my mind");
  });
  EXPECT_EQ(s.code(), ErrorCode::kInvalidParameterValue);
  int64_t count = -1;
  ASSERT_TRUE(db->Read([&](Transaction& tx) -> Status {
                  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM principals"));
                  count = rows[0].Int(0);
                  return Status::OK();
                }).ok());
  EXPECT_EQ(count, 0);
}

TEST(SqliteDatabaseTest, UniqueViolationIsAlreadyExistsAndForeignKeysAreEnforced) {
  testutil::TempDir dir;
  auto db = OpenMigrated(dir.path() + "/m.db");
  auto insert = [&](const char* id, const char* key) {
    return db->Write([&](Transaction& tx) {
      return tx.Exec("INSERT INTO principals (id, name, name_key, kind, created_at) "
                     "VALUES (?, ?, ?, 'USER', 0)",
                     {Text(id), Text(key), Text(key)})
          .status();
    });
  };
  ASSERT_TRUE(insert("1", "alice").ok());
  EXPECT_EQ(insert("2", "alice").code(), ErrorCode::kResourceAlreadyExists);
  Status fk = db->Write([](Transaction& tx) {
    return tx.Exec("INSERT INTO group_members VALUES ('nope', 'nope2')").status();
  });
  EXPECT_EQ(fk.code(), ErrorCode::kInvalidParameterValue);
}

TEST(SqliteDatabaseTest, ConcurrentWritersFromManyThreadsLoseNothing) {
  testutil::TempDir dir;
  auto db = OpenMigrated(dir.path() + "/m.db");
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = std::to_string(t) + "-" + std::to_string(i);
        Status s = db->Write([&](Transaction& tx) {
          return tx.Exec("INSERT INTO principals (id, name, name_key, kind, created_at) "
                         "VALUES (?, ?, ?, 'USER', 0)",
                         {Text(id), Text(id), Text(id)})
              .status();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  int64_t count = 0;
  ASSERT_TRUE(db->Read([&](Transaction& tx) -> Status {
                  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM principals"));
                  count = rows[0].Int(0);
                  return Status::OK();
                }).ok());
  EXPECT_EQ(count, kThreads * kPerThread);
}

TEST(SqliteDatabaseTest, AFileThatIsNotADatabaseIsReportedAsCorruption) {
  testutil::TempDir dir;
  std::string path = dir.path() + "/junk.db";
  std::ofstream(path) << std::string(8192, 'x');
  auto db = OpenSqliteDatabase(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kCorruption);
}

}  // namespace
}  // namespace keel::metastore

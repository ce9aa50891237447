#pragma once

// A migrated metastore with an initialised workspace, a TrackingService over it and principals
// to act as: admin, alice (data-scientists) and bob (ml-engineers).

#include <gtest/gtest.h>

#include <memory>

#include "catalog/catalog_service.h"
#include "metastore/migrations/migration.h"
#include "metastore/sqlite/sqlite_database.h"
#include "testutil/temp_dir.h"
#include "tracking/tracking_service.h"

namespace keel::tracking {

class TrackingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = metastore::OpenSqliteDatabase(dir_.path() + "/m.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(metastore::ApplyMigrations(*db_).ok());
    catalog_ = std::make_unique<catalog::CatalogService>(
        db_.get(), catalog::CatalogServiceOptions{dir_.path() + "/storage", &clock_});
    auto init = catalog_->InitWorkspace("admin");
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    admin_ = *catalog_->Authenticate(init->admin_token);
    alice_ = MakeUser("alice", "data-scientists");
    bob_ = MakeUser("bob", "ml-engineers");
    tracking_ = std::make_unique<TrackingService>(
        db_.get(), TrackingServiceOptions{&clock_, dir_.path() + "/storage/artifacts"});
  }

  catalog::Principal MakeUser(const std::string& name, const std::string& group) {
    EXPECT_TRUE(catalog_->CreatePrincipal(admin_, catalog::PrincipalKind::kUser, name, {group})
                    .ok());
    auto token = catalog_->CreateToken(admin_, name, 0, "");
    EXPECT_TRUE(token.ok());
    return *catalog_->Authenticate(token->token_value);
  }

  std::string NewExperiment(const catalog::Principal& who, const std::string& name) {
    auto id = tracking_->CreateExperiment(who, name, "", {});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  std::string NewRun(const catalog::Principal& who, const std::string& experiment_id,
                     const std::string& name = "") {
    CreateRunRequest req;
    req.experiment_id = experiment_id;
    req.run_name = name;
    auto run = tracking_->CreateRun(who, req);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? run->info.run_id : "";
  }

  testutil::TempDir dir_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<metastore::Database> db_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<TrackingService> tracking_;
  catalog::Principal admin_, alice_, bob_;
};

}  // namespace keel::tracking

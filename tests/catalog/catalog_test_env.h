#pragma once

// A fresh metastore with `keel init`'s workspace, shared by the catalog service tests.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "catalog/catalog_service.h"
#include "common/clock.h"
#include "metastore/migrations/migration.h"
#include "metastore/sqlite/sqlite_database.h"
#include "testutil/temp_dir.h"

namespace keel::catalog::testing {

// 2023-11-14T22:13:20Z: a clock far from 0, so "0 means unset" fields are never ambiguous.
inline constexpr int64_t kStartMillis = 1'700'000'000'000;

// Owns a temp directory, a migrated SQLite metastore, a manual clock and a CatalogService on
// which InitWorkspace("admin") has run. REQUIRES: used from one test at a time.
class CatalogTestEnv {
 public:
  CatalogTestEnv() : clock_(kStartMillis) {
    auto db = metastore::OpenSqliteDatabase(dir_.path() + "/metastore.db");
    if (!db.ok()) {
      ADD_FAILURE() << db.status().ToString();
      std::abort();
    }
    db_ = std::move(db).value();
    Status migrated = metastore::ApplyMigrations(*db_);
    if (!migrated.ok()) {
      ADD_FAILURE() << migrated.ToString();
      std::abort();
    }
    svc_ = std::make_unique<CatalogService>(
        db_.get(), CatalogServiceOptions{dir_.path() + "/storage", &clock_});
    auto init = svc_->InitWorkspace("admin");
    if (!init.ok() || !init->created || init->admin_token.empty()) {
      ADD_FAILURE() << "InitWorkspace failed: " << init.status().ToString();
      std::abort();
    }
    admin_token_ = init->admin_token;
    auto admin = svc_->Authenticate(admin_token_);
    if (!admin.ok()) {
      ADD_FAILURE() << admin.status().ToString();
      std::abort();
    }
    admin_ = *admin;
  }

  CatalogService& svc() { return *svc_; }
  metastore::Database& db() { return *db_; }
  ManualClock& clock() { return clock_; }
  const Principal& admin() const { return admin_; }
  const std::string& admin_token() const { return admin_token_; }
  const std::string& storage_root() const { return svc_->options().storage_root; }

  // Creates a user (as admin) in `groups`; fails the test on error.
  void AddUser(const std::string& name, const std::vector<std::string>& groups) {
    auto p = svc_->CreatePrincipal(admin_, PrincipalKind::kUser, name, groups);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
  }

  // Authenticates as `name` through a fresh admin-made token, so group membership is current.
  Principal As(const std::string& name) {
    auto token = svc_->CreateToken(admin_, name, 0, "test");
    EXPECT_TRUE(token.ok()) << name << ": " << token.status().ToString();
    if (!token.ok()) return Principal{};
    auto p = svc_->Authenticate(token->token_value);
    EXPECT_TRUE(p.ok()) << name << ": " << p.status().ToString();
    return p.ok() ? *p : Principal{};
  }

  // Creates an object as `who`; returns the status.
  Status Create(const Principal& who, SecurableType type, const std::string& parent,
                const std::string& name) {
    CreateSecurableRequest req;
    req.type = type;
    req.parent_full_name = parent;
    req.name = name;
    return svc_->CreateSecurable(who, req).status();
  }

  // Grants (or with `revoke`, revokes) privileges to `principal` on an object, as admin.
  void Grant(SecurableType type, const std::string& full_name, const std::string& principal,
             std::vector<Privilege> privileges, bool revoke = false) {
    PermissionsChange change;
    change.principal = principal;
    (revoke ? change.remove : change.add) = std::move(privileges);
    auto r = svc_->UpdatePermissions(admin_, type, full_name, {change});
    ASSERT_TRUE(r.ok()) << full_name << ": " << r.status().ToString();
  }

  // Number of rows in a metastore table (for "nothing changed" checks).
  int64_t Count(const std::string& table) {
    int64_t n = -1;
    Status s = db_->Read([&](metastore::Transaction& tx) -> Status {
      KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM " + table));
      n = rows[0].Int(0);
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

 private:
  testutil::TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<metastore::Database> db_;
  std::unique_ptr<CatalogService> svc_;
  std::string admin_token_;
  Principal admin_;
};

}  // namespace keel::catalog::testing

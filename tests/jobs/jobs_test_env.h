#pragma once

// A Keel workspace in a temp directory laid out as `keel init` makes it (so the keel binary run
// by tasks, with KEEL_HOME, opens the same metastore), a JobService and a RunExecutor over it,
// and principals to act as: admin, alice (data-scientists) and bob (ml-engineers).

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <memory>
#include <string>

#include "catalog/catalog_service.h"
#include "catalog/table_service.h"
#include "common/fs/file_system.h"
#include "jobs/job_service.h"
#include "jobs/job_spec.h"
#include "jobs/runner/run_executor.h"
#include "metastore/migrations/migration.h"
#include "metastore/sqlite/sqlite_database.h"
#include "testutil/temp_dir.h"

namespace keel::jobs::testing {

class JobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = dir_.path() + "/home";
    ASSERT_TRUE(FileSystem::Default()->CreateDirs(home_ + "/storage").ok());
    auto db = metastore::OpenSqliteDatabase(home_ + "/metastore.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(metastore::ApplyMigrations(*db_).ok());
    catalog::CatalogServiceOptions catalog_options;
    catalog_options.storage_root = home_ + "/storage";
    catalog_ = std::make_unique<catalog::CatalogService>(db_.get(), catalog_options);
    auto init = catalog_->InitWorkspace("admin");
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    admin_ = *catalog_->Authenticate(init->admin_token);
    alice_ = MakeUser("alice", "data-scientists");
    bob_ = MakeUser("bob", "ml-engineers");
    tables_ = std::make_unique<catalog::TableService>(catalog_.get(), FileSystem::Default());
    JobServiceOptions options;
    options.log_root = home_ + "/jobs/logs";
    options.clock = clock();
    jobs_ = std::make_unique<JobService>(db_.get(), catalog_.get(), options);
    work_ = dir_.path() + "/work";
    ASSERT_TRUE(FileSystem::Default()->CreateDirs(work_).ok());
    ExecutorOptions ex;
    ex.keel_binary = KEEL_BINARY;
    ex.home = home_;
    ex.default_code_root = work_;
    ex.notifier = notifier();
    ex.poll_interval_millis = 20;
    ex.kill_grace_millis = 500;
    executor_ = std::make_unique<RunExecutor>(jobs_.get(), ex);
  }

  // The clock of the job service (tests of the scheduler use a manual one).
  virtual const Clock* clock() { return Clock::System(); }
  virtual WebhookNotifier* notifier() { return nullptr; }

  catalog::Principal MakeUser(const std::string& name, const std::string& group) {
    EXPECT_TRUE(
        catalog_->CreatePrincipal(admin_, catalog::PrincipalKind::kUser, name, {group}).ok());
    auto token = catalog_->CreateToken(admin_, name, 0, "");
    EXPECT_TRUE(token.ok());
    return *catalog_->Authenticate(token->token_value);
  }

  // Parses YAML job settings or fails the test.
  JobSpec Spec(const std::string& yaml) {
    auto spec = ParseJobSpecYaml(yaml, "test.yml");
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    return spec.ok() ? *spec : JobSpec{};
  }

  int64_t Create(const std::string& yaml, const catalog::Principal* who = nullptr) {
    auto id = jobs_->CreateJob(who ? *who : admin_, Spec(yaml));
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  // Queues a run, executes it here and returns it as it ended.
  JobRun RunToEnd(int64_t job_id, std::map<std::string, std::string> params = {}) {
    RunNowRequest req;
    req.job_id = job_id;
    req.job_parameters = std::move(params);
    auto run_id = jobs_->RunNow(admin_, req);
    EXPECT_TRUE(run_id.ok()) << run_id.status().ToString();
    if (!run_id.ok()) return {};
    return Execute(*run_id);
  }

  JobRun Execute(int64_t run_id) {
    auto claimed = executor_->Claim(run_id);
    EXPECT_TRUE(claimed.ok() && *claimed) << run_id;
    auto run = executor_->Execute(run_id);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : JobRun{};
  }

  static const TaskRun& Task(const JobRun& run, const std::string& key) {
    for (const TaskRun& t : run.tasks) {
      if (t.task_key == key) return t;
    }
    ADD_FAILURE() << "no task " << key;
    static TaskRun none;
    return none;
  }

  std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  // Alive and not a zombie (an orphan's zombie may linger when the container's init does not
  // reap).
  static bool PidAlive(pid_t pid) {
    if (pid <= 0 || kill(pid, 0) != 0) return false;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t close = text.rfind(')');
    return close == std::string::npos || close + 2 >= text.size() || text[close + 2] != 'Z';
  }

  testutil::TempDir dir_;
  std::string home_;
  std::string work_;
  std::unique_ptr<metastore::Database> db_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<catalog::TableService> tables_;
  std::unique_ptr<JobService> jobs_;
  std::unique_ptr<RunExecutor> executor_;
  catalog::Principal admin_, alice_, bob_;
};

}  // namespace keel::jobs::testing

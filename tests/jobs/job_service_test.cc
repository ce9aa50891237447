// JobService without running anything: partial updates, listing by permission, deletes.

#include "jobs/job_service.h"

#include <gtest/gtest.h>

#include "jobs/jobs_test_env.h"

namespace keel::jobs {
namespace {

class JobServiceTest : public testing::JobsTest {};

constexpr char kTwoTasks[] = R"(
name: two
tasks:
  - task_key: a
    command_task: {command: ['true']}
  - task_key: b
    depends_on: [{task_key: a}]
    command_task: {command: ['true']}
schedule: {quartz_cron_expression: "0 0 * * * ?"}
)";

TEST_F(JobServiceTest, UpdateMergesTasksByKeyAndRemovesFields) {
  int64_t job = Create(kTwoTasks);
  auto change = json::Parse(R"({"tasks": [
      {"task_key": "b", "depends_on": [{"task_key": "a"}], "max_retries": 2,
       "command_task": {"command": ["echo", "b"]}},
      {"task_key": "c", "depends_on": [{"task_key": "b"}], "command_task": {"command": ["true"]}}],
      "max_concurrent_runs": 3})");
  ASSERT_TRUE(jobs_->UpdateJob(admin_, job, *change, {"schedule"}).ok());
  JobInfo info = *jobs_->GetJob(admin_, job);
  ASSERT_EQ(info.settings.tasks.size(), 3u);
  EXPECT_EQ(info.settings.FindTask("b")->max_retries, 2);
  EXPECT_EQ(info.settings.FindTask("b")->command.command, (std::vector<std::string>{"echo", "b"}));
  EXPECT_EQ(info.settings.max_concurrent_runs, 3);
  EXPECT_FALSE(info.settings.schedule.has_value());

  ASSERT_TRUE(jobs_->UpdateJob(admin_, job, json::Value(), {"tasks/c"}).ok());
  EXPECT_EQ(jobs_->GetJob(admin_, job)->settings.tasks.size(), 2u);
  // The result is validated whole: removing a task others depend on is refused.
  Status broken = jobs_->UpdateJob(admin_, job, json::Value(), {"tasks/a"});
  EXPECT_EQ(broken.code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(broken.message().find("'a'"), std::string::npos) << broken.message();
  EXPECT_EQ(jobs_->UpdateJob(admin_, job, json::Value(), {"no_such_field"}).code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(JobServiceTest, ListingShowsOnlyJobsTheCallerMayView) {
  int64_t mine = Create(kTwoTasks, &alice_);
  Create(kTwoTasks, &bob_);
  auto alice_sees = jobs_->ListJobs(alice_, "", 0, 100);
  ASSERT_TRUE(alice_sees.ok());
  ASSERT_EQ(alice_sees->size(), 1u);
  EXPECT_EQ(alice_sees->front().job_id, mine);
  EXPECT_EQ(alice_sees->front().owner_user_name, "alice");
  EXPECT_EQ(jobs_->ListJobs(admin_, "", 0, 100)->size(), 2u);
  EXPECT_EQ(jobs_->ListJobs(admin_, "", 1, 100)->size(), 1u);
  EXPECT_EQ(jobs_->ListJobs(admin_, "", 0, 0).status().code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(JobServiceTest, RunNowChecksParametersAndDeleteWaitsForActiveRuns) {
  int64_t job = Create(
      "name: p\nparameters: [{name: x, default: '1'}]\ntasks: [{task_key: a, "
      "command_task: {command: ['true']}}]\n");
  auto typo = jobs_->RunNow(admin_, RunNowRequest{job, {{"y", "2"}}, "ONE_TIME", 0});
  EXPECT_EQ(typo.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(typo.status().message().find("it has x"), std::string::npos) << typo.status().message();
  auto run = jobs_->RunNow(admin_, RunNowRequest{job, {{"x", "2"}}, "ONE_TIME", 0});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(jobs_->GetRun(admin_, *run)->parameters.at("x"), "2");
  ASSERT_TRUE(*executor_->Claim(*run));  // PENDING: active
  EXPECT_EQ(jobs_->DeleteJob(admin_, job).code(), ErrorCode::kInvalidState);
  ASSERT_TRUE(executor_->Execute(*run).ok());
  EXPECT_TRUE(jobs_->DeleteJob(admin_, job).ok());
  EXPECT_EQ(jobs_->GetRun(admin_, *run).status().code(), ErrorCode::kResourceDoesNotExist);
}

TEST_F(JobServiceTest, CancelingAQueuedRunEndsItAtOnce) {
  int64_t job = Create(kTwoTasks);
  auto run = jobs_->RunNow(admin_, RunNowRequest{job, {}, "ONE_TIME", 0});
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(jobs_->CancelRun(admin_, *run).ok());
  JobRun r = *jobs_->GetRun(admin_, *run);
  EXPECT_EQ(r.life_cycle, LifeCycle::kTerminated);
  EXPECT_EQ(r.result, ResultState::kCanceled);
  EXPECT_FALSE(*executor_->Claim(*run));
}

}  // namespace
}  // namespace keel::jobs

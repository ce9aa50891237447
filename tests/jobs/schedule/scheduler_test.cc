// The scheduler over a simulated clock: cron instants (across DST), exactly-once firing across
// restarts and replicas, misfires, pausing, periodic and table-update triggers.

#include "jobs/schedule/scheduler.h"

#include <gtest/gtest.h>

#include <thread>

#include "jobs/jobs_test_env.h"

namespace keel::jobs {
namespace {

// 2026-03-06T12:00:00Z, a Friday two days before US daylight saving time starts.
constexpr int64_t kStart = 1772798400000;
constexpr int64_t kHour = 3600 * 1000;

class SchedulerTest : public testing::JobsTest {
 protected:
  const Clock* clock() override { return &clock_; }

  std::unique_ptr<Scheduler> NewScheduler() {
    SchedulerOptions options;
    options.clock = &clock_;
    return std::make_unique<Scheduler>(jobs_.get(), executor_.get(), tables_.get(), options);
  }

  // Fires at every step of `step` millis until `until`; returns the trigger times of the runs.
  std::vector<int64_t> Drive(Scheduler& s, int64_t until, int64_t step) {
    std::vector<int64_t> times;
    while (clock_.NowMillis() < until) {
      clock_.Advance(step);
      auto fired = s.FireDue();
      EXPECT_TRUE(fired.ok()) << fired.status().ToString();
      for (int64_t id : *fired) times.push_back(jobs_->GetRun(admin_, id)->trigger_time);
    }
    return times;
  }

  int64_t CountRuns(int64_t job) {
    RunFilter f;
    f.job_id = job;
    f.limit = 1000;
    return static_cast<int64_t>(jobs_->ListRuns(admin_, f)->size());
  }

  ManualClock clock_{kStart};
};

constexpr char kDailyNewYork[] = R"(
name: nightly
schedule:
  quartz_cron_expression: "0 0 9 * * ?"
  timezone_id: America/New_York
tasks: [{task_key: a, command_task: {command: ['true']}}]
)";

TEST_F(SchedulerTest, ACronScheduleFiresAtItsInstantsAcrossADstChange) {
  int64_t job = Create(kDailyNewYork);
  auto s = NewScheduler();
  ASSERT_TRUE(s->FireDue().ok());  // first sight: starts counting, fires nothing
  std::vector<int64_t> times = Drive(*s, kStart + 4 * 24 * kHour, 10 * 60 * 1000);
  // 09:00 EST is 14:00Z; after 2026-03-08 02:00 it is EDT and 09:00 is 13:00Z.
  EXPECT_EQ(times, (std::vector<int64_t>{1772805600000,     // 2026-03-06T14:00Z
                                         1772892000000,     // 2026-03-07T14:00Z
                                         1772974800000,     // 2026-03-08T13:00Z
                                         1773061200000}));  // 2026-03-09T13:00Z
  auto run = jobs_->GetRun(admin_, jobs_->ListRuns(admin_, RunFilter{job})->front().run_id);
  EXPECT_EQ(run->trigger_type, "PERIODIC");
  EXPECT_EQ(run->life_cycle, LifeCycle::kQueued);
  EXPECT_EQ(run->trigger_info.Find("scheduled_time")->as_string(), "2026-03-09T13:00:00.000Z");
}

TEST_F(SchedulerTest, ARestartNeitherRepeatsNorLosesAnInstant) {
  int64_t job = Create(kDailyNewYork);
  {
    auto s = NewScheduler();
    ASSERT_TRUE(s->FireDue().ok());
    // 2026-03-06 and 2026-03-07 at 09:00 EST.
    EXPECT_EQ(Drive(*s, kStart + 27 * kHour, kHour).size(), 2u);
  }
  // A new server process at the same moment: the instant already fired.
  {
    auto s = NewScheduler();
    EXPECT_TRUE(s->FireDue()->empty());
  }
  // The server is down over the next instant and comes back an hour later: it fires once.
  clock_.Set(1772974800000 + kHour);
  {
    auto s = NewScheduler();
    auto fired = s->FireDue();
    ASSERT_EQ(fired->size(), 1u);
    EXPECT_EQ(jobs_->GetRun(admin_, fired->front())->trigger_time, 1772974800000);
    EXPECT_TRUE(s->FireDue()->empty());
  }
  EXPECT_EQ(CountRuns(job), 3);
}

TEST_F(SchedulerTest, ReplicasFiringAtOnceCreateOneRunPerInstant) {
  int64_t job = Create(R"(
name: every-minute
schedule: {quartz_cron_expression: "0 * * * * ?"}
tasks: [{task_key: a, command_task: {command: ['true']}}]
)");
  auto a = NewScheduler();
  auto b = NewScheduler();
  ASSERT_TRUE(a->FireDue().ok());
  for (int minute = 0; minute < 10; ++minute) {
    clock_.Advance(60 * 1000);
    std::thread ta([&] { EXPECT_TRUE(a->FireDue().ok()); });
    std::thread tb([&] { EXPECT_TRUE(b->FireDue().ok()); });
    ta.join();
    tb.join();
  }
  EXPECT_EQ(CountRuns(job), 10);
}

TEST_F(SchedulerTest, MissedInstantsFireOnceForTheLatest) {
  int64_t job = Create(R"(
name: hourly
schedule: {quartz_cron_expression: "0 0 * * * ?"}
tasks: [{task_key: a, command_task: {command: ['true']}}]
)");
  auto s = NewScheduler();
  ASSERT_TRUE(s->FireDue().ok());
  clock_.Advance(5 * kHour + 1000);  // down across five instants
  auto fired = s->FireDue();
  ASSERT_EQ(fired->size(), 1u);
  JobRun run = *jobs_->GetRun(admin_, fired->front());
  EXPECT_EQ(run.trigger_time, kStart + 5 * kHour);
  EXPECT_EQ(run.trigger_info.Find("missed_since")->as_string(), "2026-03-06T13:00:00.000Z");
  EXPECT_EQ(CountRuns(job), 1);
}

TEST_F(SchedulerTest, APausedScheduleFiresNothingAndUnpausingSkipsWhatWasMissed) {
  int64_t job = Create(R"(
name: paused
schedule: {quartz_cron_expression: "0 0 * * * ?", pause_status: PAUSED}
tasks: [{task_key: a, command_task: {command: ['true']}}]
)");
  auto s = NewScheduler();
  EXPECT_TRUE(Drive(*s, kStart + 3 * kHour, 10 * 60 * 1000).empty());
  ASSERT_TRUE(jobs_
                  ->UpdateJob(admin_, job, *json::Parse(R"({"schedule": {
      "quartz_cron_expression": "0 0 * * * ?", "pause_status": "UNPAUSED"}})"),
                              {})
                  .ok());
  EXPECT_TRUE(s->FireDue()->empty());
  EXPECT_EQ(Drive(*s, kStart + 4 * kHour, 10 * 60 * 1000).size(), 1u);
}

TEST_F(SchedulerTest, APeriodicTriggerFiresEveryInterval) {
  int64_t job = Create(R"(
name: periodic
trigger: {periodic: {interval: 2, unit: HOURS}}
tasks: [{task_key: a, command_task: {command: ['true']}}]
)");
  auto s = NewScheduler();
  ASSERT_TRUE(s->FireDue().ok());
  std::vector<int64_t> times = Drive(*s, kStart + 7 * kHour, 15 * 60 * 1000);
  EXPECT_EQ(times,
            (std::vector<int64_t>{kStart + 2 * kHour, kStart + 4 * kHour, kStart + 6 * kHour}));
  EXPECT_EQ(CountRuns(job), 3);
}

TEST_F(SchedulerTest, ATableUpdateTriggerFiresOncePerNewCommit) {
  catalog::CreateTableRequest create;
  create.full_name = "dev.default.events";
  create.schema.fields.push_back({"id", batch::DataType::Primitive(batch::TypeId::kLong), true});
  ASSERT_TRUE(tables_->CreateTable(admin_, create).ok());
  int64_t job = Create(R"(
name: on-new-events
trigger:
  table_update: {table_names: [dev.default.events]}
tasks: [{task_key: a, command_task: {command: ['true']}}]
)");
  auto s = NewScheduler();
  auto write = [&](const std::string& rows) {
    catalog::TextWriteRequest req;
    ASSERT_TRUE(tables_->WriteText(admin_, "dev.default.events", rows, req).ok());
  };
  EXPECT_TRUE(s->FireDue()->empty());  // the current version is the baseline
  EXPECT_TRUE(s->FireDue()->empty());
  write("id\n1\n");
  auto fired = s->FireDue();
  ASSERT_EQ(fired->size(), 1u);
  EXPECT_EQ(jobs_->GetRun(admin_, fired->front())->trigger_type, "TABLE");
  EXPECT_EQ(jobs_->GetRun(admin_, fired->front())
                ->trigger_info.Find("table_versions")
                ->Find("dev.default.events")
                ->as_int(),
            1);
  EXPECT_TRUE(s->FireDue()->empty());
  write("id\n2\n");
  EXPECT_EQ(s->FireDue()->size(), 1u);
  write("id\n3\n");
  EXPECT_EQ(s->FireDue()->size(), 1u);
  EXPECT_TRUE(s->FireDue()->empty());
  EXPECT_EQ(CountRuns(job), 3);
}

TEST_F(SchedulerTest, DispatchRunsQueuedRunsToTheEnd) {
  int64_t job =
      Create("name: now\ntasks: [{task_key: a, command_task: {command: [touch, dispatched]}}]\n");
  auto run_id = jobs_->RunNow(admin_, RunNowRequest{job, {}, "ONE_TIME", 0});
  ASSERT_TRUE(run_id.ok());
  auto s = NewScheduler();
  ASSERT_TRUE(s->DispatchQueued().ok());
  for (int i = 0; i < 500 && s->ActiveRuns() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(jobs_->GetRun(admin_, *run_id)->result, ResultState::kSuccess);
  EXPECT_TRUE(FileSystem::Default()->Exists(work_ + "/dispatched").value());
}

}  // namespace
}  // namespace keel::jobs

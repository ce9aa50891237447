// The executor with real processes: task values between tasks, run_if, retries, timeouts that
// kill the process tree, cancel, condition tasks, repair, and recovery after a runner died.

#include "jobs/runner/run_executor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "jobs/jobs_test_env.h"

namespace keel::jobs {
namespace {

using testing::JobsTest;

class RunExecutorTest : public JobsTest {
 protected:
  // What a runner that died while task "a" ran leaves behind: the run RUNNING under a runner
  // that no longer exists, and the task's attempt RUNNING with its log directory.
  void LeaveRunningUnderDeadRunner(int64_t run_id, int64_t task_run_id,
                                   const std::string& log_dir) {
    Status s = db_->Write([&](metastore::Transaction& tx) -> Status {
      KEEL_RETURN_IF_ERROR(tx.Exec("UPDATE job_runs SET life_cycle_state = 'RUNNING', "
                                   "runner_id = '1:0' WHERE run_id = ?",
                                   {metastore::Int(run_id)})
                               .status());
      TaskRun a;
      a.task_run_id = task_run_id;
      a.run_id = run_id;
      a.task_key = "a";
      a.life_cycle = LifeCycle::kRunning;
      a.log_dir = log_dir;
      a.start_time = 1;
      return JobStore::InsertTaskRun(tx, a);
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
};

constexpr char kTrainValidateDeploy[] = R"(
name: churn-training
parameters:
  - name: catalog
    default: dev
tasks:
  - task_key: train
    command_task:
      command: [sh, -c, 'echo training in $KEEL_JOB_PARAM_CATALOG; keel task-values set model_uri "models:/$0.ml.churn/3"', '{{job.parameters.catalog}}']
  - task_key: validate
    depends_on: [{task_key: train}]
    command_task:
      command: [sh, -c, 'echo "$0" > validated_uri; test ! -e fail_validation', '{{tasks.train.values.model_uri}}']
  - task_key: deploy
    depends_on: [{task_key: validate}]
    command_task:
      command: [sh, -c, 'echo "$0" >> deployed_uris', '{{tasks.train.values.model_uri}}']
)";

TEST_F(RunExecutorTest, TrainHandsTheModelUriToValidateAndDeploy) {
  int64_t job = Create(kTrainValidateDeploy);
  JobRun run = RunToEnd(job, {{"catalog", "staging"}});
  EXPECT_EQ(run.life_cycle, LifeCycle::kTerminated);
  EXPECT_EQ(run.result, ResultState::kSuccess) << run.state_message;
  ASSERT_EQ(run.tasks.size(), 3u);
  for (const TaskRun& t : run.tasks) {
    EXPECT_EQ(t.result, ResultState::kSuccess) << t.task_key << ": " << t.state_message;
  }
  EXPECT_EQ(ReadFile(work_ + "/validated_uri"), "models:/staging.ml.churn/3\n");
  EXPECT_EQ(ReadFile(work_ + "/deployed_uris"), "models:/staging.ml.churn/3\n");
  auto value = jobs_->GetTaskValue(admin_, run.run_id, "train", "model_uri");
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_EQ(value->as_string(), "models:/staging.ml.churn/3");
  auto output = jobs_->GetRunOutput(admin_, Task(run, "train").task_run_id);
  ASSERT_TRUE(output.ok());
  EXPECT_EQ(output->logs, "training in staging\n");
  EXPECT_EQ(output->task_values.at("model_uri").as_string(), "models:/staging.ml.churn/3");
}

TEST_F(RunExecutorTest, AFailingValidateStopsDeployAndRepairRerunsOnlyTheFailedTasks) {
  std::ofstream(work_ + "/fail_validation") << "x";
  int64_t job = Create(kTrainValidateDeploy);
  JobRun run = RunToEnd(job);
  EXPECT_EQ(run.result, ResultState::kFailed);
  EXPECT_EQ(Task(run, "train").result, ResultState::kSuccess);
  EXPECT_EQ(Task(run, "validate").result, ResultState::kFailed);
  EXPECT_NE(Task(run, "validate").state_message.find("exit code 1"), std::string::npos);
  EXPECT_EQ(Task(run, "deploy").life_cycle, LifeCycle::kSkipped);
  EXPECT_EQ(Task(run, "deploy").result, ResultState::kUpstreamFailed);
  int64_t train_task_run = Task(run, "train").task_run_id;

  ::unlink((work_ + "/fail_validation").c_str());
  RepairRequest repair;
  repair.run_id = run.run_id;
  repair.rerun_all_failed_tasks = true;
  auto number = jobs_->RepairRun(admin_, repair);
  ASSERT_TRUE(number.ok()) << number.status().ToString();
  EXPECT_EQ(*number, 1);
  JobRun repaired = Execute(run.run_id);
  EXPECT_EQ(repaired.result, ResultState::kSuccess) << repaired.state_message;
  EXPECT_EQ(repaired.repair_count, 1);
  // train kept its first attempt (and its task value); validate and deploy ran again.
  EXPECT_EQ(Task(repaired, "train").task_run_id, train_task_run);
  EXPECT_EQ(Task(repaired, "validate").repair_number, 1);
  EXPECT_EQ(Task(repaired, "deploy").repair_number, 1);
  EXPECT_EQ(ReadFile(work_ + "/deployed_uris"), "models:/dev.ml.churn/3\n");

  // A second repair has nothing left to do.
  auto again = jobs_->RepairRun(admin_, repair);
  EXPECT_EQ(again.status().code(), ErrorCode::kInvalidState);
}

TEST_F(RunExecutorTest, RetriesAFailingTaskUntilItSucceeds) {
  int64_t job = Create(R"(
name: flaky
tasks:
  - task_key: flaky
    max_retries: 3
    min_retry_interval_millis: 200
    command_task:
      command: [sh, -c, 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; test $n -ge 3']
)");
  auto start = std::chrono::steady_clock::now();
  JobRun run = RunToEnd(job);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(run.result, ResultState::kSuccess) << run.state_message;
  EXPECT_EQ(Task(run, "flaky").attempt_number, 2);
  EXPECT_EQ(ReadFile(work_ + "/count"), "3\n");
  EXPECT_GE(elapsed, std::chrono::milliseconds(400));  // two waits of 200 ms
  auto history = jobs_->GetRun(admin_, run.run_id, /*include_history=*/true);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->tasks.size(), 3u);
  EXPECT_EQ(history->tasks[0].result, ResultState::kFailed);
  EXPECT_EQ(history->tasks[1].result, ResultState::kFailed);
  EXPECT_EQ(history->tasks[2].result, ResultState::kSuccess);
}

TEST_F(RunExecutorTest, GivesUpAfterMaxRetries) {
  int64_t job = Create(R"(
name: broken
tasks:
  - task_key: broken
    max_retries: 1
    command_task: {command: [sh, -c, 'echo no >&2; exit 3']}
)");
  JobRun run = RunToEnd(job);
  EXPECT_EQ(run.result, ResultState::kFailed);
  EXPECT_EQ(Task(run, "broken").attempt_number, 1);
  EXPECT_NE(Task(run, "broken").state_message.find("exit code 3: no"), std::string::npos)
      << Task(run, "broken").state_message;
}

TEST_F(RunExecutorTest, ATimeoutKillsTheWholeProcessTree) {
  int64_t job = Create(R"(
name: slow
tasks:
  - task_key: slow
    timeout_seconds: 1
    command_task:
      command: [sh, -c, 'sleep 60 & echo $! > grandchild.pid; wait']
)");
  auto start = std::chrono::steady_clock::now();
  JobRun run = RunToEnd(job);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(run.result, ResultState::kFailed);
  EXPECT_EQ(Task(run, "slow").result, ResultState::kTimedOut);
  pid_t grandchild = std::atoi(ReadFile(work_ + "/grandchild.pid").c_str());
  ASSERT_GT(grandchild, 0);
  // The sleep was in the task's process group: it is gone (reaped by init shortly after).
  for (int i = 0; i < 50 && PidAlive(grandchild); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(PidAlive(grandchild));
}

TEST_F(RunExecutorTest, RetryOnTimeoutRetriesTimedOutTasks) {
  int64_t job = Create(R"(
name: slow-then-fast
tasks:
  - task_key: t
    timeout_seconds: 1
    max_retries: 1
    retry_on_timeout: true
    command_task:
      command: [sh, -c, 'if [ -e once ]; then exit 0; fi; touch once; sleep 30']
)");
  JobRun run = RunToEnd(job);
  EXPECT_EQ(run.result, ResultState::kSuccess) << run.state_message;
  EXPECT_EQ(Task(run, "t").attempt_number, 1);
}

TEST_F(RunExecutorTest, CancelStopsRunningTasksAndSkipsTheRest) {
  int64_t job = Create(R"(
name: long
tasks:
  - task_key: a
    command_task: {command: [sh, -c, 'echo $$ > a.pid; exec sleep 60']}
  - task_key: b
    depends_on: [{task_key: a}]
    command_task: {command: [touch, b_ran]}
)");
  RunNowRequest req;
  req.job_id = job;
  auto run_id = jobs_->RunNow(admin_, req);
  ASSERT_TRUE(run_id.ok());
  ASSERT_TRUE(*executor_->Claim(*run_id));
  std::thread canceller([&] {
    for (int i = 0; i < 200 && ReadFile(work_ + "/a.pid").empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(jobs_->CancelRun(alice_, *run_id).code() == ErrorCode::kResourceDoesNotExist);
    EXPECT_TRUE(jobs_->CancelRun(admin_, *run_id).ok());
  });
  auto run = executor_->Execute(*run_id);
  canceller.join();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->result, ResultState::kCanceled);
  EXPECT_EQ(Task(*run, "a").result, ResultState::kCanceled);
  EXPECT_EQ(Task(*run, "b").life_cycle, LifeCycle::kSkipped);
  EXPECT_FALSE(FileSystem::Default()->Exists(work_ + "/b_ran").value());
  pid_t a = std::atoi(ReadFile(work_ + "/a.pid").c_str());
  for (int i = 0; i < 50 && PidAlive(a); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(PidAlive(a));
}

TEST_F(RunExecutorTest, RunIfDecidesWhichTasksRunAfterAFailure) {
  int64_t job = Create(R"(
name: run-if
tasks:
  - task_key: ok
    command_task: {command: ['true']}
  - task_key: bad
    command_task: {command: ['false']}
  - task_key: all_success
    depends_on: [{task_key: ok}, {task_key: bad}]
    command_task: {command: ['true']}
  - task_key: at_least_one_success
    run_if: AT_LEAST_ONE_SUCCESS
    depends_on: [{task_key: ok}, {task_key: bad}]
    command_task: {command: ['true']}
  - task_key: none_failed
    run_if: NONE_FAILED
    depends_on: [{task_key: ok}, {task_key: bad}]
    command_task: {command: ['true']}
  - task_key: all_done
    run_if: ALL_DONE
    depends_on: [{task_key: ok}, {task_key: bad}]
    command_task: {command: ['true']}
  - task_key: at_least_one_failed
    run_if: AT_LEAST_ONE_FAILED
    depends_on: [{task_key: ok}, {task_key: bad}]
    command_task: {command: ['true']}
  - task_key: all_failed
    run_if: ALL_FAILED
    depends_on: [{task_key: ok}, {task_key: bad}]
    command_task: {command: ['true']}
)");
  JobRun run = RunToEnd(job);
  EXPECT_EQ(Task(run, "all_success").result, ResultState::kUpstreamFailed);
  EXPECT_EQ(Task(run, "at_least_one_success").result, ResultState::kSuccess);
  EXPECT_EQ(Task(run, "none_failed").result, ResultState::kUpstreamFailed);
  EXPECT_EQ(Task(run, "all_done").result, ResultState::kSuccess);
  EXPECT_EQ(Task(run, "at_least_one_failed").result, ResultState::kSuccess);
  EXPECT_EQ(Task(run, "all_failed").result, ResultState::kExcluded);
  // Leaves all_success and none_failed were upstream-failed.
  EXPECT_EQ(run.result, ResultState::kFailed);
}

TEST_F(RunExecutorTest, AConditionTaskPicksTheBranchThatRuns) {
  int64_t job = Create(R"(
name: gate
parameters: [{name: auc, default: "0.91"}]
tasks:
  - task_key: good_enough
    condition_task: {op: GREATER_THAN_OR_EQUAL, left: '{{job.parameters.auc}}', right: '0.9'}
  - task_key: promote
    depends_on: [{task_key: good_enough, outcome: 'true'}]
    command_task: {command: [touch, promoted]}
  - task_key: alert
    depends_on: [{task_key: good_enough, outcome: 'false'}]
    command_task: {command: [touch, alerted]}
)");
  JobRun run = RunToEnd(job);
  EXPECT_EQ(run.result, ResultState::kSuccess) << run.state_message;
  EXPECT_EQ(Task(run, "good_enough").condition_outcome, "true");
  EXPECT_EQ(Task(run, "promote").result, ResultState::kSuccess);
  EXPECT_EQ(Task(run, "alert").result, ResultState::kExcluded);
  EXPECT_TRUE(FileSystem::Default()->Exists(work_ + "/promoted").value());
  EXPECT_FALSE(FileSystem::Default()->Exists(work_ + "/alerted").value());

  JobRun low = RunToEnd(job, {{"auc", "0.5"}});
  EXPECT_EQ(Task(low, "good_enough").condition_outcome, "false");
  EXPECT_EQ(Task(low, "alert").result, ResultState::kSuccess);
  EXPECT_EQ(Task(low, "promote").result, ResultState::kExcluded);
}

TEST_F(RunExecutorTest, AMissingTaskValueFailsTheTaskWithAClearMessage) {
  int64_t job = Create(R"(
name: forgetful
tasks:
  - task_key: train
    command_task: {command: ['true']}
  - task_key: deploy
    depends_on: [{task_key: train}]
    command_task: {command: [echo, '{{tasks.train.values.model_uri}}']}
)");
  JobRun run = RunToEnd(job);
  EXPECT_EQ(Task(run, "deploy").result, ResultState::kFailed);
  EXPECT_NE(Task(run, "deploy").state_message.find("did not set the task value 'model_uri'"),
            std::string::npos)
      << Task(run, "deploy").state_message;
}

TEST_F(RunExecutorTest, TaskValuesAreLimitedAndOnlyTheRunsTasksMaySetThem) {
  int64_t job = Create(R"Y(
name: values
tasks:
  - task_key: big
    command_task:
      command: [sh, -c, 'head -c 50000 /dev/zero | tr "\0" a > big.txt; keel task-values set big "$(cat big.txt)" 2> big.err; keel task-values set small 42']
)Y");
  JobRun run = RunToEnd(job);
  EXPECT_EQ(run.result, ResultState::kSuccess) << run.state_message;
  EXPECT_NE(ReadFile(work_ + "/big.err").find("at most 48 KiB"), std::string::npos)
      << ReadFile(work_ + "/big.err");
  EXPECT_EQ(jobs_->GetTaskValue(admin_, run.run_id, "big", "small")->as_int(), 42);
  // After the task ended nobody may change its values, and alice is not the run's principal.
  EXPECT_EQ(jobs_->SetTaskValue(admin_, run.run_id, "big", "small", "1").code(),
            ErrorCode::kInvalidState);
  EXPECT_EQ(jobs_->SetTaskValue(alice_, run.run_id, "big", "small", "1").code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(RunExecutorTest, TasksRunAsTheJobsPrincipalWithItsGrants) {
  // alice's job: its task acts with alice's token, so admin-only things fail inside it.
  int64_t job = Create(R"(
name: as-alice
tasks:
  - task_key: who
    command_task:
      command: [sh, -c, 'keel principals create-user mallory 2> denied.txt; test -n "$KEEL_TOKEN"']
)",
                       &alice_);
  auto run_id = jobs_->RunNow(alice_, RunNowRequest{job, {}, "ONE_TIME", 0});
  ASSERT_TRUE(run_id.ok());
  JobRun run = Execute(*run_id);
  EXPECT_EQ(run.run_as, "alice");
  EXPECT_EQ(run.result, ResultState::kSuccess) << run.state_message;
  EXPECT_NE(ReadFile(work_ + "/denied.txt").find("only a metastore admin"), std::string::npos)
      << ReadFile(work_ + "/denied.txt");
  // bob cannot see or run alice's job until she grants it.
  EXPECT_EQ(jobs_->RunNow(bob_, RunNowRequest{job, {}, "ONE_TIME", 0}).status().code(),
            ErrorCode::kResourceDoesNotExist);
  ASSERT_TRUE(jobs_->SetPermissions(alice_, job, {{"bob", PermissionLevel::kCanView}}).ok());
  EXPECT_TRUE(jobs_->GetRun(bob_, run.run_id).ok());
  EXPECT_EQ(jobs_->RunNow(bob_, RunNowRequest{job, {}, "ONE_TIME", 0}).status().code(),
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(jobs_->SetPermissions(alice_, job, {{"bob", PermissionLevel::kCanManageRun}}).ok());
  EXPECT_TRUE(jobs_->RunNow(bob_, RunNowRequest{job, {}, "ONE_TIME", 0}).ok());
  EXPECT_EQ(jobs_->DeleteJob(bob_, job).code(), ErrorCode::kPermissionDenied);
  // Only admins may make a job run as someone else.
  JobSpec as_admin = Spec(
      "name: x\nrun_as: {user_name: admin}\ntasks: [{task_key: a, command_task: {command: "
      "['true']}}]\n");
  EXPECT_EQ(jobs_->CreateJob(alice_, as_admin).status().code(), ErrorCode::kPermissionDenied);
}

TEST_F(RunExecutorTest, RecoveryUsesTheExitStatusOfATaskThatFinishedWhileTheRunnerWasDown) {
  int64_t job = Create(R"(
name: survives
tasks:
  - task_key: a
    command_task: {command: ['true']}
  - task_key: b
    depends_on: [{task_key: a}]
    command_task: {command: [touch, b_ran]}
)");
  auto run_id = jobs_->RunNow(admin_, RunNowRequest{job, {}, "ONE_TIME", 0});
  ASSERT_TRUE(run_id.ok());
  // What a runner that died right after starting task a leaves behind: the run RUNNING under a
  // dead runner, task a RUNNING, and the exit status its supervisor wrote.
  std::string log_dir = home_ + "/jobs/logs/" + std::to_string(*run_id) + "/a/0";
  ASSERT_TRUE(FileSystem::Default()->CreateDirs(log_dir).ok());
  std::ofstream(log_dir + "/exit_status") << "exit 0\n";
  LeaveRunningUnderDeadRunner(*run_id, 1000, log_dir);
  auto resumable = executor_->Recover(*run_id);
  ASSERT_TRUE(resumable.ok()) << resumable.status().ToString();
  ASSERT_TRUE(*resumable);
  auto run = executor_->Execute(*run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->result, ResultState::kSuccess) << run->state_message;
  EXPECT_EQ(Task(*run, "a").state_message, "finished while keel was down");
  EXPECT_TRUE(FileSystem::Default()->Exists(work_ + "/b_ran").value());
}

TEST_F(RunExecutorTest, RecoveryEndsARunWhoseTaskDiedWithTheRunner) {
  int64_t job = Create("name: lost\ntasks: [{task_key: a, command_task: {command: ['true']}}]\n");
  auto run_id = jobs_->RunNow(admin_, RunNowRequest{job, {}, "ONE_TIME", 0});
  ASSERT_TRUE(run_id.ok());
  LeaveRunningUnderDeadRunner(*run_id, 2000, home_ + "/jobs/logs/nowhere");
  auto resumable = executor_->Recover(*run_id);
  ASSERT_TRUE(resumable.ok());
  EXPECT_FALSE(*resumable);
  auto run = jobs_->GetRun(admin_, *run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->life_cycle, LifeCycle::kInternalError);
  EXPECT_EQ(Task(*run, "a").life_cycle, LifeCycle::kInternalError);
  // Repair runs it again.
  RepairRequest repair;
  repair.run_id = *run_id;
  repair.rerun_all_failed_tasks = true;
  ASSERT_TRUE(jobs_->RepairRun(admin_, repair).ok());
  EXPECT_EQ(Execute(*run_id).result, ResultState::kSuccess);
}

TEST_F(RunExecutorTest, ARunJobTaskRunsAnotherJobAndEndsAsItEnds) {
  int64_t child = Create(R"(
name: child
parameters: [{name: msg, default: x}]
tasks:
  - task_key: c
    command_task: {command: [sh, -c, 'echo "$0" > child_ran; test "$0" != fail', '{{job.parameters.msg}}']}
)");
  int64_t parent = Create(
      "name: parent\nparameters: [{name: msg, default: hello}]\ntasks:\n"
      "  - task_key: call\n"
      "    run_job_task: {job_id: " +
      std::to_string(child) + ", job_parameters: {msg: '{{job.parameters.msg}}'}}\n");
  JobRun run = RunToEnd(parent);
  EXPECT_EQ(run.result, ResultState::kSuccess) << Task(run, "call").state_message;
  EXPECT_EQ(ReadFile(work_ + "/child_ran"), "hello\n");
  int64_t child_run = Task(run, "call").child_run_id;
  ASSERT_GT(child_run, 0);
  auto started = jobs_->GetRun(admin_, child_run);
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(started->job_id, child);
  EXPECT_EQ(started->parent_run_id, run.run_id);
  EXPECT_EQ(started->trigger_type, "RUN_JOB_TASK");
  EXPECT_EQ(started->result, ResultState::kSuccess);

  JobRun failed = RunToEnd(parent, {{"msg", "fail"}});
  EXPECT_EQ(Task(failed, "call").result, ResultState::kFailed);
  EXPECT_EQ(jobs_->GetRun(admin_, Task(failed, "call").child_run_id)->result, ResultState::kFailed);
}

TEST_F(RunExecutorTest, MaxConcurrentRunsKeepsExtraRunsQueued) {
  int64_t job = Create(
      "name: one-at-a-time\nmax_concurrent_runs: 1\ntasks: [{task_key: a, command_task: {command: "
      "['true']}}]\n");
  auto first = jobs_->RunNow(admin_, RunNowRequest{job, {}, "ONE_TIME", 0});
  auto second = jobs_->RunNow(admin_, RunNowRequest{job, {}, "ONE_TIME", 0});
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(*executor_->Claim(*first));
  EXPECT_FALSE(*executor_->Claim(*second));  // the first is active
  ASSERT_TRUE(executor_->Execute(*first).ok());
  EXPECT_TRUE(*executor_->Claim(*second));
  EXPECT_EQ(executor_->Execute(*second)->result, ResultState::kSuccess);
}

TEST_F(RunExecutorTest, ACommandThatCannotStartFailsWithTheReason) {
  int64_t job = Create(
      "name: typo\ntasks: [{task_key: a, command_task: {command: [no-such-program-xyz]}}]\n");
  JobRun run = RunToEnd(job);
  EXPECT_EQ(Task(run, "a").result, ResultState::kFailed);
  EXPECT_NE(Task(run, "a").state_message.find("exit code 127"), std::string::npos)
      << Task(run, "a").state_message;
}

}  // namespace
}  // namespace keel::jobs

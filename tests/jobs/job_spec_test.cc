// Job settings from YAML and JSON: what a full job reads as, the JSON written back, and the
// messages for bad settings (each naming the file line and the problem).

#include "jobs/job_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keel::jobs {
namespace {

JobSpec ParseOk(const std::string& yaml) {
  auto spec = ParseJobSpecYaml(yaml, "test.yml");
  EXPECT_TRUE(spec.ok()) << spec.status().ToString() << "\n" << yaml;
  return spec.ok() ? *spec : JobSpec{};
}

// Parses, writes JSON, parses that and writes it again: both JSON documents must be equal.
void ExpectRoundTrip(const JobSpec& spec) {
  json::Value first = spec.ToJson();
  auto again = ParseJobSpec(first);
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << first.Dump(true);
  EXPECT_EQ(again->ToJson(), first) << first.Dump(true) << "\nread back as\n"
                                    << again->ToJson().Dump(true);
}

constexpr char kTrainValidateDeploy[] = R"(name: churn-train-validate-deploy
description: Trains the churn model, checks it and promotes it.
tags: {team: ml, cost-center: 42}
parameters:
  - {name: catalog, default: dev}
  - {name: min_auc, default: 0.8}
max_concurrent_runs: 2
timeout_seconds: 7200
schedule:
  quartz_cron_expression: "0 0 9 * * ?"
  timezone_id: Europe/Berlin
  pause_status: PAUSED
webhook_notifications:
  on_failure: [{url: "https://hooks.example.com/keel"}]
run_as: {service_principal_name: automation}
tasks:
  - task_key: train
    description: Fits the model and registers it.
    train_task:
      spec: train/churn.yml
      register: "{{job.parameters.catalog}}.ml.churn"
    max_retries: 2
    min_retry_interval_millis: 60000
    retry_on_timeout: true
    timeout_seconds: 3600
  - task_key: validate
    depends_on: [{task_key: train}]
    condition_task:
      op: GREATER_THAN_OR_EQUAL
      left: "{{tasks.train.values.auc}}"
      right: "{{job.parameters.min_auc}}"
  - task_key: deploy
    depends_on:
      - task_key: validate
        outcome: true
    run_if: NONE_FAILED
    command_task:
      command: [keel, models, promote, "{{tasks.train.values.model_uri}}", --alias, champion]
      env: {KEEL_CATALOG: "{{job.parameters.catalog}}", RETRIES: 3}
      working_dir: deploy
)";

TEST(JobSpecTest, ReadsAFullTrainValidateDeployJob) {
  JobSpec spec = ParseOk(kTrainValidateDeploy);
  EXPECT_EQ(spec.name, "churn-train-validate-deploy");
  EXPECT_EQ(spec.description, "Trains the churn model, checks it and promotes it.");
  EXPECT_EQ(spec.tags, (std::map<std::string, std::string>{{"cost-center", "42"}, {"team", "ml"}}));
  ASSERT_EQ(spec.parameters.size(), 2u);
  EXPECT_EQ(spec.parameters[0].name, "catalog");
  EXPECT_EQ(spec.parameters[0].default_value, "dev");
  EXPECT_EQ(spec.parameters[1].default_value, "0.8");
  EXPECT_EQ(spec.max_concurrent_runs, 2);
  EXPECT_EQ(spec.timeout_seconds, 7200);
  ASSERT_TRUE(spec.schedule.has_value());
  EXPECT_EQ(spec.schedule->quartz_cron_expression, "0 0 9 * * ?");
  EXPECT_EQ(spec.schedule->timezone_id, "Europe/Berlin");
  EXPECT_EQ(spec.schedule->pause_status, PauseStatus::kPaused);
  EXPECT_FALSE(spec.trigger.has_value());
  ASSERT_EQ(spec.webhook_notifications.on_failure.size(), 1u);
  EXPECT_EQ(spec.webhook_notifications.on_failure[0].url, "https://hooks.example.com/keel");
  EXPECT_TRUE(spec.webhook_notifications.on_start.empty());
  EXPECT_EQ(spec.run_as, "automation");

  ASSERT_EQ(spec.tasks.size(), 3u);
  const TaskSpec& train = spec.tasks[0];
  EXPECT_EQ(train.task_key, "train");
  EXPECT_EQ(train.description, "Fits the model and registers it.");
  EXPECT_EQ(train.kind, TaskKind::kBuiltin);
  EXPECT_EQ(train.builtin.kind, "train");
  EXPECT_EQ(train.builtin.parameters.at("spec"), json::Value("train/churn.yml"));
  EXPECT_EQ(train.builtin.parameters.at("register"),
            json::Value("{{job.parameters.catalog}}.ml.churn"));
  EXPECT_EQ(train.max_retries, 2);
  EXPECT_EQ(train.min_retry_interval_millis, 60000);
  EXPECT_TRUE(train.retry_on_timeout);
  EXPECT_EQ(train.timeout_seconds, 3600);
  EXPECT_TRUE(train.depends_on.empty());
  EXPECT_EQ(train.run_if, RunIf::kAllSuccess);

  const TaskSpec& validate = spec.tasks[1];
  EXPECT_EQ(validate.kind, TaskKind::kCondition);
  EXPECT_EQ(validate.condition.op, "GREATER_THAN_OR_EQUAL");
  EXPECT_EQ(validate.condition.left, "{{tasks.train.values.auc}}");
  EXPECT_EQ(validate.condition.right, "{{job.parameters.min_auc}}");
  ASSERT_EQ(validate.depends_on.size(), 1u);
  EXPECT_EQ(validate.depends_on[0].task_key, "train");
  EXPECT_EQ(validate.depends_on[0].outcome, "");

  const TaskSpec& deploy = spec.tasks[2];
  EXPECT_EQ(deploy.kind, TaskKind::kCommand);
  EXPECT_EQ(deploy.run_if, RunIf::kNoneFailed);
  ASSERT_EQ(deploy.depends_on.size(), 1u);
  EXPECT_EQ(deploy.depends_on[0].outcome, "true");
  EXPECT_EQ(deploy.command.command,
            (std::vector<std::string>{"keel", "models", "promote",
                                      "{{tasks.train.values.model_uri}}", "--alias", "champion"}));
  EXPECT_EQ(deploy.command.env,
            (std::map<std::string, std::string>{{"KEEL_CATALOG", "{{job.parameters.catalog}}"},
                                                {"RETRIES", "3"}}));
  EXPECT_EQ(deploy.command.working_dir, "deploy");

  EXPECT_EQ(spec.FindTask("validate"), &spec.tasks[1]);
  EXPECT_EQ(spec.FindTask("nope"), nullptr);
  EXPECT_EQ(spec.TopologicalOrder(), (std::vector<std::string>{"train", "validate", "deploy"}));
}

TEST(JobSpecTest, TheFullJobSurvivesAJsonRoundTrip) {
  JobSpec spec = ParseOk(kTrainValidateDeploy);
  ExpectRoundTrip(spec);
  json::Value json = spec.ToJson();
  EXPECT_EQ(json.Find("run_as")->Dump(), R"({"user_name":"automation"})");
  EXPECT_EQ(json.Find("tasks")->as_array()[2].Find("depends_on")->Dump(),
            R"([{"task_key":"validate","outcome":"true"}])");
  EXPECT_EQ(json.Find("tasks")->as_array()[0].Find("train_task")->Dump(),
            R"({"register":"{{job.parameters.catalog}}.ml.churn","spec":"train/churn.yml"})");
}

TEST(JobSpecTest, ToJsonWritesTheDefaultsSoJobsGetShowsThem) {
  JobSpec spec = ParseOk(R"(name: minimal
schedule: {quartz_cron_expression: "0 0 * * * ?"}
tasks: [{task_key: a, command_task: {command: ['true']}}]
)");
  EXPECT_EQ(spec.ToJson().Dump(),
            R"({"name":"minimal","tasks":[{"task_key":"a","run_if":"ALL_SUCCESS",)"
            R"("command_task":{"command":["true"]},"max_retries":0,"min_retry_interval_millis":0,)"
            R"("retry_on_timeout":false,"timeout_seconds":0}],"max_concurrent_runs":1,)"
            R"("timeout_seconds":0,"schedule":{"quartz_cron_expression":"0 0 * * * ?",)"
            R"("timezone_id":"UTC","pause_status":"UNPAUSED"}})");
  ExpectRoundTrip(spec);
}

TEST(JobSpecTest, EveryTaskKindAndTriggerSurvivesAJsonRoundTrip) {
  const char* specs[] = {
      R"(name: kinds
code_root: /var/keel/bundles/churn/abc123
deployment: {bundle: churn, target: prod, git_commit: abc123}
run_as: {user_name: alice@example.com}
trigger:
  pause_status: PAUSED
  table_update:
    table_names: [dev.default.events, dev.default.users]
    condition: ALL_UPDATED
    min_time_between_triggers_seconds: 300
    wait_after_last_change_seconds: 60
webhook_notifications:
  on_start: [{url: "http://127.0.0.1:9000/start"}]
  on_success: [{url: "https://a.example.com/ok"}, {url: "https://b.example.com/ok"}]
tasks:
  - task_key: other
    run_job_task: {job_id: 17, job_parameters: {catalog: prod, run: "{{job.run_id}}"}}
  - task_key: evaluate
    depends_on: [{task_key: other}]
    run_if: ALL_DONE
    max_retries: -1
    evaluate_task:
      model_uri: "models:/dev.ml.churn@champion"
      table: dev.default.holdout
      label: churned
      slices: [country, "{{tasks.other.run_id}}"]
      baseline_uri: "models:/dev.ml.churn/1"
  - task_key: predict
    depends_on: [{task_key: evaluate}]
    predict_task: {model_uri: "models:/dev.ml.churn/2", table: dev.default.new,
                   output: dev.default.scores, mode: batch}
)",
      R"(name: periodic
run_as: {service_principal_name: 6c9d1f0e-3b7a-4e21-9c55-0a1b2c3d4e5f}
trigger: {periodic: {interval: 2, unit: HOURS}}
tasks: [{task_key: a, command_task: {command: [sleep, 1]}}]
)"};
  for (const char* yaml : specs) {
    JobSpec spec = ParseOk(yaml);
    ExpectRoundTrip(spec);
  }
  JobSpec kinds = ParseOk(specs[0]);
  EXPECT_EQ(kinds.code_root, "/var/keel/bundles/churn/abc123");
  EXPECT_EQ(kinds.deployment.at("target"), "prod");
  EXPECT_EQ(kinds.run_as, "alice@example.com");
  ASSERT_TRUE(kinds.trigger && kinds.trigger->table_update);
  EXPECT_EQ(kinds.trigger->pause_status, PauseStatus::kPaused);
  EXPECT_EQ(kinds.trigger->table_update->condition, "ALL_UPDATED");
  EXPECT_EQ(kinds.trigger->table_update->wait_after_last_change_seconds, 60);
  EXPECT_EQ(kinds.tasks[0].kind, TaskKind::kRunJob);
  EXPECT_EQ(kinds.tasks[0].run_job.job_id, 17);
  EXPECT_EQ(kinds.tasks[0].run_job.job_parameters.at("run"), "{{job.run_id}}");
  EXPECT_EQ(kinds.tasks[1].builtin.kind, "evaluate");
  EXPECT_EQ(kinds.tasks[1].max_retries, -1);
  EXPECT_EQ(kinds.tasks[1].run_if, RunIf::kAllDone);
  EXPECT_EQ(kinds.tasks[2].builtin.parameters.at("mode"), json::Value("batch"));
  EXPECT_EQ(kinds.webhook_notifications.on_success.size(), 2u);

  JobSpec periodic = ParseOk(specs[1]);
  EXPECT_EQ(periodic.trigger->periodic->interval, 2);
  EXPECT_EQ(periodic.trigger->periodic->unit, "HOURS");
  EXPECT_EQ(periodic.tasks[0].command.command, (std::vector<std::string>{"sleep", "1"}));
  EXPECT_EQ(periodic.ToJson().Find("run_as")->Dump(),
            R"({"service_principal_name":"6c9d1f0e-3b7a-4e21-9c55-0a1b2c3d4e5f"})");
}

TEST(JobSpecTest, ANullFieldCountsAsAbsent) {
  JobSpec spec = ParseOk(R"(name: n
schedule: null
description: ~
tasks: [{task_key: a, timeout_seconds: null, command_task: {command: ['true']}}]
)");
  EXPECT_FALSE(spec.schedule.has_value());
  EXPECT_EQ(spec.tasks[0].timeout_seconds, 0);
}

TEST(JobSpecTest, TopologicalOrderIsStableByDeclarationOrder) {
  JobSpec spec = ParseOk(R"(name: order
tasks:
  - {task_key: report, depends_on: [{task_key: left}, {task_key: right}],
     command_task: {command: ['true']}}
  - {task_key: left, depends_on: [{task_key: load}], command_task: {command: ['true']}}
  - {task_key: right, depends_on: [{task_key: load}], command_task: {command: ['true']}}
  - {task_key: load, command_task: {command: ['true']}}
  - {task_key: lonely, command_task: {command: ['true']}}
)");
  EXPECT_EQ(spec.TopologicalOrder(),
            (std::vector<std::string>{"load", "left", "right", "report", "lonely"}));
}

TEST(JobSpecTest, AcceptsAChainOfAThousandTasksReferringToTheFirst) {
  std::string yaml = "name: chain\ntasks:\n  - {task_key: t0, command_task: {command: ['true']}}\n";
  for (int i = 1; i < 1000; ++i) {
    yaml += "  - {task_key: t" + std::to_string(i) + ", depends_on: [{task_key: t" +
            std::to_string(i - 1) + "}], command_task: {command: [echo, '{{tasks.t0.run_id}}']}}\n";
  }
  JobSpec spec = ParseOk(yaml);
  EXPECT_EQ(spec.TopologicalOrder().back(), "t999");
  yaml += "  - {task_key: t1000, command_task: {command: ['true']}}\n";
  auto refused = ParseJobSpecYaml(yaml, "test.yml");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("test.yml:2:1: tasks: has 1001 entries; the limit "
                                            "is 1000"),
            std::string::npos)
      << refused.status().message();
}

TEST(JobSpecTest, PointsAtTheFileLineAndColumnOfAnUnknownDependency) {
  auto spec = ParseJobSpecYaml(R"(name: train
tasks:
  - task_key: train
    command_task:
      command: [python, train.py]
  - task_key: validate
    depends_on:
      - task_key: train
    command_task:
      command: [python, validate.py]
  - task_key: deploy
    command_task: {command: [python, deploy.py]}
    depends_on:
      - task_key: trian
)",
                               "jobs/train.yml");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(spec.status().message(),
            "jobs/train.yml:14:9: tasks[2].depends_on[0].task_key: 'trian' is not a task of this "
            "job (tasks: train, validate, deploy)");
}

TEST(JobSpecTest, JsonSettingsWithoutLocationsNameTheJsonPath) {
  auto settings =
      json::Parse(R"({"name": "x", "tasks": [{"command_task": {"command": ["true"]}}]})");
  ASSERT_TRUE(settings.ok());
  auto spec = ParseJobSpec(*settings);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(), "tasks[0].task_key: missing; every task needs a task_key");

  SpecSource source;
  source.file_name = "job.json";
  spec = ParseJobSpec(*settings, source);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "job.json: tasks[0].task_key: missing; every task needs a task_key");
}

TEST(JobSpecTest, YamlSyntaxErrorsNameTheFile) {
  auto spec = ParseJobSpecYaml("name: [unclosed\n", "jobs/bad.yml");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message().rfind("jobs/bad.yml: invalid YAML at line", 0), 0u)
      << spec.status().message();
}

// ---- bad settings ------------------------------------------------------------------------------

struct BadSpec {
  std::string yaml;
  int line;             // where the message must point
  std::string message;  // a part of the message after "test.yml:<line>:<col>: "
};

// A task `a` with a command, used where the bad part is elsewhere.
const std::string kTaskA = "  - task_key: a\n    command_task: {command: ['true']}\n";
const std::string kTaskB = "  - task_key: b\n    command_task: {command: ['true']}\n";

std::vector<BadSpec> BadSpecs() {
  return {
      // the document and the job
      {"- a\n- b\n", 1, "job settings must be an object, not a list"},
      {"tasks: [{task_key: a, command_task: {command: ['true']}}]\n", 1,
       "name: missing; give the job a name"},
      {"name: x\n", 1, "tasks: missing; a job runs at least one task"},
      {"name: x\ntasks: []\n", 2, "tasks: is empty; a job runs at least one task"},
      {"name: x\nschedules: {quartz_cron_expression: '0 0 * * * ?'}\ntasks:\n" + kTaskA, 2,
       "schedules: unknown field; did you mean 'schedule'?"},
      {"name: x\njob_clusters: []\ntasks:\n" + kTaskA, 2,
       "job_clusters: a Databricks field that Keel does not support"},
      {"name: x\nmax_concurrent_runs: 0\ntasks:\n" + kTaskA, 2,
       "max_concurrent_runs: must be an integer from 1 to 1000, not 0"},
      {"name: x\ntimeout_seconds: 99999999999999999999\ntasks:\n" + kTaskA, 2,
       "timeout_seconds: must be an integer from 0 to 604800, not 1e+20 (a number)"},
      {"name: x\ntimeout_seconds: -5\ntasks:\n" + kTaskA, 2,
       "timeout_seconds: must be an integer from 0 to 604800, not -5"},
      {"name: x\ntags: [a, b]\ntasks:\n" + kTaskA, 2,
       "tags: must be an object of strings, not a list"},
      {"name: x\nparameters:\n  - {name: a, default: '1'}\n  - {name: a, default: '2'}\ntasks:\n" +
           kTaskA,
       4, "parameters[1].name: duplicate parameter 'a'"},
      {"name: x\nparameters:\n  - {name: a.b, default: '1'}\ntasks:\n" + kTaskA, 3,
       "parameters[0].name: 'a.b' is not a parameter name"},
      {"name: x\nparameters:\n  - name: a\ntasks:\n" + kTaskA, 3,
       "parameters[0].default: missing; give the parameter a default value"},
      // tasks
      {"name: x\ntasks:\n  - hello\n", 3,
       "tasks[0]: a task must be an object with a task_key and one task kind, not \"hello\""},
      {"name: x\ntasks:\n  - command_task: {command: ['true']}\n", 3,
       "tasks[0].task_key: missing; every task needs a task_key"},
      {"name: x\ntasks:\n  - task_key: train model\n    command_task: {command: ['true']}\n", 3,
       "tasks[0].task_key: 'train model' is not a task key"},
      {"name: x\ntasks:\n  - task_key: " + std::string(101, 'k') +
           "\n    command_task: {command: ['true']}\n",
       3, "tasks[0].task_key: is 101 bytes long; the limit is 100"},
      {"name: x\ntasks:\n" + kTaskA + kTaskA, 5,
       "tasks[1].task_key: duplicate task key 'a' (also tasks[0])"},
      {"name: x\ntasks:\n" + kTaskA +
           "  - task_key: b\n    depends_om: [{task_key: a}]\n"
           "    command_task: {command: ['true']}\n",
       6, "tasks[1].depends_om: unknown field; did you mean 'depends_on'?"},
      {"name: x\ntasks:\n  - task_key: a\n    command_task: {command: ['true']}\n"
       "    condition_task: {op: EQUAL_TO, left: '1', right: '1'}\n",
       5,
       "tasks[0].condition_task: a task has exactly one kind, and this one has both "
       "command_task and condition_task"},
      {"name: x\ntasks:\n  - task_key: a\n    max_retries: 1\n", 3,
       "tasks[0]: task 'a' has no kind; give it one of command_task, condition_task"},
      {"name: x\ntasks:\n  - task_key: a\n    notebook_task: {notebook_path: /x}\n", 4,
       "tasks[0].notebook_task: Databricks notebook_tasks do not run in Keel"},
      {"name: x\ntasks:\n  - task_key: a\n    max_retries: three\n"
       "    command_task: {command: ['true']}\n",
       4, "tasks[0].max_retries: must be an integer from -1 to 100, not \"three\" (a string)"},
      {"name: x\ntasks:\n  - task_key: a\n    max_retries: -2\n"
       "    command_task: {command: ['true']}\n",
       4, "tasks[0].max_retries: must be an integer from -1 to 100, not -2"},
      {"name: x\ntasks:\n  - task_key: a\n    retry_on_timeout: yes\n"
       "    command_task: {command: ['true']}\n",
       4, "tasks[0].retry_on_timeout: must be true or false, not \"yes\""},
      {"name: x\ntasks:\n" + kTaskA +
           "  - task_key: b\n    run_if: ALL_SUCCESSFUL\n"
           "    depends_on: [{task_key: a}]\n    command_task: {command: ['true']}\n",
       6,
       "tasks[1].run_if: 'ALL_SUCCESSFUL' is not one of ALL_SUCCESS, AT_LEAST_ONE_SUCCESS, "
       "NONE_FAILED, ALL_DONE, AT_LEAST_ONE_FAILED, ALL_FAILED; did you mean 'ALL_SUCCESS'?"},
      // the graph
      {"name: x\ntasks:\n  - task_key: a\n    depends_on: [{task_key: a}]\n"
       "    command_task: {command: ['true']}\n",
       4, "tasks[0].depends_on[0].task_key: task 'a' depends on itself"},
      {"name: x\ntasks:\n  - task_key: a\n    depends_on: [{task_key: b}]\n"
       "    command_task: {command: ['true']}\n  - task_key: b\n    depends_on: [{task_key: a}]\n"
       "    command_task: {command: ['true']}\n",
       7,
       "tasks[1].depends_on[0].task_key: the tasks depend on each other in a cycle: b -> a -> b"},
      {"name: x\ntasks:\n  - {task_key: a, depends_on: [{task_key: c}], command_task: {command: "
       "[x]}}\n"
       "  - {task_key: b, depends_on: [{task_key: a}], command_task: {command: [x]}}\n"
       "  - {task_key: c, depends_on: [{task_key: b}], command_task: {command: [x]}}\n",
       4,
       "tasks[1].depends_on[0].task_key: the tasks depend on each other in a cycle: "
       "b -> a -> c -> b (-> reads 'depends on')"},
      {"name: x\ntasks:\n" + kTaskA +
           "  - task_key: b\n    depends_on: [{task_key: a}, {task_key: a}]\n"
           "    command_task: {command: ['true']}\n",
       6, "tasks[1].depends_on[1].task_key: 'a' is listed twice in depends_on"},
      {"name: x\ntasks:\n" + kTaskA +
           "  - task_key: b\n    depends_on:\n"
           "      - {task_key: a, outcome: 'true'}\n    command_task: {command: ['true']}\n",
       7,
       "tasks[1].depends_on[0].outcome: 'a' is not a condition task; outcome applies only to a "
       "dependency on a condition_task"},
      {"name: x\ntasks:\n  - task_key: c\n    condition_task: {op: EQUAL_TO, left: '1', right: "
       "'1'}\n"
       "  - task_key: b\n    depends_on:\n      - {task_key: c, outcome: maybe}\n"
       "    command_task: {command: ['true']}\n",
       7, "tasks[1].depends_on[0].outcome: must be \"true\" or \"false\", not \"maybe\""},
      // task kinds
      {"name: x\ntasks:\n  - task_key: a\n    command_task: {command: python train.py}\n", 4,
       "tasks[0].command_task.command: must be a list, not \"python train.py\""},
      {"name: x\ntasks:\n  - task_key: a\n    command_task: {command: []}\n", 4,
       "tasks[0].command_task.command: is empty; give the program and its arguments"},
      {"name: x\ntasks:\n  - task_key: a\n    command_task:\n      command: [env]\n"
       "      env: {MY-VAR: x}\n",
       6, "tasks[0].command_task.env.MY-VAR: 'MY-VAR' is not an environment variable name"},
      {"name: x\ntasks:\n  - task_key: a\n    command_task:\n      command: [ls]\n"
       "      working_dir: ../secrets\n",
       6,
       "tasks[0].command_task.working_dir: '../secrets' must be a relative path inside the "
       "job's code"},
      {"name: x\ntasks:\n  - task_key: a\n    command_task:\n      command: [ls, {a: 1}]\n", 5,
       "tasks[0].command_task.command[1]: must be a string, not an object"},
      {"name: x\ntasks:\n  - task_key: a\n    condition_task: {op: BIGGER, left: '1', right: "
       "'2'}\n",
       4, "tasks[0].condition_task.op: 'BIGGER' is not one of EQUAL_TO, NOT_EQUAL"},
      {"name: x\ntasks:\n  - task_key: a\n    condition_task:\n      op: EQUAL_TO\n      left: "
       "'1'\n",
       4, "tasks[0].condition_task.right: missing; a condition compares left and right"},
      {"name: x\ntasks:\n  - task_key: a\n    run_job_task: {job_id: -1}\n", 4,
       "tasks[0].run_job_task.job_id: must be an integer from 1 to"},
      {"name: x\ntasks:\n  - task_key: a\n    train_task:\n      register: dev.ml.churn\n", 4,
       "tasks[0].train_task.spec: missing; required by train_task"},
      {"name: x\ntasks:\n  - task_key: a\n    train_task:\n      spec: s.yml\n      epochs: 3\n", 6,
       "tasks[0].train_task.epochs: unknown field (train_task has spec, register, experiment)"},
      {"name: x\ntasks:\n  - task_key: a\n    train_task: {spec: s.yml, register: churn}\n", 4,
       "tasks[0].train_task.register: 'churn' is not a three-part model name"},
      {"name: x\ntasks:\n  - task_key: a\n    evaluate_task:\n      model_uri: m\n      table: t\n"
       "      slices: country\n",
       7, "tasks[0].evaluate_task.slices: must be a list, not \"country\""},
      // references
      {"name: x\ntasks:\n  - task_key: a\n    command_task:\n      command: [echo, "
       "'{{job.owner}}']\n",
       5, "tasks[0].command_task.command[1]: unknown reference '{{job.owner}}'"},
      {"name: x\ntasks:\n  - task_key: a\n    command_task:\n      command: [echo, '{{job.id']\n",
       5, "tasks[0].command_task.command[1]: unclosed '{{'"},
      {"name: x\ntasks:\n" + kTaskA + kTaskB +
           "  - task_key: c\n    depends_on: [{task_key: a}]\n    command_task:\n"
           "      command: [echo, '{{tasks.b.values.uri}}']\n",
       10,
       "tasks[2].command_task.command[1]: '{{tasks.b.values.uri}}': task 'b' does not run "
       "before 'c'; add it to depends_on of 'c'"},
      {"name: x\ntasks:\n  - task_key: a\n    command_task:\n"
       "      command: [echo, '{{tasks.trian.run_id}}']\n",
       5, "'{{tasks.trian.run_id}}': 'trian' is not a task of this job (tasks: a)"},
      {"name: x\ntasks:\n  - task_key: a\n    command_task:\n"
       "      command: [echo, '{{tasks.a.result_state}}']\n",
       5, "'{{tasks.a.result_state}}': a task cannot refer to its own results"},
      {"name: x\nparameters: [{name: catalog, default: dev}]\ntasks:\n  - task_key: a\n"
       "    command_task:\n      command: [echo]\n      env: {C: '{{job.parameters.catalogue}}'}\n",
       7,
       "tasks[0].command_task.env.C: '{{job.parameters.catalogue}}': job parameter 'catalogue' "
       "is not declared; add it to parameters (declared: catalog)"},
      {"name: x\ntasks:\n  - task_key: a\n    condition_task:\n      op: EQUAL_TO\n"
       "      left: '{{job.parameters.p}}'\n      right: 'x'\n",
       6, "(the job declares none)"},
      {"name: x\ntasks:\n  - task_key: a\n    run_job_task:\n      job_id: 3\n"
       "      job_parameters: {p: '{{tasks.z.run_id}}'}\n",
       6, "tasks[0].run_job_task.job_parameters.p: '{{tasks.z.run_id}}': 'z' is not a task"},
      {"name: x\ntasks:\n  - task_key: a\n    predict_task:\n      model_uri: m\n"
       "      table: '{{job.parameters.t}}'\n      output: o\n",
       6, "tasks[0].predict_task.table: '{{job.parameters.t}}': job parameter 't' is not declared"},
      // schedule and trigger
      {"name: x\nschedule:\n  quartz_cron_expression: '0 0 25 * * ?'\ntasks:\n" + kTaskA, 3,
       "schedule.quartz_cron_expression: "},
      {"name: x\nschedule:\n  quartz_cron_expression: '0 0 9 * * ?'\n  timezone_id: Mars/Olympus\n"
       "tasks:\n" +
           kTaskA,
       4, "schedule.timezone_id: "},
      {"name: x\nschedule:\n  timezone_id: UTC\ntasks:\n" + kTaskA, 2,
       "schedule.quartz_cron_expression: missing"},
      {"name: x\nschedule: {quartz_cron_expression: '0 0 9 * * ?', pause_status: "
       "paused}\ntasks:\n" +
           kTaskA,
       2, "schedule.pause_status: 'paused' is not one of UNPAUSED, PAUSED; did you mean 'PAUSED'?"},
      {"name: x\nschedule: {quartz_cron_expression: '0 0 9 * * ?'}\n"
       "trigger: {periodic: {interval: 1, unit: DAYS}}\ntasks:\n" +
           kTaskA,
       3, "trigger: a job has a schedule or a trigger, not both"},
      {"name: x\ntrigger: {pause_status: PAUSED}\ntasks:\n" + kTaskA, 2,
       "trigger: a trigger needs table_update or periodic"},
      {"name: x\ntrigger:\n  table_update:\n    table_names: [default.events]\ntasks:\n" + kTaskA,
       4, "trigger.table_update.table_names[0]: 'default.events' is not a three-part table name"},
      {"name: x\ntrigger:\n  periodic: {interval: 0, unit: HOURS}\ntasks:\n" + kTaskA, 3,
       "trigger.periodic.interval: must be an integer from 1 to 8760, not 0"},
      {"name: x\ntrigger:\n  periodic: {interval: 5, unit: SECONDS}\ntasks:\n" + kTaskA, 3,
       "trigger.periodic.unit: 'SECONDS' is not one of MINUTES, HOURS, DAYS, WEEKS"},
      {"name: x\ntrigger:\n  file_arrival: {url: /x}\ntasks:\n" + kTaskA, 3,
       "trigger.file_arrival: a Databricks field that Keel does not support"},
      // notifications and run_as
      {"name: x\nwebhook_notifications:\n  on_failure:\n    - url: ftp://example.com/x\ntasks:\n" +
           kTaskA,
       4,
       "webhook_notifications.on_failure[0].url: 'ftp://example.com/x' is not an http:// or "
       "https:// URL with a host"},
      {"name: x\nwebhook_notifications:\n  on_start: [{url: 'https:///path'}]\ntasks:\n" + kTaskA,
       3, "is not an http:// or https:// URL with a host"},
      {"name: x\nwebhook_notifications:\n  on_start: [{id: 1234}]\ntasks:\n" + kTaskA, 3,
       "webhook_notifications.on_start[0].id: unknown field (a webhook has url)"},
      {"name: x\nrun_as: {user_name: a, service_principal_name: b}\ntasks:\n" + kTaskA, 2,
       "run_as: give exactly one of user_name and service_principal_name"},
  };
}

TEST(JobSpecTest, RefusesBadSettingsNamingTheLineAndTheProblem) {
  std::vector<BadSpec> cases = BadSpecs();
  EXPECT_GE(cases.size(), 30u);
  for (const BadSpec& c : cases) {
    auto spec = ParseJobSpecYaml(c.yaml, "test.yml");
    if (spec.ok()) {
      ADD_FAILURE() << "accepted:\n" << c.yaml;
      continue;
    }
    const std::string& message = spec.status().message();
    EXPECT_EQ(spec.status().code(), ErrorCode::kInvalidParameterValue) << message;
    std::string where = "test.yml:" + std::to_string(c.line) + ":";
    EXPECT_EQ(message.rfind(where, 0), 0u)
        << "expected line " << c.line << " in: " << message << "\n"
        << c.yaml;
    EXPECT_NE(message.find(c.message), std::string::npos)
        << "expected '" << c.message << "' in: " << message << "\n"
        << c.yaml;
  }
}

TEST(JobSpecTest, JsonSettingsGetTheSameChecksAsYaml) {
  // The REST API path: the same checks, messages naming the JSON path only.
  auto settings = json::Parse(R"({"name": "x", "tasks": [
      {"task_key": "a", "command_task": {"command": ["true"]}},
      {"task_key": "b", "depends_on": [{"task_key": "b"}], "command_task": {"command": ["x"]}}]})");
  ASSERT_TRUE(settings.ok());
  auto spec = ParseJobSpec(*settings);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "tasks[1].depends_on[0].task_key: task 'b' depends on itself; remove this entry");
}

TEST(JobSpecTest, RefusesSettingsThatAreNotAnObject) {
  for (const char* text : {"null", "[]", "\"job\"", "3"}) {
    auto spec = ParseJobSpec(*json::Parse(text));
    ASSERT_FALSE(spec.ok()) << text;
    EXPECT_EQ(spec.status().message().rfind("job settings must be an object", 0), 0u)
        << spec.status().message();
  }
}

TEST(JobSpecTest, RefusesAStringHoldingANulCharacter) {
  json::Value settings = *json::Parse(R"({"name": "x", "tasks": [
      {"task_key": "a", "command_task": {"command": ["echo", "a\u0000b"]}}]})");
  auto spec = ParseJobSpec(settings);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "tasks[0].command_task.command[1]: must not hold a NUL character");
}

TEST(JobSpecTest, EveryPrefixOfAFullJobIsAcceptedAndRoundTripsOrRefusedWithAMessage) {
  const std::string text = kTrainValidateDeploy;
  for (size_t n = 0; n <= text.size(); ++n) {
    auto spec = ParseJobSpecYaml(text.substr(0, n), "test.yml");
    if (spec.ok()) {
      ExpectRoundTrip(*spec);
    } else {
      EXPECT_EQ(spec.status().code(), ErrorCode::kInvalidParameterValue);
      EXPECT_EQ(spec.status().message().rfind("test.yml", 0), 0u) << spec.status().message();
    }
  }
}

}  // namespace
}  // namespace keel::jobs

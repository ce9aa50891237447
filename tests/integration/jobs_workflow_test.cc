// Issue 8 acceptance through the real binary: a train -> validate -> deploy job over the Jobs
// 2.1 REST API of `keel server` (task values, UPSTREAM_FAILED, the signed on_failure webhook,
// repair, cancel), schedules across a server crash, and the CLI.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "common/json.h"
#include "common/sha256.h"
#include "integration/cli_fixture.h"
#include "server/http/server.h"
#include "testutil/api_client.h"
#include "testutil/keel_process.h"

namespace keel::integration {
namespace {

using std::chrono::milliseconds;

// Alive and not a zombie (an orphan's zombie lingers when the container's init does not reap).
bool PidAlive(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() || text[close + 2] != 'Z';
}

// Records webhook deliveries.
class Receiver {
 public:
  Receiver()
      : server_(http::HttpServerOptions{}, [this](const http::Request& r) {
          std::lock_guard<std::mutex> lock(mu_);
          received_.push_back(r);
          return http::Response::Json(200, json::Value::MakeObject());
        }) {
    EXPECT_TRUE(server_.Start().ok());
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hook"; }
  std::vector<http::Request> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  std::mutex mu_;
  std::vector<http::Request> received_;
  http::HttpServer server_;
};

class JobsWorkflowTest : public CliTest {
 protected:
  void SetUp() override {
    testutil::ProcessResult init = Keel({"init", "--output", "json"});
    ASSERT_EQ(init.exit_code, 0) << init.stderr_text;
    token_ = json::Parse(init.stdout_text)->Find("admin_token")->as_string();
    work_ = dir_.path() + "/work";
    ASSERT_EQ(std::system(("mkdir -p " + work_).c_str()), 0);
  }

  void StartServer() {
    testutil::KeelServerOptions options = testutil::DefaultKeelServerOptions(home_);
    options.extra_args = {"--scheduler-tick-ms", "100"};
    options.port = port_;
    server_ = std::make_unique<testutil::KeelServer>(options);
    ASSERT_TRUE(server_->Start().ok()) << server_->ReadStderr();
    port_ = server_->port();
    api_ = std::make_unique<testutil::ApiClient>("127.0.0.1", port_, token_);
  }

  json::Value Call(const std::string& method, const std::string& target,
                   const json::Value& body = json::Value::MakeObject()) {
    auto r = method == "GET" ? api_->Get(target) : api_->Post(target, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return json::Value();
    EXPECT_EQ(r->status, 200) << target << ": " << r->body;
    return r->json;
  }

  // Polls runs/get until the run has ended.
  json::Value WaitForEnd(int64_t run_id, int64_t timeout_ms = 60'000) {
    auto deadline = std::chrono::steady_clock::now() + milliseconds(timeout_ms);
    json::Value run;
    while (std::chrono::steady_clock::now() < deadline) {
      run = Call("GET", "/api/2.1/jobs/runs/get?run_id=" + std::to_string(run_id));
      std::string state = run.Find("state")->Find("life_cycle_state")->as_string();
      if (state == "TERMINATED" || state == "INTERNAL_ERROR" || state == "SKIPPED") return run;
      std::this_thread::sleep_for(milliseconds(50));
    }
    ADD_FAILURE() << "run " << run_id << " did not end: " << run.Dump();
    return run;
  }

  static std::string Result(const json::Value& run) {
    const json::Value* r = run.Find("state")->Find("result_state");
    return r ? r->as_string() : "";
  }

  static const json::Value& Task(const json::Value& run, const std::string& key) {
    for (const json::Value& t : run.Find("tasks")->as_array()) {
      if (t.Find("task_key")->as_string() == key) return t;
    }
    static json::Value none = json::Value::MakeObject();
    ADD_FAILURE() << "no task " << key;
    return none;
  }

  static std::string TaskResult(const json::Value& run, const std::string& key) {
    return Result(Task(run, key));
  }

  int64_t RunNow(int64_t job_id, json::Value params = json::Value::MakeObject()) {
    json::Value body;
    body.Set("job_id", job_id);
    body.Set("job_parameters", params);
    return Call("POST", "/api/2.1/jobs/run-now", body).Find("run_id")->as_int();
  }

  std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  std::string token_;
  std::string work_;
  uint16_t port_ = 0;
  std::unique_ptr<testutil::KeelServer> server_;
  std::unique_ptr<testutil::ApiClient> api_;
};

TEST_F(JobsWorkflowTest, TrainValidateDeployOverTheRestApi) {
  StartServer();
  Receiver receiver;
  auto settings = json::Parse(R"({
    "name": "churn-train-validate-deploy",
    "parameters": [{"name": "dir", "default": ")" +
                              work_ + R"("}],
    "webhook_notifications": {"on_failure": [{"url": ")" +
                              receiver.url() + R"("}]},
    "tasks": [
      {"task_key": "train", "command_task": {"command": ["sh", "-c",
        "echo $((`cat $0/trained 2>/dev/null || echo 0` + 1)) > $0/trained; keel task-values set model_uri models:/dev.ml.churn/7",
        "{{job.parameters.dir}}"]}},
      {"task_key": "validate", "depends_on": [{"task_key": "train"}], "command_task": {
        "command": ["sh", "-c", "echo $1 > $0/validated; test ! -e $0/reject",
                    "{{job.parameters.dir}}", "{{tasks.train.values.model_uri}}"]}},
      {"task_key": "deploy", "depends_on": [{"task_key": "validate"}], "command_task": {
        "command": ["sh", "-c", "echo $1 >> $0/deployed",
                    "{{job.parameters.dir}}", "{{tasks.train.values.model_uri}}"]}}
    ]})");
  ASSERT_TRUE(settings.ok());
  int64_t job_id = Call("POST", "/api/2.1/jobs/create", *settings).Find("job_id")->as_int();

  json::Value ok = WaitForEnd(RunNow(job_id));
  EXPECT_EQ(Result(ok), "SUCCESS") << ok.Dump();
  EXPECT_EQ(ReadFile(work_ + "/deployed"), "models:/dev.ml.churn/7\n");
  json::Value value = Call("GET", "/api/2.0/keel/jobs/task-values/get?run_id=" +
                                      std::to_string(ok.Find("run_id")->as_int()) +
                                      "&task_key=train&key=model_uri");
  EXPECT_EQ(value.Find("value")->as_string(), "models:/dev.ml.churn/7");
  EXPECT_TRUE(receiver.received().empty());

  // A failing validate stops deploy and fires the signed on_failure webhook.
  std::ofstream(work_ + "/reject") << "x";
  int64_t run_id = RunNow(job_id);
  json::Value failed = WaitForEnd(run_id);
  EXPECT_EQ(Result(failed), "FAILED");
  EXPECT_EQ(TaskResult(failed, "train"), "SUCCESS");
  EXPECT_EQ(TaskResult(failed, "validate"), "FAILED");
  EXPECT_EQ(TaskResult(failed, "deploy"), "UPSTREAM_FAILED");
  for (int i = 0; i < 100 && receiver.received().empty(); ++i) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  auto hooks = receiver.received();
  ASSERT_EQ(hooks.size(), 1u);
  auto payload = json::Parse(hooks[0].body);
  EXPECT_EQ(payload->Find("event")->as_string(), "on_failure");
  EXPECT_EQ(payload->Find("run_id")->as_int(), run_id);
  std::string secret = ReadFile(home_ + "/webhook_secret");
  secret.erase(secret.find_last_not_of("\n") + 1);
  EXPECT_EQ(hooks[0].headers.Get("X-Keel-Signature"),
            "sha256=" + HmacSha256Hex(secret, hooks[0].headers.Get("X-Keel-Timestamp") + "." +
                                                  hooks[0].body));
  int64_t train_task_run = Task(failed, "train").Find("run_id")->as_int();
  EXPECT_EQ(ReadFile(work_ + "/trained"), "2\n");

  // Repair re-runs validate and deploy only, within the same run.
  ::unlink((work_ + "/reject").c_str());
  json::Value repair;
  repair.Set("run_id", run_id);
  repair.Set("rerun_all_failed_tasks", true);
  EXPECT_EQ(Call("POST", "/api/2.1/jobs/runs/repair", repair).Find("repair_id")->as_int(), 1);
  json::Value repaired = WaitForEnd(run_id);
  EXPECT_EQ(Result(repaired), "SUCCESS") << repaired.Dump();
  EXPECT_EQ(Task(repaired, "train").Find("run_id")->as_int(), train_task_run);
  EXPECT_EQ(Task(repaired, "validate").Find("repair_number")->as_int(), 1);
  EXPECT_EQ(ReadFile(work_ + "/trained"), "2\n");  // train did not run again
  EXPECT_EQ(ReadFile(work_ + "/deployed"), "models:/dev.ml.churn/7\nmodels:/dev.ml.churn/7\n");

  // Logs of a task, through get-output.
  json::Value output =
      Call("GET", "/api/2.1/jobs/runs/get-output?run_id=" + std::to_string(train_task_run));
  EXPECT_EQ(output.Find("task_values")->Find("model_uri")->as_string(), "models:/dev.ml.churn/7");
}

TEST_F(JobsWorkflowTest, CancelKillsTheRunningTask) {
  StartServer();
  auto settings = json::Parse(R"({"name": "sleepy", "tasks": [{"task_key": "nap",
      "command_task": {"command": ["sh", "-c", "echo $$ > )" +
                              work_ + R"(/nap.pid; exec sleep 60"]}}]})");
  int64_t job_id = Call("POST", "/api/2.1/jobs/create", *settings).Find("job_id")->as_int();
  int64_t run_id = RunNow(job_id);
  for (int i = 0; i < 200 && ReadFile(work_ + "/nap.pid").empty(); ++i) {
    std::this_thread::sleep_for(milliseconds(25));
  }
  json::Value cancel;
  cancel.Set("run_id", run_id);
  Call("POST", "/api/2.1/jobs/runs/cancel", cancel);
  json::Value run = WaitForEnd(run_id, 15'000);
  EXPECT_EQ(Result(run), "CANCELED");
  pid_t pid = std::atoi(ReadFile(work_ + "/nap.pid").c_str());
  ASSERT_GT(pid, 0);
  for (int i = 0; i < 100 && PidAlive(pid); ++i) std::this_thread::sleep_for(milliseconds(20));
  EXPECT_FALSE(PidAlive(pid));
}

TEST_F(JobsWorkflowTest, ACrashNeitherLosesNorDuplicatesScheduledRuns) {
  StartServer();
  auto every_second = json::Parse(R"({"name": "every-second",
      "schedule": {"quartz_cron_expression": "* * * * * ?", "timezone_id": "UTC"},
      "max_concurrent_runs": 5,
      "tasks": [{"task_key": "tick", "command_task": {"command": ["true"]}}]})");
  int64_t ticking = Call("POST", "/api/2.1/jobs/create", *every_second).Find("job_id")->as_int();
  auto long_job = json::Parse(R"({"name": "long", "tasks": [{"task_key": "nap",
      "command_task": {"command": ["sh", "-c", "echo $$ > )" +
                              work_ + R"(/long.pid; exec sleep 60"]}}]})");
  int64_t long_id = Call("POST", "/api/2.1/jobs/create", *long_job).Find("job_id")->as_int();
  int64_t long_run = RunNow(long_id);
  std::this_thread::sleep_for(milliseconds(3000));
  server_->Kill();  // SIGKILL: no chance to clean up
  std::this_thread::sleep_for(milliseconds(2500));
  StartServer();
  std::this_thread::sleep_for(milliseconds(3000));

  // The run that was active when the server died is ended, and its process is gone.
  json::Value died = WaitForEnd(long_run, 10'000);
  EXPECT_EQ(died.Find("state")->Find("life_cycle_state")->as_string(), "INTERNAL_ERROR");
  pid_t nap = std::atoi(ReadFile(work_ + "/long.pid").c_str());
  ASSERT_GT(nap, 0);
  for (int i = 0; i < 100 && PidAlive(nap); ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_FALSE(PidAlive(nap));

  json::Value runs =
      Call("GET", "/api/2.1/jobs/runs/list?job_id=" + std::to_string(ticking) + "&limit=1000");
  std::set<int64_t> times;
  int catch_up = 0;
  for (const json::Value& r : runs.Find("runs")->as_array()) {
    int64_t t = r.Find("trigger_time")->as_int();
    EXPECT_TRUE(times.insert(t).second) << "instant fired twice: " << t;
    EXPECT_EQ(t % 1000, 0);
    const json::Value* info = r.Find("trigger_info");
    if (info && info->Find("missed_since")) ++catch_up;
  }
  // About 3 s before the crash and 3 s after: one run per second, plus one run for the
  // seconds missed while the server was down.
  EXPECT_GE(times.size(), 4u);
  EXPECT_EQ(catch_up, 1);
  ASSERT_TRUE(server_->Stop().ok());
}

TEST_F(JobsWorkflowTest, TheCliRunsJobsAndExplainsBadDefinitions) {
  std::string spec = work_ + "/job.yml";
  std::ofstream(spec) << R"(name: cli-job
parameters: [{name: who, default: world}]
tasks:
  - task_key: hello
    command_task:
      command: [sh, -c, 'echo hello $0; keel task-values set greeting "\"hello $0\""', '{{job.parameters.who}}']
  - task_key: check
    depends_on: [{task_key: hello}]
    condition_task: {op: EQUAL_TO, left: '{{tasks.hello.values.greeting}}', right: hello keel}
  - task_key: reject
    depends_on: [{task_key: check, outcome: 'false'}]
    command_task: {command: ['false']}
)";
  testutil::ProcessResult created = Keel({"jobs", "create", spec});
  ASSERT_EQ(created.exit_code, 0) << created.stderr_text;
  std::string job_id = created.stdout_text.substr(0, created.stdout_text.find('\n'));
  testutil::ProcessResult run =
      Keel({"jobs", "run-now", job_id, "--param", "who=keel", "--output", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.stdout_text << run.stderr_text;
  auto doc = json::Parse(run.stdout_text);
  ASSERT_TRUE(doc.ok()) << run.stdout_text;
  EXPECT_EQ(Result(*doc), "SUCCESS");
  EXPECT_EQ(Task(*doc, "check").Find("condition_task")->Find("outcome")->as_string(), "true");
  int64_t task_run = Task(*doc, "hello").Find("run_id")->as_int();
  testutil::ProcessResult logs = Keel({"jobs", "runs", "output", std::to_string(task_run)});
  EXPECT_EQ(logs.stdout_text, "hello keel\n");

  EXPECT_EQ(TaskResult(*doc, "reject"), "EXCLUDED");

  // The other branch fails, and a failed run exits non-zero.
  testutil::ProcessResult failing = Keel({"jobs", "run-now", job_id});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_NE(failing.stdout_text.find("reject"), std::string::npos) << failing.stdout_text;

  std::string cyclic = work_ + "/cyclic.yml";
  std::ofstream(cyclic) << R"(name: cyclic
tasks:
  - task_key: a
    depends_on: [{task_key: b}]
    command_task: {command: ['true']}
  - task_key: b
    depends_on: [{task_key: a}]
    command_task: {command: ['true']}
)";
  testutil::ProcessResult bad = Keel({"jobs", "validate", cyclic});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.stderr_text.find("cyclic.yml:"), std::string::npos) << bad.stderr_text;
  EXPECT_NE(bad.stderr_text.find("cycle"), std::string::npos) << bad.stderr_text;
  EXPECT_NE(bad.stderr_text.find(" -> "), std::string::npos) << bad.stderr_text;
}

TEST_F(JobsWorkflowTest, BuiltInTasksTrainEvaluateAndPredict) {
  ASSERT_EQ(Keel({"schemas", "create", "dev.churn"}).exit_code, 0);
  ASSERT_EQ(Keel({"sample-data", "churn", "--rows", "600", "--seed", "3", "--table",
                  "dev.churn.customers"})
                .exit_code,
            0);
  std::ofstream(work_ + "/churn.yaml") << R"(table: dev.churn.customers
label: churned
features: [tenure_months, plan, monthly_charges, support_calls]
problem: classification
algorithm: linear
split: {train: 0.7, validation: 0.15, test: 0.15, seed: 1}
experiment: /Shared/job-churn
)";
  std::string spec = work_ + "/pipeline.yml";
  std::ofstream(spec) << R"(name: pipeline
tasks:
  - task_key: train
    train_task: {spec: )" + work_ + R"(/churn.yaml, register: dev.churn.model}
  - task_key: evaluate
    depends_on: [{task_key: train}]
    evaluate_task:
      model_uri: '{{tasks.train.values.model_uri}}'
      table: dev.churn.customers
      slices: [plan]
      baseline_uri: '{{tasks.train.values.model_uri}}'
  - task_key: predict
    depends_on: [{task_key: evaluate}]
    predict_task: {model_uri: '{{tasks.train.values.model_uri}}', table: dev.churn.customers, output: dev.churn.scores}
)";
  testutil::ProcessResult created = Keel({"jobs", "create", spec});
  ASSERT_EQ(created.exit_code, 0) << created.stderr_text;
  std::string job_id = created.stdout_text.substr(0, created.stdout_text.find('\n'));
  testutil::ProcessResult run = Keel({"jobs", "run-now", job_id, "--output", "json"});
  auto doc = json::Parse(run.stdout_text);
  ASSERT_TRUE(doc.ok()) << run.stdout_text << run.stderr_text;
  EXPECT_EQ(Result(*doc), "SUCCESS") << doc->Dump();
  EXPECT_EQ(run.exit_code, 0);
  int64_t train_task = Task(*doc, "train").Find("run_id")->as_int();
  json::Value output = json::Parse(
      Keel({"jobs", "runs", "output", std::to_string(train_task), "--output", "json"}).stdout_text)
      .value_or(json::Value::MakeObject());
  const json::Value* values = output.Find("task_values");
  ASSERT_NE(values, nullptr) << output.Dump();
  EXPECT_EQ(values->Find("model_uri")->as_string(), "models:/dev.churn.model/1");
  EXPECT_NE(values->Find("test_roc_auc"), nullptr) << values->Dump();
  testutil::ProcessResult scores = Keel({"tables", "describe", "dev.churn.scores"});
  EXPECT_EQ(scores.exit_code, 0) << scores.stderr_text;
}

}  // namespace
}  // namespace keel::integration

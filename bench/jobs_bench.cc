// Issue 8 benchmark: scheduling overhead of the job executor, in process, with the SQLite
// metastore the server uses and real processes (`true`) as tasks:
//  (a) one run of a job of 100 no-op command tasks: a chain (each task waits for the one
//      before) and a DAG of 10 layers x 10 (each task depends on two of the layer before);
//  (b) 1,000 runs of a one-task job (queue, claim, token, run, end).
// Baseline, measured in the same run: the same processes started directly with posix_spawnp
// and waited for in the same dependency order. Overhead per task = (Keel - baseline) / tasks;
// target < 10 ms per task beyond process start.
// Usage: jobs_bench [--runs N] [--repeat N]

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_util.h"
#include "catalog/catalog_service.h"
#include "common/fs/file_system.h"
#include "jobs/job_service.h"
#include "jobs/job_spec.h"
#include "jobs/runner/run_executor.h"
#include "metastore/migrations/migration.h"
#include "metastore/sqlite/sqlite_database.h"

extern char** environ;

using namespace keel;
using BenchClock = std::chrono::steady_clock;
using bench::Check;
using bench::Median;
using bench::Must;

namespace {

double Millis(BenchClock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

pid_t SpawnTrue() {
  pid_t pid = 0;
  char arg0[] = "true";
  char* argv[] = {arg0, nullptr};
  if (posix_spawnp(&pid, "true", nullptr, nullptr, argv, environ) != 0) {
    std::perror("posix_spawnp");
    std::exit(1);
  }
  return pid;
}

void WaitAll(std::vector<pid_t>& pids) {
  for (pid_t p : pids) {
    int status = 0;
    waitpid(p, &status, 0);
  }
  pids.clear();
}

// The processes of `layers` layers of `width` tasks, layer by layer.
double BaselineMillis(int layers, int width) {
  auto start = BenchClock::now();
  std::vector<pid_t> pids;
  for (int l = 0; l < layers; ++l) {
    for (int i = 0; i < width; ++i) pids.push_back(SpawnTrue());
    WaitAll(pids);
  }
  return Millis(BenchClock::now() - start);
}

std::string DagYaml(int layers, int width) {
  std::string yaml = "name: dag\nmax_concurrent_runs: 1000\ntasks:\n";
  for (int l = 0; l < layers; ++l) {
    for (int i = 0; i < width; ++i) {
      yaml += "  - task_key: t" + std::to_string(l) + "_" + std::to_string(i) + "\n";
      if (l > 0) {
        yaml +=
            "    depends_on: [{task_key: t" + std::to_string(l - 1) + "_" + std::to_string(i) + "}";
        if (width > 1) {
          yaml += ", {task_key: t" + std::to_string(l - 1) + "_" + std::to_string((i + 1) % width) +
                  "}";
        }
        yaml += "]\n";
      }
      yaml += "    command_task: {command: ['true']}\n";
    }
  }
  return yaml;
}

struct Env {
  std::string home;
  std::unique_ptr<metastore::Database> db;
  std::unique_ptr<catalog::CatalogService> catalog;
  std::unique_ptr<jobs::JobService> jobs;
  std::unique_ptr<jobs::RunExecutor> executor;
  catalog::Principal admin;

  double RunMillis(int64_t job_id) {
    auto start = BenchClock::now();
    jobs::RunNowRequest req;
    req.job_id = job_id;
    int64_t run_id = Must(jobs->RunNow(admin, req), "run-now");
    if (!Must(executor->Claim(run_id), "claim")) {
      std::fprintf(stderr, "run %lld was not claimable\n", static_cast<long long>(run_id));
      std::exit(1);
    }
    jobs::JobRun run = Must(executor->Execute(run_id), "execute");
    if (run.result != jobs::ResultState::kSuccess) {
      std::fprintf(stderr, "run %lld ended %s: %s\n", static_cast<long long>(run_id),
                   std::string(jobs::ResultStateName(run.result)).c_str(),
                   run.state_message.c_str());
      std::exit(1);
    }
    return Millis(BenchClock::now() - start);
  }
};

}  // namespace

int main(int argc, char** argv) {
  int runs = 1000, repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::atoi(argv[i + 1]);
  }
  char tmpl[] = "/tmp/keel-jobs-bench-XXXXXX";
  Env env;
  env.home = mkdtemp(tmpl);
  Check(FileSystem::Default()->CreateDirs(env.home + "/storage"), "mkdir");
  env.db = Must(metastore::OpenSqliteDatabase(env.home + "/metastore.db"), "open");
  Check(metastore::ApplyMigrations(*env.db), "migrate");
  catalog::CatalogServiceOptions copts;
  copts.storage_root = env.home + "/storage";
  env.catalog = std::make_unique<catalog::CatalogService>(env.db.get(), copts);
  auto init = Must(env.catalog->InitWorkspace("admin"), "init");
  env.admin = Must(env.catalog->Authenticate(init.admin_token), "auth");
  jobs::JobServiceOptions jopts;
  jopts.log_root = env.home + "/jobs/logs";
  env.jobs = std::make_unique<jobs::JobService>(env.db.get(), env.catalog.get(), jopts);
  jobs::ExecutorOptions eopts;
  eopts.keel_binary = "/usr/bin/true";
  eopts.home = env.home;
  eopts.default_code_root = env.home;
  env.executor = std::make_unique<jobs::RunExecutor>(env.jobs.get(), eopts);

  std::printf(
      "jobs_bench: tasks are `true` processes; baseline = posix_spawnp + waitpid in the "
      "same dependency order\n\n");
  struct Shape {
    const char* name;
    int layers, width;
  };
  double worst_per_task = 0;
  for (Shape shape : {Shape{"chain of 100", 100, 1}, Shape{"DAG 10 x 10", 10, 10}}) {
    auto spec =
        Must(jobs::ParseJobSpecYaml(DagYaml(shape.layers, shape.width), "bench.yml"), "spec");
    int64_t job = Must(env.jobs->CreateJob(env.admin, spec), "create");
    std::vector<double> keel, base;
    for (int r = 0; r < repeat; ++r) {
      keel.push_back(env.RunMillis(job));
      base.push_back(BaselineMillis(shape.layers, shape.width));
    }
    double k = Median(keel), b = Median(base);
    int tasks = shape.layers * shape.width;
    double per_task = (k - b) / tasks;
    worst_per_task = std::max(worst_per_task, per_task);
    std::printf(
        "(a) %-13s keel %8.1f ms   baseline %8.1f ms   ratio %5.2fx   overhead %.2f ms/task\n",
        shape.name, k, b, k / b, per_task);
  }

  auto one = Must(jobs::ParseJobSpecYaml(
                      "name: one\nmax_concurrent_runs: 1000\ntasks: [{task_key: a, command_task: "
                      "{command: ['true']}}]\n",
                      "one.yml"),
                  "spec");
  int64_t job = Must(env.jobs->CreateJob(env.admin, one), "create");
  auto start = BenchClock::now();
  for (int i = 0; i < runs; ++i) env.RunMillis(job);
  double keel = Millis(BenchClock::now() - start);
  start = BenchClock::now();
  for (int i = 0; i < runs; ++i) {
    std::vector<pid_t> p{SpawnTrue()};
    WaitAll(p);
  }
  double base = Millis(BenchClock::now() - start);
  double per_run = (keel - base) / runs;
  std::printf(
      "(b) %d runs of a one-task job: keel %.1f ms   baseline %.1f ms   ratio %.2fx   "
      "overhead %.2f ms/run\n",
      runs, keel, base, keel / base, per_run);
  std::printf("\nworst overhead per task: %.2f ms (target < 10 ms): %s\n",
              std::max(worst_per_task, per_run),
              std::max(worst_per_task, per_run) < 10 ? "OK" : "MISSED");
  Check(FileSystem::Default()->RemoveAll(env.home), "cleanup");
  return 0;
}

// Issue 5 benchmarks, each against a baseline measured in the same run:
//  (a) log-batch ingestion (1,000 metrics per batch) through HTTP vs raw INSERTs of the same rows
//      into the same SQLite file from C++; target: at least 50% of raw.
//  (b) runs/search with a metric filter and order_by over 100,000 runs with 20 metrics and 20
//      params each: p50/p99 latency of the first page; target p50 under 50 ms.
//  (c) get-history of a metric with 1,000,000 points, paged through HTTP.
// Usage: tracking_bench [--runs N] (default 100000; smaller for a quick look).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench_util.h"
#include "catalog/catalog_service.h"
#include "common/json.h"
#include "common/log.h"
#include "common/random.h"
#include "metastore/migrations/migration.h"
#include "metastore/sqlite/sqlite_database.h"
#include "server/api_server.h"
#include "server/http/http_client.h"
#include "tracking/tracking_service.h"

using namespace keel;
using BenchClock = std::chrono::steady_clock;
using bench::Check;

namespace {

double Seconds(BenchClock::time_point start) {
  return std::chrono::duration<double>(BenchClock::now() - start).count();
}

struct Env {
  std::string dir;
  std::unique_ptr<metastore::Database> db;
  std::unique_ptr<catalog::CatalogService> catalog;
  std::unique_ptr<tracking::TrackingService> tracking;
  std::unique_ptr<server::ApiServer> api;
  catalog::Principal admin;
  std::string token;
};

Env MakeEnv(const std::string& dir) {
  Env env;
  env.dir = dir;
  auto db = metastore::OpenSqliteDatabase(dir + "/metastore.db");
  Check(db.status(), "open");
  env.db = std::move(db).value();
  Check(metastore::ApplyMigrations(*env.db), "migrate");
  env.catalog = std::make_unique<catalog::CatalogService>(
      env.db.get(), catalog::CatalogServiceOptions{dir + "/storage"});
  auto init = env.catalog->InitWorkspace("admin");
  Check(init.status(), "init");
  env.token = init->admin_token;
  env.admin = *env.catalog->Authenticate(env.token);
  tracking::TrackingServiceOptions tracking_options;
  tracking_options.artifact_root = dir + "/storage/artifacts";
  env.tracking = std::make_unique<tracking::TrackingService>(env.db.get(), tracking_options);
  server::Services services{env.catalog.get(), env.tracking.get()};
  server::ApiServerOptions options;
  options.port = 0;
  env.api = std::make_unique<server::ApiServer>(services, options);
  Check(env.api->Start(), "server");
  return env;
}

json::Value Post(http::HttpConnection& conn, const std::string& token, const std::string& path,
                 const std::string& body) {
  http::Headers headers{{"Authorization", "Bearer " + token}};
  auto r = conn.Send("POST", path, headers, body);
  Check(r.status(), path.c_str());
  if (r->status != 200) {
    std::fprintf(stderr, "%s -> %d %s\n", path.c_str(), r->status, r->body.substr(0, 300).c_str());
    std::exit(1);
  }
  return *json::Parse(r->body);
}

// (a) -----------------------------------------------------------------------------------------
void BenchLogBatch(Env& env) {
  constexpr int kBatches = 100, kPerBatch = 1000;
  http::HttpConnection conn("127.0.0.1", env.api->port());
  json::Value run = Post(conn, env.token, "/api/2.0/mlflow/runs/create", R"({"experiment_id":"0"})");
  std::string run_id = run.Find("run")->Find("info")->Find("run_id")->as_string();
  std::vector<std::string> bodies;
  for (int b = 0; b < kBatches; ++b) {
    json::Value body;
    body.Set("run_id", run_id);
    json::Value& metrics = body["metrics"];
    for (int i = 0; i < kPerBatch; ++i) {
      json::Value m;
      m.Set("key", "m" + std::to_string(i % 20));
      m.Set("value", 0.001 * i);
      m.Set("timestamp", 1700000000000LL + b);
      m.Set("step", b * kPerBatch + i);
      metrics.Append(std::move(m));
    }
    bodies.push_back(body.Dump());
  }
  auto start = BenchClock::now();
  for (const auto& body : bodies) Post(conn, env.token, "/api/2.0/mlflow/runs/log-batch", body);
  double http_secs = Seconds(start);

  // Baseline: the same rows, raw INSERTs into the same table and file, one transaction per batch.
  auto raw_run = env.tracking->CreateRun(env.admin, {"0", "raw", std::nullopt, {}});
  Check(raw_run.status(), "raw run");
  std::string raw_id = raw_run->info.run_id;
  start = BenchClock::now();
  for (int b = 0; b < kBatches; ++b) {
    Check(env.db->Write([&](metastore::Transaction& tx) -> Status {
      for (int i = 0; i < kPerBatch; ++i) {
        KEEL_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO metrics (run_id, key, value, timestamp, step, is_nan) VALUES "
                    "(?, ?, ?, ?, ?, 0)",
                    {metastore::Text(raw_id), metastore::Text("m" + std::to_string(i % 20)),
                     metastore::SqlValue(0.001 * i), metastore::Int(1700000000000LL + b),
                     metastore::Int(b * kPerBatch + i)})
                .status());
      }
      return Status::OK();
    }), "raw insert");
  }
  double raw_secs = Seconds(start);
  double total = double(kBatches) * kPerBatch;
  std::printf("(a) log-batch: keel HTTP %.0f metrics/s, raw SQLite insert %.0f metrics/s, "
              "ratio %.2f (target >= 0.50)\n",
              total / http_secs, total / raw_secs, raw_secs / http_secs);
}

// (b) -----------------------------------------------------------------------------------------
void BenchSearch(Env& env, int num_runs) {
  constexpr int kMetrics = 20, kParams = 20;
  auto exp = env.tracking->CreateExperiment(env.admin, "search-bench", "", {});
  Check(exp.status(), "experiment");
  // Bulk load with raw SQL in large transactions: the setup is not what is measured.
  auto start = BenchClock::now();
  constexpr int kChunk = 2000;
  for (int base = 0; base < num_runs; base += kChunk) {
    Check(env.db->Write([&](metastore::Transaction& tx) -> Status {
      for (int r = base; r < std::min(num_runs, base + kChunk); ++r) {
        std::string id = NewId();
        KEEL_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, "
                    "lifecycle_stage, artifact_uri) VALUES (?, ?, ?, 'admin', 'FINISHED', ?, "
                    "'active', 'x')",
                    {metastore::Text(id), metastore::Int(std::stoll(*exp)),
                     metastore::Text("run" + std::to_string(r)), metastore::Int(r)})
                .status());
        for (int m = 0; m < kMetrics; ++m) {
          double v = double((r * 7919 + m * 104729) % 10007) / 10007.0;
          KEEL_RETURN_IF_ERROR(
              tx.Exec("INSERT INTO latest_metrics (run_id, key, value, timestamp, step, is_nan) "
                      "VALUES (?, ?, ?, 0, 0, 0)",
                      {metastore::Text(id), metastore::Text("m" + std::to_string(m)),
                       metastore::SqlValue(v)})
                  .status());
        }
        for (int p = 0; p < kParams; ++p) {
          KEEL_RETURN_IF_ERROR(
              tx.Exec("INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)",
                      {metastore::Text(id), metastore::Text("p" + std::to_string(p)),
                       metastore::Text(std::to_string((r + p) % 50))})
                  .status());
        }
      }
      return Status::OK();
    }), "bulk load");
  }
  std::printf("(b) loaded %d runs x (%d metrics + %d params) in %.1f s\n", num_runs, kMetrics,
              kParams, Seconds(start));
  http::HttpConnection conn("127.0.0.1", env.api->port());
  std::string body = R"({"experiment_ids": [")" + *exp +
                     R"("], "filter": "metrics.m3 > 0.5 and params.p1 = '7'",
                        "order_by": ["metrics.m5 DESC"], "max_results": 100})";
  std::vector<double> ms;
  size_t found = 0;
  for (int i = 0; i < 30; ++i) {
    auto t = BenchClock::now();
    json::Value r = Post(conn, env.token, "/api/2.0/mlflow/runs/search", body);
    ms.push_back(Seconds(t) * 1000);
    found = r.Find("runs") ? r.Find("runs")->size() : 0;
  }
  // The first search goes to SQL; the second sees the experiment unchanged and indexes it
  // (SearchIndexMode::kWhenQuiet); later ones use the index.
  double first = ms[0], second = ms[1];
  std::sort(ms.begin(), ms.end());
  std::printf("(b) runs/search filter+order_by over %d runs: first page %zu runs, p50 %.1f ms, "
              "p99 %.1f ms (target p50 < 50 ms); 1st search (SQL) %.1f ms, 2nd (SQL + index "
              "build) %.1f ms\n",
              num_runs, found, ms[ms.size() / 2], ms[ms.size() * 99 / 100], first, second);
}

// (c) -----------------------------------------------------------------------------------------
void BenchHistory(Env& env) {
  constexpr int kPoints = 1'000'000;
  auto run = env.tracking->CreateRun(env.admin, {"0", "history", std::nullopt, {}});
  Check(run.status(), "run");
  std::string id = run->info.run_id;
  for (int base = 0; base < kPoints; base += 50000) {
    Check(env.db->Write([&](metastore::Transaction& tx) -> Status {
      for (int i = base; i < base + 50000; ++i) {
        KEEL_RETURN_IF_ERROR(
            tx.Exec("INSERT INTO metrics (run_id, key, value, timestamp, step, is_nan) VALUES "
                    "(?, 'loss', ?, ?, ?, 0)",
                    {metastore::Text(id), metastore::SqlValue(1.0 / (i + 1)),
                     metastore::Int(1700000000000LL + i), metastore::Int(i)})
                .status());
      }
      return Status::OK();
    }), "history load");
  }
  http::HttpConnection conn("127.0.0.1", env.api->port());
  http::Headers headers{{"Authorization", "Bearer " + env.token}};
  auto start = BenchClock::now();
  std::string token;
  int64_t points = 0;
  int pages = 0;
  do {
    std::string target = "/api/2.0/mlflow/metrics/get-history?run_id=" + id + "&metric_key=loss";
    if (!token.empty()) target += "&page_token=" + http::PercentEncode(token);
    auto r = conn.Send("GET", target, headers);
    Check(r.status(), "get-history");
    json::Value v = *json::Parse(r->body);
    points += v.Find("metrics")->size();
    token = v.Find("next_page_token") ? v.Find("next_page_token")->as_string() : "";
    ++pages;
  } while (!token.empty());
  double secs = Seconds(start);
  std::printf("(c) get-history of %lld points: %d pages in %.2f s (%.0f points/s)\n",
              static_cast<long long>(points), pages, secs, points / secs);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 100000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  }
  SetLogLevel(LogLevel::kWarning);
  char tmpl[] = "/tmp/keel-tracking-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  Env env = MakeEnv(dir);
  bool only_search = std::getenv("KEEL_BENCH_ONLY_SEARCH") != nullptr;
  if (!only_search) BenchLogBatch(env);
  BenchSearch(env, runs);
  if (!only_search) BenchHistory(env);
  env.api->Shutdown();
  if (std::getenv("KEEL_BENCH_KEEP")) {
    std::printf("kept %s\n", dir.c_str());
    return 0;
  }
  std::string cleanup = "rm -rf '" + dir + "'";
  return std::system(cleanup.c_str()) == 0 ? 0 : 1;
}

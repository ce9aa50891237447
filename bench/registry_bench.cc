// Issue 6 benchmarks, in process, with the same SQLite metastore the server uses:
//  (a) resolve models:/<name>@<alias> 100,000 times as a data scientist (name lookup, grant
//      checks through catalog and schema, alias and version rows): p50/p99 against the floor of
//      one SQL query that reads the same alias row in a read transaction; target p99 < 1 ms.
//  (b) register 1,000 versions of one model from a run (source checks, MLmodel parse, files
//      copied into managed storage, two transactions each): rate and p50/p99.
// Usage: registry_bench [--resolves N] [--versions N]

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
#include "metastore/migrations/migration.h"
#include "metastore/sqlite/sqlite_database.h"
#include "registry/registry_service.h"
#include "tracking/tracking_service.h"

using namespace keel;
using BenchClock = std::chrono::steady_clock;
using bench::Check;
using bench::Must;

namespace {

double Micros(BenchClock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// p-th percentile (0..100) of `samples` (sorted in place).
double Percentile(std::vector<double>& samples, double p) {
  std::sort(samples.begin(), samples.end());
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(samples.size() - 1) + 0.5);
  return samples[std::min(i, samples.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  int64_t resolves = 100000, versions = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--resolves") == 0) resolves = std::atoll(argv[i + 1]);
    if (std::strcmp(argv[i], "--versions") == 0) versions = std::atoll(argv[i + 1]);
  }
  char tmpl[] = "/tmp/keel-registry-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  FileSystem* fs = FileSystem::Default();

  auto db = Must(metastore::OpenSqliteDatabase(dir + "/metastore.db"), "open");
  Check(metastore::ApplyMigrations(*db), "migrate");
  catalog::CatalogService catalog(db.get(), catalog::CatalogServiceOptions{dir + "/storage"});
  auto init = Must(catalog.InitWorkspace("admin"), "init");
  catalog::Principal admin = Must(catalog.Authenticate(init.admin_token), "admin");
  Must(catalog.CreatePrincipal(admin, catalog::PrincipalKind::kUser, "alice", {"data-scientists"}),
       "alice");
  auto alice_token = Must(catalog.CreateToken(admin, "alice", 0, "bench"), "token");
  catalog::Principal alice = Must(catalog.Authenticate(alice_token.token_value), "alice auth");
  tracking::TrackingServiceOptions tracking_options;
  tracking_options.artifact_root = dir + "/storage/artifacts";
  tracking::TrackingService tracking(db.get(), tracking_options);
  registry::RegistryService registry(db.get(), &catalog, &tracking, fs);

  // A run with a logged model (an MLmodel and a 64 KiB model file).
  std::string exp = Must(tracking.CreateExperiment(alice, "/Users/alice/bench", "", {}), "exp");
  tracking::CreateRunRequest run_req;
  run_req.experiment_id = exp;
  tracking::Run run = Must(tracking.CreateRun(alice, run_req), "run");
  Check(tracking.UploadRunArtifact(alice, run.info.run_id, "model/MLmodel",
                                   "artifact_path: model\nflavors:\n  python_function:\n"
                                   "    loader_module: mlflow.sklearn\nrun_id: " +
                                       run.info.run_id + "\n"),
        "upload MLmodel");
  Check(tracking.UploadRunArtifact(alice, run.info.run_id, "model/model.pkl",
                                   std::string(64 * 1024, 'w')),
        "upload model");
  const std::string name = "dev.default.bench";
  Must(registry.CreateRegisteredModel(alice, name, "", {}), "create model");

  // (b) registrations.
  std::vector<double> register_us;
  auto start = BenchClock::now();
  for (int64_t i = 0; i < versions; ++i) {
    registry::CreateModelVersionRequest req;
    req.name = name;
    req.source = "runs:/" + run.info.run_id + "/model";
    auto t0 = BenchClock::now();
    Must(registry.CreateModelVersion(alice, req), "register");
    register_us.push_back(Micros(BenchClock::now() - t0));
  }
  double register_s = std::chrono::duration<double>(BenchClock::now() - start).count();
  Check(registry.SetAlias(alice, name, "champion", versions), "alias");

  // (a) resolution through the service vs the floor of one SQL read of the same row.
  const std::string uri = "models:/" + name + "@champion";
  std::vector<double> resolve_us, floor_us;
  resolve_us.reserve(resolves);
  floor_us.reserve(resolves);
  for (int64_t i = 0; i < resolves; ++i) {
    auto t0 = BenchClock::now();
    registry::ModelVersion v = Must(registry.ResolveModelUri(alice, uri), "resolve");
    resolve_us.push_back(Micros(BenchClock::now() - t0));
    if (v.version != versions) {
      std::fprintf(stderr, "resolved version %lld, expected %lld\n",
                   static_cast<long long>(v.version), static_cast<long long>(versions));
      return 1;
    }
    auto t1 = BenchClock::now();
    Check(db->Read([&](metastore::Transaction& tx) -> Status {
      KEEL_ASSIGN_OR_RETURN(auto rows,
                            tx.Query("SELECT a.version FROM model_aliases a JOIN securables s ON "
                                     "s.id = a.securable_id WHERE s.type = 'REGISTERED_MODEL' AND "
                                     "s.full_name_key = ? AND a.alias = ?",
                                     {metastore::Text(name), metastore::Text("champion")}));
      return rows.size() == 1 ? Status::OK() : Status::Internal("alias row missing");
    }),
          "floor");
    floor_us.push_back(Micros(BenchClock::now() - t1));
  }
  double p50 = Percentile(resolve_us, 50), p99 = Percentile(resolve_us, 99);
  double f50 = Percentile(floor_us, 50), f99 = Percentile(floor_us, 99);
  std::printf(
      "resolve %s x%lld as alice: p50 %.1f us, p99 %.1f us (target p99 < 1000 us); "
      "one SQL read of the alias row: p50 %.1f us, p99 %.1f us; ratio p50 %.2fx\n",
      uri.c_str(), static_cast<long long>(resolves), p50, p99, f50, f99, p50 / f50);
  std::printf(
      "register %lld versions (64 KiB model + MLmodel copied each): %.2f s, %.0f "
      "versions/s, p50 %.2f ms, p99 %.2f ms\n",
      static_cast<long long>(versions), register_s, static_cast<double>(versions) / register_s,
      Percentile(register_us, 50) / 1000, Percentile(register_us, 99) / 1000);
  Check(fs->RemoveAll(dir), "cleanup");
  return p99 < 1000 ? 0 : 2;
}

#pragma once

// The model registry over a real migrated SQLite metastore in a temp directory (TrackingTest's:
// `keel init`'s workspace with catalogs dev, staging and prod, and a TrackingService with an
// artifact store), and a RegistryService over both. Shared by the registry service tests and the
// CLI tests (which use only the model-file helpers).

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog_service.h"
#include "common/fs/file_system.h"
#include "registry/registry_service.h"
#include "tracking/tracking_service.h"
#include "tracking/tracking_test_env.h"

namespace keel::registry::testing {

// What mlflow.pyfunc.log_model writes, cut down to what the registry reads: a mapping with
// flavors.
inline constexpr char kMlModelYaml[] =
    "artifact_path: model\n"
    "flavors:\n"
    "  python_function:\n"
    "    loader_module: keel.ml.linear\n"
    "    data: model.json\n"
    "mlflow_version: 2.9.2\n"
    "utc_time_created: '2024-01-15 10:23:45.123456'\n";
inline constexpr char kModelJson[] = R"({"weights": [0.5, 1.5], "bias": 0.25})";
inline constexpr char kWeightsBin[] = "\x01\x02\x03 weights";

// The files of the test model (RunWithModel uploads them), relative to the model directory.
inline std::map<std::string, std::string> ModelFiles() {
  return {{"MLmodel", kMlModelYaml}, {"model.json", kModelJson}, {"data/weights.bin", kWeightsBin}};
}

// Uploads `files` under `dir` of the run's artifacts ("model/MLmodel", ...).
inline void UploadFiles(tracking::TrackingService& tracking, const catalog::Principal& who,
                        const std::string& run_id, const std::string& dir,
                        const std::map<std::string, std::string>& files) {
  for (const auto& [path, data] : files) {
    Status s = tracking.UploadRunArtifact(who, run_id, dir + "/" + path, data);
    ASSERT_TRUE(s.ok()) << dir << "/" << path << ": " << s.ToString();
  }
}

// A run of `experiment_id` (created as `who`), or "" after failing the test.
inline std::string CreateRun(tracking::TrackingService& tracking, const catalog::Principal& who,
                             const std::string& experiment_id,
                             std::vector<tracking::KeyValue> tags = {}) {
  tracking::CreateRunRequest req;
  req.experiment_id = experiment_id;
  req.tags = std::move(tags);
  auto run = tracking.CreateRun(who, req);
  EXPECT_TRUE(run.ok()) << run.status().ToString();
  return run.ok() ? run->info.run_id : "";
}

// A Delta table read, as mlflow.data.load_delta logs it.
inline tracking::DatasetInput DeltaInput(const std::string& table, int64_t version) {
  tracking::DatasetInput in;
  in.dataset.name = table;
  in.dataset.digest = "d" + std::to_string(version);
  in.dataset.source_type = "delta_table";
  in.dataset.source = R"({"delta_table_name": ")" + table + R"(", "delta_table_version": )" +
                      std::to_string(version) + "}";
  in.tags.push_back({"mlflow.data.context", "training"});
  return in;
}

inline std::string ReadAll(RandomAccessFile& file) {
  std::string out;
  Status s = file.ReadAt(0, static_cast<size_t>(file.size()), &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// TrackingTest's metastore, catalog, tracking service and principals (admin, alice, bob), plus
// carol (no group, so no grants), a RegistryService and an experiment for the model runs.
class RegistryTest : public tracking::TrackingTest {
 protected:
  static constexpr char kModel[] = "dev.default.churn";

  void SetUp() override {
    tracking::TrackingTest::SetUp();
    if (HasFatalFailure()) return;
    auto carol = catalog_->CreatePrincipal(admin_, catalog::PrincipalKind::kUser, "carol", {});
    ASSERT_TRUE(carol.ok()) << carol.status().ToString();
    auto token = catalog_->CreateToken(admin_, "carol", 0, "");
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    auto who = catalog_->Authenticate(token->token_value);
    ASSERT_TRUE(who.ok()) << who.status().ToString();
    carol_ = *who;
    registry_ =
        std::make_unique<RegistryService>(db_.get(), catalog_.get(), tracking_.get(),
                                          FileSystem::Default(), RegistryServiceOptions{&clock_});
    experiment_id_ = NewExperiment(admin_, "registry-tests");
  }

  // A run of the test experiment holding the model's files under `dir`.
  std::string RunWithModel(const std::string& dir = "model",
                           std::vector<tracking::KeyValue> tags = {}) {
    std::string run_id = CreateRun(*tracking_, admin_, experiment_id_, std::move(tags));
    UploadFiles(*tracking_, admin_, run_id, dir, ModelFiles());
    return run_id;
  }

  // The mlflow-artifacts proxy path of a run artifact.
  std::string RunArtifactProxyPath(const std::string& run_id, const std::string& path) const {
    return experiment_id_ + "/" + run_id + "/artifacts/" + path;
  }

  RegisteredModel CreateModel(const std::string& name, const catalog::Principal* who = nullptr) {
    auto m = registry_->CreateRegisteredModel(who ? *who : admin_, name, "", {});
    EXPECT_TRUE(m.ok()) << name << ": " << m.status().ToString();
    return m.ok() ? *m : RegisteredModel{};
  }

  // The registered model as admin sees it; fails the test when it is missing.
  RegisteredModel GetModel(const std::string& name) {
    auto m = registry_->GetRegisteredModel(admin_, name);
    EXPECT_TRUE(m.ok()) << name << ": " << m.status().ToString();
    return m.ok() ? *m : RegisteredModel{};
  }

  Result<ModelVersion> TryRegister(const std::string& name, const std::string& source,
                                   std::map<std::string, std::string> tags = {}) {
    CreateModelVersionRequest req;
    req.name = name;
    req.source = source;
    req.tags = std::move(tags);
    return registry_->CreateModelVersion(admin_, req);
  }

  // Registers runs:/<run_id>/<dir> as a new version of `name`; fails the test on error.
  ModelVersion Register(const std::string& name, const std::string& run_id,
                        const std::string& dir = "model",
                        std::map<std::string, std::string> tags = {}) {
    auto v = TryRegister(name, "runs:/" + run_id + "/" + dir, std::move(tags));
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ModelVersion{};
  }

  // kModel with `versions` versions, all registered from one run's model; returns the run.
  std::string ModelWithVersions(int versions) {
    CreateModel(kModel);
    std::string run_id = RunWithModel();
    for (int i = 0; i < versions; ++i) Register(kModel, run_id);
    return run_id;
  }

  // The proxy path of a version's file, from its download URI.
  std::string VersionFile(const std::string& name, int64_t version, const std::string& path) {
    auto uri = registry_->GetDownloadUri(admin_, name, version);
    EXPECT_TRUE(uri.ok()) << uri.status().ToString();
    if (!uri.ok()) return "";
    return uri->substr(std::string_view("mlflow-artifacts:/").size()) + "/" + path;
  }

  // The content of a version's file, or "<error>" after failing the test.
  std::string ReadVersionFile(const std::string& proxy_path) {
    auto file = registry_->OpenVersionFile(admin_, proxy_path);
    EXPECT_TRUE(file.ok()) << proxy_path << ": " << file.status().ToString();
    return file.ok() ? ReadAll(**file) : "<error>";
  }

  // Version numbers of a search, in result order.
  std::vector<int64_t> Numbers(const std::vector<ModelVersion>& versions) {
    std::vector<int64_t> out;
    for (const ModelVersion& v : versions) out.push_back(v.version);
    return out;
  }

  std::unique_ptr<RegistryService> registry_;
  catalog::Principal carol_;
  std::string experiment_id_;
};

}  // namespace keel::registry::testing

#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "ml/train/ml_context.h"
#include "registry/mlmodel.h"

// A tracking run that training code writes to: params, metric series, artifacts, the input
// table's version and the model, through TrackingService (so the run obeys experiment
// permissions like any MLflow client's). A run that is not finished when its TrackedRun goes
// away is marked FAILED, so an error never leaves a run RUNNING.
namespace keel::ml {

// A table version a run read, logged with log-inputs as MLflow's Delta dataset source.
struct InputTable {
  std::string full_name;
  int64_t version = -1;
  int64_t num_rows = 0;
  std::string digest;  // see TableDigest
};

// A short content identifier of a table version (8 hex digits of a SHA-256 of the name, version
// and row count), as MLflow's dataset digests are short hashes.
std::string TableDigest(std::string_view full_name, int64_t version, int64_t num_rows);

class TrackedRun {
 public:
  // Starts a run in `experiment` (an experiment name, created when missing). Tags: the
  // run name, mlflow.source.name/type, mlflow.user, the git commit/branch/repo URL and
  // keel.git.dirty of ctx.source_dir, mlflow.parentRunId when `parent_run_id` is set, and `tags`.
  static Result<std::unique_ptr<TrackedRun>> Start(
      const MlContext& ctx, std::string_view experiment, std::string_view run_name,
      const std::vector<std::pair<std::string, std::string>>& tags = {},
      std::string_view parent_run_id = "");
  ~TrackedRun();
  TrackedRun(const TrackedRun&) = delete;
  TrackedRun& operator=(const TrackedRun&) = delete;

  const std::string& run_id() const { return run_id_; }
  const std::string& experiment_id() const { return experiment_id_; }

  Status LogParams(const std::vector<std::pair<std::string, std::string>>& params);
  Status SetTags(const std::vector<std::pair<std::string, std::string>>& tags);
  // Logs each (key, value) at `step`.
  Status LogMetrics(const std::vector<std::pair<std::string, double>>& metrics, int64_t step = 0);
  // Buffers one point of a series (e.g. per boosting round); FlushMetrics (and Finish) send them.
  void BufferMetric(std::string key, double value, int64_t step);
  Status FlushMetrics();

  Status LogInput(const InputTable& table, std::string_view context);
  Status UploadArtifact(std::string_view path, std::string_view data);
  // Uploads the files of the local model directory `dir` under `artifact_path` and records
  // the model on the run (MLflow's mlflow.log-model.history), as mlflow.<flavor>.log_model does.
  Status LogModelDirectory(const std::string& dir, std::string_view artifact_path);

  // Sends buffered metrics and ends the run FINISHED (or FAILED when !success).
  Status Finish(bool success);

 private:
  TrackedRun(const MlContext& ctx, std::string run_id, std::string experiment_id)
      : ctx_(ctx), run_id_(std::move(run_id)), experiment_id_(std::move(experiment_id)) {}

  const MlContext& ctx_;
  std::string run_id_;
  std::string experiment_id_;
  std::vector<tracking::Metric> buffered_;
  bool finished_ = false;
};

// A temporary local directory under ctx.scratch_root, removed with everything in it when the
// object goes away.
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> Make(const MlContext& ctx);
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  ScratchDir(FileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  FileSystem* fs_;
  std::string path_;
};

}  // namespace keel::ml

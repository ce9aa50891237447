#include "ml/train/tracked_run.h"

#include <cstdlib>

#include "common/json.h"
#include "common/random.h"
#include "common/sha256.h"
#include "ml/train/git_info.h"
#include "tracking/validation.h"

namespace keel::ml {

namespace {

std::vector<tracking::KeyValue> ToKeyValues(
    const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<tracking::KeyValue> out;
  for (const auto& [key, value] : pairs) out.push_back({key, value});
  return out;
}

// The experiment named `name`, created when missing (a concurrent creator may win the race).
Result<std::string> ExperimentId(const MlContext& ctx, std::string_view name) {
  auto existing = ctx.tracking->GetExperimentByName(ctx.caller, name);
  if (existing.ok()) return existing->experiment_id;
  if (existing.status().code() != ErrorCode::kResourceDoesNotExist) return existing.status();
  auto created = ctx.tracking->CreateExperiment(ctx.caller, name, "", {});
  if (created.ok() || created.status().code() != ErrorCode::kResourceAlreadyExists) return created;
  KEEL_ASSIGN_OR_RETURN(tracking::Experiment experiment,
                        ctx.tracking->GetExperimentByName(ctx.caller, name));
  return experiment.experiment_id;
}

}  // namespace

std::string TableDigest(std::string_view full_name, int64_t version, int64_t num_rows) {
  std::string text =
      std::string(full_name) + "@" + std::to_string(version) + "#" + std::to_string(num_rows);
  return Sha256::HexDigest(text).substr(0, 8);
}

Result<std::unique_ptr<TrackedRun>> TrackedRun::Start(
    const MlContext& ctx, std::string_view experiment, std::string_view run_name,
    const std::vector<std::pair<std::string, std::string>>& tags, std::string_view parent_run_id) {
  KEEL_ASSIGN_OR_RETURN(std::string experiment_id, ExperimentId(ctx, experiment));
  tracking::CreateRunRequest request;
  request.experiment_id = experiment_id;
  request.run_name = std::string(run_name);
  request.start_time = ctx.clock->NowMillis();
  request.tags = {{"mlflow.source.name", ctx.source_name},
                  {"mlflow.source.type", "LOCAL"},
                  {"mlflow.user", ctx.caller.name}};
  if (!parent_run_id.empty())
    request.tags.push_back({"mlflow.parentRunId", std::string(parent_run_id)});
  if (!ctx.source_dir.empty()) {
    if (std::optional<GitInfo> git = ReadGitInfo(ctx.source_dir)) {
      request.tags.push_back({"mlflow.source.git.commit", git->commit});
      if (!git->branch.empty()) request.tags.push_back({"mlflow.source.git.branch", git->branch});
      if (!git->repo_url.empty()) {
        request.tags.push_back({"mlflow.source.git.repoURL", git->repo_url});
      }
      request.tags.push_back({"keel.git.dirty", git->dirty ? "true" : "false"});
    }
  }
  for (const auto& [key, value] : tags) request.tags.push_back({key, value});
  KEEL_ASSIGN_OR_RETURN(tracking::Run run, ctx.tracking->CreateRun(ctx.caller, request));
  return std::unique_ptr<TrackedRun>(new TrackedRun(ctx, run.info.run_id, experiment_id));
}

TrackedRun::~TrackedRun() {
  if (!finished_) (void)Finish(false);
}

Status TrackedRun::LogParams(const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<tracking::KeyValue> all = ToKeyValues(params);
  for (size_t begin = 0; begin < all.size(); begin += tracking::kMaxParamsPerBatch) {
    size_t end = std::min(all.size(), begin + tracking::kMaxParamsPerBatch);
    std::vector<tracking::KeyValue> chunk(all.begin() + begin, all.begin() + end);
    // Long values (feature lists) are cut to MLflow's limit rather than failing the run.
    for (tracking::KeyValue& kv : chunk) {
      if (kv.value.size() > tracking::kMaxParamValueBytes) {
        kv.value = kv.value.substr(0, tracking::kMaxParamValueBytes - 3) + "...";
      }
    }
    KEEL_RETURN_IF_ERROR(ctx_.tracking->LogBatch(ctx_.caller, run_id_, {}, chunk, {}));
  }
  return Status::OK();
}

Status TrackedRun::SetTags(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::vector<tracking::KeyValue> all = ToKeyValues(tags);
  for (size_t begin = 0; begin < all.size(); begin += tracking::kMaxTagsPerBatch) {
    size_t end = std::min(all.size(), begin + tracking::kMaxTagsPerBatch);
    std::vector<tracking::KeyValue> chunk(all.begin() + begin, all.begin() + end);
    KEEL_RETURN_IF_ERROR(ctx_.tracking->LogBatch(ctx_.caller, run_id_, {}, {}, chunk));
  }
  return Status::OK();
}

Status TrackedRun::LogMetrics(const std::vector<std::pair<std::string, double>>& metrics,
                              int64_t step) {
  for (const auto& [key, value] : metrics) BufferMetric(key, value, step);
  return FlushMetrics();
}

void TrackedRun::BufferMetric(std::string key, double value, int64_t step) {
  tracking::Metric metric;
  metric.key = std::move(key);
  metric.value = value;
  metric.timestamp = ctx_.clock->NowMillis();
  metric.step = step;
  buffered_.push_back(std::move(metric));
}

Status TrackedRun::FlushMetrics() {
  std::vector<tracking::Metric> all = std::move(buffered_);
  buffered_.clear();
  for (size_t begin = 0; begin < all.size(); begin += tracking::kMaxMetricsPerBatch) {
    size_t end = std::min(all.size(), begin + tracking::kMaxMetricsPerBatch);
    std::vector<tracking::Metric> chunk(all.begin() + begin, all.begin() + end);
    KEEL_RETURN_IF_ERROR(ctx_.tracking->LogBatch(ctx_.caller, run_id_, chunk, {}, {}));
  }
  return Status::OK();
}

Status TrackedRun::LogInput(const InputTable& table, std::string_view context) {
  tracking::DatasetInput input;
  input.tags = {{"mlflow.data.context", std::string(context)}};
  input.dataset.name = table.full_name;
  input.dataset.digest = table.digest;
  input.dataset.source_type = "delta_table";
  json::Value source = json::Value::MakeObject();
  source.Set("delta_table_name", table.full_name);
  source.Set("delta_table_version", table.version);
  input.dataset.source = source.Dump();
  json::Value profile = json::Value::MakeObject();
  profile.Set("num_rows", table.num_rows);
  input.dataset.profile = profile.Dump();
  return ctx_.tracking->LogInputs(ctx_.caller, run_id_, {input});
}

Status TrackedRun::UploadArtifact(std::string_view path, std::string_view data) {
  return ctx_.tracking->UploadRunArtifact(ctx_.caller, run_id_, path, data);
}

Status TrackedRun::LogModelDirectory(const std::string& dir, std::string_view artifact_path) {
  KEEL_ASSIGN_OR_RETURN(std::vector<std::string> names, ctx_.fs->ListDir(dir));
  // MLmodel last, so a reader that sees it finds the model's other files.
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& name : names) {
      if ((name == registry::kMlModelFileName) != (pass == 1)) continue;
      KEEL_ASSIGN_OR_RETURN(std::string data, ctx_.fs->ReadFile(JoinPath(dir, name)));
      KEEL_RETURN_IF_ERROR(UploadArtifact(std::string(artifact_path) + "/" + name, data));
    }
  }
  KEEL_ASSIGN_OR_RETURN(registry::MlModel mlmodel, registry::ReadMlModel(ctx_.fs, dir));
  return ctx_.tracking->LogModel(ctx_.caller, run_id_, mlmodel.ToJson().Dump());
}

Status TrackedRun::Finish(bool success) {
  Status flushed = success ? FlushMetrics() : Status::OK();
  tracking::UpdateRunRequest update;
  update.status = success && flushed.ok() ? "FINISHED" : "FAILED";
  update.end_time = ctx_.clock->NowMillis();
  finished_ = true;
  KEEL_RETURN_IF_ERROR(flushed);
  return ctx_.tracking->UpdateRun(ctx_.caller, run_id_, update).status();
}

Result<std::unique_ptr<ScratchDir>> ScratchDir::Make(const MlContext& ctx) {
  std::string path = JoinPath(ctx.scratch_root, "keel-ml-" + NewId().substr(0, 16));
  KEEL_RETURN_IF_ERROR(ctx.fs->CreateDirs(path));
  return std::unique_ptr<ScratchDir>(new ScratchDir(ctx.fs, std::move(path)));
}

ScratchDir::~ScratchDir() { (void)fs_->RemoveAll(path_); }

}  // namespace keel::ml

#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/principal.h"
#include "common/clock.h"
#include "metastore/database.h"
#include "tracking/artifact_store.h"
#include "tracking/logged_model_types.h"
#include "tracking/run_search_index.h"
#include "tracking/tracking_types.h"

namespace keel::tracking {

// When runs/search may answer from the in-memory RunSearchIndex instead of SQL.
enum class SearchIndexMode {
  kWhenQuiet,  // index an experiment once two searches saw it unchanged (default)
  kAlways,     // index at the first search (tests)
  kOff,        // always SQL
};

struct TrackingServiceOptions {
  // Source of "now" for run and experiment times. Default: the system clock.
  const Clock* clock = Clock::System();
  // Directory of the artifact store (<storage root>/artifacts). Required for artifact calls.
  std::string artifact_root;
  // See SearchIndexMode. Default: kWhenQuiet.
  SearchIndexMode search_index = SearchIndexMode::kWhenQuiet;
};

// One artifact listing, as MLflow's artifacts/list answers it.
struct ArtifactListing {
  std::string root_uri;
  std::vector<ArtifactEntry> files;
};

struct CreateRunRequest {
  std::string experiment_id;  // "" means the Default experiment ("0"), as MLflow does
  std::string run_name;       // "" -> generated, or taken from the mlflow.runName tag
  std::optional<int64_t> start_time;
  std::vector<KeyValue> tags;
};

struct UpdateRunRequest {
  std::optional<std::string> status;
  std::optional<int64_t> end_time;
  std::optional<std::string> run_name;
};

struct SearchRunsRequest {
  std::vector<std::string> experiment_ids;
  std::string filter;
  ViewType view = ViewType::kActiveOnly;
  int64_t max_results = 1000;
  std::vector<std::string> order_by;
  std::string page_token;
};

struct RunPage {
  std::vector<Run> runs;
  std::string next_page_token;  // empty on the last page
};

struct SearchExperimentsRequest {
  std::string filter;
  ViewType view = ViewType::kActiveOnly;
  int64_t max_results = 1000;
  std::vector<std::string> order_by;
  std::string page_token;
};

struct ExperimentPage {
  std::vector<Experiment> experiments;
  std::string next_page_token;
};

struct MetricPage {
  std::vector<Metric> metrics;
  std::string next_page_token;
};

// Named limits of the API (MLflow's values).
inline constexpr int64_t kMaxSearchResults = 50000;
inline constexpr int64_t kDefaultMetricHistoryPage = 25000;
inline constexpr int64_t kMaxBulkIntervalResults = 2500;
inline constexpr size_t kMaxBulkIntervalRuns = 100;

// MLflow's tracking: experiments, runs, params, metrics, tags, inputs and search, with
// workspace permissions on experiments (CAN_READ < CAN_EDIT < CAN_MANAGE):
//  - metastore admins and the experiment's owner (its creator) may manage it;
//  - `/Users/<name>/...` experiments belong to <name>: only that user (or an admin) creates
//    them, and that user may manage them;
//  - the Default experiment and `/Shared/...` experiments are editable by everyone;
//  - otherwise permissions granted to the caller or its groups apply.
// Reading needs CAN_READ, logging and run changes CAN_EDIT, renaming/deleting and changing
// permissions CAN_MANAGE. Every change is one metastore transaction.
//
// Errors follow MLflow: RESOURCE_DOES_NOT_EXIST (404) for unknown ids, RESOURCE_ALREADY_EXISTS
// (400) for taken names, INVALID_PARAMETER_VALUE (400) for bad values, PERMISSION_DENIED (403).
// Thread-safe.
class TrackingService {
 public:
  TrackingService(metastore::Database* db, TrackingServiceOptions options = {});

  // ---- experiments ------------------------------------------------------------------------
  Result<std::string> CreateExperiment(const catalog::Principal& caller, std::string_view name,
                                       std::string_view artifact_location,
                                       const std::vector<KeyValue>& tags);
  Result<Experiment> GetExperiment(const catalog::Principal& caller,
                                   std::string_view experiment_id) const;
  Result<Experiment> GetExperimentByName(const catalog::Principal& caller,
                                         std::string_view name) const;
  Result<ExperimentPage> SearchExperiments(const catalog::Principal& caller,
                                           const SearchExperimentsRequest& request) const;
  Status UpdateExperiment(const catalog::Principal& caller, std::string_view experiment_id,
                          std::string_view new_name);
  Status DeleteExperiment(const catalog::Principal& caller, std::string_view experiment_id);
  Status RestoreExperiment(const catalog::Principal& caller, std::string_view experiment_id);
  Status SetExperimentTag(const catalog::Principal& caller, std::string_view experiment_id,
                          std::string_view key, std::string_view value);
  Status DeleteExperimentTag(const catalog::Principal& caller, std::string_view experiment_id,
                             std::string_view key);
  // Grants `level` (kNone revokes) on the experiment to a principal; needs CAN_MANAGE.
  Status SetExperimentPermission(const catalog::Principal& caller,
                                 std::string_view experiment_id, std::string_view principal,
                                 PermissionLevel level);
  Result<std::vector<std::pair<std::string, PermissionLevel>>> GetExperimentPermissions(
      const catalog::Principal& caller, std::string_view experiment_id) const;

  // ---- runs -------------------------------------------------------------------------------
  Result<Run> CreateRun(const catalog::Principal& caller, const CreateRunRequest& request);
  Result<Run> GetRun(const catalog::Principal& caller, std::string_view run_id) const;
  Result<RunInfo> UpdateRun(const catalog::Principal& caller, std::string_view run_id,
                            const UpdateRunRequest& request);
  Status DeleteRun(const catalog::Principal& caller, std::string_view run_id);
  Status RestoreRun(const catalog::Principal& caller, std::string_view run_id);

  // Metrics, params and tags in one transaction. Params are immutable: a different value for a
  // logged key is INVALID_PARAMETER_VALUE, and then nothing of the batch is written.
  Status LogBatch(const catalog::Principal& caller, std::string_view run_id,
                  const std::vector<Metric>& metrics, const std::vector<KeyValue>& params,
                  const std::vector<KeyValue>& tags);
  Status DeleteTag(const catalog::Principal& caller, std::string_view run_id,
                   std::string_view key);
  // runs/log-model (MLflow 2.x log_model): appends the model's MLmodel description, which must
  // have artifact_path, flavors, run_id and utc_time_created, to the run's
  // mlflow.log-model.history tag. CAN_EDIT on an active run.
  Status LogModel(const catalog::Principal& caller, std::string_view run_id,
                  std::string_view model_json);
  Status LogInputs(const catalog::Principal& caller, std::string_view run_id,
                   const std::vector<DatasetInput>& inputs);

  Result<MetricPage> GetMetricHistory(const catalog::Principal& caller, std::string_view run_id,
                                      std::string_view key, std::string_view page_token,
                                      std::optional<int64_t> max_results) const;
  // Up to `max_results` points per run, sampled evenly over the steps in range (MLflow's
  // get-history-bulk-interval, used by the UI's charts).
  Result<std::vector<RunMetric>> GetMetricHistoryBulkInterval(
      const catalog::Principal& caller, const std::vector<std::string>& run_ids,
      std::string_view key, std::optional<int64_t> start_step, std::optional<int64_t> end_step,
      std::optional<int64_t> max_results) const;

  Result<RunPage> SearchRuns(const catalog::Principal& caller,
                             const SearchRunsRequest& request) const;

  // ---- logged models (MLflow 3) ------------------------------------------------------------
  // A model belongs to an experiment: reading needs CAN_READ on it, everything else CAN_EDIT.
  // Unknown and deleted model ids are RESOURCE_DOES_NOT_EXIST. Files go through the
  // mlflow-artifacts proxy under the model's artifact_uri (<experiment>/models/<id>/artifacts).
  Result<LoggedModel> CreateLoggedModel(const catalog::Principal& caller,
                                        const CreateLoggedModelRequest& request);
  Result<LoggedModel> GetLoggedModel(const catalog::Principal& caller,
                                     std::string_view model_id) const;
  // `status` is LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.
  Result<LoggedModel> FinalizeLoggedModel(const catalog::Principal& caller,
                                          std::string_view model_id, std::string_view status);
  Status DeleteLoggedModel(const catalog::Principal& caller, std::string_view model_id);
  Result<LoggedModel> SetLoggedModelTags(const catalog::Principal& caller,
                                         std::string_view model_id,
                                         const std::vector<KeyValue>& tags);
  Status DeleteLoggedModelTag(const catalog::Principal& caller, std::string_view model_id,
                              std::string_view key);
  // Params are immutable, as for runs: a new value for a logged key is INVALID_PARAMETER_VALUE.
  Status LogLoggedModelParams(const catalog::Principal& caller, std::string_view model_id,
                              const std::vector<KeyValue>& params);
  // Experiments the caller cannot read are PERMISSION_DENIED, as in runs/search.
  Result<LoggedModelPage> SearchLoggedModels(const catalog::Principal& caller,
                                             const SearchLoggedModelsRequest& request) const;
  // runs/outputs: the run (CAN_EDIT) produced these models (each must exist).
  Status LogOutputs(const catalog::Principal& caller, std::string_view run_id,
                    const std::vector<ModelOutput>& models);
  Result<ArtifactListing> ListLoggedModelArtifacts(const catalog::Principal& caller,
                                                   std::string_view model_id,
                                                   std::string_view path) const;

  // ---- artifacts --------------------------------------------------------------------------
  // Artifacts of a run under `path` (relative to its artifact root); needs CAN_READ.
  Result<ArtifactListing> ListRunArtifacts(const catalog::Principal& caller,
                                           std::string_view run_id, std::string_view path) const;
  // One artifact of a run, by its path under the run's artifact root (CAN_EDIT / CAN_READ).
  Status UploadRunArtifact(const catalog::Principal& caller, std::string_view run_id,
                           std::string_view path, std::string_view data);
  Result<std::string> DownloadRunArtifact(const catalog::Principal& caller,
                                          std::string_view run_id, std::string_view path) const;
  // The mlflow-artifacts proxy. `proxy_path` is relative to mlflow-artifacts:/ and starts with
  // the experiment id ("<experiment>/<run>/artifacts/..." or, for logged models,
  // "<experiment>/models/<model_id>/artifacts/..."); that experiment's permissions apply
  // (CAN_EDIT to upload or delete, CAN_READ to download or list).
  Status UploadArtifact(const catalog::Principal& caller, std::string_view proxy_path,
                        std::string_view data);
  Result<std::string> DownloadArtifact(const catalog::Principal& caller,
                                       std::string_view proxy_path) const;
  // Streaming forms for large files: the upload is a finished file (moved into place), the
  // download an open file.
  Status UploadArtifactFile(const catalog::Principal& caller, std::string_view proxy_path,
                            const std::string& file);
  Result<std::unique_ptr<RandomAccessFile>> OpenArtifact(const catalog::Principal& caller,
                                                         std::string_view proxy_path) const;
  Result<std::vector<ArtifactEntry>> ListProxyArtifacts(const catalog::Principal& caller,
                                                        std::string_view proxy_path) const;
  Status DeleteArtifact(const catalog::Principal& caller, std::string_view proxy_path);

  // The run (with CAN_READ or CAN_EDIT checked) — used by the artifact API.
  Result<RunInfo> AuthorizeRun(const catalog::Principal& caller, std::string_view run_id,
                               PermissionLevel needed) const;
  // Checks `needed` on the experiment with this id (artifact proxy paths start with it).
  Status AuthorizeExperiment(const catalog::Principal& caller, std::string_view experiment_id,
                             PermissionLevel needed) const;

 private:
  int64_t Now() const { return options_.clock->NowMillis(); }

  // Run ids for a search: from the index when it is current, else SQL.
  Result<std::vector<std::string>> FindRunIds(metastore::Transaction& tx,
                                              const RunSearchQuery& query) const;

  // The active model, with `needed` checked on its experiment, params loaded.
  Result<LoggedModel> FindLoggedModelFor(metastore::Transaction& tx,
                                         const catalog::Principal& caller,
                                         std::string_view model_id,
                                         PermissionLevel needed) const;

  // Records the metrics that carry a model_id on those models too (CAN_EDIT on each model's
  // experiment); unknown models are RESOURCE_DOES_NOT_EXIST.
  Status LogModelMetrics(metastore::Transaction& tx, const catalog::Principal& caller,
                         std::string_view run_id, const std::vector<Metric>& metrics);

  // Splits a proxy path into its experiment id and the rest, checking `needed` on it.
  Result<std::pair<std::string, std::string>> AuthorizeProxyPath(const catalog::Principal& caller,
                                                                 std::string_view proxy_path,
                                                                 PermissionLevel needed) const;

  metastore::Database* db_;
  TrackingServiceOptions options_;
  std::unique_ptr<ArtifactStore> artifacts_;
  std::unique_ptr<RunSearchIndex> search_index_;  // mutable cache behind a const API
};

}  // namespace keel::tracking

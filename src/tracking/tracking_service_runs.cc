// TrackingService: runs, logging and metric history.

#include <algorithm>
#include <cmath>
#include <map>

#include "common/page_token.h"
#include "common/random.h"
#include "tracking/experiment_store.h"
#include "tracking/run_store.h"
#include "tracking/tracking_internal.h"
#include "tracking/tracking_service.h"
#include "tracking/validation.h"

namespace keel::tracking {

using internal::BumpFor;
using internal::FindExperiment;
using internal::FindRunFor;
using internal::Require;
using internal::RequireActive;
using metastore::Transaction;

namespace {

constexpr std::string_view kRunNameTag = "mlflow.runName";

}  // namespace

Result<Run> TrackingService::CreateRun(const catalog::Principal& caller,
                                       const CreateRunRequest& req) {
  for (const KeyValue& t : req.tags) {
    KEEL_RETURN_IF_ERROR(ValidateEntityKey("tag", t.key));
    KEEL_RETURN_IF_ERROR(ValidateTagValue(t.key, t.value));
  }
  if (req.run_name.size() > kMaxRunNameBytes) {
    return Status::InvalidArgument("run_name is longer than " + std::to_string(kMaxRunNameBytes) +
                                   " bytes");
  }
  Run run;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord exp,
                          FindExperiment(tx, req.experiment_id.empty() ? "0" : req.experiment_id));
    KEEL_RETURN_IF_ERROR(Require(tx, caller, exp, PermissionLevel::kCanEdit));
    if (exp.experiment.lifecycle_stage != "active") {
      return Status::InvalidArgument("The experiment " + exp.experiment.experiment_id +
                                     " must be in the 'active' state.");
    }
    RunInfo& info = run.info;
    info.run_id = NewId();
    info.experiment_id = exp.experiment.experiment_id;
    info.user_id = caller.name;
    info.status = "RUNNING";
    info.start_time = req.start_time.value_or(Now());
    info.lifecycle_stage = "active";
    info.artifact_uri = exp.experiment.artifact_location + "/" + info.run_id + "/artifacts";
    std::vector<KeyValue> tags = req.tags;
    auto name_tag = std::find_if(tags.begin(), tags.end(),
                                 [](const KeyValue& t) { return t.key == kRunNameTag; });
    if (!req.run_name.empty() && name_tag != tags.end() && name_tag->value != req.run_name) {
      return Status::InvalidArgument(
          "Both 'run_name' argument and 'mlflow.runName' tag are "
          "specified, but with different values");
    }
    info.run_name = !req.run_name.empty()    ? req.run_name
                    : name_tag != tags.end() ? name_tag->value
                                             : internal::GenerateRunName();
    if (name_tag == tags.end()) tags.push_back({std::string(kRunNameTag), info.run_name});
    KEEL_RETURN_IF_ERROR(RunStore::Insert(tx, info));
    KEEL_RETURN_IF_ERROR(RunStore::SetTags(tx, info.run_id, tags));
    KEEL_RETURN_IF_ERROR(BumpFor(tx, info));
    return RunStore::LoadData(tx, &run);
  }));
  return run;
}

Result<Run> TrackingService::GetRun(const catalog::Principal& caller,
                                    std::string_view run_id) const {
  Run run;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(run.info, FindRunFor(tx, caller, run_id, PermissionLevel::kCanRead));
    return RunStore::LoadData(tx, &run);
  }));
  return run;
}

Result<RunInfo> TrackingService::UpdateRun(const catalog::Principal& caller,
                                           std::string_view run_id, const UpdateRunRequest& req) {
  if (req.status) KEEL_RETURN_IF_ERROR(ValidateRunStatus(*req.status));
  if (req.run_name && req.run_name->size() > kMaxRunNameBytes) {
    return Status::InvalidArgument("run_name is too long");
  }
  RunInfo info;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(info, FindRunFor(tx, caller, run_id, PermissionLevel::kCanEdit));
    KEEL_RETURN_IF_ERROR(RequireActive(info));
    if (req.status) info.status = *req.status;
    if (req.end_time) info.end_time = *req.end_time;
    if (req.run_name && !req.run_name->empty()) {
      info.run_name = *req.run_name;
      KEEL_RETURN_IF_ERROR(
          RunStore::SetTags(tx, info.run_id, {{std::string(kRunNameTag), info.run_name}}));
    }
    KEEL_RETURN_IF_ERROR(BumpFor(tx, info));
    return RunStore::UpdateInfo(tx, info);
  }));
  return info;
}

Status TrackingService::DeleteRun(const catalog::Principal& caller, std::string_view run_id) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(RunInfo info, FindRunFor(tx, caller, run_id, PermissionLevel::kCanEdit));
    KEEL_RETURN_IF_ERROR(BumpFor(tx, info));
    return RunStore::SetLifecycle(tx, info.run_id, "deleted", Now());
  });
}

Status TrackingService::RestoreRun(const catalog::Principal& caller, std::string_view run_id) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(RunInfo info, FindRunFor(tx, caller, run_id, PermissionLevel::kCanEdit));
    KEEL_RETURN_IF_ERROR(BumpFor(tx, info));
    return RunStore::SetLifecycle(tx, info.run_id, "active", std::nullopt);
  });
}

Status TrackingService::LogBatch(const catalog::Principal& caller, std::string_view run_id,
                                 const std::vector<Metric>& metrics,
                                 const std::vector<KeyValue>& params,
                                 const std::vector<KeyValue>& tags) {
  KEEL_RETURN_IF_ERROR(ValidateBatchSize(metrics.size(), params.size(), tags.size()));
  for (const Metric& m : metrics) KEEL_RETURN_IF_ERROR(ValidateEntityKey("metric", m.key));
  // A key twice in one batch with different values is as wrong as re-logging it.
  std::map<std::string, std::string> batch_params;
  for (const KeyValue& p : params) {
    KEEL_RETURN_IF_ERROR(ValidateEntityKey("param", p.key));
    KEEL_RETURN_IF_ERROR(ValidateParamValue(p.key, p.value));
    auto [it, inserted] = batch_params.emplace(p.key, p.value);
    if (!inserted && it->second != p.value) {
      return Status::InvalidArgument("Duplicate parameter keys have been submitted: '" + p.key +
                                     "' with different values");
    }
  }
  for (const KeyValue& t : tags) {
    KEEL_RETURN_IF_ERROR(ValidateEntityKey("tag", t.key));
    KEEL_RETURN_IF_ERROR(ValidateTagValue(t.key, t.value));
  }
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(RunInfo info, FindRunFor(tx, caller, run_id, PermissionLevel::kCanEdit));
    KEEL_RETURN_IF_ERROR(RequireActive(info));
    KEEL_RETURN_IF_ERROR(BumpFor(tx, info));
    if (!batch_params.empty()) {
      KEEL_ASSIGN_OR_RETURN(auto existing, RunStore::GetParams(tx, info.run_id));
      for (const KeyValue& old : existing) {
        auto it = batch_params.find(old.key);
        if (it != batch_params.end() && it->second != old.value) {
          return Status::InvalidArgument("Changing param values is not allowed. Param with key='" +
                                         old.key + "' was already logged with value='" + old.value +
                                         "' for run ID='" + info.run_id +
                                         "'. Attempted logging new value '" + it->second + "'.");
        }
      }
      KEEL_RETURN_IF_ERROR(RunStore::InsertParams(tx, info.run_id, params));
    }
    KEEL_RETURN_IF_ERROR(RunStore::LogMetrics(tx, info.run_id, metrics));
    KEEL_RETURN_IF_ERROR(LogModelMetrics(tx, caller, info.run_id, metrics));
    KEEL_RETURN_IF_ERROR(RunStore::SetTags(tx, info.run_id, tags));
    for (const KeyValue& t : tags) {
      if (t.key == kRunNameTag) {
        info.run_name = t.value;
        KEEL_RETURN_IF_ERROR(RunStore::UpdateInfo(tx, info));
      }
    }
    return Status::OK();
  });
}

Status TrackingService::DeleteTag(const catalog::Principal& caller, std::string_view run_id,
                                  std::string_view key) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(RunInfo info, FindRunFor(tx, caller, run_id, PermissionLevel::kCanEdit));
    KEEL_RETURN_IF_ERROR(RequireActive(info));
    KEEL_RETURN_IF_ERROR(BumpFor(tx, info));
    KEEL_ASSIGN_OR_RETURN(int64_t removed, RunStore::DeleteTag(tx, info.run_id, key));
    if (removed == 0) {
      return Status::NotFound("No tag with name: " + std::string(key.substr(0, 250)) +
                              " in run with id " + info.run_id);
    }
    return Status::OK();
  });
}

Status TrackingService::LogInputs(const catalog::Principal& caller, std::string_view run_id,
                                  const std::vector<DatasetInput>& inputs) {
  if (inputs.size() > kMaxDatasetsPerRequest) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxDatasetsPerRequest) +
                                   " datasets per request");
  }
  for (const DatasetInput& in : inputs) {
    const Dataset& d = in.dataset;
    if (d.name.empty() || d.digest.empty() || d.source_type.empty() || d.source.empty()) {
      return Status::InvalidArgument("a dataset needs name, digest, source_type and source");
    }
    if (d.name.size() > 500 || d.digest.size() > 36 || d.source.size() > 65535 ||
        d.schema.size() > 1048576 || d.profile.size() > 16384) {
      return Status::InvalidArgument("dataset '" + d.name.substr(0, 100) +
                                     "' exceeds MLflow's size limits");
    }
    for (const KeyValue& t : in.tags) KEEL_RETURN_IF_ERROR(ValidateEntityKey("tag", t.key));
  }
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(RunInfo info, FindRunFor(tx, caller, run_id, PermissionLevel::kCanEdit));
    KEEL_RETURN_IF_ERROR(RequireActive(info));
    KEEL_ASSIGN_OR_RETURN(int64_t exp_id, internal::ParseExperimentId(info.experiment_id));
    KEEL_RETURN_IF_ERROR(ExperimentStore::BumpVersion(tx, exp_id));
    return RunStore::LogInputs(tx, exp_id, info.run_id, inputs);
  });
}

Result<MetricPage> TrackingService::GetMetricHistory(const catalog::Principal& caller,
                                                     std::string_view run_id, std::string_view key,
                                                     std::string_view page_token,
                                                     std::optional<int64_t> max_results) const {
  int64_t limit = max_results.value_or(kDefaultMetricHistoryPage);
  if (limit <= 0 || limit > kDefaultMetricHistoryPage) {
    return Status::InvalidArgument("max_results must be between 1 and " +
                                   std::to_string(kDefaultMetricHistoryPage));
  }
  KEEL_ASSIGN_OR_RETURN(int64_t offset, ParsePageToken(page_token));
  MetricPage page;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(RunInfo info, FindRunFor(tx, caller, run_id, PermissionLevel::kCanRead));
    // One extra row tells whether another page follows.
    KEEL_ASSIGN_OR_RETURN(page.metrics,
                          RunStore::MetricHistory(tx, info.run_id, key, offset, limit + 1));
    return Status::OK();
  }));
  if (static_cast<int64_t>(page.metrics.size()) > limit) {
    page.metrics.resize(limit);
    page.next_page_token = MakePageToken(offset + limit);
  }
  return page;
}

Result<std::vector<RunMetric>> TrackingService::GetMetricHistoryBulkInterval(
    const catalog::Principal& caller, const std::vector<std::string>& run_ids, std::string_view key,
    std::optional<int64_t> start_step, std::optional<int64_t> end_step,
    std::optional<int64_t> max_results) const {
  if (run_ids.empty() || run_ids.size() > kMaxBulkIntervalRuns) {
    return Status::InvalidArgument("run_ids must name between 1 and " +
                                   std::to_string(kMaxBulkIntervalRuns) + " runs");
  }
  if (key.empty()) return Status::InvalidArgument("metric_key must be specified");
  if (start_step.has_value() != end_step.has_value()) {
    return Status::InvalidArgument("start_step and end_step must be specified together");
  }
  if (start_step && *start_step > *end_step) {
    return Status::InvalidArgument("end_step must be greater than start_step");
  }
  int64_t limit = max_results.value_or(kMaxBulkIntervalResults);
  if (limit <= 0 || limit > kMaxBulkIntervalResults) {
    return Status::InvalidArgument("max_results must be between 1 and " +
                                   std::to_string(kMaxBulkIntervalResults));
  }
  std::vector<RunMetric> out;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    for (const std::string& run_id : run_ids) {
      KEEL_ASSIGN_OR_RETURN(RunInfo info,
                            FindRunFor(tx, caller, run_id, PermissionLevel::kCanRead));
      KEEL_ASSIGN_OR_RETURN(
          auto points, RunStore::MetricHistoryInSteps(tx, info.run_id, key, start_step, end_step));
      // Evenly spaced steps, always keeping the first and the last.
      std::vector<int64_t> steps;
      for (const Metric& m : points) {
        if (steps.empty() || steps.back() != m.step) steps.push_back(m.step);
      }
      std::vector<int64_t> keep;
      if (static_cast<int64_t>(steps.size()) <= limit) {
        keep = steps;
      } else {
        for (int64_t i = 0; i < limit; ++i) {
          size_t idx = static_cast<size_t>((i * (static_cast<int64_t>(steps.size()) - 1)) /
                                           std::max<int64_t>(1, limit - 1));
          if (keep.empty() || keep.back() != steps[idx]) keep.push_back(steps[idx]);
        }
      }
      for (const Metric& m : points) {
        if (std::binary_search(keep.begin(), keep.end(), m.step)) out.push_back({run_id, m});
      }
    }
    return Status::OK();
  }));
  return out;
}

}  // namespace keel::tracking

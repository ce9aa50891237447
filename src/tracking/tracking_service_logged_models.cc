// TrackingService: MLflow 3 logged models, their params and tags, search, and runs/outputs.

#include <algorithm>
#include <map>
#include <set>

#include "common/page_token.h"
#include "common/random.h"
#include "tracking/logged_model_store.h"
#include "tracking/search_filter.h"
#include "tracking/tracking_internal.h"
#include "tracking/tracking_service.h"
#include "tracking/validation.h"

namespace keel::tracking {

using internal::FindExperiment;
using internal::Require;
using metastore::Transaction;

namespace {

Status ValidateKeyValues(std::string_view kind, const std::vector<KeyValue>& kvs) {
  for (const KeyValue& kv : kvs) {
    KEEL_RETURN_IF_ERROR(ValidateEntityKey(kind, kv.key));
    KEEL_RETURN_IF_ERROR(kind == "param" ? ValidateParamValue(kv.key, kv.value)
                                         : ValidateTagValue(kv.key, kv.value));
  }
  return Status::OK();
}

// Params never change once logged (as for runs); a key twice with one value is fine.
Status CheckParamsUnchanged(const std::vector<KeyValue>& existing,
                            const std::vector<KeyValue>& params, std::string_view model_id) {
  std::map<std::string, std::string> seen;
  for (const KeyValue& p : existing) seen.emplace(p.key, p.value);
  for (const KeyValue& p : params) {
    auto [it, inserted] = seen.emplace(p.key, p.value);
    if (!inserted && it->second != p.value) {
      return Status::InvalidArgument("Changing param values is not allowed. Param with key='" +
                                     p.key + "' was already logged with value='" + it->second +
                                     "' for logged model ID='" + std::string(model_id) +
                                     "'. Attempted logging new value '" + p.value + "'.");
    }
  }
  return Status::OK();
}

const std::string* FindValue(const std::vector<KeyValue>& kvs, std::string_view key) {
  for (const KeyValue& kv : kvs) {
    if (kv.key == key) return &kv.value;
  }
  return nullptr;
}

// The text or number a filter or order_by key names on a model; nullptr text and no number
// when the model lacks it.
struct FieldValue {
  const std::string* text = nullptr;
  std::optional<double> number;
};

FieldValue ValueOf(const LoggedModel& m, KeyType type, const std::string& key) {
  FieldValue v;
  switch (type) {
    case KeyType::kParam:
      v.text = FindValue(m.params, key);
      break;
    case KeyType::kTag:
      v.text = FindValue(m.info.tags, key);
      break;
    case KeyType::kMetric:  // the latest point (metrics are sorted by key, step, timestamp)
      for (const Metric& metric : m.metrics) {
        if (metric.key == key) v.number = metric.value;
      }
      break;
    case KeyType::kDataset:
      break;  // refused by the parser
    case KeyType::kAttribute:
      if (key == "creation_timestamp") v.number = static_cast<double>(m.info.creation_timestamp_ms);
      if (key == "last_updated_timestamp") {
        v.number = static_cast<double>(m.info.last_updated_timestamp_ms);
      }
      if (key == "name") v.text = &m.info.name;
      if (key == "model_id") v.text = &m.info.model_id;
      if (key == "model_type") v.text = &m.info.model_type;
      if (key == "status") v.text = &m.info.status;
      if (key == "source_run_id") v.text = &m.info.source_run_id;
      break;
  }
  return v;
}

bool Matches(const LoggedModel& m, const Filter& filter) {
  for (const Comparison& c : filter.clauses) {
    FieldValue v = ValueOf(m, c.key_type, c.key);
    bool ok = v.number ? MatchesNumber(*v.number, c) : v.text && MatchesText(*v.text, c);
    if (!ok) return false;
  }
  return true;
}

// -1, 0 or 1; models lacking the field sort last whatever the direction (as MLflow does).
int CompareBy(const LoggedModel& a, const LoggedModel& b, const OrderBy& o) {
  FieldValue va = ValueOf(a, o.key_type, o.key);
  FieldValue vb = ValueOf(b, o.key_type, o.key);
  bool has_a = va.number || va.text;
  bool has_b = vb.number || vb.text;
  if (!has_a || !has_b) return has_a == has_b ? 0 : (has_a ? -1 : 1);
  int c = 0;
  if (va.number) {
    c = *va.number < *vb.number ? -1 : (*va.number > *vb.number ? 1 : 0);
  } else {
    c = va.text->compare(*vb.text);
    c = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return o.ascending ? c : -c;
}

}  // namespace

Result<LoggedModel> TrackingService::FindLoggedModelFor(Transaction& tx,
                                                        const catalog::Principal& caller,
                                                        std::string_view model_id,
                                                        PermissionLevel needed) const {
  KEEL_ASSIGN_OR_RETURN(auto info, LoggedModelStore::Get(tx, model_id));
  if (!info) {
    return Status::NotFound("Logged model with ID '" + std::string(model_id.substr(0, 64)) +
                            "' not found.");
  }
  KEEL_ASSIGN_OR_RETURN(ExperimentRecord exp, FindExperiment(tx, info->experiment_id));
  KEEL_RETURN_IF_ERROR(Require(tx, caller, exp, needed));
  LoggedModel model;
  model.info = std::move(*info);
  KEEL_ASSIGN_OR_RETURN(model.params, LoggedModelStore::GetParams(tx, model.info.model_id));
  KEEL_ASSIGN_OR_RETURN(model.metrics, LoggedModelStore::GetMetrics(tx, model.info.model_id));
  return model;
}

Result<LoggedModel> TrackingService::CreateLoggedModel(const catalog::Principal& caller,
                                                       const CreateLoggedModelRequest& req) {
  if (req.experiment_id.empty()) {
    return Status::InvalidArgument(
        "Missing value for required parameter 'experiment_id'. See "
        "the API docs for more information about request parameters.");
  }
  KEEL_RETURN_IF_ERROR(ValidateLoggedModelName(req.name));
  KEEL_RETURN_IF_ERROR(ValidateKeyValues("param", req.params));
  KEEL_RETURN_IF_ERROR(CheckParamsUnchanged({}, req.params, "(new)"));
  KEEL_RETURN_IF_ERROR(ValidateKeyValues("tag", req.tags));
  LoggedModel model;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(ExperimentRecord exp, FindExperiment(tx, req.experiment_id));
    KEEL_RETURN_IF_ERROR(Require(tx, caller, exp, PermissionLevel::kCanEdit));
    if (exp.experiment.lifecycle_stage != "active") {
      return Status::InvalidArgument("The experiment " + exp.experiment.experiment_id +
                                     " must be in the 'active' state; restore it first.");
    }
    LoggedModelInfo& info = model.info;
    info.model_id = "m-" + NewId();
    info.experiment_id = exp.experiment.experiment_id;
    info.name = req.name.empty() ? internal::GenerateRunName() : req.name;
    info.model_type = req.model_type;
    info.source_run_id = req.source_run_id;
    info.status = std::string(kLoggedModelPending);
    info.creator = caller.name;
    info.creation_timestamp_ms = info.last_updated_timestamp_ms = Now();
    info.artifact_uri =
        exp.experiment.artifact_location + "/models/" + info.model_id + "/artifacts";
    KEEL_RETURN_IF_ERROR(LoggedModelStore::Insert(tx, info));
    KEEL_RETURN_IF_ERROR(LoggedModelStore::InsertParams(tx, info.model_id, req.params));
    KEEL_RETURN_IF_ERROR(LoggedModelStore::SetTags(tx, info.model_id, req.tags));
    KEEL_ASSIGN_OR_RETURN(model,
                          FindLoggedModelFor(tx, caller, info.model_id, PermissionLevel::kCanEdit));
    return Status::OK();
  }));
  return model;
}

Result<LoggedModel> TrackingService::GetLoggedModel(const catalog::Principal& caller,
                                                    std::string_view model_id) const {
  LoggedModel model;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(model,
                          FindLoggedModelFor(tx, caller, model_id, PermissionLevel::kCanRead));
    return Status::OK();
  }));
  return model;
}

Result<LoggedModel> TrackingService::FinalizeLoggedModel(const catalog::Principal& caller,
                                                         std::string_view model_id,
                                                         std::string_view status) {
  if (status != kLoggedModelReady && status != kLoggedModelUploadFailed) {
    return Status::InvalidArgument("Invalid status '" + std::string(status.substr(0, 64)) +
                                   "' for finalizing a logged model; use LOGGED_MODEL_READY or "
                                   "LOGGED_MODEL_UPLOAD_FAILED");
  }
  LoggedModel model;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(model,
                          FindLoggedModelFor(tx, caller, model_id, PermissionLevel::kCanEdit));
    model.info.status = std::string(status);
    model.info.last_updated_timestamp_ms = Now();
    return LoggedModelStore::SetStatus(tx, model.info.model_id, status,
                                       model.info.last_updated_timestamp_ms);
  }));
  return model;
}

Status TrackingService::DeleteLoggedModel(const catalog::Principal& caller,
                                          std::string_view model_id) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(LoggedModel model,
                          FindLoggedModelFor(tx, caller, model_id, PermissionLevel::kCanEdit));
    return LoggedModelStore::MarkDeleted(tx, model.info.model_id, Now());
  });
}

Result<LoggedModel> TrackingService::SetLoggedModelTags(const catalog::Principal& caller,
                                                        std::string_view model_id,
                                                        const std::vector<KeyValue>& tags) {
  if (tags.size() > kMaxTagsPerBatch) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxTagsPerBatch) +
                                   " tags per request; split them over several requests");
  }
  KEEL_RETURN_IF_ERROR(ValidateKeyValues("tag", tags));
  LoggedModel model;
  KEEL_RETURN_IF_ERROR(db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(model,
                          FindLoggedModelFor(tx, caller, model_id, PermissionLevel::kCanEdit));
    KEEL_RETURN_IF_ERROR(LoggedModelStore::SetTags(tx, model.info.model_id, tags));
    KEEL_RETURN_IF_ERROR(LoggedModelStore::Touch(tx, model.info.model_id, Now()));
    KEEL_ASSIGN_OR_RETURN(
        model, FindLoggedModelFor(tx, caller, model.info.model_id, PermissionLevel::kCanEdit));
    return Status::OK();
  }));
  return model;
}

Status TrackingService::DeleteLoggedModelTag(const catalog::Principal& caller,
                                             std::string_view model_id, std::string_view key) {
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(LoggedModel model,
                          FindLoggedModelFor(tx, caller, model_id, PermissionLevel::kCanEdit));
    KEEL_ASSIGN_OR_RETURN(int64_t removed,
                          LoggedModelStore::DeleteTag(tx, model.info.model_id, key));
    if (removed == 0) {
      return Status::NotFound("No tag with key '" + std::string(key.substr(0, 250)) +
                              "' on logged model " + model.info.model_id);
    }
    return LoggedModelStore::Touch(tx, model.info.model_id, Now());
  });
}

Status TrackingService::LogLoggedModelParams(const catalog::Principal& caller,
                                             std::string_view model_id,
                                             const std::vector<KeyValue>& params) {
  if (params.size() > kMaxParamsPerBatch) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxParamsPerBatch) +
                                   " params per request; split them over several requests");
  }
  KEEL_RETURN_IF_ERROR(ValidateKeyValues("param", params));
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(LoggedModel model,
                          FindLoggedModelFor(tx, caller, model_id, PermissionLevel::kCanEdit));
    KEEL_RETURN_IF_ERROR(CheckParamsUnchanged(model.params, params, model.info.model_id));
    KEEL_RETURN_IF_ERROR(LoggedModelStore::InsertParams(tx, model.info.model_id, params));
    return LoggedModelStore::Touch(tx, model.info.model_id, Now());
  });
}

Result<LoggedModelPage> TrackingService::SearchLoggedModels(
    const catalog::Principal& caller, const SearchLoggedModelsRequest& req) const {
  if (req.experiment_ids.empty()) {
    return Status::InvalidArgument("experiment_ids must name at least one experiment");
  }
  if (req.max_results <= 0 || req.max_results > kMaxSearchResults) {
    return Status::InvalidArgument("max_results must be between 1 and " +
                                   std::to_string(kMaxSearchResults));
  }
  KEEL_ASSIGN_OR_RETURN(Filter filter, ParseFilter(req.filter, SearchEntity::kLoggedModels));
  std::vector<OrderBy> order;
  for (const LoggedModelOrderBy& o : req.order_by) {
    KEEL_ASSIGN_OR_RETURN(OrderBy parsed, ParseOrderBy(o.field_name, SearchEntity::kLoggedModels));
    parsed.ascending = o.ascending;
    order.push_back(std::move(parsed));
  }
  // Newest first, then by id, as MLflow's default order.
  order.push_back({KeyType::kAttribute, "creation_timestamp", false});
  order.push_back({KeyType::kAttribute, "model_id", true});
  KEEL_ASSIGN_OR_RETURN(int64_t offset, ParsePageToken(req.page_token));

  std::vector<LoggedModel> found;
  KEEL_RETURN_IF_ERROR(db_->Read([&](Transaction& tx) -> Status {
    for (const std::string& id : req.experiment_ids) {
      KEEL_ASSIGN_OR_RETURN(ExperimentRecord exp, FindExperiment(tx, id));
      KEEL_RETURN_IF_ERROR(Require(tx, caller, exp, PermissionLevel::kCanRead));
      KEEL_ASSIGN_OR_RETURN(auto infos, LoggedModelStore::ListInExperiment(tx, exp.id));
      for (LoggedModelInfo& info : infos) {
        LoggedModel m;
        m.info = std::move(info);
        KEEL_ASSIGN_OR_RETURN(m.params, LoggedModelStore::GetParams(tx, m.info.model_id));
        KEEL_ASSIGN_OR_RETURN(m.metrics, LoggedModelStore::GetMetrics(tx, m.info.model_id));
        if (Matches(m, filter)) found.push_back(std::move(m));
      }
    }
    return Status::OK();
  }));
  std::stable_sort(found.begin(), found.end(), [&](const LoggedModel& a, const LoggedModel& b) {
    for (const OrderBy& o : order) {
      int c = CompareBy(a, b, o);
      if (c != 0) return c < 0;
    }
    return false;
  });
  LoggedModelPage page;
  size_t begin = std::min(found.size(), static_cast<size_t>(offset));
  size_t end = std::min(found.size(), begin + static_cast<size_t>(req.max_results));
  for (size_t i = begin; i < end; ++i) page.models.push_back(std::move(found[i]));
  if (end < found.size()) page.next_page_token = MakePageToken(static_cast<int64_t>(end));
  return page;
}

Status TrackingService::LogOutputs(const catalog::Principal& caller, std::string_view run_id,
                                   const std::vector<ModelOutput>& models) {
  for (const ModelOutput& m : models) {
    if (m.model_id.empty()) return Status::InvalidArgument("every output needs a model_id");
  }
  return db_->Write([&](Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(RunInfo run,
                          internal::FindRunFor(tx, caller, run_id, PermissionLevel::kCanEdit));
    KEEL_RETURN_IF_ERROR(internal::RequireActive(run));
    for (const ModelOutput& m : models) {
      KEEL_RETURN_IF_ERROR(
          FindLoggedModelFor(tx, caller, m.model_id, PermissionLevel::kCanRead).status());
    }
    return LoggedModelStore::InsertOutputs(tx, run.run_id, models);
  });
}

Status TrackingService::LogModelMetrics(Transaction& tx, const catalog::Principal& caller,
                                        std::string_view run_id,
                                        const std::vector<Metric>& metrics) {
  std::vector<Metric> for_models;
  std::set<std::string> checked;
  for (const Metric& m : metrics) {
    if (m.model_id.empty()) continue;
    if (checked.insert(m.model_id).second) {
      KEEL_RETURN_IF_ERROR(
          FindLoggedModelFor(tx, caller, m.model_id, PermissionLevel::kCanEdit).status());
    }
    for_models.push_back(m);
  }
  return LoggedModelStore::LogMetrics(tx, run_id, for_models);
}

Result<ArtifactListing> TrackingService::ListLoggedModelArtifacts(const catalog::Principal& caller,
                                                                  std::string_view model_id,
                                                                  std::string_view path) const {
  KEEL_ASSIGN_OR_RETURN(LoggedModel model, GetLoggedModel(caller, model_id));
  if (model.info.artifact_uri.rfind(kArtifactProxyScheme, 0) != 0) {
    return Status::Internal("logged model " + model.info.model_id +
                            " has an artifact URI Keel did not make");
  }
  ArtifactListing listing;
  listing.root_uri = model.info.artifact_uri;
  KEEL_ASSIGN_OR_RETURN(
      listing.files, artifacts_->List(model.info.artifact_uri.substr(kArtifactProxyScheme.size()), path));
  return listing;
}

}  // namespace keel::tracking

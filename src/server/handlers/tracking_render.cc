#include "server/handlers/tracking_render.h"

#include <cmath>

namespace keel::server::handlers {

json::Value RenderKeyValues(const std::vector<tracking::KeyValue>& kvs) {
  json::Value list = json::Value::MakeArray();
  for (const auto& kv : kvs) {
    json::Value item;
    item.Set("key", kv.key);
    item.Set("value", kv.value);
    list.Append(std::move(item));
  }
  return list;
}

json::Value RenderExperiment(const tracking::Experiment& e) {
  json::Value v;
  v.Set("experiment_id", e.experiment_id);
  v.Set("name", e.name);
  v.Set("artifact_location", e.artifact_location);
  v.Set("lifecycle_stage", e.lifecycle_stage);
  v.Set("last_update_time", e.last_update_time);
  v.Set("creation_time", e.creation_time);
  if (!e.tags.empty()) v.Set("tags", RenderKeyValues(e.tags));
  return v;
}

json::Value RenderRunInfo(const tracking::RunInfo& info) {
  json::Value v;
  v.Set("run_id", info.run_id);
  v.Set("run_uuid", info.run_id);
  v.Set("run_name", info.run_name);
  v.Set("experiment_id", info.experiment_id);
  v.Set("user_id", info.user_id);
  v.Set("status", info.status);
  v.Set("start_time", info.start_time);
  if (info.end_time) v.Set("end_time", *info.end_time);
  v.Set("artifact_uri", info.artifact_uri);
  v.Set("lifecycle_stage", info.lifecycle_stage);
  return v;
}

json::Value RenderMetric(const tracking::Metric& m) {
  json::Value v;
  v.Set("key", m.key);
  v.Set("value", m.value);
  v.Set("timestamp", m.timestamp);
  v.Set("step", m.step);
  if (!m.dataset_name.empty()) v.Set("dataset_name", m.dataset_name);
  if (!m.dataset_digest.empty()) v.Set("dataset_digest", m.dataset_digest);
  if (!m.model_id.empty()) v.Set("model_id", m.model_id);
  if (!m.run_id.empty()) v.Set("run_id", m.run_id);
  return v;
}

json::Value RenderRun(const tracking::Run& run) {
  json::Value data = json::Value::MakeObject();
  if (!run.metrics.empty()) {
    json::Value metrics = json::Value::MakeArray();
    for (const auto& m : run.metrics) metrics.Append(RenderMetric(m));
    data.Set("metrics", std::move(metrics));
  }
  if (!run.params.empty()) data.Set("params", RenderKeyValues(run.params));
  if (!run.tags.empty()) data.Set("tags", RenderKeyValues(run.tags));
  json::Value inputs = json::Value::MakeObject();
  if (!run.inputs.empty()) {
    json::Value list = json::Value::MakeArray();
    for (const auto& in : run.inputs) {
      json::Value item;
      if (!in.tags.empty()) item.Set("tags", RenderKeyValues(in.tags));
      json::Value d;
      d.Set("name", in.dataset.name);
      d.Set("digest", in.dataset.digest);
      d.Set("source_type", in.dataset.source_type);
      d.Set("source", in.dataset.source);
      if (!in.dataset.schema.empty()) d.Set("schema", in.dataset.schema);
      if (!in.dataset.profile.empty()) d.Set("profile", in.dataset.profile);
      item.Set("dataset", std::move(d));
      list.Append(std::move(item));
    }
    inputs.Set("dataset_inputs", std::move(list));
  }
  json::Value v;
  v.Set("info", RenderRunInfo(run.info));
  v.Set("data", std::move(data));
  v.Set("inputs", std::move(inputs));
  return v;
}

Result<std::vector<tracking::KeyValue>> ReadKeyValues(const json::Value& body,
                                                      std::string_view field) {
  std::vector<tracking::KeyValue> out;
  const json::Value* list = body.Find(field);
  if (list == nullptr || list->is_null()) return out;
  if (!list->is_array()) {
    return Status::InvalidArgument("'" + std::string(field) + "' must be a list of {key, value}");
  }
  for (const json::Value& item : list->as_array()) {
    KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(item, std::string(field) + " entry"));
    tracking::KeyValue kv;
    KEEL_ASSIGN_OR_RETURN(kv.key, f.RequiredString("key"));
    KEEL_ASSIGN_OR_RETURN(auto value, f.OptionalString("value"));
    kv.value = value.value_or("");
    out.push_back(std::move(kv));
  }
  return out;
}

Result<tracking::Metric> ReadMetric(const json::Value& obj) {
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(obj, "metric"));
  tracking::Metric m;
  KEEL_ASSIGN_OR_RETURN(m.key, f.RequiredString("key"));
  const json::Value* value = f.Get("value");
  if (value == nullptr) {
    return Status::InvalidArgument("Missing value for required parameter 'value'");
  }
  if (value->is_number()) {
    m.value = value->as_double();
  } else if (value->is_string() && (value->as_string() == "NaN" || value->as_string() == "nan")) {
    m.value = std::nan("");
  } else if (value->is_string() && value->as_string() == "Infinity") {
    m.value = HUGE_VAL;
  } else if (value->is_string() && value->as_string() == "-Infinity") {
    m.value = -HUGE_VAL;
  } else {
    return Status::InvalidArgument("Invalid value for metric '" + m.key + "': must be a number");
  }
  KEEL_ASSIGN_OR_RETURN(auto timestamp, f.OptionalInt("timestamp"));
  if (!timestamp) {
    return Status::InvalidArgument("Missing value for required parameter 'timestamp'");
  }
  m.timestamp = *timestamp;
  KEEL_ASSIGN_OR_RETURN(auto step, f.OptionalInt("step"));
  m.step = step.value_or(0);
  KEEL_ASSIGN_OR_RETURN(auto model_id, f.OptionalString("model_id"));
  m.model_id = model_id.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto dataset_name, f.OptionalString("dataset_name"));
  m.dataset_name = dataset_name.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto dataset_digest, f.OptionalString("dataset_digest"));
  m.dataset_digest = dataset_digest.value_or("");
  return m;
}

Result<tracking::ViewType> ReadViewType(const json::FieldReader& f, std::string_view field) {
  KEEL_ASSIGN_OR_RETURN(auto v, f.OptionalString(field));
  if (!v || *v == "ACTIVE_ONLY" || v->empty()) return tracking::ViewType::kActiveOnly;
  if (*v == "DELETED_ONLY") return tracking::ViewType::kDeletedOnly;
  if (*v == "ALL") return tracking::ViewType::kAll;
  return Status::InvalidArgument("Invalid " + std::string(field) + " '" + v->substr(0, 64) +
                                 "'; use ACTIVE_ONLY, DELETED_ONLY or ALL");
}

Status MissingParameter(std::string_view field) {
  return Status::InvalidArgument("Missing value for required parameter '" + std::string(field) +
                                 "'. See the API docs for more information about request "
                                 "parameters.");
}

Result<std::string> RequiredParam(const json::FieldReader& f, std::string_view field) {
  KEEL_ASSIGN_OR_RETURN(auto v, f.OptionalString(field));
  if (!v || v->empty()) return MissingParameter(field);
  return *v;
}

}  // namespace keel::server::handlers

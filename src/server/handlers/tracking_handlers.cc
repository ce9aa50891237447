// MLflow tracking REST API 2.0 (/api/2.0/mlflow/...). Unknown fields are ignored, as MLflow's
// server does, so newer clients keep working.

#include "server/handlers/handlers.h"
#include "server/handlers/tracking_render.h"
#include "tracking/tracking_service.h"

namespace keel::server::handlers {

using tracking::KeyValue;

namespace {

// run_id, or the deprecated run_uuid older clients send.
Result<std::string> RunId(const json::FieldReader& f) {
  KEEL_ASSIGN_OR_RETURN(auto id, f.OptionalString("run_id"));
  if (id && !id->empty()) return *id;
  KEEL_ASSIGN_OR_RETURN(auto uuid, f.OptionalString("run_uuid"));
  if (uuid && !uuid->empty()) return *uuid;
  return MissingParameter("run_id");
}

Result<std::vector<std::string>> StringListParam(const RequestContext& ctx, const json::Value& p,
                                                 std::string_view field) {
  std::vector<std::string> out;
  const json::Value* v = p.Find(field);
  if (v != nullptr && v->is_array()) {
    for (const auto& e : v->as_array()) {
      if (!e.is_string()) {
        return Status::InvalidArgument("'" + std::string(field) + "' must be a list of strings");
      }
      out.push_back(e.as_string());
    }
    return out;
  }
  if (v != nullptr && !v->is_null() && !v->is_string()) {
    return Status::InvalidArgument("'" + std::string(field) + "' must be a list of strings");
  }
  // GET requests repeat the parameter in the query string.
  return ctx.request().QueryParamAll(field);
}

}  // namespace

// ---- experiments ----------------------------------------------------------------------------

Result<http::Response> CreateExperiment(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(auto location, f.OptionalString("artifact_location"));
  KEEL_ASSIGN_OR_RETURN(auto tags, ReadKeyValues(p, "tags"));
  KEEL_ASSIGN_OR_RETURN(std::string id, s.tracking->CreateExperiment(ctx.caller(), name,
                                                                    location.value_or(""), tags));
  json::Value body;
  body.Set("experiment_id", id);
  return Ok(body);
}

Result<http::Response> GetExperiment(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RequiredParam(f, "experiment_id"));
  KEEL_ASSIGN_OR_RETURN(auto e, s.tracking->GetExperiment(ctx.caller(), id));
  json::Value body;
  body.Set("experiment", RenderExperiment(e));
  return Ok(body);
}

Result<http::Response> GetExperimentByName(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "experiment_name"));
  KEEL_ASSIGN_OR_RETURN(auto e, s.tracking->GetExperimentByName(ctx.caller(), name));
  json::Value body;
  body.Set("experiment", RenderExperiment(e));
  return Ok(body);
}

Result<http::Response> SearchExperiments(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  tracking::SearchExperimentsRequest req;
  KEEL_ASSIGN_OR_RETURN(auto filter, f.OptionalString("filter"));
  req.filter = filter.value_or("");
  KEEL_ASSIGN_OR_RETURN(req.view, ReadViewType(f, "view_type"));
  KEEL_ASSIGN_OR_RETURN(auto max_results, f.OptionalInt("max_results"));
  req.max_results = max_results.value_or(1000);
  KEEL_ASSIGN_OR_RETURN(req.order_by, StringListParam(ctx, p, "order_by"));
  KEEL_ASSIGN_OR_RETURN(auto token, f.OptionalString("page_token"));
  req.page_token = token.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto page, s.tracking->SearchExperiments(ctx.caller(), req));
  json::Value list = json::Value::MakeArray();
  for (const auto& e : page.experiments) list.Append(RenderExperiment(e));
  json::Value body;
  body.Set("experiments", std::move(list));
  if (!page.next_page_token.empty()) body.Set("next_page_token", page.next_page_token);
  return Ok(body);
}

// MLflow 1.x's experiments/list, which older clients (the npm mlflow package) still call.
Result<http::Response> ListExperiments(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  tracking::SearchExperimentsRequest req;
  KEEL_ASSIGN_OR_RETURN(req.view, ReadViewType(f, "view_type"));
  req.max_results = tracking::kMaxSearchResults;
  KEEL_ASSIGN_OR_RETURN(auto page, s.tracking->SearchExperiments(ctx.caller(), req));
  json::Value list = json::Value::MakeArray();
  for (const auto& e : page.experiments) list.Append(RenderExperiment(e));
  json::Value body;
  body.Set("experiments", std::move(list));
  return Ok(body);
}

Result<http::Response> UpdateExperiment(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RequiredParam(f, "experiment_id"));
  KEEL_ASSIGN_OR_RETURN(auto new_name, f.OptionalString("new_name"));
  if (new_name) KEEL_RETURN_IF_ERROR(s.tracking->UpdateExperiment(ctx.caller(), id, *new_name));
  return Ok();
}

Result<http::Response> DeleteExperiment(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RequiredParam(f, "experiment_id"));
  KEEL_RETURN_IF_ERROR(s.tracking->DeleteExperiment(ctx.caller(), id));
  return Ok();
}

Result<http::Response> RestoreExperiment(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RequiredParam(f, "experiment_id"));
  KEEL_RETURN_IF_ERROR(s.tracking->RestoreExperiment(ctx.caller(), id));
  return Ok();
}

Result<http::Response> SetExperimentTag(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RequiredParam(f, "experiment_id"));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "key"));
  KEEL_ASSIGN_OR_RETURN(auto value, f.OptionalString("value"));
  KEEL_RETURN_IF_ERROR(s.tracking->SetExperimentTag(ctx.caller(), id, key, value.value_or("")));
  return Ok();
}

Result<http::Response> DeleteExperimentTag(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RequiredParam(f, "experiment_id"));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "key"));
  KEEL_RETURN_IF_ERROR(s.tracking->DeleteExperimentTag(ctx.caller(), id, key));
  return Ok();
}

// Databricks' permissions API for experiments: GET/PATCH /api/2.0/permissions/experiments/{id}
// with {"access_control_list": [{"user_name"|"group_name"|"service_principal_name": n,
// "permission_level": "CAN_READ"|"CAN_EDIT"|"CAN_MANAGE"|"NO_PERMISSIONS"}]}.
Result<http::Response> GetExperimentPermissions(Services& s, const RequestContext& ctx) {
  std::string id = ctx.PathParam("experiment_id");
  KEEL_ASSIGN_OR_RETURN(auto perms, s.tracking->GetExperimentPermissions(ctx.caller(), id));
  json::Value acl = json::Value::MakeArray();
  for (const auto& [principal, level] : perms) {
    json::Value entry;
    entry.Set("principal", principal);
    entry.Set("permission_level", tracking::PermissionLevelName(level));
    acl.Append(std::move(entry));
  }
  json::Value body;
  body.Set("object_id", "/experiments/" + id);
  body.Set("object_type", "mlflowExperiment");
  body.Set("access_control_list", std::move(acl));
  return Ok(body);
}

Result<http::Response> UpdateExperimentPermissions(Services& s, const RequestContext& ctx) {
  std::string id = ctx.PathParam("experiment_id");
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.JsonBody());
  const json::Value* acl = p.Find("access_control_list");
  if (acl == nullptr || !acl->is_array()) {
    return Status::InvalidArgument("'access_control_list' must be a list");
  }
  for (const json::Value& entry : acl->as_array()) {
    KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(entry, "access control entry"));
    std::optional<std::string> who;
    for (std::string_view field : {"user_name", "group_name", "service_principal_name",
                                   "principal"}) {
      KEEL_ASSIGN_OR_RETURN(auto v, f.OptionalString(field));
      if (v) who = v;
    }
    if (!who) return Status::InvalidArgument("each entry needs user_name or group_name");
    KEEL_ASSIGN_OR_RETURN(std::string level_name, RequiredParam(f, "permission_level"));
    KEEL_ASSIGN_OR_RETURN(auto level, tracking::ParsePermissionLevel(level_name));
    KEEL_RETURN_IF_ERROR(s.tracking->SetExperimentPermission(ctx.caller(), id, *who, level));
  }
  return GetExperimentPermissions(s, ctx);
}

// ---- runs -----------------------------------------------------------------------------------

Result<http::Response> CreateRun(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  tracking::CreateRunRequest req;
  KEEL_ASSIGN_OR_RETURN(auto exp, f.OptionalString("experiment_id"));
  req.experiment_id = exp.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto name, f.OptionalString("run_name"));
  req.run_name = name.value_or("");
  KEEL_ASSIGN_OR_RETURN(req.start_time, f.OptionalInt("start_time"));
  KEEL_ASSIGN_OR_RETURN(req.tags, ReadKeyValues(p, "tags"));
  KEEL_ASSIGN_OR_RETURN(auto run, s.tracking->CreateRun(ctx.caller(), req));
  json::Value body;
  body.Set("run", RenderRun(run));
  return Ok(body);
}

Result<http::Response> GetRun(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  KEEL_ASSIGN_OR_RETURN(auto run, s.tracking->GetRun(ctx.caller(), id));
  json::Value body;
  body.Set("run", RenderRun(run));
  return Ok(body);
}

Result<http::Response> UpdateRun(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  tracking::UpdateRunRequest req;
  KEEL_ASSIGN_OR_RETURN(req.status, f.OptionalString("status"));
  KEEL_ASSIGN_OR_RETURN(req.end_time, f.OptionalInt("end_time"));
  KEEL_ASSIGN_OR_RETURN(req.run_name, f.OptionalString("run_name"));
  KEEL_ASSIGN_OR_RETURN(auto info, s.tracking->UpdateRun(ctx.caller(), id, req));
  json::Value body;
  body.Set("run_info", RenderRunInfo(info));
  return Ok(body);
}

Result<http::Response> DeleteRun(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  KEEL_RETURN_IF_ERROR(s.tracking->DeleteRun(ctx.caller(), id));
  return Ok();
}

Result<http::Response> RestoreRun(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  KEEL_RETURN_IF_ERROR(s.tracking->RestoreRun(ctx.caller(), id));
  return Ok();
}

Result<http::Response> LogMetric(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  KEEL_ASSIGN_OR_RETURN(tracking::Metric m, ReadMetric(p));
  KEEL_RETURN_IF_ERROR(s.tracking->LogBatch(ctx.caller(), id, {m}, {}, {}));
  return Ok();
}

Result<http::Response> LogParam(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "key"));
  KEEL_ASSIGN_OR_RETURN(auto value, f.OptionalString("value"));
  if (!value) return MissingParameter("value");
  KEEL_RETURN_IF_ERROR(s.tracking->LogBatch(ctx.caller(), id, {}, {{key, *value}}, {}));
  return Ok();
}

Result<http::Response> SetTag(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "key"));
  KEEL_ASSIGN_OR_RETURN(auto value, f.OptionalString("value"));
  if (!value) return MissingParameter("value");
  KEEL_RETURN_IF_ERROR(s.tracking->LogBatch(ctx.caller(), id, {}, {}, {{key, *value}}));
  return Ok();
}

Result<http::Response> DeleteTag(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "key"));
  KEEL_RETURN_IF_ERROR(s.tracking->DeleteTag(ctx.caller(), id, key));
  return Ok();
}

Result<http::Response> LogBatch(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  std::vector<tracking::Metric> metrics;
  if (const json::Value* list = f.Get("metrics")) {
    if (!list->is_array()) return Status::InvalidArgument("'metrics' must be a list");
    metrics.reserve(list->size());
    for (const json::Value& m : list->as_array()) {
      KEEL_ASSIGN_OR_RETURN(tracking::Metric metric, ReadMetric(m));
      metrics.push_back(std::move(metric));
    }
  }
  KEEL_ASSIGN_OR_RETURN(auto params, ReadKeyValues(p, "params"));
  KEEL_ASSIGN_OR_RETURN(auto tags, ReadKeyValues(p, "tags"));
  KEEL_RETURN_IF_ERROR(s.tracking->LogBatch(ctx.caller(), id, metrics, params, tags));
  return Ok();
}

Result<http::Response> LogInputs(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  std::vector<tracking::DatasetInput> inputs;
  if (const json::Value* list = f.Get("datasets")) {
    if (!list->is_array()) return Status::InvalidArgument("'datasets' must be a list");
    for (const json::Value& item : list->as_array()) {
      KEEL_ASSIGN_OR_RETURN(auto itf, json::FieldReader::Make(item, "dataset input"));
      tracking::DatasetInput in;
      KEEL_ASSIGN_OR_RETURN(in.tags, ReadKeyValues(item, "tags"));
      const json::Value* d = itf.Get("dataset");
      if (d == nullptr) return MissingParameter("dataset");
      KEEL_ASSIGN_OR_RETURN(auto df, json::FieldReader::Make(*d, "dataset"));
      KEEL_ASSIGN_OR_RETURN(in.dataset.name, RequiredParam(df, "name"));
      KEEL_ASSIGN_OR_RETURN(in.dataset.digest, RequiredParam(df, "digest"));
      KEEL_ASSIGN_OR_RETURN(in.dataset.source_type, RequiredParam(df, "source_type"));
      KEEL_ASSIGN_OR_RETURN(in.dataset.source, RequiredParam(df, "source"));
      KEEL_ASSIGN_OR_RETURN(auto schema, df.OptionalString("schema"));
      KEEL_ASSIGN_OR_RETURN(auto profile, df.OptionalString("profile"));
      in.dataset.schema = schema.value_or("");
      in.dataset.profile = profile.value_or("");
      inputs.push_back(std::move(in));
    }
  }
  KEEL_RETURN_IF_ERROR(s.tracking->LogInputs(ctx.caller(), id, inputs));
  return Ok();
}

Result<http::Response> LogModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  KEEL_ASSIGN_OR_RETURN(std::string model_json, RequiredParam(f, "model_json"));
  KEEL_RETURN_IF_ERROR(s.tracking->LogModel(ctx.caller(), id, model_json));
  return Ok();
}

Result<http::Response> SearchRuns(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  tracking::SearchRunsRequest req;
  KEEL_ASSIGN_OR_RETURN(req.experiment_ids, StringListParam(ctx, p, "experiment_ids"));
  KEEL_ASSIGN_OR_RETURN(auto filter, f.OptionalString("filter"));
  req.filter = filter.value_or("");
  KEEL_ASSIGN_OR_RETURN(req.view, ReadViewType(f, "run_view_type"));
  KEEL_ASSIGN_OR_RETURN(auto max_results, f.OptionalInt("max_results"));
  req.max_results = max_results.value_or(1000);
  KEEL_ASSIGN_OR_RETURN(req.order_by, StringListParam(ctx, p, "order_by"));
  KEEL_ASSIGN_OR_RETURN(auto token, f.OptionalString("page_token"));
  req.page_token = token.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto page, s.tracking->SearchRuns(ctx.caller(), req));
  json::Value body = json::Value::MakeObject();
  if (!page.runs.empty()) {
    json::Value runs = json::Value::MakeArray();
    for (const auto& r : page.runs) runs.Append(RenderRun(r));
    body.Set("runs", std::move(runs));
  }
  if (!page.next_page_token.empty()) body.Set("next_page_token", page.next_page_token);
  return Ok(body);
}

Result<http::Response> GetMetricHistory(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string id, RunId(f));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "metric_key"));
  KEEL_ASSIGN_OR_RETURN(auto token, f.OptionalString("page_token"));
  KEEL_ASSIGN_OR_RETURN(auto max_results, f.OptionalInt("max_results"));
  KEEL_ASSIGN_OR_RETURN(auto page, s.tracking->GetMetricHistory(ctx.caller(), id, key,
                                                                token.value_or(""), max_results));
  json::Value metrics = json::Value::MakeArray();
  for (const auto& m : page.metrics) metrics.Append(RenderMetric(m));
  json::Value body;
  body.Set("metrics", std::move(metrics));
  if (!page.next_page_token.empty()) body.Set("next_page_token", page.next_page_token);
  return Ok(body);
}

Result<http::Response> GetMetricHistoryBulkInterval(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(auto run_ids, StringListParam(ctx, p, "run_ids"));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "metric_key"));
  KEEL_ASSIGN_OR_RETURN(auto start_step, f.OptionalInt("start_step"));
  KEEL_ASSIGN_OR_RETURN(auto end_step, f.OptionalInt("end_step"));
  KEEL_ASSIGN_OR_RETURN(auto max_results, f.OptionalInt("max_results"));
  KEEL_ASSIGN_OR_RETURN(auto points,
                        s.tracking->GetMetricHistoryBulkInterval(ctx.caller(), run_ids, key,
                                                                 start_step, end_step,
                                                                 max_results));
  json::Value metrics = json::Value::MakeArray();
  for (const auto& rm : points) {
    json::Value m = RenderMetric(rm.metric);
    m.Set("run_id", rm.run_id);
    metrics.Append(std::move(m));
  }
  json::Value body;
  body.Set("metrics", std::move(metrics));
  return Ok(body);
}

}  // namespace keel::server::handlers

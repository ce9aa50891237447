// MLflow 3 logged models (/api/2.0/mlflow/logged-models/...) and runs/outputs. Shapes follow
// LoggedModel in mlflow/protos/service.proto: {"model": {"info": {...}, "data": {...}}}, enum
// status by name, empty lists left out as protobuf's JSON mapping does.

#include <functional>

#include "server/handlers/handlers.h"
#include "server/handlers/tracking_render.h"
#include "tracking/tracking_service.h"

namespace keel::server::handlers {

namespace {

json::Value RenderLoggedModel(const tracking::LoggedModel& m) {
  const tracking::LoggedModelInfo& i = m.info;
  json::Value info;
  info.Set("model_id", i.model_id);
  info.Set("experiment_id", i.experiment_id);
  info.Set("name", i.name);
  info.Set("creation_timestamp_ms", i.creation_timestamp_ms);
  info.Set("last_updated_timestamp_ms", i.last_updated_timestamp_ms);
  info.Set("artifact_uri", i.artifact_uri);
  info.Set("status", i.status);
  if (!i.model_type.empty()) info.Set("model_type", i.model_type);
  if (!i.source_run_id.empty()) info.Set("source_run_id", i.source_run_id);
  if (!i.status_message.empty()) info.Set("status_message", i.status_message);
  if (!i.tags.empty()) info.Set("tags", RenderKeyValues(i.tags));
  json::Value data = json::Value::MakeObject();
  if (!m.params.empty()) data.Set("params", RenderKeyValues(m.params));
  if (!m.metrics.empty()) {
    json::Value metrics = json::Value::MakeArray();
    for (const auto& metric : m.metrics) metrics.Append(RenderMetric(metric));
    data.Set("metrics", std::move(metrics));
  }
  json::Value model;
  model.Set("info", std::move(info));
  model.Set("data", std::move(data));
  return model;
}

http::Response ModelResponse(const tracking::LoggedModel& m) {
  json::Value body;
  body.Set("model", RenderLoggedModel(m));
  return http::Response::Json(200, body);
}

http::Response Empty() { return http::Response::Json(200, json::Value::MakeObject()); }

// The status enum by name, or by number (protobuf JSON allows both).
Result<std::string> ReadStatus(const json::Value& body) {
  const json::Value* v = body.Find("status");
  if (v == nullptr || v->is_null()) return MissingParameter("status");
  if (v->is_string()) return v->as_string();
  if (v->is_int()) {
    switch (v->as_int()) {
      case 1:
        return std::string(tracking::kLoggedModelPending);
      case 2:
        return std::string(tracking::kLoggedModelReady);
      case 3:
        return std::string(tracking::kLoggedModelUploadFailed);
      default:
        break;
    }
  }
  return Status::InvalidArgument(
      "'status' must be LOGGED_MODEL_READY or "
      "LOGGED_MODEL_UPLOAD_FAILED");
}

// Calls `fn` on each object of the list `body[field]` (absent or null: none).
Status ForEachObject(const json::Value& body, std::string_view field, std::string_view shape,
                     const std::function<Status(const json::FieldReader&)>& fn) {
  const json::Value* list = body.Find(field);
  if (list == nullptr || list->is_null()) return Status::OK();
  if (!list->is_array()) {
    return Status::InvalidArgument("'" + std::string(field) + "' must be a list of " +
                                   std::string(shape));
  }
  for (const json::Value& item : list->as_array()) {
    KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(item, std::string(field) + " entry"));
    KEEL_RETURN_IF_ERROR(fn(f));
  }
  return Status::OK();
}

}  // namespace

Result<http::Response> CreateLoggedModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  tracking::CreateLoggedModelRequest req;
  KEEL_ASSIGN_OR_RETURN(req.experiment_id, RequiredParam(f, "experiment_id"));
  KEEL_ASSIGN_OR_RETURN(auto name, f.OptionalString("name"));
  req.name = name.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto model_type, f.OptionalString("model_type"));
  req.model_type = model_type.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto source_run_id, f.OptionalString("source_run_id"));
  req.source_run_id = source_run_id.value_or("");
  KEEL_ASSIGN_OR_RETURN(req.params, ReadKeyValues(p, "params"));
  KEEL_ASSIGN_OR_RETURN(req.tags, ReadKeyValues(p, "tags"));
  KEEL_ASSIGN_OR_RETURN(auto model, s.tracking->CreateLoggedModel(ctx.caller(), req));
  return ModelResponse(model);
}

Result<http::Response> GetLoggedModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(auto model,
                        s.tracking->GetLoggedModel(ctx.caller(), ctx.PathParam("model_id")));
  return ModelResponse(model);
}

Result<http::Response> FinalizeLoggedModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(std::string status, ReadStatus(p));
  KEEL_ASSIGN_OR_RETURN(
      auto model, s.tracking->FinalizeLoggedModel(ctx.caller(), ctx.PathParam("model_id"), status));
  return ModelResponse(model);
}

Result<http::Response> DeleteLoggedModel(Services& s, const RequestContext& ctx) {
  KEEL_RETURN_IF_ERROR(s.tracking->DeleteLoggedModel(ctx.caller(), ctx.PathParam("model_id")));
  return Empty();
}

Result<http::Response> SetLoggedModelTags(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto tags, ReadKeyValues(p, "tags"));
  KEEL_ASSIGN_OR_RETURN(
      auto model, s.tracking->SetLoggedModelTags(ctx.caller(), ctx.PathParam("model_id"), tags));
  return ModelResponse(model);
}

Result<http::Response> DeleteLoggedModelTag(Services& s, const RequestContext& ctx) {
  KEEL_RETURN_IF_ERROR(s.tracking->DeleteLoggedModelTag(ctx.caller(), ctx.PathParam("model_id"),
                                                        ctx.PathParam("tag_key")));
  return Empty();
}

Result<http::Response> LogLoggedModelParams(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto params, ReadKeyValues(p, "params"));
  KEEL_RETURN_IF_ERROR(
      s.tracking->LogLoggedModelParams(ctx.caller(), ctx.PathParam("model_id"), params));
  return Empty();
}

Result<http::Response> SearchLoggedModels(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  tracking::SearchLoggedModelsRequest req;
  KEEL_ASSIGN_OR_RETURN(req.experiment_ids, f.StringList("experiment_ids"));
  KEEL_ASSIGN_OR_RETURN(auto filter, f.OptionalString("filter"));
  req.filter = filter.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto max_results, f.OptionalInt("max_results"));
  req.max_results = max_results.value_or(req.max_results);
  KEEL_ASSIGN_OR_RETURN(auto token, f.OptionalString("page_token"));
  req.page_token = token.value_or("");
  KEEL_RETURN_IF_ERROR(ForEachObject(
      p, "order_by", "{field_name, ascending}", [&](const json::FieldReader& of) -> Status {
        tracking::LoggedModelOrderBy o;
        KEEL_ASSIGN_OR_RETURN(o.field_name, RequiredParam(of, "field_name"));
        KEEL_ASSIGN_OR_RETURN(auto asc, of.OptionalBool("ascending"));
        o.ascending = asc.value_or(true);
        req.order_by.push_back(std::move(o));
        return Status::OK();
      }));
  KEEL_ASSIGN_OR_RETURN(auto page, s.tracking->SearchLoggedModels(ctx.caller(), req));
  json::Value body = json::Value::MakeObject();
  if (!page.models.empty()) {
    json::Value models = json::Value::MakeArray();
    for (const auto& m : page.models) models.Append(RenderLoggedModel(m));
    body.Set("models", std::move(models));
  }
  if (!page.next_page_token.empty()) body.Set("next_page_token", page.next_page_token);
  return http::Response::Json(200, body);
}

Result<http::Response> LogOutputs(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string run_id, RequiredParam(f, "run_id"));
  std::vector<tracking::ModelOutput> outputs;
  KEEL_RETURN_IF_ERROR(
      ForEachObject(p, "models", "{model_id, step}", [&](const json::FieldReader& mf) -> Status {
        tracking::ModelOutput o;
        KEEL_ASSIGN_OR_RETURN(o.model_id, RequiredParam(mf, "model_id"));
        KEEL_ASSIGN_OR_RETURN(auto step, mf.OptionalInt("step"));
        o.step = step.value_or(0);
        outputs.push_back(std::move(o));
        return Status::OK();
      }));
  KEEL_RETURN_IF_ERROR(s.tracking->LogOutputs(ctx.caller(), run_id, outputs));
  return Empty();
}

}  // namespace keel::server::handlers

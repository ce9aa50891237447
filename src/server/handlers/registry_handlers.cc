// MLflow's model-registry REST API (/api/2.0/mlflow/registered-models/..., model-versions/...)
// over RegistryService, with three-level names, and Keel's lineage and events extensions.

#include <charconv>

#include "registry/registry_service.h"
#include "server/handlers/handlers.h"
#include "server/handlers/registry_render.h"
#include "server/handlers/tracking_render.h"

namespace keel::server::handlers {

namespace {

// A version number as MLflow sends it: a string ("3"), or a number from other clients.
Result<int64_t> ReadVersion(const json::FieldReader& f, std::string_view field) {
  const json::Value* v = f.Get(field);
  if (v == nullptr) return MissingParameter(field);
  if (v->is_int()) return registry::ParseVersionNumber(std::to_string(v->as_int()));
  if (!v->is_string()) {
    return Status::InvalidArgument("'" + std::string(field) + "' must be a version number");
  }
  return registry::ParseVersionNumber(v->as_string());
}

// A non-negative integer field sent as a number or, in query strings, as text.
Result<std::optional<int64_t>> ReadCount(const json::FieldReader& f, std::string_view field) {
  const json::Value* v = f.Get(field);
  if (v == nullptr) return std::optional<int64_t>();
  int64_t n = -1;
  if (v->is_int()) {
    n = v->as_int();
  } else if (v->is_string()) {
    const std::string& text = v->as_string();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) n = -1;
  }
  if (n < 0) {
    return Status::InvalidArgument("'" + std::string(field) + "' must be a non-negative integer");
  }
  return std::optional<int64_t>(n);
}

Result<std::map<std::string, std::string>> ReadTagMap(const json::Value& body) {
  KEEL_ASSIGN_OR_RETURN(auto kvs, ReadKeyValues(body, "tags"));
  std::map<std::string, std::string> out;
  for (auto& kv : kvs) out[kv.key] = std::move(kv.value);
  return out;
}

Result<registry::SearchRequest> ReadSearch(const json::Value& p) {
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  registry::SearchRequest req;
  KEEL_ASSIGN_OR_RETURN(auto filter, f.OptionalString("filter"));
  req.filter = filter.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto max, ReadCount(f, "max_results"));
  if (max && *max == 0) return Status::InvalidArgument("max_results must be at least 1");
  req.max_results = max.value_or(0);
  const json::Value* order = f.Get("order_by");
  if (order != nullptr && order->is_string()) {
    req.order_by.push_back(order->as_string());  // one order_by as a query parameter
  } else {
    KEEL_ASSIGN_OR_RETURN(req.order_by, f.StringList("order_by"));
  }
  KEEL_ASSIGN_OR_RETURN(auto token, f.OptionalString("page_token"));
  req.page_token = token.value_or("");
  return req;
}

json::Value ModelBody(const registry::RegisteredModel& m) {
  json::Value body;
  body.Set("registered_model", RenderRegisteredModel(m));
  return body;
}

json::Value VersionBody(const registry::ModelVersion& v) {
  json::Value body;
  body.Set("model_version", RenderModelVersion(v));
  return body;
}

}  // namespace

// ---- registered models ------------------------------------------------------------------------

Result<http::Response> CreateRegisteredModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(auto description, f.OptionalString("description"));
  KEEL_ASSIGN_OR_RETURN(auto tags, ReadTagMap(p));
  KEEL_ASSIGN_OR_RETURN(auto model, s.registry->CreateRegisteredModel(
                                        ctx.caller(), name, description.value_or(""), tags));
  return Ok(ModelBody(model));
}

Result<http::Response> GetRegisteredModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(auto model, s.registry->GetRegisteredModel(ctx.caller(), name));
  return Ok(ModelBody(model));
}

Result<http::Response> SearchRegisteredModels(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto req, ReadSearch(p));
  KEEL_ASSIGN_OR_RETURN(auto page, s.registry->SearchRegisteredModels(ctx.caller(), req));
  json::Value body = json::Value::MakeObject();
  if (!page.models.empty()) {
    json::Value models = json::Value::MakeArray();
    for (const auto& m : page.models) models.Append(RenderRegisteredModel(m));
    body.Set("registered_models", std::move(models));
  }
  if (!page.next_page_token.empty()) body.Set("next_page_token", page.next_page_token);
  return Ok(body);
}

Result<http::Response> UpdateRegisteredModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(auto description, f.OptionalString("description"));
  KEEL_ASSIGN_OR_RETURN(
      auto model, s.registry->UpdateRegisteredModel(ctx.caller(), name, description.value_or("")));
  return Ok(ModelBody(model));
}

Result<http::Response> RenameRegisteredModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(std::string new_name, RequiredParam(f, "new_name"));
  KEEL_ASSIGN_OR_RETURN(auto model,
                        s.registry->RenameRegisteredModel(ctx.caller(), name, new_name));
  return Ok(ModelBody(model));
}

Result<http::Response> DeleteRegisteredModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_RETURN_IF_ERROR(s.registry->DeleteRegisteredModel(ctx.caller(), name));
  return Ok();
}

Result<http::Response> SetRegisteredModelTag(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "key"));
  KEEL_ASSIGN_OR_RETURN(auto value, f.OptionalString("value"));
  KEEL_RETURN_IF_ERROR(
      s.registry->SetRegisteredModelTag(ctx.caller(), name, key, value.value_or("")));
  return Ok();
}

Result<http::Response> DeleteRegisteredModelTag(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "key"));
  KEEL_RETURN_IF_ERROR(s.registry->DeleteRegisteredModelTag(ctx.caller(), name, key));
  return Ok();
}

Result<http::Response> GetLatestVersions(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  std::vector<std::string> stages;
  const json::Value* given = f.Get("stages");
  if (given != nullptr && given->is_string()) {
    stages.push_back(given->as_string());
  } else {
    KEEL_ASSIGN_OR_RETURN(stages, f.StringList("stages"));
  }
  KEEL_ASSIGN_OR_RETURN(auto versions, s.registry->GetLatestVersions(ctx.caller(), name, stages));
  json::Value body = json::Value::MakeObject();
  if (!versions.empty()) {
    json::Value list = json::Value::MakeArray();
    for (const auto& v : versions) list.Append(RenderModelVersion(v));
    body.Set("model_versions", std::move(list));
  }
  return Ok(body);
}

// ---- aliases ----------------------------------------------------------------------------------

Result<http::Response> SetRegisteredModelAlias(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(std::string alias, RequiredParam(f, "alias"));
  KEEL_ASSIGN_OR_RETURN(int64_t version, ReadVersion(f, "version"));
  KEEL_RETURN_IF_ERROR(s.registry->SetAlias(ctx.caller(), name, alias, version));
  return Ok();
}

Result<http::Response> DeleteRegisteredModelAlias(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(std::string alias, RequiredParam(f, "alias"));
  KEEL_RETURN_IF_ERROR(s.registry->DeleteAlias(ctx.caller(), name, alias));
  return Ok();
}

Result<http::Response> GetModelVersionByAlias(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(std::string alias, RequiredParam(f, "alias"));
  KEEL_ASSIGN_OR_RETURN(auto version, s.registry->GetVersionByAlias(ctx.caller(), name, alias));
  return Ok(VersionBody(version));
}

// ---- versions ---------------------------------------------------------------------------------

Result<http::Response> CreateModelVersion(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  registry::CreateModelVersionRequest req;
  KEEL_ASSIGN_OR_RETURN(req.name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(req.source, RequiredParam(f, "source"));
  KEEL_ASSIGN_OR_RETURN(auto run_id, f.OptionalString("run_id"));
  KEEL_ASSIGN_OR_RETURN(auto run_link, f.OptionalString("run_link"));
  KEEL_ASSIGN_OR_RETURN(auto description, f.OptionalString("description"));
  KEEL_ASSIGN_OR_RETURN(req.tags, ReadTagMap(p));
  req.run_id = run_id.value_or("");
  req.run_link = run_link.value_or("");
  req.description = description.value_or("");
  KEEL_ASSIGN_OR_RETURN(auto version, s.registry->CreateModelVersion(ctx.caller(), req));
  return Ok(VersionBody(version));
}

Result<http::Response> GetModelVersion(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(int64_t version, ReadVersion(f, "version"));
  KEEL_ASSIGN_OR_RETURN(auto v, s.registry->GetModelVersion(ctx.caller(), name, version));
  return Ok(VersionBody(v));
}

Result<http::Response> UpdateModelVersion(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(int64_t version, ReadVersion(f, "version"));
  KEEL_ASSIGN_OR_RETURN(auto description, f.OptionalString("description"));
  KEEL_ASSIGN_OR_RETURN(auto v, s.registry->UpdateModelVersion(ctx.caller(), name, version,
                                                               description.value_or("")));
  return Ok(VersionBody(v));
}

Result<http::Response> DeleteModelVersion(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(int64_t version, ReadVersion(f, "version"));
  bool remove_aliases = false;
  const json::Value* flag = f.Get("remove_aliases");
  if (flag != nullptr) {
    if (flag->is_bool())
      remove_aliases = flag->as_bool();
    else if (flag->is_string() && (flag->as_string() == "true" || flag->as_string() == "false"))
      remove_aliases = flag->as_string() == "true";
    else
      return Status::InvalidArgument("'remove_aliases' must be true or false");
  }
  KEEL_RETURN_IF_ERROR(s.registry->DeleteModelVersion(ctx.caller(), name, version, remove_aliases));
  return Ok();
}

Result<http::Response> SearchModelVersions(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto req, ReadSearch(p));
  KEEL_ASSIGN_OR_RETURN(auto page, s.registry->SearchModelVersions(ctx.caller(), req));
  json::Value body = json::Value::MakeObject();
  if (!page.versions.empty()) {
    json::Value list = json::Value::MakeArray();
    for (const auto& v : page.versions) list.Append(RenderModelVersion(v));
    body.Set("model_versions", std::move(list));
  }
  if (!page.next_page_token.empty()) body.Set("next_page_token", page.next_page_token);
  return Ok(body);
}

Result<http::Response> GetModelVersionDownloadUri(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(int64_t version, ReadVersion(f, "version"));
  KEEL_ASSIGN_OR_RETURN(std::string uri, s.registry->GetDownloadUri(ctx.caller(), name, version));
  json::Value body;
  body.Set("artifact_uri", uri);
  return Ok(body);
}

Result<http::Response> SetModelVersionTag(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(int64_t version, ReadVersion(f, "version"));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "key"));
  KEEL_ASSIGN_OR_RETURN(auto value, f.OptionalString("value"));
  KEEL_RETURN_IF_ERROR(
      s.registry->SetModelVersionTag(ctx.caller(), name, version, key, value.value_or("")));
  return Ok();
}

Result<http::Response> DeleteModelVersionTag(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(int64_t version, ReadVersion(f, "version"));
  KEEL_ASSIGN_OR_RETURN(std::string key, RequiredParam(f, "key"));
  KEEL_RETURN_IF_ERROR(s.registry->DeleteModelVersionTag(ctx.caller(), name, version, key));
  return Ok();
}

Result<http::Response> TransitionModelVersionStage(Services& s, const RequestContext& ctx) {
  return Status::InvalidArgument(
      "Keel's model registry has no stages (as in Unity Catalog): set an alias instead, e.g. "
      "POST registered-models/alias {\"name\": ..., \"alias\": \"champion\", \"version\": ...}, "
      "and load models:/<name>@champion");
}

// ---- Keel extensions --------------------------------------------------------------------------

Result<http::Response> GetModelLineage(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(std::string name, RequiredParam(f, "name"));
  KEEL_ASSIGN_OR_RETURN(auto alias, f.OptionalString("alias"));
  registry::ModelVersion v;
  if (alias && !alias->empty()) {
    KEEL_ASSIGN_OR_RETURN(v, s.registry->GetVersionByAlias(ctx.caller(), name, *alias));
  } else {
    KEEL_ASSIGN_OR_RETURN(int64_t version, ReadVersion(f, "version"));
    KEEL_ASSIGN_OR_RETURN(v, s.registry->GetModelVersion(ctx.caller(), name, version));
  }
  return Ok(RenderLineage(v));
}

Result<http::Response> ListRegistryEvents(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value p, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(p));
  KEEL_ASSIGN_OR_RETURN(auto name, f.OptionalString("name"));
  KEEL_ASSIGN_OR_RETURN(auto after, ReadCount(f, "after_id"));
  KEEL_ASSIGN_OR_RETURN(auto limit, ReadCount(f, "max_results"));
  KEEL_ASSIGN_OR_RETURN(auto events, s.registry->ListEvents(ctx.caller(), name.value_or(""),
                                                            after.value_or(0), limit.value_or(0)));
  json::Value list = json::Value::MakeArray();
  for (const auto& e : events) list.Append(RenderRegistryEvent(e));
  json::Value body;
  body.Set("events", std::move(list));
  return Ok(body);
}

}  // namespace keel::server::handlers

// Unity Catalog's registered-model and model-version API (/api/2.1/unity-catalog/models/...)
// over RegistryService: the same models, versions and aliases as the MLflow registry API, in
// UC's shapes. New versions come through MLflow's model-versions/create (as in UC).

#include "catalog/names.h"
#include "registry/registry_service.h"
#include "server/handlers/handlers.h"
#include "server/handlers/registry_render.h"

namespace keel::server::handlers {

namespace {

Result<int64_t> PathVersion(const RequestContext& ctx) {
  return registry::ParseVersionNumber(ctx.PathParam("version"));
}

}  // namespace

Result<http::Response> UcCreateModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  KEEL_ASSIGN_OR_RETURN(std::string catalog_name, f.RequiredString("catalog_name"));
  KEEL_ASSIGN_OR_RETURN(std::string schema_name, f.RequiredString("schema_name"));
  KEEL_ASSIGN_OR_RETURN(auto comment, f.OptionalString("comment"));
  KEEL_ASSIGN_OR_RETURN(auto model, s.registry->CreateRegisteredModel(
                                        ctx.caller(), catalog_name + "." + schema_name + "." + name,
                                        comment.value_or(""), {}));
  return Ok(RenderRegisteredModelInfo(model));
}

Result<http::Response> UcListModels(Services& s, const RequestContext& ctx) {
  auto catalog_name = ctx.Query("catalog_name");
  auto schema_name = ctx.Query("schema_name");
  if (!catalog_name || !schema_name) {
    return Status::InvalidArgument("missing required parameters 'catalog_name' and 'schema_name'");
  }
  KEEL_RETURN_IF_ERROR(catalog::ValidateObjectName(*catalog_name, "catalog"));
  KEEL_RETURN_IF_ERROR(catalog::ValidateObjectName(*schema_name, "schema"));
  KEEL_ASSIGN_OR_RETURN(auto models, s.registry->ListRegisteredModels(
                                         ctx.caller(), *catalog_name + "." + *schema_name));
  json::Value list = json::Value::MakeArray();
  for (const auto& m : models) list.Append(RenderRegisteredModelInfo(m));
  json::Value body;
  body.Set("registered_models", std::move(list));
  return Ok(body);
}

Result<http::Response> UcGetModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(auto model,
                        s.registry->GetRegisteredModel(ctx.caller(), ctx.PathParam("full_name")));
  return Ok(RenderRegisteredModelInfo(model));
}

Result<http::Response> UcUpdateModel(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  registry::UpdateModelRequest req;
  KEEL_ASSIGN_OR_RETURN(req.comment, f.OptionalString("comment"));
  KEEL_ASSIGN_OR_RETURN(req.new_name, f.OptionalString("new_name"));
  KEEL_ASSIGN_OR_RETURN(req.owner, f.OptionalString("owner"));
  KEEL_ASSIGN_OR_RETURN(auto model,
                        s.registry->UpdateModel(ctx.caller(), ctx.PathParam("full_name"), req));
  return Ok(RenderRegisteredModelInfo(model));
}

Result<http::Response> UcDeleteModel(Services& s, const RequestContext& ctx) {
  KEEL_RETURN_IF_ERROR(s.registry->DeleteRegisteredModel(ctx.caller(), ctx.PathParam("full_name")));
  return Ok(json::Value::MakeObject());
}

Result<http::Response> UcListModelVersions(Services& s, const RequestContext& ctx) {
  registry::SearchRequest req;
  req.model_name = ctx.PathParam("full_name");
  KEEL_ASSIGN_OR_RETURN(req.max_results, ctx.QueryInt("max_results", 0));
  req.page_token = ctx.Query("page_token").value_or("");
  KEEL_ASSIGN_OR_RETURN(auto page, s.registry->SearchModelVersions(ctx.caller(), req));
  json::Value list = json::Value::MakeArray();
  for (const auto& v : page.versions) list.Append(RenderModelVersionInfo(v));
  json::Value body;
  body.Set("model_versions", std::move(list));
  if (!page.next_page_token.empty()) body.Set("next_page_token", page.next_page_token);
  return Ok(body);
}

Result<http::Response> UcGetModelVersion(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(int64_t version, PathVersion(ctx));
  KEEL_ASSIGN_OR_RETURN(
      auto v, s.registry->GetModelVersion(ctx.caller(), ctx.PathParam("full_name"), version));
  return Ok(RenderModelVersionInfo(v));
}

Result<http::Response> UcUpdateModelVersion(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(int64_t version, PathVersion(ctx));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_ASSIGN_OR_RETURN(auto comment, f.OptionalString("comment"));
  KEEL_ASSIGN_OR_RETURN(
      auto v, s.registry->UpdateModelVersion(ctx.caller(), ctx.PathParam("full_name"), version,
                                             comment.value_or("")));
  return Ok(RenderModelVersionInfo(v));
}

// UC deletes a version's aliases with it.
Result<http::Response> UcDeleteModelVersion(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(int64_t version, PathVersion(ctx));
  KEEL_RETURN_IF_ERROR(s.registry->DeleteModelVersion(ctx.caller(), ctx.PathParam("full_name"),
                                                      version, /*remove_aliases=*/true));
  return Ok(json::Value::MakeObject());
}

Result<http::Response> UcSetAlias(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_ASSIGN_OR_RETURN(auto version, f.OptionalInt("version_num"));
  if (!version) return Status::InvalidArgument("missing required field 'version_num'");
  std::string alias = ctx.PathParam("alias");
  KEEL_RETURN_IF_ERROR(
      s.registry->SetAlias(ctx.caller(), ctx.PathParam("full_name"), alias, *version));
  json::Value out;
  out.Set("alias_name", alias);
  out.Set("version_num", *version);
  return Ok(out);
}

Result<http::Response> UcGetAlias(Services& s, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(auto v,
                        s.registry->GetVersionByAlias(ctx.caller(), ctx.PathParam("full_name"),
                                                      ctx.PathParam("alias")));
  return Ok(RenderModelVersionInfo(v));
}

Result<http::Response> UcDeleteAlias(Services& s, const RequestContext& ctx) {
  KEEL_RETURN_IF_ERROR(
      s.registry->DeleteAlias(ctx.caller(), ctx.PathParam("full_name"), ctx.PathParam("alias")));
  return Ok(json::Value::MakeObject());
}

}  // namespace keel::server::handlers

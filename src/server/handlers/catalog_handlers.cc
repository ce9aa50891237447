#include "catalog/names.h"
#include "server/handlers/handlers.h"
#include "server/handlers/render.h"

namespace keel::server::handlers {

using catalog::CreateSecurableRequest;
using catalog::SecurableInfo;
using catalog::SecurableType;
using catalog::UpdateSecurableRequest;

namespace {

Result<http::Response> Create(Services& services, const RequestContext& ctx, SecurableType type) {
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  CreateSecurableRequest req;
  req.type = type;
  KEEL_ASSIGN_OR_RETURN(req.name, f.RequiredString("name"));
  KEEL_ASSIGN_OR_RETURN(auto comment, f.OptionalString("comment"));
  req.comment = comment.value_or("");
  KEEL_ASSIGN_OR_RETURN(req.properties, ReadProperties(f));
  switch (type) {
    case SecurableType::kCatalog:
      KEEL_RETURN_IF_ERROR(f.RejectUnknown({"name", "comment", "properties"}));
      break;
    case SecurableType::kSchema: {
      KEEL_RETURN_IF_ERROR(f.RejectUnknown({"name", "catalog_name", "comment", "properties"}));
      KEEL_ASSIGN_OR_RETURN(req.parent_full_name, f.RequiredString("catalog_name"));
      break;
    }
    default: {
      KEEL_RETURN_IF_ERROR(f.RejectUnknown(
          {"name", "catalog_name", "schema_name", "comment", "properties", "volume_type"}));
      KEEL_ASSIGN_OR_RETURN(std::string catalog_name, f.RequiredString("catalog_name"));
      KEEL_ASSIGN_OR_RETURN(std::string schema_name, f.RequiredString("schema_name"));
      KEEL_ASSIGN_OR_RETURN(auto volume_type, f.OptionalString("volume_type"));
      if (volume_type && *volume_type != "MANAGED") {
        return Status::InvalidArgument("volume_type must be MANAGED (external volumes are not "
                                       "supported)");
      }
      KEEL_RETURN_IF_ERROR(catalog::ValidateObjectName(catalog_name, "catalog"));
      KEEL_RETURN_IF_ERROR(catalog::ValidateObjectName(schema_name, "schema"));
      req.parent_full_name = catalog_name + "." + schema_name;
    }
  }
  KEEL_ASSIGN_OR_RETURN(SecurableInfo s, services.catalog->CreateSecurable(ctx.caller(), req));
  return http::Response::Json(200, RenderSecurable(s));
}

Result<http::Response> List(Services& services, const RequestContext& ctx, SecurableType type) {
  std::string parent;
  std::string_view key = "catalogs";
  if (type == SecurableType::kSchema) {
    auto catalog_name = ctx.Query("catalog_name");
    if (!catalog_name) return Status::InvalidArgument("missing required parameter 'catalog_name'");
    parent = *catalog_name;
    key = "schemas";
  } else if (type == SecurableType::kVolume) {
    auto catalog_name = ctx.Query("catalog_name");
    auto schema_name = ctx.Query("schema_name");
    if (!catalog_name || !schema_name) {
      return Status::InvalidArgument("missing required parameters 'catalog_name' and "
                                     "'schema_name'");
    }
    parent = *catalog_name + "." + *schema_name;
    key = "volumes";
  }
  KEEL_ASSIGN_OR_RETURN(auto items, services.catalog->ListSecurables(ctx.caller(), type, parent));
  json::Value list = json::Value::MakeArray();
  for (const auto& s : items) list.Append(RenderSecurable(s));
  json::Value body;
  body.Set(key, std::move(list));
  return http::Response::Json(200, body);
}

Result<http::Response> Get(Services& services, const RequestContext& ctx, SecurableType type) {
  KEEL_ASSIGN_OR_RETURN(SecurableInfo s,
                        services.catalog->GetSecurable(ctx.caller(), type, ctx.PathParam("name")));
  return http::Response::Json(200, RenderSecurable(s));
}

Result<http::Response> Update(Services& services, const RequestContext& ctx, SecurableType type) {
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(f.RejectUnknown({"comment", "owner", "properties", "name", "full_name"}));
  UpdateSecurableRequest req;
  KEEL_ASSIGN_OR_RETURN(req.comment, f.OptionalString("comment"));
  KEEL_ASSIGN_OR_RETURN(req.owner, f.OptionalString("owner"));
  if (f.Get("properties") != nullptr) {
    KEEL_ASSIGN_OR_RETURN(req.properties, ReadProperties(f));
  }
  KEEL_ASSIGN_OR_RETURN(SecurableInfo s, services.catalog->UpdateSecurable(
                                             ctx.caller(), type, ctx.PathParam("name"), req));
  return http::Response::Json(200, RenderSecurable(s));
}

Result<http::Response> Delete(Services& services, const RequestContext& ctx, SecurableType type) {
  KEEL_ASSIGN_OR_RETURN(bool force, ctx.QueryBool("force", false));
  KEEL_RETURN_IF_ERROR(
      services.catalog->DeleteSecurable(ctx.caller(), type, ctx.PathParam("name"), force));
  return http::Response::Json(200, json::Value::MakeObject());
}

}  // namespace

#define KEEL_CRUD_HANDLERS(Noun, type)                                                 \
  Result<http::Response> Create##Noun(Services& s, const RequestContext& c) {          \
    return Create(s, c, type);                                                         \
  }                                                                                    \
  Result<http::Response> List##Noun##s(Services& s, const RequestContext& c) {         \
    return List(s, c, type);                                                           \
  }                                                                                    \
  Result<http::Response> Get##Noun(Services& s, const RequestContext& c) {             \
    return Get(s, c, type);                                                            \
  }                                                                                    \
  Result<http::Response> Update##Noun(Services& s, const RequestContext& c) {          \
    return Update(s, c, type);                                                         \
  }                                                                                    \
  Result<http::Response> Delete##Noun(Services& s, const RequestContext& c) {          \
    return Delete(s, c, type);                                                         \
  }

KEEL_CRUD_HANDLERS(Catalog, SecurableType::kCatalog)
KEEL_CRUD_HANDLERS(Schema, SecurableType::kSchema)
KEEL_CRUD_HANDLERS(Volume, SecurableType::kVolume)

#undef KEEL_CRUD_HANDLERS

}  // namespace keel::server::handlers

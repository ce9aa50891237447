// The SCIM 2.0 subset Databricks clients use for users, groups and service principals.

#include "server/handlers/handlers.h"
#include "server/handlers/render.h"

namespace keel::server::handlers {

using catalog::PrincipalInfo;
using catalog::PrincipalKind;

namespace {

constexpr std::string_view kListSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

// Supports the one filter form clients send: `userName eq "alice"` (or displayName /
// applicationId). Other filters are refused rather than ignored.
Result<std::optional<std::string>> ParseEqFilter(const RequestContext& ctx) {
  auto filter = ctx.Query("filter");
  if (!filter) return std::optional<std::string>();
  const std::string& f = *filter;
  size_t eq = f.find(" eq ");
  if (eq == std::string::npos || f.size() < eq + 6 || f[eq + 4] != '"' || f.back() != '"') {
    return Status::InvalidArgument("unsupported SCIM filter; use: userName eq \"name\"");
  }
  std::string attr = f.substr(0, eq);
  if (attr != "userName" && attr != "displayName" && attr != "applicationId") {
    return Status::InvalidArgument("unsupported SCIM filter attribute '" + attr + "'");
  }
  return std::optional<std::string>(f.substr(eq + 5, f.size() - eq - 6));
}

Result<http::Response> List(Services& services, const RequestContext& ctx, PrincipalKind kind) {
  KEEL_ASSIGN_OR_RETURN(auto filter, ParseEqFilter(ctx));
  KEEL_ASSIGN_OR_RETURN(auto principals, services.catalog->ListPrincipals(ctx.caller(), kind));
  json::Value resources = json::Value::MakeArray();
  for (const PrincipalInfo& p : principals) {
    if (filter && p.name != *filter) continue;
    resources.Append(RenderScimPrincipal(p));
  }
  json::Value body;
  json::Value schemas = json::Value::MakeArray();
  schemas.Append(kListSchema);
  body.Set("schemas", std::move(schemas));
  body.Set("totalResults", static_cast<int64_t>(resources.size()));
  body.Set("startIndex", 1);
  body.Set("itemsPerPage", static_cast<int64_t>(resources.size()));
  body.Set("Resources", std::move(resources));
  return http::Response::Json(200, body);
}

// Names of the groups in a SCIM `groups` or `members` list ([{"value": ...}]).
Result<std::vector<std::string>> RefList(const json::Value& body, std::string_view key) {
  std::vector<std::string> out;
  const json::Value* list = body.Find(key);
  if (list == nullptr || list->is_null()) return out;
  if (!list->is_array()) {
    return Status::InvalidArgument("'" + std::string(key) + "' must be an array of {value}");
  }
  for (const json::Value& ref : list->as_array()) {
    KEEL_ASSIGN_OR_RETURN(auto rf, json::FieldReader::Make(ref, std::string(key) + " entry"));
    KEEL_ASSIGN_OR_RETURN(auto value, rf.OptionalString("value"));
    KEEL_ASSIGN_OR_RETURN(auto display, rf.OptionalString("display"));
    if (!value && !display) {
      return Status::InvalidArgument("each '" + std::string(key) + "' entry needs a 'value'");
    }
    out.push_back(value ? *value : *display);
  }
  return out;
}

Result<http::Response> Create(Services& services, const RequestContext& ctx, PrincipalKind kind) {
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  std::string name;
  switch (kind) {
    case PrincipalKind::kUser: {
      KEEL_RETURN_IF_ERROR(f.RejectUnknown(
          {"schemas", "userName", "displayName", "groups", "active", "emails", "entitlements"}));
      KEEL_ASSIGN_OR_RETURN(name, f.RequiredString("userName"));
      break;
    }
    case PrincipalKind::kGroup: {
      KEEL_RETURN_IF_ERROR(f.RejectUnknown({"schemas", "displayName", "members", "groups"}));
      KEEL_ASSIGN_OR_RETURN(name, f.RequiredString("displayName"));
      break;
    }
    case PrincipalKind::kServicePrincipal: {
      KEEL_RETURN_IF_ERROR(f.RejectUnknown(
          {"schemas", "displayName", "applicationId", "groups", "active", "entitlements"}));
      KEEL_ASSIGN_OR_RETURN(auto app, f.OptionalString("applicationId"));
      KEEL_ASSIGN_OR_RETURN(auto display, f.OptionalString("displayName"));
      if (!app && !display) {
        return Status::InvalidArgument("missing required field 'displayName'");
      }
      name = display ? *display : *app;
      break;
    }
  }
  KEEL_ASSIGN_OR_RETURN(auto groups, RefList(body, "groups"));
  KEEL_ASSIGN_OR_RETURN(PrincipalInfo p,
                        services.catalog->CreatePrincipal(ctx.caller(), kind, name, groups));
  if (kind == PrincipalKind::kGroup) {
    KEEL_ASSIGN_OR_RETURN(auto members, RefList(body, "members"));
    for (const auto& m : members) {
      KEEL_RETURN_IF_ERROR(services.catalog->AddGroupMember(ctx.caller(), p.name, m));
    }
    if (!members.empty()) {
      KEEL_ASSIGN_OR_RETURN(p, services.catalog->GetPrincipal(ctx.caller(), p.name));
    }
  }
  return http::Response::Json(201, RenderScimPrincipal(p));
}

Result<PrincipalInfo> GetOfKind(Services& services, const RequestContext& ctx,
                                PrincipalKind kind) {
  KEEL_ASSIGN_OR_RETURN(PrincipalInfo p,
                        services.catalog->GetPrincipal(ctx.caller(), ctx.PathParam("id")));
  if (p.kind != kind) {
    return Status::NotFound("no " + std::string(catalog::PrincipalKindName(kind)) + " named '" +
                            p.name + "'");
  }
  return p;
}

Result<http::Response> Get(Services& services, const RequestContext& ctx, PrincipalKind kind) {
  KEEL_ASSIGN_OR_RETURN(PrincipalInfo p, GetOfKind(services, ctx, kind));
  return http::Response::Json(200, RenderScimPrincipal(p));
}

Result<http::Response> Delete(Services& services, const RequestContext& ctx, PrincipalKind kind) {
  KEEL_ASSIGN_OR_RETURN(PrincipalInfo p, GetOfKind(services, ctx, kind));
  KEEL_RETURN_IF_ERROR(services.catalog->DeletePrincipal(ctx.caller(), p.name));
  return http::Response::Empty(204);
}

}  // namespace

Result<http::Response> ScimListUsers(Services& s, const RequestContext& c) {
  return List(s, c, PrincipalKind::kUser);
}
Result<http::Response> ScimCreateUser(Services& s, const RequestContext& c) {
  return Create(s, c, PrincipalKind::kUser);
}
Result<http::Response> ScimGetUser(Services& s, const RequestContext& c) {
  return Get(s, c, PrincipalKind::kUser);
}
Result<http::Response> ScimDeleteUser(Services& s, const RequestContext& c) {
  return Delete(s, c, PrincipalKind::kUser);
}
Result<http::Response> ScimListGroups(Services& s, const RequestContext& c) {
  return List(s, c, PrincipalKind::kGroup);
}
Result<http::Response> ScimCreateGroup(Services& s, const RequestContext& c) {
  return Create(s, c, PrincipalKind::kGroup);
}
Result<http::Response> ScimGetGroup(Services& s, const RequestContext& c) {
  return Get(s, c, PrincipalKind::kGroup);
}
Result<http::Response> ScimDeleteGroup(Services& s, const RequestContext& c) {
  return Delete(s, c, PrincipalKind::kGroup);
}
Result<http::Response> ScimListServicePrincipals(Services& s, const RequestContext& c) {
  return List(s, c, PrincipalKind::kServicePrincipal);
}
Result<http::Response> ScimCreateServicePrincipal(Services& s, const RequestContext& c) {
  return Create(s, c, PrincipalKind::kServicePrincipal);
}
Result<http::Response> ScimGetServicePrincipal(Services& s, const RequestContext& c) {
  return Get(s, c, PrincipalKind::kServicePrincipal);
}
Result<http::Response> ScimDeleteServicePrincipal(Services& s, const RequestContext& c) {
  return Delete(s, c, PrincipalKind::kServicePrincipal);
}

// PATCH {"Operations": [{"op": "add"|"remove", "path": "members", "value": [{"value": n}]}]}
Result<http::Response> ScimPatchGroup(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(PrincipalInfo group, GetOfKind(services, ctx, PrincipalKind::kGroup));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  const json::Value* ops = body.Find("Operations");
  if (ops == nullptr || !ops->is_array()) {
    return Status::InvalidArgument("field 'Operations' must be an array");
  }
  for (const json::Value& op : ops->as_array()) {
    KEEL_ASSIGN_OR_RETURN(auto of, json::FieldReader::Make(op, "each operation"));
    KEEL_ASSIGN_OR_RETURN(std::string kind, of.RequiredString("op"));
    KEEL_ASSIGN_OR_RETURN(auto path, of.OptionalString("path"));
    if (path && *path != "members") {
      return Status::InvalidArgument("only the 'members' path can be patched");
    }
    KEEL_ASSIGN_OR_RETURN(auto members, RefList(op, "value"));
    for (const auto& m : members) {
      if (kind == "add" || kind == "Add") {
        KEEL_RETURN_IF_ERROR(services.catalog->AddGroupMember(ctx.caller(), group.name, m));
      } else if (kind == "remove" || kind == "Remove") {
        KEEL_RETURN_IF_ERROR(services.catalog->RemoveGroupMember(ctx.caller(), group.name, m));
      } else {
        return Status::InvalidArgument("op must be 'add' or 'remove'");
      }
    }
  }
  KEEL_ASSIGN_OR_RETURN(group, services.catalog->GetPrincipal(ctx.caller(), group.name));
  return http::Response::Json(200, RenderScimPrincipal(group));
}

Result<http::Response> ScimMe(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(PrincipalInfo p,
                        services.catalog->GetPrincipal(ctx.caller(), ctx.caller().name));
  return http::Response::Json(200, RenderScimPrincipal(p));
}

}  // namespace keel::server::handlers

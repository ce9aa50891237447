#include <map>

#include "server/handlers/handlers.h"
#include "server/handlers/render.h"

namespace keel::server::handlers {

using catalog::Privilege;

namespace {

Result<catalog::SecurableType> PathType(const RequestContext& ctx) {
  return catalog::ParseSecurableType(ctx.PathParam("securable_type"));
}

Result<std::vector<Privilege>> ReadPrivileges(const json::Value& change, std::string_view key) {
  std::vector<Privilege> out;
  const json::Value* list = change.Find(key);
  if (list == nullptr || list->is_null()) return out;
  if (!list->is_array()) {
    return Status::InvalidArgument("'" + std::string(key) + "' must be an array of privileges");
  }
  for (const json::Value& p : list->as_array()) {
    if (!p.is_string()) {
      return Status::InvalidArgument("'" + std::string(key) + "' must hold privilege names");
    }
    KEEL_ASSIGN_OR_RETURN(Privilege priv, catalog::ParsePrivilege(p.as_string()));
    out.push_back(priv);
  }
  return out;
}

}  // namespace

Result<http::Response> GetPermissions(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(auto type, PathType(ctx));
  KEEL_ASSIGN_OR_RETURN(auto assignments,
                        services.catalog->GetPermissions(ctx.caller(), type,
                                                         ctx.PathParam("full_name"),
                                                         ctx.Query("principal").value_or("")));
  return http::Response::Json(200, RenderAssignments(assignments));
}

Result<http::Response> UpdatePermissions(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(auto type, PathType(ctx));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(f.RejectUnknown({"changes", "omit_permissions_in_response"}));
  const json::Value* changes = f.Get("changes");
  if (changes == nullptr || !changes->is_array()) {
    return Status::InvalidArgument("field 'changes' must be an array of {principal, add, remove}");
  }
  std::vector<catalog::PermissionsChange> parsed;
  for (const json::Value& c : changes->as_array()) {
    KEEL_ASSIGN_OR_RETURN(auto cf, json::FieldReader::Make(c, "each change"));
    KEEL_RETURN_IF_ERROR(cf.RejectUnknown({"principal", "add", "remove"}));
    catalog::PermissionsChange change;
    KEEL_ASSIGN_OR_RETURN(change.principal, cf.RequiredString("principal"));
    KEEL_ASSIGN_OR_RETURN(change.add, ReadPrivileges(c, "add"));
    KEEL_ASSIGN_OR_RETURN(change.remove, ReadPrivileges(c, "remove"));
    parsed.push_back(std::move(change));
  }
  KEEL_ASSIGN_OR_RETURN(auto assignments,
                        services.catalog->UpdatePermissions(ctx.caller(), type,
                                                            ctx.PathParam("full_name"), parsed));
  KEEL_ASSIGN_OR_RETURN(auto omit, f.OptionalBool("omit_permissions_in_response"));
  if (omit.value_or(false)) return http::Response::Json(200, json::Value::MakeObject());
  return http::Response::Json(200, RenderAssignments(assignments));
}

Result<http::Response> GetEffectivePermissions(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(auto type, PathType(ctx));
  KEEL_ASSIGN_OR_RETURN(
      auto assignments,
      services.catalog->GetEffectivePermissions(ctx.caller(), type, ctx.PathParam("full_name"),
                                                ctx.Query("principal").value_or("")));
  json::Value list = json::Value::MakeArray();
  for (const auto& a : assignments) {
    json::Value item;
    item.Set("principal", a.principal);
    json::Value privileges = json::Value::MakeArray();
    for (const auto& e : a.privileges) {
      json::Value p;
      p.Set("privilege", catalog::PrivilegeName(e.privilege));
      if (!e.inherited_from_type.empty()) {
        p.Set("inherited_from_type", e.inherited_from_type);
        p.Set("inherited_from_name", e.inherited_from_name);
      }
      privileges.Append(std::move(p));
    }
    item.Set("privileges", std::move(privileges));
    list.Append(std::move(item));
  }
  json::Value body;
  body.Set("privilege_assignments", std::move(list));
  return http::Response::Json(200, body);
}

Result<http::Response> GetTags(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(auto type, PathType(ctx));
  KEEL_ASSIGN_OR_RETURN(auto tags, services.catalog->GetTags(ctx.caller(), type,
                                                             ctx.PathParam("full_name")));
  json::Value list = json::Value::MakeArray();
  for (const auto& [k, v] : tags) {
    json::Value tag;
    tag.Set("key", k);
    tag.Set("value", v);
    list.Append(std::move(tag));
  }
  json::Value body;
  body.Set("tags", std::move(list));
  return http::Response::Json(200, body);
}

// PATCH {"set": [{"key": k, "value": v}], "unset": [k, ...]}
Result<http::Response> UpdateTags(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(auto type, PathType(ctx));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(f.RejectUnknown({"set", "unset"}));
  std::map<std::string, std::string> set;
  if (const json::Value* list = f.Get("set")) {
    if (!list->is_array()) return Status::InvalidArgument("'set' must be an array of {key, value}");
    for (const json::Value& t : list->as_array()) {
      KEEL_ASSIGN_OR_RETURN(auto tf, json::FieldReader::Make(t, "each tag"));
      KEEL_ASSIGN_OR_RETURN(std::string key, tf.RequiredString("key"));
      KEEL_ASSIGN_OR_RETURN(auto value, tf.OptionalString("value"));
      set[key] = value.value_or("");
    }
  }
  KEEL_ASSIGN_OR_RETURN(auto unset, f.StringList("unset"));
  KEEL_RETURN_IF_ERROR(services.catalog->UpdateTags(ctx.caller(), type, ctx.PathParam("full_name"),
                                                    set, unset));
  return GetTags(services, ctx);
}

}  // namespace keel::server::handlers

#include "server/handlers/render.h"

#include "server/handlers/handlers.h"

namespace keel::server::handlers {

using catalog::SecurableType;

http::Response Ok(json::Value body) { return http::Response::Json(200, body); }

json::Value RenderSecurable(const catalog::SecurableInfo& s) {
  json::Value v;
  v.Set("name", s.name);
  v.Set("full_name", s.full_name);
  // Parts of the full name, as UC's SchemaInfo/VolumeInfo carry them.
  size_t first_dot = s.full_name.find('.');
  if (s.type != SecurableType::kCatalog && first_dot != std::string::npos) {
    v.Set("catalog_name", s.full_name.substr(0, first_dot));
    size_t second_dot = s.full_name.find('.', first_dot + 1);
    if (second_dot != std::string::npos) {
      v.Set("schema_name", s.full_name.substr(first_dot + 1, second_dot - first_dot - 1));
    }
  }
  v.Set("securable_type", catalog::SecurableTypeName(s.type));
  switch (s.type) {
    case SecurableType::kCatalog:
      v.Set("id", s.id);
      v.Set("catalog_type", "MANAGED_CATALOG");
      break;
    case SecurableType::kSchema: v.Set("schema_id", s.id); break;
    case SecurableType::kVolume:
      v.Set("volume_id", s.id);
      v.Set("volume_type", "MANAGED");
      v.Set("storage_location", s.storage_location);
      break;
    default: v.Set("id", s.id);
  }
  v.Set("owner", s.owner);
  if (!s.comment.empty()) v.Set("comment", s.comment);
  json::Value props = json::Value::MakeObject();
  for (const auto& [k, val] : s.properties) props.Set(k, val);
  v.Set("properties", std::move(props));
  v.Set("created_at", s.created_at);
  v.Set("created_by", s.created_by);
  v.Set("updated_at", s.updated_at);
  v.Set("updated_by", s.updated_by);
  return v;
}

json::Value RenderScimPrincipal(const catalog::PrincipalInfo& p) {
  json::Value v;
  // The SCIM id is the principal's name: names are unique and never change, and using them
  // keeps internal ids out of the API.
  v.Set("id", p.name);
  json::Value schemas = json::Value::MakeArray();
  switch (p.kind) {
    case catalog::PrincipalKind::kUser:
      schemas.Append("urn:ietf:params:scim:schemas:core:2.0:User");
      v.Set("userName", p.name);
      v.Set("displayName", p.name);
      break;
    case catalog::PrincipalKind::kGroup:
      schemas.Append("urn:ietf:params:scim:schemas:core:2.0:Group");
      v.Set("displayName", p.name);
      break;
    case catalog::PrincipalKind::kServicePrincipal:
      schemas.Append("urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal");
      v.Set("displayName", p.name);
      v.Set("applicationId", p.name);
      break;
  }
  v.Set("schemas", std::move(schemas));
  v.Set("active", p.active);
  json::Value groups = json::Value::MakeArray();
  for (const auto& g : p.groups) {
    json::Value ref;
    ref.Set("display", g);
    ref.Set("value", g);
    groups.Append(std::move(ref));
  }
  v.Set("groups", std::move(groups));
  if (p.kind == catalog::PrincipalKind::kGroup) {
    json::Value members = json::Value::MakeArray();
    for (const auto& m : p.members) {
      json::Value ref;
      ref.Set("display", m);
      ref.Set("value", m);
      members.Append(std::move(ref));
    }
    v.Set("members", std::move(members));
  }
  if (p.is_admin) {
    json::Value roles = json::Value::MakeArray();
    json::Value admin;
    admin.Set("value", "metastore_admin");
    roles.Append(std::move(admin));
    v.Set("roles", std::move(roles));
  }
  return v;
}

json::Value RenderTokenInfo(const catalog::TokenInfo& t) {
  json::Value v;
  v.Set("token_id", t.id);
  v.Set("creation_time", t.created_at);
  v.Set("expiry_time", t.expires_at ? t.expires_at : -1);
  v.Set("comment", t.comment);
  v.Set("owner", t.principal_name);
  if (t.revoked_at) v.Set("revoked_time", t.revoked_at);
  return v;
}

json::Value RenderAssignments(const std::vector<catalog::PrivilegeAssignment>& assignments) {
  json::Value list = json::Value::MakeArray();
  for (const auto& a : assignments) {
    json::Value item;
    item.Set("principal", a.principal);
    json::Value privileges = json::Value::MakeArray();
    for (catalog::Privilege p : a.privileges) privileges.Append(catalog::PrivilegeName(p));
    item.Set("privileges", std::move(privileges));
    list.Append(std::move(item));
  }
  json::Value body;
  body.Set("privilege_assignments", std::move(list));
  return body;
}

Result<std::map<std::string, std::string>> ReadProperties(const json::FieldReader& f) {
  std::map<std::string, std::string> out;
  const json::Value* props = f.Get("properties");
  if (props == nullptr) return out;
  if (!props->is_object()) {
    return Status::InvalidArgument("field 'properties' must be an object of strings");
  }
  for (const auto& [k, v] : props->as_object()) {
    if (!v.is_string()) {
      return Status::InvalidArgument("property '" + k + "' must be a string");
    }
    out[k] = v.as_string();
  }
  return out;
}

}  // namespace keel::server::handlers

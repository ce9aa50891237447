#include "server/handlers/registry_render.h"

#include "catalog/names.h"
#include "registry/lineage.h"
#include "server/handlers/render.h"

namespace keel::server::handlers {

namespace {

json::Value RenderTags(const std::map<std::string, std::string>& tags) {
  json::Value out = json::Value::MakeArray();
  for (const auto& [key, value] : tags) {
    json::Value t;
    t.Set("key", key);
    t.Set("value", value);
    out.Append(std::move(t));
  }
  return out;
}

void SetIfNotEmpty(json::Value& obj, std::string_view key, const std::string& value) {
  if (!value.empty()) obj.Set(key, value);
}

json::Value UcAlias(const std::string& alias, int64_t version) {
  json::Value a;
  a.Set("alias_name", alias);
  a.Set("version_num", version);
  return a;
}

}  // namespace

json::Value RenderModelVersion(const registry::ModelVersion& v) {
  json::Value out;
  out.Set("name", v.model_name);
  out.Set("version", std::to_string(v.version));
  out.Set("creation_timestamp", v.creation_timestamp);
  out.Set("last_updated_timestamp", v.last_updated_timestamp);
  out.Set("user_id", v.user_id);
  out.Set("current_stage", "None");
  SetIfNotEmpty(out, "description", v.description);
  out.Set("source", v.source);
  SetIfNotEmpty(out, "run_id", v.run_id);
  out.Set("status", registry::VersionStatusName(v.status));
  SetIfNotEmpty(out, "status_message", v.status_message);
  if (!v.tags.empty()) out.Set("tags", RenderTags(v.tags));
  SetIfNotEmpty(out, "run_link", v.run_link);
  if (!v.aliases.empty()) {
    json::Value aliases = json::Value::MakeArray();
    for (const std::string& a : v.aliases) aliases.Append(a);
    out.Set("aliases", std::move(aliases));
  }
  return out;
}

json::Value RenderRegisteredModel(const registry::RegisteredModel& m) {
  json::Value out;
  out.Set("name", m.securable.full_name);
  out.Set("creation_timestamp", m.securable.created_at);
  out.Set("last_updated_timestamp", m.securable.updated_at);
  out.Set("user_id", m.securable.created_by);
  SetIfNotEmpty(out, "description", m.securable.comment);
  if (m.latest_version) {
    json::Value latest = json::Value::MakeArray();
    latest.Append(RenderModelVersion(*m.latest_version));
    out.Set("latest_versions", std::move(latest));
  }
  if (!m.tags.empty()) out.Set("tags", RenderTags(m.tags));
  if (!m.aliases.empty()) {
    json::Value aliases = json::Value::MakeArray();
    for (const registry::ModelAlias& a : m.aliases) {
      json::Value entry;
      entry.Set("alias", a.alias);
      entry.Set("version", std::to_string(a.version));
      aliases.Append(std::move(entry));
    }
    out.Set("aliases", std::move(aliases));
  }
  return out;
}

json::Value RenderLineage(const registry::ModelVersion& v) {
  json::Value out;
  out.Set("name", v.model_name);
  out.Set("version", std::to_string(v.version));
  out.Set("source", v.source);
  json::Value lineage = registry::LineageToJson(v.lineage);
  for (auto& [key, value] : lineage.as_object()) out.Set(key, std::move(value));
  return out;
}

json::Value RenderRegistryEvent(const registry::RegistryEvent& e) {
  json::Value out;
  out.Set("event_id", e.event_id);
  out.Set("event_type", e.event_type);
  out.Set("name", e.model_name);
  if (e.version) out.Set("version", std::to_string(*e.version));
  SetIfNotEmpty(out, "alias", e.alias);
  out.Set("principal", e.principal);
  out.Set("timestamp", e.timestamp);
  auto details = json::Parse(e.details);
  if (details.ok() && details->is_object() && details->size() > 0) {
    out.Set("details", std::move(*details));
  }
  return out;
}

json::Value RenderRegisteredModelInfo(const registry::RegisteredModel& m) {
  json::Value out = RenderSecurable(m.securable);
  out.Set("storage_location", m.securable.storage_location);
  json::Value aliases = json::Value::MakeArray();
  for (const registry::ModelAlias& a : m.aliases) aliases.Append(UcAlias(a.alias, a.version));
  out.Set("aliases", std::move(aliases));
  return out;
}

json::Value RenderModelVersionInfo(const registry::ModelVersion& v) {
  json::Value out;
  auto parts = catalog::SplitFullName(v.model_name, 3, "registered model");  // valid when stored
  if (parts.ok()) {
    out.Set("model_name", (*parts)[2]);
    out.Set("catalog_name", (*parts)[0]);
    out.Set("schema_name", (*parts)[1]);
  }
  out.Set("version", v.version);
  out.Set("source", v.source);
  if (!v.run_id.empty()) out.Set("run_id", v.run_id);
  out.Set("status", registry::VersionStatusName(v.status));
  if (!v.description.empty()) out.Set("comment", v.description);
  out.Set("storage_location", v.storage_location);
  out.Set("created_at", v.creation_timestamp);
  out.Set("created_by", v.user_id);
  out.Set("updated_at", v.last_updated_timestamp);
  out.Set("id", v.model_id + "/" + std::to_string(v.version));
  json::Value aliases = json::Value::MakeArray();
  for (const std::string& a : v.aliases) aliases.Append(UcAlias(a, v.version));
  out.Set("aliases", std::move(aliases));
  return out;
}

}  // namespace keel::server::handlers

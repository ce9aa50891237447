#pragma once

// MLflow model-registry JSON (model_registry.proto): RegisteredModel, ModelVersion, and Keel's
// lineage and event extensions. Empty optional and repeated fields are omitted, as MLflow's
// JSON does.

#include "common/json.h"
#include "registry/registry_types.h"

namespace keel::server::handlers {

json::Value RenderModelVersion(const registry::ModelVersion& v);
json::Value RenderRegisteredModel(const registry::RegisteredModel& m);
json::Value RenderLineage(const registry::ModelVersion& v);
json::Value RenderRegistryEvent(const registry::RegistryEvent& e);

// Unity Catalog's shapes (/api/2.1/unity-catalog/models): RegisteredModelInfo and
// ModelVersionInfo, with aliases as [{alias_name, version_num}].
json::Value RenderRegisteredModelInfo(const registry::RegisteredModel& m);
json::Value RenderModelVersionInfo(const registry::ModelVersion& v);

}  // namespace keel::server::handlers

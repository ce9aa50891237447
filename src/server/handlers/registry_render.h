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

}  // namespace keel::server::handlers

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "registry/registry_types.h"
#include "tracking/tracking_types.h"

namespace keel::registry {

// The lineage of a model registered from `run`: the Delta tables its log-inputs datasets name
// (source JSON with delta_table_name / delta_table_version, as mlflow.data.load_delta logs
// them, or path / version for tables by path) and the code commit from its tags.
Lineage LineageOfRun(const tracking::Run& run);

json::Value LineageToJson(const Lineage& lineage);
// Tolerates missing fields (older rows); never fails on a stored document Keel wrote.
Lineage LineageFromJson(const json::Value& doc);

}  // namespace keel::registry

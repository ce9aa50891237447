#pragma once

#include "common/json.h"

// How a bundle target's `resources` override the base definitions. Private to jobs/bundle.
namespace keel::jobs::bundle_internal {

// Merges `over` into `base`: objects member by member (recursively); arrays of objects merge
// element by element when every element of both (non-empty) arrays has a string `task_key`,
// `job_cluster_key` or `name` (the first that all have), matching elements merging and new ones
// appended, as Databricks merges a target's tasks into a job's; any other value replaces.
void DeepMerge(json::Value* base, const json::Value& over);

}  // namespace keel::jobs::bundle_internal

#pragma once

// Lookups and permission checks shared by the files implementing TrackingService. Private to
// src/tracking.

#include <string>
#include <string_view>

#include "catalog/principal.h"
#include "metastore/database.h"
#include "tracking/experiment_store.h"
#include "tracking/tracking_types.h"

namespace keel::tracking::internal {

// A readable name for a run or logged model nobody named, in MLflow's "adjective-noun-NNN"
// style.
std::string GenerateRunName();

// "12" -> 12; INVALID_PARAMETER_VALUE for anything that is not a non-negative integer.
Result<int64_t> ParseExperimentId(std::string_view id);

// The experiment, or RESOURCE_DOES_NOT_EXIST.
Result<ExperimentRecord> FindExperiment(metastore::Transaction& tx, std::string_view id);

// The caller's level on the experiment (see TrackingService for the rules).
Result<PermissionLevel> EffectiveLevel(metastore::Transaction& tx, const catalog::Principal& caller,
                                       const ExperimentRecord& experiment);

// PERMISSION_DENIED unless the caller has at least `needed`.
Status Require(metastore::Transaction& tx, const catalog::Principal& caller,
               const ExperimentRecord& experiment, PermissionLevel needed);

// The run, or RESOURCE_DOES_NOT_EXIST ("Run with id=... not found").
Result<RunInfo> FindRun(metastore::Transaction& tx, std::string_view run_id);

// Finds the run and its experiment and checks `needed`.
Result<RunInfo> FindRunFor(metastore::Transaction& tx, const catalog::Principal& caller,
                           std::string_view run_id, PermissionLevel needed);

// Every write to a run marks its experiment changed, so search indexes know they are stale.
Status BumpFor(metastore::Transaction& tx, const RunInfo& run);

// Logging needs an active run (MLflow refuses writes to deleted runs).
Status RequireActive(const RunInfo& run);

}  // namespace keel::tracking::internal

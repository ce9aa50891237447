#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "tracking/tracking_types.h"

namespace keel::tracking {

// MLflow's validation rules and limits (mlflow/utils/validation.py), so that a request MLflow
// would refuse is refused here with the same error code.
inline constexpr size_t kMaxEntityKeyBytes = 250;
inline constexpr size_t kMaxParamValueBytes = 6000;
inline constexpr size_t kMaxTagValueBytes = 8000;
inline constexpr size_t kMaxExperimentNameBytes = 500;
inline constexpr size_t kMaxRunNameBytes = 250;
inline constexpr size_t kMaxMetricsPerBatch = 1000;
inline constexpr size_t kMaxParamsPerBatch = 100;
inline constexpr size_t kMaxTagsPerBatch = 100;
inline constexpr size_t kMaxEntitiesPerBatch = 1000;
inline constexpr size_t kMaxDatasetsPerRequest = 1000;

// Keys of metrics, params and tags: 1-250 bytes of letters, digits, '_', '-', '.', ' ', '/'
// (and ':' as MLflow allows in newer versions), not "..", not starting with '/'.
Status ValidateEntityKey(std::string_view kind, std::string_view key);
Status ValidateParamValue(std::string_view key, std::string_view value);
Status ValidateTagValue(std::string_view key, std::string_view value);
// Experiment names: non-empty, at most kMaxExperimentNameBytes, no control characters.
Status ValidateExperimentName(std::string_view name);
// Logged model names (MLflow 3): at most kMaxRunNameBytes, none of / : . % " ' (they would
// break model URIs such as models:/<name>/...).
Status ValidateLoggedModelName(std::string_view name);
// Run status names.
Status ValidateRunStatus(std::string_view status);
// The counts of one log-batch.
Status ValidateBatchSize(size_t metrics, size_t params, size_t tags);

}  // namespace keel::tracking

#pragma once

// MLflow's JSON shapes for tracking entities (field names of mlflow/protos/service.proto;
// empty repeated fields are omitted, as protobuf's JSON mapping does).

#include "common/json.h"
#include "tracking/tracking_types.h"

namespace keel::server::handlers {

json::Value RenderExperiment(const tracking::Experiment& e);
json::Value RenderRunInfo(const tracking::RunInfo& info);
json::Value RenderRun(const tracking::Run& run);
json::Value RenderMetric(const tracking::Metric& m);
json::Value RenderKeyValues(const std::vector<tracking::KeyValue>& kvs);

// MLflow's INVALID_PARAMETER_VALUE for a missing required field.
Status MissingParameter(std::string_view field);
// A string field that must be present and non-empty.
Result<std::string> RequiredParam(const json::FieldReader& f, std::string_view field);

// Reads [{key, value}] (value optional -> "") from `body[field]`.
Result<std::vector<tracking::KeyValue>> ReadKeyValues(const json::Value& body,
                                                      std::string_view field);
// Reads one {key, value, timestamp, step} metric object.
Result<tracking::Metric> ReadMetric(const json::Value& obj);
// "ACTIVE_ONLY" (default) | "DELETED_ONLY" | "ALL".
Result<tracking::ViewType> ReadViewType(const json::FieldReader& f, std::string_view field);

}  // namespace keel::server::handlers

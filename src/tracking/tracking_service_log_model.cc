// runs/log-model: what MLflow 2.x clients send after `mlflow.<flavor>.log_model` uploaded the
// model's files — the MLmodel description, kept in the run's mlflow.log-model.history tag.

#include "common/json.h"
#include "tracking/run_store.h"
#include "tracking/tracking_internal.h"
#include "tracking/tracking_service.h"
#include "tracking/validation.h"

namespace keel::tracking {

namespace {
constexpr std::string_view kLogModelHistoryTag = "mlflow.log-model.history";
}  // namespace

Status TrackingService::LogModel(const catalog::Principal& caller, std::string_view run_id,
                                 std::string_view model_json) {
  auto parsed = json::Parse(model_json);
  if (!parsed.ok() || !parsed->is_object()) {
    return Status::InvalidArgument(
        "model_json must be a JSON object describing the model "
        "(the content of its MLmodel file)");
  }
  json::Value model = std::move(*parsed);
  std::string missing;
  for (const char* field : {"artifact_path", "flavors", "run_id", "utc_time_created"}) {
    if (model.Find(field) == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(field);
  }
  if (!missing.empty()) {
    return Status::InvalidArgument("Model json is missing mandatory fields: {" + missing + "}");
  }
  // As MLflow's stores do: the history keeps the model's tags dict, without the bulky
  // signature and input example.
  model.Erase("signature");
  model.Erase("saved_input_example_info");
  return db_->Write([&](metastore::Transaction& tx) -> Status {
    KEEL_ASSIGN_OR_RETURN(RunInfo info,
                          internal::FindRunFor(tx, caller, run_id, PermissionLevel::kCanEdit));
    KEEL_RETURN_IF_ERROR(internal::RequireActive(info));
    KEEL_RETURN_IF_ERROR(internal::BumpFor(tx, info));
    KEEL_ASSIGN_OR_RETURN(auto previous, RunStore::GetTag(tx, info.run_id, kLogModelHistoryTag));
    json::Value history = json::Value::MakeArray();
    if (previous) {
      auto parsed_history = json::Parse(*previous);
      if (parsed_history.ok() && parsed_history->is_array()) history = std::move(*parsed_history);
    }
    history.Append(std::move(model));
    std::string value = history.Dump();
    if (value.size() > kMaxTagValueBytes) {
      return Status::InvalidArgument(
          "the run's logged-model history would exceed the tag value "
          "limit of " +
          std::to_string(kMaxTagValueBytes) + " bytes; log further models in a new run");
    }
    return RunStore::SetTags(tx, info.run_id, {{std::string(kLogModelHistoryTag), value}});
  });
}

}  // namespace keel::tracking

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fs/file_system.h"
#include "common/json.h"
#include "common/result.h"

// MLflow's `MLmodel` file: the YAML description at the root of every model directory, naming
// the flavors a model can be loaded as (mlflow/models/model.py, Model.to_dict / Model.load).
namespace keel::registry {

// The file's name inside a model directory.
inline constexpr std::string_view kMlModelFileName = "MLmodel";
// Larger MLmodel files are refused (real ones are a few KiB). 16 MiB.
inline constexpr uint64_t kMaxMlModelFileBytes = 16 * 1024 * 1024;

// A model signature as MLflow stores it: each part is a JSON document (a column or tensor
// spec list) kept as a *string* inside the YAML, exactly as MLflow writes it. nullopt = null.
struct ModelSignature {
  std::optional<std::string> inputs;
  std::optional<std::string> outputs;
  std::optional<std::string> params;
  // Members other than the three above, kept and written back (an object; empty when none).
  json::Value extra = json::Value::MakeObject();

  bool operator==(const ModelSignature&) const = default;
};

// The fields of an MLmodel file. Optional fields that are absent (or null) in the file are
// nullopt / a null json::Value, and are not written back. A plain value type.
struct MlModel {
  std::optional<std::string> artifact_path;
  // Flavor name -> that flavor's settings (a mapping), e.g. "python_function" ->
  // {loader_module: mlflow.sklearn, ...}. Never empty in a parsed model.
  json::Value flavors = json::Value::MakeObject();
  std::optional<std::string> run_id;
  std::optional<std::string> model_uuid;
  // UTC, as Python's str(datetime): "%Y-%m-%d %H:%M:%S.%f" (no fraction when it is zero).
  std::optional<std::string> utc_time_created;
  std::optional<std::string> mlflow_version;
  std::optional<ModelSignature> signature;
  // A mapping ({artifact_path: input_example.json, type: dataframe, ...}) or null.
  json::Value saved_input_example_info;
  std::optional<int64_t> model_size_bytes;
  // A mapping of user metadata, or null.
  json::Value metadata;
  // MLflow 3: the LoggedModel this directory belongs to ("m-...").
  std::optional<std::string> model_id;
  std::optional<std::string> databricks_runtime;
  // Top-level fields this struct does not name (resources, env_vars, prompts, ...), kept and
  // written back unchanged (an object; empty when none).
  json::Value extra = json::Value::MakeObject();

  // The settings of flavor `name`, or nullptr.
  const json::Value* FindFlavor(std::string_view name) const { return flavors.Find(name); }
  // Flavor names in file order.
  std::vector<std::string> flavor_names() const;

  // The MLmodel text as MLflow writes it (yaml.safe_dump: block style, keys sorted at every
  // level). ParseMlModel(ToYaml()) gives back an equal MlModel.
  std::string ToYaml() const;
  // The same fields as a JSON object, as MLflow's Model.to_dict() (what clients send as
  // runs/log-model's model_json). Member order is unspecified. MlModelFromJson(ToJson()) gives
  // back an equal MlModel.
  json::Value ToJson() const;

  bool operator==(const MlModel&) const = default;
};

// Parses MLmodel text. Requires a mapping whose `flavors` is a non-empty mapping of mappings;
// known fields must have their types (strings, model_size_bytes a non-negative integer,
// signature / metadata / saved_input_example_info mappings).
// Errors: kInvalidParameterValue naming the field (or the YAML line and column).
Result<MlModel> ParseMlModel(std::string_view yaml_text);

// ParseMlModel's checks on an already parsed document (e.g. the model_json of runs/log-model).
// Errors: kInvalidParameterValue naming the field.
Result<MlModel> MlModelFromJson(const json::Value& doc);

// Reads `model_dir`/MLmodel. Errors: kResourceDoesNotExist when there is no MLmodel file (the
// directory is not a model); kCorruption naming the file when it is not a valid MLmodel or is
// larger than kMaxMlModelFileBytes; kIOError from the file system.
Result<MlModel> ReadMlModel(FileSystem* fs, const std::string& model_dir);

// Writes `model_dir`/MLmodel atomically (temporary file + rename), creating `model_dir` when
// needed. Errors: kIOError from the file system.
Status WriteMlModel(FileSystem* fs, const std::string& model_dir, const MlModel& model);

// utc_time_created for a time in microseconds since the Unix epoch, as MLflow writes it:
// "2023-07-08 04:53:25.446742" (no fraction when the microseconds are zero).
std::string FormatUtcTimeCreated(int64_t unix_micros);
// The inverse, accepting 0-6 fraction digits. Error: kInvalidParameterValue.
Result<int64_t> ParseUtcTimeCreated(std::string_view text);

}  // namespace keel::registry

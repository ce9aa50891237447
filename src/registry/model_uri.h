#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace keel::registry {

// A parsed `models:/` URI (MLflow's forms):
//   models:/<name>/<version>   a fixed version
//   models:/<name>@<alias>     the version an alias points at
//   models:/<name>/latest      the highest READY version
//   models:/m-<id>             an MLflow 3 logged model (not a registered one)
// <name> is "catalog.schema.model". Stages ("models:/m/Production") are refused: Keel uses
// aliases.
struct ModelUri {
  std::string name;
  std::optional<int64_t> version;
  std::string alias;
  bool latest = false;
  std::string logged_model_id;  // set for models:/m-<id>; then nothing else is
  std::string sub_path;         // anything after the version or alias ("models:/m/1/sub")
};

// Errors: kInvalidParameterValue saying which form is expected.
Result<ModelUri> ParseModelUri(std::string_view uri);

// "models:/dev.s.m/3", "models:/dev.s.m@champion".
std::string FormatModelUri(const ModelUri& uri);

// A version number from text: "1".."9223372036854775807" (MLflow sends versions as strings).
Result<int64_t> ParseVersionNumber(std::string_view text);

// Whether an alias name is acceptable: 1-255 letters, digits, '_' and '-'; "latest" and
// "v<digits>" are reserved (they would read as versions in a URI).
Status ValidateAlias(std::string_view alias);

}  // namespace keel::registry

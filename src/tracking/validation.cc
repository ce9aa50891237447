#include "tracking/validation.h"

#include <string>

namespace keel::tracking {

namespace {

bool HasControlBytes(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string Shorten(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 100)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  if (s.size() > 100) out += "...";
  return out;
}

}  // namespace

Status ValidateEntityKey(std::string_view kind, std::string_view key) {
  if (key.empty()) {
    return Status::InvalidArgument("Invalid " + std::string(kind) + " name: ''. Names may not be "
                                   "empty.");
  }
  if (key.size() > kMaxEntityKeyBytes) {
    return Status::InvalidArgument(std::string(kind) + " name '" + Shorten(key) + "' had length " +
                                   std::to_string(key.size()) + ", which exceeded length limit of " +
                                   std::to_string(kMaxEntityKeyBytes));
  }
  bool ok = key.front() != '/' && key.find("..") == std::string_view::npos;
  for (char c : key) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    ok = ok && (alnum || c == '_' || c == '-' || c == '.' || c == ' ' || c == '/' || c == ':');
  }
  if (!ok) {
    return Status::InvalidArgument(
        "Invalid " + std::string(kind) + " name: '" + Shorten(key) +
        "'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), "
        "spaces ( ), colons (:) and slashes (/), and may not start with '/' or contain '..'.");
  }
  return Status::OK();
}

Status ValidateParamValue(std::string_view key, std::string_view value) {
  if (value.size() > kMaxParamValueBytes) {
    return Status::InvalidArgument("Param value for key '" + Shorten(key) + "' had length " +
                                   std::to_string(value.size()) +
                                   ", which exceeded length limit of " +
                                   std::to_string(kMaxParamValueBytes));
  }
  return Status::OK();
}

Status ValidateTagValue(std::string_view key, std::string_view value) {
  if (value.size() > kMaxTagValueBytes) {
    return Status::InvalidArgument("Tag value for key '" + Shorten(key) + "' had length " +
                                   std::to_string(value.size()) +
                                   ", which exceeded length limit of " +
                                   std::to_string(kMaxTagValueBytes));
  }
  return Status::OK();
}

Status ValidateExperimentName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("Invalid experiment name: ''");
  if (name.size() > kMaxExperimentNameBytes) {
    return Status::InvalidArgument("Experiment name is " + std::to_string(name.size()) +
                                   " bytes; the limit is " +
                                   std::to_string(kMaxExperimentNameBytes));
  }
  if (HasControlBytes(name)) {
    return Status::InvalidArgument("Invalid experiment name '" + Shorten(name) +
                                   "': control characters are not allowed");
  }
  return Status::OK();
}

Status ValidateRunStatus(std::string_view status) {
  for (std::string_view s : {"RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"}) {
    if (status == s) return Status::OK();
  }
  return Status::InvalidArgument("Invalid run status '" + Shorten(status) +
                                 "'; use RUNNING, SCHEDULED, FINISHED, FAILED or KILLED");
}

Status ValidateBatchSize(size_t metrics, size_t params, size_t tags) {
  if (metrics > kMaxMetricsPerBatch || params > kMaxParamsPerBatch || tags > kMaxTagsPerBatch ||
      metrics + params + tags > kMaxEntitiesPerBatch) {
    return Status::InvalidArgument(
        "A batch logging request can contain at most " + std::to_string(kMaxMetricsPerBatch) +
        " metrics, " + std::to_string(kMaxParamsPerBatch) + " params, and " +
        std::to_string(kMaxTagsPerBatch) + " tags, and at most " +
        std::to_string(kMaxEntitiesPerBatch) + " entities in total. Got " +
        std::to_string(metrics) + " metrics, " + std::to_string(params) + " params, " +
        std::to_string(tags) + " tags");
  }
  return Status::OK();
}

Status ValidateLoggedModelName(std::string_view name) {
  if (name.size() > kMaxRunNameBytes) {
    return Status::InvalidArgument("Logged model name is longer than " +
                                   std::to_string(kMaxRunNameBytes) + " bytes; use a shorter name");
  }
  if (name.find_first_of("/:.%\"'") != std::string_view::npos) {
    return Status::InvalidArgument("Invalid model name ('" + std::string(name.substr(0, 250)) +
                                   "') provided. Model name must not contain any of the "
                                   "following characters: / : . % \" '");
  }
  return Status::OK();
}

}  // namespace keel::tracking

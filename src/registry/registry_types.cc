#include "registry/registry_types.h"

namespace keel::registry {

std::string_view VersionStatusName(VersionStatus status) {
  switch (status) {
    case VersionStatus::kPendingRegistration:
      return "PENDING_REGISTRATION";
    case VersionStatus::kReady:
      return "READY";
    case VersionStatus::kFailedRegistration:
      return "FAILED_REGISTRATION";
  }
  return "FAILED_REGISTRATION";
}

VersionStatus ParseVersionStatus(std::string_view name) {
  if (name == "READY") return VersionStatus::kReady;
  if (name == "PENDING_REGISTRATION") return VersionStatus::kPendingRegistration;
  return VersionStatus::kFailedRegistration;
}

}  // namespace keel::registry

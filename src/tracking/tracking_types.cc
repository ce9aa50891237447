#include "tracking/tracking_types.h"

namespace keel::tracking {

std::string_view PermissionLevelName(PermissionLevel level) {
  switch (level) {
    case PermissionLevel::kNone: return "NO_PERMISSIONS";
    case PermissionLevel::kCanRead: return "CAN_READ";
    case PermissionLevel::kCanEdit: return "CAN_EDIT";
    case PermissionLevel::kCanManage: return "CAN_MANAGE";
  }
  return "NO_PERMISSIONS";
}

Result<PermissionLevel> ParsePermissionLevel(std::string_view name) {
  for (PermissionLevel l : {PermissionLevel::kNone, PermissionLevel::kCanRead,
                            PermissionLevel::kCanEdit, PermissionLevel::kCanManage}) {
    if (PermissionLevelName(l) == name) return l;
  }
  return Status::InvalidArgument("unknown permission level '" + std::string(name.substr(0, 64)) +
                                 "'; use CAN_READ, CAN_EDIT or CAN_MANAGE");
}

}  // namespace keel::tracking

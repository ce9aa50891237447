#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace keel::catalog {

enum class PrincipalKind { kUser, kGroup, kServicePrincipal };

// "USER", "GROUP", "SERVICE_PRINCIPAL" (the metastore's spelling).
std::string_view PrincipalKindName(PrincipalKind kind);
Result<PrincipalKind> ParsePrincipalKind(std::string_view name);

// A user, group or service principal as stored.
struct PrincipalInfo {
  std::string id;
  std::string name;
  PrincipalKind kind = PrincipalKind::kUser;
  bool is_admin = false;
  bool active = true;
  int64_t created_at = 0;
  std::vector<std::string> groups;   // names of the groups it is a direct member of
  std::vector<std::string> members;  // for groups: names of direct members
};

// Who is calling: the authenticated principal with every group it belongs to, directly or
// through nested groups. Every service method takes one; authorization is decided from it.
struct Principal {
  std::string id;
  std::string name;
  PrincipalKind kind = PrincipalKind::kUser;
  bool is_admin = false;
  // ids of the principal itself and of all its groups (transitively): grants to any of these
  // apply to the caller.
  std::vector<std::string> identity_ids;
};

}  // namespace keel::catalog

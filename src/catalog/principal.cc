#include "catalog/principal.h"

#include <string>

namespace keel::catalog {

std::string_view PrincipalKindName(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kUser: return "USER";
    case PrincipalKind::kGroup: return "GROUP";
    case PrincipalKind::kServicePrincipal: return "SERVICE_PRINCIPAL";
  }
  return "USER";
}

Result<PrincipalKind> ParsePrincipalKind(std::string_view name) {
  if (name == "USER") return PrincipalKind::kUser;
  if (name == "GROUP") return PrincipalKind::kGroup;
  if (name == "SERVICE_PRINCIPAL") return PrincipalKind::kServicePrincipal;
  return Status::Internal("unknown principal kind '" + std::string(name) + "' in the metastore");
}

}  // namespace keel::catalog

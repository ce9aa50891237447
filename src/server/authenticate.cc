#include "server/authenticate.h"

namespace keel::server {

Result<catalog::Principal> Authenticate(const catalog::CatalogService& catalog,
                                        const http::Request& request) {
  const std::string* header = request.headers.Find("Authorization");
  if (header == nullptr) {
    return Status::Unauthenticated(
        "missing credentials: send 'Authorization: Bearer <token>' (for MLflow clients set "
        "MLFLOW_TRACKING_TOKEN); create a token with 'keel tokens create'");
  }
  std::string_view value = *header;
  constexpr std::string_view kBearer = "Bearer ";
  if (value.size() <= kBearer.size() || !http::EqualsIgnoreCase(value.substr(0, 7), kBearer)) {
    return Status::Unauthenticated("the Authorization header must be 'Bearer <token>'");
  }
  value.remove_prefix(kBearer.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return catalog.Authenticate(value);
}

}  // namespace keel::server

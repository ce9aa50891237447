#pragma once

#include "catalog/catalog_service.h"
#include "server/http/request.h"

namespace keel::server {

// The caller of a request, from `Authorization: Bearer <token>` (what MLflow clients send for
// MLFLOW_TRACKING_TOKEN and Databricks clients for DATABRICKS_TOKEN). kUnauthenticated when the
// header is missing, malformed, or the token is not valid.
Result<catalog::Principal> Authenticate(const catalog::CatalogService& catalog,
                                        const http::Request& request);

}  // namespace keel::server

#pragma once

#include "common/status.h"
#include "server/http/response.h"

namespace keel::server {

// The HTTP form of an error: the code's HTTP status and the MLflow/Databricks body
// {"error_code": "...", "message": "..."}. REQUIRES: !status.ok().
http::Response ErrorResponse(const Status& status);

}  // namespace keel::server

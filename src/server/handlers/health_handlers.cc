#include "server/handlers/handlers.h"

namespace keel::server::handlers {

Result<http::Response> Health(Services&, const RequestContext&) {
  json::Value body;
  body.Set("status", "ok");
  return http::Response::Json(200, body);
}

}  // namespace keel::server::handlers

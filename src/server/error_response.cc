#include "server/error_response.h"

namespace keel::server {

http::Response ErrorResponse(const Status& status) {
  return http::Response::Error(ErrorCodeHttpStatus(status.code()), ErrorCodeName(status.code()),
                               status.message());
}

}  // namespace keel::server

#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/http/response.h"
#include "server/request_context.h"
#include "server/services.h"

namespace keel::server {

using HandlerFn = Result<http::Response> (*)(Services& services, const RequestContext& ctx);

// One row of the endpoint table (routes.cc). `pattern` is a path whose segments are literals or
// `{param}` placeholders; a placeholder matches one non-empty segment (percent-decoded). A
// trailing `{param...}` matches the rest of the path, slashes included.
struct Route {
  std::string_view method;
  std::string_view pattern;
  HandlerFn handler;
  bool is_public = false;  // no token needed (health)
};

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
};

// Finds the route for a request. Error kEndpointNotFound when no pattern matches the path or
// none matches the method; kInvalidParameterValue when a path segment is badly encoded.
Result<RouteMatch> MatchRoute(const std::vector<Route>& routes, std::string_view method,
                              std::string_view path);

}  // namespace keel::server

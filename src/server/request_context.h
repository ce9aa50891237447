#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/principal.h"
#include "common/json.h"
#include "common/result.h"
#include "server/http/request.h"

namespace keel::server {

// What a handler gets: the request, the authenticated caller (null only on public routes),
// the decoded path parameters of its route, and the JSON body.
class RequestContext {
 public:
  RequestContext(const http::Request& request, const catalog::Principal* caller,
                 std::map<std::string, std::string> path_params)
      : request_(request), caller_(caller), path_params_(std::move(path_params)) {}

  const http::Request& request() const { return request_; }
  // REQUIRES: the route is not public.
  const catalog::Principal& caller() const { return *caller_; }

  // A path parameter of the route ("{name}"); empty when the route has none of that name.
  std::string PathParam(std::string_view name) const;
  // A query parameter, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  // A boolean query parameter ("true"/"false"); error on any other value.
  Result<bool> QueryBool(std::string_view name, bool fallback) const;
  // A non-negative integer query parameter; error on any other value.
  Result<int64_t> QueryInt(std::string_view name, int64_t fallback) const;

  // The body parsed as a JSON object. An empty body reads as {} (GET/DELETE with no body).
  // Malformed JSON is MALFORMED_REQUEST. Parsed once.
  Result<json::Value> JsonBody() const;

  // For GET requests MLflow-style clients send parameters in the query string, for POST in the
  // body. This merges both: body fields first, then query parameters (as strings) that the
  // body does not have.
  Result<json::Value> Params() const;

 private:
  const http::Request& request_;
  const catalog::Principal* caller_;
  std::map<std::string, std::string> path_params_;
};

}  // namespace keel::server

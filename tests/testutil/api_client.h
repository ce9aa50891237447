#pragma once

#include <string>
#include <string_view>

#include "common/json.h"
#include "common/result.h"

namespace keel::testutil {

// One JSON API response: the status, the raw body and the body parsed (null when not JSON).
struct ApiResponse {
  int status = 0;
  std::string body;
  json::Value json;

  // The MLflow/Databricks error_code of an error body, or "".
  std::string error_code() const;
};

// Talks JSON to a `keel server` on loopback, as one principal (its bearer token; empty: no
// Authorization header).
class ApiClient {
 public:
  ApiClient(std::string host, uint16_t port, std::string token)
      : host_(std::move(host)), port_(port), token_(std::move(token)) {}

  Result<ApiResponse> Call(std::string_view method, std::string_view target,
                           std::string_view body = {}) const;
  Result<ApiResponse> Get(std::string_view target) const { return Call("GET", target); }
  Result<ApiResponse> Post(std::string_view target, const json::Value& body) const {
    return Call("POST", target, body.Dump());
  }
  Result<ApiResponse> Patch(std::string_view target, const json::Value& body) const {
    return Call("PATCH", target, body.Dump());
  }
  Result<ApiResponse> Delete(std::string_view target) const { return Call("DELETE", target); }

  ApiClient As(std::string token) const { return ApiClient(host_, port_, std::move(token)); }

 private:
  std::string host_;
  uint16_t port_;
  std::string token_;
};

}  // namespace keel::testutil

#include "testutil/api_client.h"

#include "server/http/http_client.h"

namespace keel::testutil {

std::string ApiResponse::error_code() const {
  const json::Value* code = json.Find("error_code");
  return code && code->is_string() ? code->as_string() : "";
}

Result<ApiResponse> ApiClient::Call(std::string_view method, std::string_view target,
                                    std::string_view body) const {
  http::Headers headers;
  if (!token_.empty()) headers.Add("Authorization", "Bearer " + token_);
  if (!body.empty()) headers.Add("Content-Type", "application/json");
  KEEL_ASSIGN_OR_RETURN(http::ClientResponse r,
                        http::Send(method, host_, port_, target, headers, body));
  ApiResponse out;
  out.status = r.status;
  out.body = std::move(r.body);
  auto parsed = json::Parse(out.body);
  if (parsed.ok()) out.json = std::move(parsed).value();
  return out;
}

}  // namespace keel::testutil

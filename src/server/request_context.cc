#include "server/request_context.h"

#include <charconv>

namespace keel::server {

std::string RequestContext::PathParam(std::string_view name) const {
  auto it = path_params_.find(std::string(name));
  return it == path_params_.end() ? std::string() : it->second;
}

std::optional<std::string> RequestContext::Query(std::string_view name) const {
  const std::string* v = request_.QueryParam(name);
  if (v == nullptr) return std::nullopt;
  return *v;
}

Result<bool> RequestContext::QueryBool(std::string_view name, bool fallback) const {
  auto v = Query(name);
  if (!v) return fallback;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  return Status::InvalidArgument("query parameter '" + std::string(name) +
                                 "' must be true or false");
}

Result<int64_t> RequestContext::QueryInt(std::string_view name, int64_t fallback) const {
  auto text = Query(name);
  if (!text) return fallback;
  int64_t out = 0;
  auto res = std::from_chars(text->data(), text->data() + text->size(), out);
  if (text->empty() || res.ec != std::errc() || res.ptr != text->data() + text->size() || out < 0) {
    return Status::InvalidArgument("parameter '" + std::string(name) +
                                   "' must be a non-negative integer");
  }
  return out;
}

Result<json::Value> RequestContext::JsonBody() const {
  const std::string& body = request_.body;
  bool blank = body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) return json::Value::MakeObject();
  KEEL_ASSIGN_OR_RETURN(json::Value v, json::Parse(body));
  if (!v.is_object()) return Status::Malformed("the request body must be a JSON object");
  return v;
}

Result<json::Value> RequestContext::Params() const {
  KEEL_ASSIGN_OR_RETURN(json::Value v, JsonBody());
  for (const auto& [key, value] : request_.query_params) {
    if (v.Find(key) == nullptr) v.Set(key, value);
  }
  return v;
}

}  // namespace keel::server

#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace keel::http {

// An ordered list of HTTP header fields with case-insensitive name lookup. Names keep the
// spelling they arrived (or were added) with; repeated fields are kept as separate entries in
// arrival order.
//
// Thread-safety: a value; const methods may be called concurrently.
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  Headers() = default;
  Headers(std::initializer_list<Field> fields) : fields_(fields) {}

  // Appends a field (a repeated name keeps both).
  void Add(std::string name, std::string value);
  // Replaces every field called `name` by one field.
  void Set(std::string_view name, std::string value);
  // Removes every field called `name`; returns how many were removed.
  size_t Remove(std::string_view name);

  // The first value of `name`, or nullptr when absent.
  const std::string* Find(std::string_view name) const;
  // The first value of `name`, or `fallback`.
  std::string Get(std::string_view name, std::string_view fallback = "") const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }
  // Every value of `name`, in order.
  std::vector<std::string> GetAll(std::string_view name) const;
  // True when the comma-separated token list in any `name` field contains `token`
  // (case-insensitive), e.g. HasToken("Connection", "close").
  bool HasToken(std::string_view name, std::string_view token) const;

  const std::vector<Field>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

// ASCII case-insensitive equality (header names, tokens).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// One parsed HTTP request, as RequestParser produces it and a handler receives it.
struct Request {
  std::string method;        // as sent, case-sensitive ("GET", "POST", ...)
  std::string target;        // the raw request-target ("/a%20b?x=1")
  std::string path;          // the raw path of the target, not percent-decoded ("/a%20b")
  std::string query;         // the raw query string, without '?' ("x=1"); empty when none
  QueryParams query_params;  // `query` split on '&' and '=', percent-decoded, '+' as space
  int version_minor = 1;     // HTTP/1.<version_minor>: 0 or 1
  Headers headers;
  std::string body;         // de-chunked
  // When the body was streamed to disk (RequestParserOptions::body_sink_factory): the file that
  // holds it, and `body` is empty. The server removes the file after the handler returns, so a
  // handler that keeps the bytes renames it away.
  std::string body_file;
  std::string remote_addr;  // "127.0.0.1:54321"; empty outside a server
  bool keep_alive = true;   // whether the client wants the connection kept open

  // The first decoded value of query parameter `name`, or nullptr.
  const std::string* QueryParam(std::string_view name) const;
  // Every decoded value of query parameter `name`, in order.
  std::vector<std::string> QueryParamAll(std::string_view name) const;
  // `path` percent-decoded ('+' stays '+'). Errors: kMalformedRequest on a bad escape or an
  // encoded NUL.
  Result<std::string> DecodedPath() const;
};

// Percent-decodes `s`; with `plus_as_space`, '+' becomes ' ' (form/query encoding).
// Errors: kMalformedRequest on '%' not followed by two hex digits, or on "%00".
Result<std::string> PercentDecode(std::string_view s, bool plus_as_space);

// Percent-encodes every byte outside RFC 3986's unreserved set (ALPHA DIGIT - . _ ~);
// with `keep_slash`, '/' is kept (for paths).
std::string PercentEncode(std::string_view s, bool keep_slash = false);

// Splits "a=1&b=x%20y&c" into {("a","1"),("b","x y"),("c","")}. Empty pieces are skipped.
// Errors: as PercentDecode.
Result<QueryParams> ParseQueryString(std::string_view query);

// Builds "a=1&b=x%20y" from pairs (the inverse of ParseQueryString).
std::string BuildQueryString(const QueryParams& params);

}  // namespace keel::http

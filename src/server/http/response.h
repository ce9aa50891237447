#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/fs/file_system.h"
#include "common/json.h"
#include "server/http/request.h"

namespace keel::http {

inline constexpr std::string_view kJsonContentType = "application/json";
inline constexpr std::string_view kTextContentType = "text/plain; charset=utf-8";

// One HTTP response as a handler returns it. The server adds Content-Length, Connection and
// Date itself; a handler sets status, content_type, body and any extra headers.
//
// Thread-safety: a value.
struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header
  Headers headers;           // extra headers (must not contain CR, LF or NUL)
  std::string body;
  // A body too large for memory (artifact downloads): when set, the server sends its size as
  // Content-Length and streams its bytes in chunks; `body` is ignored.
  std::shared_ptr<const RandomAccessFile> body_stream;

  // `body` serialised compactly, with Content-Type application/json.
  static Response Json(int status, const json::Value& body);
  static Response Text(int status, std::string body,
                       std::string_view content_type = kTextContentType);
  // No body (e.g. 204).
  static Response Empty(int status);
  // The error shape every Keel client understands: {"error_code": ..., "message": ...}.
  static Response Error(int status, std::string_view error_code, std::string_view message);
};

// The reason phrase for a status code ("Not Found"); "Unknown" for codes we do not name.
std::string_view StatusReason(int status);

// The MLflow-style error_code string the HTTP layer uses for its own errors (400 →
// MALFORMED_REQUEST, 413/414/431 → REQUEST_LIMIT_EXCEEDED, 408/503 → TEMPORARILY_UNAVAILABLE,
// 501/505 → NOT_IMPLEMENTED, 404 → ENDPOINT_NOT_FOUND, other 5xx → INTERNAL_ERROR).
std::string_view ErrorCodeForStatus(int status);

// Serialises the status line, headers and (unless `head_only` or the body is streamed) the body. Adds Content-Length
// (except for 1xx/204/304), Content-Type when set, and "Connection: close" or "keep-alive".
// Header fields containing CR, LF or NUL are dropped rather than allowing response splitting.
std::string SerializeResponse(const Response& response, bool keep_alive, bool head_only);

}  // namespace keel::http

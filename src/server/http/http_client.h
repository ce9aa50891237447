#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/http/request.h"
#include "server/http/socket_io.h"

namespace keel::http {

// A small blocking HTTP/1.1 client for loopback use: tests, the CLI talking to a server,
// webhooks. No TLS, no redirects, no proxies.

struct ClientOptions {
  static constexpr int64_t kDefaultTimeoutMillis = 30'000;
  static constexpr size_t kDefaultMaxResponseBodyBytes = 256 * 1024 * 1024;
  static constexpr size_t kMaxResponseHeadBytes = 64 * 1024;

  // Deadline for one whole exchange: connect, send and receive. Default: 30 s.
  int64_t timeout_millis = kDefaultTimeoutMillis;
  // Larger response bodies fail with kRequestLimitExceeded. Default: 256 MiB.
  size_t max_response_body_bytes = kDefaultMaxResponseBodyBytes;
};

struct ClientResponse {
  int status = 0;
  std::string reason;
  Headers headers;
  std::string body;  // de-chunked
};

// The parts of an "http://host[:port][/target]" URL.
struct Url {
  std::string host;  // "127.0.0.1", "localhost" or an IPv6 address without brackets
  uint16_t port = 80;
  std::string target;  // "/path?query"; "/" when absent
};

// Parses an http:// URL. Errors: kInvalidParameterValue (not http, bad port, empty host).
Result<Url> ParseUrl(std::string_view url);

// One request on a fresh connection (closed afterwards). Adds Host, Content-Length (when there
// is a body or the method is POST/PUT/PATCH) and "Connection: close". Errors: kIOError
// (connect refused, peer closed early, malformed response), kTemporarilyUnavailable (timeout),
// kRequestLimitExceeded (response too large). Any HTTP status, 4xx/5xx too, is a successful
// Result: check `status`.
Result<ClientResponse> Send(std::string_view method, std::string_view url,
                            const Headers& headers = {}, std::string_view body = {},
                            const ClientOptions& options = {});
Result<ClientResponse> Send(std::string_view method, const std::string& host, uint16_t port,
                            std::string_view target, const Headers& headers = {},
                            std::string_view body = {}, const ClientOptions& options = {});

// A persistent (keep-alive) connection to one server, for benchmarks and chatty clients. It
// connects lazily, reuses the socket while the server keeps it open, and reconnects once when
// a reused connection turns out to have been closed by the server before answering.
//
// Thread-safety: not thread-safe; use one per thread.
class HttpConnection {
 public:
  HttpConnection(std::string host, uint16_t port, ClientOptions options = {});

  // Sends one request and reads the whole response. Errors as Send().
  Result<ClientResponse> Send(std::string_view method, std::string_view target,
                              const Headers& headers = {}, std::string_view body = {});
  // Closes the socket (the next Send reconnects).
  void Close();
  bool connected() const { return fd_.valid(); }

 private:
  Result<ClientResponse> SendOnce(std::string_view method, std::string_view target,
                                  const Headers& headers, std::string_view body,
                                  bool* nothing_received);
  // Reads more bytes into in_. Returns false at end of stream.
  Result<bool> ReadMore(int64_t deadline_ms);
  // Returns the next CRLF-terminated line (without CRLF), reading as needed.
  Result<std::string> ReadLine(size_t limit, int64_t deadline_ms);
  Status ReadExactly(size_t n, std::string* out, int64_t deadline_ms);

  std::string host_;
  uint16_t port_;
  ClientOptions options_;
  UniqueFd fd_;
  std::string in_;  // received, not yet consumed
};

}  // namespace keel::http

#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "server/http/server.h"
#include "server/services.h"

namespace keel::server {

struct ApiServerOptions {
  std::string host = "127.0.0.1";
  int port = 5000;  // 0: pick a free port
  // Worker threads serving requests. Default: 16.
  int worker_threads = 16;
  // Largest request body accepted. Default: 64 MiB.
  size_t max_request_body_bytes = 64u << 20;
  // Directory where artifact uploads are spooled as they stream in (so that they may exceed
  // max_request_body_bytes without using memory); it should be on the artifact store's file
  // system so that finished uploads move into place by rename. Empty: no streaming uploads.
  std::string spool_dir;
  // Largest streamed upload. Default: 16 GiB.
  uint64_t max_streamed_body_bytes = uint64_t{16} << 30;
};

// `keel server`: the HTTP API over the services. Every request goes through one path:
// route lookup (404 ENDPOINT_NOT_FOUND) -> authentication (401) -> handler -> JSON. A handler
// that throws or fails unexpectedly becomes 500 INTERNAL_ERROR and the server stays up.
//
// Thread-safety: Start/Shutdown from the owning thread; requests are served concurrently.
class ApiServer {
 public:
  ApiServer(Services services, ApiServerOptions options);
  ~ApiServer();

  Status Start();
  // Stops accepting, lets in-flight requests finish, then returns.
  void Shutdown();
  int port() const;

  // Serves one request (also used by in-process tests).
  http::Response Handle(const http::Request& request);

 private:
  Services services_;
  ApiServerOptions options_;
  std::unique_ptr<http::HttpServer> http_;
};

}  // namespace keel::server

#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "server/http/request.h"
#include "server/http/request_parser.h"
#include "server/http/response.h"
#include "server/http/socket_io.h"

namespace keel::http {

// Settings of HttpServer, with their defaults.
struct HttpServerOptions {
  static constexpr int kDefaultWorkerThreads = 16;
  static constexpr int64_t kDefaultReadTimeoutMillis = 30'000;
  static constexpr int64_t kDefaultKeepAliveIdleMillis = 5'000;
  static constexpr int64_t kDefaultWriteTimeoutMillis = 30'000;
  static constexpr int64_t kDefaultShutdownTimeoutMillis = 10'000;
  static constexpr size_t kDefaultMaxConnections = 1024;
  static constexpr int kListenBacklog = 512;

  // Address to bind: a numeric address or a name. Default: "127.0.0.1" (loopback only).
  std::string host = "127.0.0.1";
  // TCP port; 0 picks a free one (read it back with HttpServer::port()). Default: 0.
  uint16_t port = 0;
  // Threads that parse requests and run the handler. Default: 16.
  int worker_threads = kDefaultWorkerThreads;
  // The request line and headers must arrive within this many ms of the request's first byte,
  // and a body may not stall (no byte at all) for longer; otherwise 408 and close. This is
  // what stops slow clients ("slowloris"). Default: 30 s.
  int64_t read_timeout_millis = kDefaultReadTimeoutMillis;
  // A keep-alive connection with no request in progress is closed after this idle time.
  // Default: 5 s.
  int64_t keep_alive_idle_millis = kDefaultKeepAliveIdleMillis;
  // A client that does not read its response for this long is disconnected. Default: 30 s.
  int64_t write_timeout_millis = kDefaultWriteTimeoutMillis;
  // Shutdown() waits this long for in-flight requests before cutting connections.
  // Default: 10 s.
  int64_t shutdown_timeout_millis = kDefaultShutdownTimeoutMillis;
  // Connections beyond this get an immediate 503 and are closed. Default: 1024.
  size_t max_connections = kDefaultMaxConnections;
  // Request size limits (see RequestParserOptions for their defaults).
  RequestParserOptions limits;
  // Log one kInfo line per request: method, path (never the query or body), status, ms.
  bool log_requests = true;
};

// Produces the response to one request. Called concurrently from worker threads, so it must be
// thread-safe. It may throw: the server catches everything at the per-request boundary, logs
// it and answers 500 {"error_code":"INTERNAL_ERROR","message":...}; the server stays up.
using Handler = std::function<Response(const Request&)>;

// An HTTP/1.1 server: one event thread accepts connections and watches idle ones with poll();
// when a connection has bytes to read it goes to a pool of workers, which read without
// blocking, parse (RequestParser), call the handler and write the response. A worker never
// waits for a slow client's next bytes: an incomplete request goes back to the event thread,
// which enforces the read and idle timeouts. Keep-alive, pipelining and "Expect:
// 100-continue" are supported; bodies over the limit are refused with 413 from
// Content-Length alone, without reading them.
//
// Thread-safety: Start() and Shutdown() must be called from one thread (the owner); port() and
// the accessors are safe from any thread after Start().
class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Handler handler);
  // Calls Shutdown().
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads. Errors: kTemporarilyUnavailable when the port is in
  // use, kIOError for other socket failures (the message names host:port), kInvalidState when
  // already started.
  Status Start();

  // Graceful stop: stops accepting (new connections are refused at once), closes idle
  // keep-alive connections, lets requests in progress finish and answers them with
  // "Connection: close", waiting at most shutdown_timeout_millis; then cuts the remaining
  // connections and joins the threads. A handler that never returns blocks the join: handlers
  // must finish. Idempotent.
  void Shutdown();

  // The bound port (useful with options.port == 0). REQUIRES: Start() succeeded.
  uint16_t port() const { return bound_port_; }
  const std::string& host() const { return options_.host; }
  // Open client connections (for tests and metrics).
  size_t open_connections() const;

 private:
  struct Connection;

  void EventLoop();
  void AcceptAll(std::vector<std::unique_ptr<Connection>>* idle);
  void WorkerLoop();
  // Reads what is available, serves complete requests; returns the connection when it should
  // stay open and wait for more bytes, nullptr once it has been closed.
  std::unique_ptr<Connection> Serve(std::unique_ptr<Connection> conn);
  // Serves the requests already buffered. Returns false when the connection must close.
  bool ProcessBuffered(Connection* conn);
  bool WriteResponse(Connection* conn, const Response& response, bool keep_alive, bool head_only);
  Response InvokeHandler(const Request& request);
  void CloseConnection(std::unique_ptr<Connection> conn);
  void Wake();

  const HttpServerOptions options_;
  const Handler handler_;
  uint16_t bound_port_ = 0;
  UniqueFd listen_fd_;  // owned by the event thread once started
  UniqueFd wake_read_;
  UniqueFd wake_write_;
  std::thread event_thread_;
  std::vector<std::thread> workers_;
  bool started_ = false;  // owner thread only
  bool stopped_ = false;  // owner thread only

  mutable std::mutex mu_;
  std::condition_variable work_cv_;               // work_ grew, or stop_workers_
  std::condition_variable state_cv_;              // a connection closed, or the listener closed
  std::deque<std::unique_ptr<Connection>> work_;  // guarded by mu_
  std::vector<std::unique_ptr<Connection>> returned_;  // guarded by mu_: back to the event loop
  std::unordered_set<int> open_fds_;                   // guarded by mu_
  bool shutting_down_ = false;                         // guarded by mu_
  bool listener_closed_ = false;                       // guarded by mu_
  bool stop_event_loop_ = false;                       // guarded by mu_
  bool stop_workers_ = false;                          // guarded by mu_
};

}  // namespace keel::http

#include "server/http/server.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>

#include "common/log.h"

namespace keel::http {

namespace {

// Bytes read from a socket per recv() call.
constexpr size_t kReadChunkBytes = 64 * 1024;
constexpr uint64_t kStreamChunkBytes = 1 << 20;  // bytes read from a streamed body at a time
// After refusing a request (e.g. 413) the server stops writing, then discards at most this
// many further bytes, for at most kLingerMillis, so that the client reads the error instead
// of a connection reset.
constexpr size_t kMaxLingerBytes = 1024 * 1024;
constexpr int64_t kLingerMillis = 200;
// Longest sleep of the event thread when no deadline is nearer.
constexpr int kMaxPollMillis = 1000;

constexpr std::string_view kContinueLine = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

struct HttpServer::Connection {
  UniqueFd fd;
  std::string remote;
  RequestParser parser;
  std::string in;  // received bytes not yet consumed by the parser
  int64_t opened_ms = 0;
  int64_t request_started_ms = 0;  // first byte of the current request; 0 = none yet
  int64_t last_activity_ms = 0;    // last byte received or response sent
  int64_t deadline_ms = 0;         // while parked in the event loop
  int requests_served = 0;

  explicit Connection(const RequestParserOptions& limits) : parser(limits) {}
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

HttpServer::~HttpServer() { Shutdown(); }

size_t HttpServer::open_connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_fds_.size();
}

Status HttpServer::Start() {
  if (started_) return Status::InvalidState("HTTP server already started");
  std::string where = options_.host + ":" + std::to_string(options_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  std::string port_text = std::to_string(options_.port);
  int gai = ::getaddrinfo(options_.host.c_str(), port_text.c_str(), &hints, &found);
  if (gai != 0) {
    return Status::InvalidArgument("cannot resolve listen host '" + options_.host +
                                   "': " + ::gai_strerror(gai));
  }
  UniqueFd fd(::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    ::freeaddrinfo(found);
    return Status::IOError("cannot create a socket for " + where + ": " + std::strerror(errno));
  }
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  int rc = ::bind(fd.get(), found->ai_addr, found->ai_addrlen);
  int bind_errno = errno;
  ::freeaddrinfo(found);
  if (rc != 0) {
    if (bind_errno == EADDRINUSE) {
      return Status::Unavailable("port " + std::to_string(options_.port) + " on " + options_.host +
                                 " is already in use; choose another port or stop the process "
                                 "that holds it");
    }
    return Status::IOError("cannot bind " + where + ": " + std::strerror(bind_errno));
  }
  if (::listen(fd.get(), HttpServerOptions::kListenBacklog) != 0) {
    return Status::IOError("cannot listen on " + where + ": " + std::strerror(errno));
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof(bound);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_len);
  bound_port_ = bound.ss_family == AF_INET6
                    ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                    : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    return Status::IOError(std::string("cannot create a wake-up pipe: ") + std::strerror(errno));
  }
  wake_read_.reset(pipe_fds[0]);
  wake_write_.reset(pipe_fds[1]);
  listen_fd_ = std::move(fd);

  started_ = true;
  event_thread_ = std::thread([this] { EventLoop(); });
  int worker_count = std::max(1, options_.worker_threads);
  workers_.reserve(static_cast<size_t>(worker_count));
  for (int i = 0; i < worker_count; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  KEEL_LOG(kInfo) << "HTTP server listening on " << options_.host << ":" << bound_port_ << " ("
                  << worker_count << " workers)";
  return Status::OK();
}

void HttpServer::Shutdown() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
  }
  Wake();
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(options_.shutdown_timeout_millis);
  {
    std::unique_lock<std::mutex> lock(mu_);
    state_cv_.wait_until(lock, deadline, [&] { return listener_closed_; });
    bool drained = state_cv_.wait_until(lock, deadline, [&] { return open_fds_.empty(); });
    if (!drained) {
      KEEL_LOG(kWarning) << "HTTP server shutdown: cutting " << open_fds_.size()
                         << " connection(s) still open after " << options_.shutdown_timeout_millis
                         << " ms";
      // shutdown(), not close(): the owner of each fd closes it, so no fd number is reused
      // while another thread still holds it.
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    stop_event_loop_ = true;
    stop_workers_ = true;
  }
  Wake();
  work_cv_.notify_all();
  if (event_thread_.joinable()) event_thread_.join();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  KEEL_LOG(kInfo) << "HTTP server on port " << bound_port_ << " stopped";
}

void HttpServer::Wake() {
  char byte = 1;
  // A full pipe already guarantees a wake-up, so EAGAIN is fine to ignore.
  [[maybe_unused]] ssize_t n = ::write(wake_write_.get(), &byte, 1);
}

void HttpServer::EventLoop() {
  std::vector<std::unique_ptr<Connection>> idle;  // connections waiting for bytes
  std::vector<pollfd> fds;
  while (true) {
    bool shutting_down = false;
    bool stop = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& c : returned_) idle.push_back(std::move(c));
      returned_.clear();
      shutting_down = shutting_down_;
      stop = stop_event_loop_;
    }
    if (shutting_down && listen_fd_.valid()) {
      listen_fd_.reset();
      {
        std::lock_guard<std::mutex> lock(mu_);
        listener_closed_ = true;
      }
      state_cv_.notify_all();
    }
    if (stop) {
      for (auto& c : idle) CloseConnection(std::move(c));
      return;
    }

    // Expire connections past their deadline; during shutdown drop the idle keep-alive ones.
    int64_t now = MonotonicMillis();
    for (size_t i = 0; i < idle.size();) {
      Connection* c = idle[i].get();
      bool expired = now >= c->deadline_ms;
      bool between_requests = !c->parser.started() && c->in.empty();
      if (!expired && !(shutting_down && between_requests)) {
        ++i;
        continue;
      }
      if (expired && c->parser.started()) {
        Response timeout = Response::Error(408, ErrorCodeForStatus(408),
                                           "the request did not arrive within the read timeout");
        // One non-blocking attempt: the event thread must never wait on a slow peer.
        std::string bytes = SerializeResponse(timeout, false, false);
        [[maybe_unused]] ssize_t n =
            ::send(c->fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        KEEL_LOG(kInfo) << "closing connection from " << c->remote
                        << ": request incomplete after the read timeout (408)";
      }
      CloseConnection(std::move(idle[i]));
      idle[i] = std::move(idle.back());
      idle.pop_back();
    }

    fds.clear();
    fds.push_back({wake_read_.get(), POLLIN, 0});
    bool listening = listen_fd_.valid();
    if (listening) fds.push_back({listen_fd_.get(), POLLIN, 0});
    size_t first_conn = fds.size();
    int64_t next_deadline = now + kMaxPollMillis;
    for (const auto& c : idle) {
      fds.push_back({c->fd.get(), POLLIN, 0});
      next_deadline = std::min(next_deadline, c->deadline_ms);
    }
    int timeout = static_cast<int>(std::max<int64_t>(0, next_deadline - now));
    int rc = ::poll(fds.data(), fds.size(), timeout);
    if (rc < 0) {
      if (errno != EINTR) {
        KEEL_LOG(kError) << "poll failed: " << std::strerror(errno);
      }
      continue;
    }
    if (fds[0].revents != 0) {
      char drain[256];
      while (::read(wake_read_.get(), drain, sizeof(drain)) > 0) {
      }
    }
    // Hand readable connections to the workers (before accepting, which appends to `idle`).
    std::vector<std::unique_ptr<Connection>> ready;
    for (size_t i = idle.size(); i-- > 0;) {
      if (fds[first_conn + i].revents == 0) continue;
      ready.push_back(std::move(idle[i]));
      idle[i] = std::move(idle.back());
      idle.pop_back();
    }
    if (!ready.empty()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto& c : ready) work_.push_back(std::move(c));
      }
      work_cv_.notify_all();
    }
    if (listening && fds[1].revents != 0) AcceptAll(&idle);
  }
}

void HttpServer::AcceptAll(std::vector<std::unique_ptr<Connection>>* idle) {
  while (true) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof(peer);
    int fd = ::accept4(listen_fd_.get(), reinterpret_cast<sockaddr*>(&peer), &peer_len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE) {
        KEEL_LOG(kWarning) << "accept: out of file descriptors; raise `ulimit -n`";
        // Level-triggered poll would spin; back off briefly.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      return;
    }
    UniqueFd owned(fd);
    size_t open = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      open = open_fds_.size();
    }
    if (open >= options_.max_connections) {
      Response busy = Response::Error(503, ErrorCodeForStatus(503),
                                      "the server has too many open connections; retry later");
      std::string bytes = SerializeResponse(busy, false, false);
      [[maybe_unused]] ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto conn = std::make_unique<Connection>(options_.limits);
    conn->fd = std::move(owned);
    conn->remote = FormatSocketAddress(reinterpret_cast<sockaddr*>(&peer), peer_len);
    conn->opened_ms = MonotonicMillis();
    conn->last_activity_ms = conn->opened_ms;
    conn->deadline_ms = conn->opened_ms + options_.read_timeout_millis;
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_fds_.insert(conn->fd.get());
    }
    idle->push_back(std::move(conn));
  }
}

void HttpServer::WorkerLoop() {
  while (true) {
    std::unique_ptr<Connection> conn;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return stop_workers_ || !work_.empty(); });
      if (work_.empty()) return;
      conn = std::move(work_.front());
      work_.pop_front();
    }
    conn = Serve(std::move(conn));
    if (!conn) continue;
    {
      std::lock_guard<std::mutex> lock(mu_);
      returned_.push_back(std::move(conn));
    }
    Wake();
  }
}

std::unique_ptr<HttpServer::Connection> HttpServer::Serve(std::unique_ptr<Connection> conn) {
  char buf[kReadChunkBytes];
  while (true) {
    if (!ProcessBuffered(conn.get())) {
      CloseConnection(std::move(conn));
      return nullptr;
    }
    ssize_t n = ::recv(conn->fd.get(), buf, sizeof(buf), 0);
    if (n > 0) {
      conn->in.append(buf, static_cast<size_t>(n));
      conn->last_activity_ms = MonotonicMillis();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    CloseConnection(std::move(conn));  // end of stream or a socket error
    return nullptr;
  }

  // Park the connection in the event loop until more bytes arrive or its deadline passes.
  const RequestParser& parser = conn->parser;
  bool close_now = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    close_now = shutting_down_ && !parser.started() && conn->in.empty();
  }
  if (close_now) {
    CloseConnection(std::move(conn));
    return nullptr;
  }
  if (parser.started() && !parser.headers_complete()) {
    conn->deadline_ms = conn->request_started_ms + options_.read_timeout_millis;
  } else if (parser.started()) {
    conn->deadline_ms = conn->last_activity_ms + options_.read_timeout_millis;
  } else if (conn->requests_served > 0) {
    conn->deadline_ms = conn->last_activity_ms + options_.keep_alive_idle_millis;
  } else {
    conn->deadline_ms = conn->opened_ms + options_.read_timeout_millis;
  }
  return conn;
}

bool HttpServer::ProcessBuffered(Connection* conn) {
  while (true) {
    RequestParser& parser = conn->parser;
    size_t used = parser.Feed(conn->in);
    conn->in.erase(0, used);
    if (parser.started() && conn->request_started_ms == 0) {
      conn->request_started_ms = MonotonicMillis();
    }
    switch (parser.state()) {
      case RequestParser::State::kNeedMore:
        if (parser.expects_continue()) {
          Status s = SendAll(conn->fd.get(), kContinueLine,
                             MonotonicMillis() + options_.write_timeout_millis);
          if (!s.ok()) return false;
          parser.set_continue_sent();
        }
        return true;
      case RequestParser::State::kError: {
        int status = parser.error_status();
        Response error =
            Response::Error(status, ErrorCodeForStatus(status), parser.error_message());
        if (options_.log_requests) {
          KEEL_LOG(kInfo) << "refused request from " << conn->remote << ": " << status << " "
                          << parser.error_message();
        }
        if (WriteResponse(conn, error, false, false)) {
          // Let the client read the error rather than a reset caused by unread bytes.
          ::shutdown(conn->fd.get(), SHUT_WR);
          int64_t until = MonotonicMillis() + kLingerMillis;
          size_t discarded = 0;
          char sink[4096];
          while (discarded < kMaxLingerBytes) {
            Result<size_t> n = RecvSome(conn->fd.get(), sink, sizeof(sink), until);
            if (!n.ok() || *n == 0) break;
            discarded += *n;
          }
        }
        return false;
      }
      case RequestParser::State::kComplete: {
        Request request = parser.TakeRequest();
        request.remote_addr = conn->remote;
        int64_t start_ms = MonotonicMillis();
        Response response = InvokeHandler(request);
        if (!request.body_file.empty()) ::unlink(request.body_file.c_str());  // spooled body
        bool keep_alive = request.keep_alive;
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (shutting_down_) keep_alive = false;
        }
        bool written = WriteResponse(conn, response, keep_alive, request.method == "HEAD");
        if (options_.log_requests) {
          // Never the query string or body: they may carry tokens or personal data.
          KEEL_LOG(kInfo) << request.method << " " << request.path << " " << response.status << " "
                          << (MonotonicMillis() - start_ms) << "ms";
        }
        if (!written || !keep_alive) return false;
        parser.Reset();
        conn->request_started_ms = 0;
        conn->requests_served++;
        conn->last_activity_ms = MonotonicMillis();
        continue;  // a pipelined request may already be buffered
      }
    }
  }
}

bool HttpServer::WriteResponse(Connection* conn, const Response& response, bool keep_alive,
                               bool head_only) {
  std::string bytes = SerializeResponse(response, keep_alive, head_only);
  Status s = SendAll(conn->fd.get(), bytes, MonotonicMillis() + options_.write_timeout_millis);
  if (s.ok() && response.body_stream && !head_only) {
    // Stream in chunks; each chunk gets the write timeout anew, so a slow but live client
    // can download a large file while a stalled one is still cut off.
    const RandomAccessFile& file = *response.body_stream;
    std::string chunk;
    for (uint64_t offset = 0; s.ok() && offset < file.size(); offset += chunk.size()) {
      s = file.ReadAt(offset, std::min<uint64_t>(kStreamChunkBytes, file.size() - offset), &chunk);
      if (s.ok() && chunk.empty()) s = Status::IOError("file shrank while it was being sent");
      if (s.ok()) {
        s = SendAll(conn->fd.get(), chunk, MonotonicMillis() + options_.write_timeout_millis);
      }
    }
    // The head promised Content-Length bytes: after a failure the connection must close.
  }
  if (!s.ok()) {
    KEEL_LOG(kDebug) << "could not write the response to " << conn->remote << ": " << s.message();
    return false;
  }
  return true;
}

Response HttpServer::InvokeHandler(const Request& request) {
  // The per-request boundary: nothing a handler throws may take the server down.
  try {
    return handler_(request);
  } catch (const std::exception& e) {
    KEEL_LOG(kError) << "handler for " << request.method << " " << request.path
                     << " threw: " << e.what();
  } catch (...) {
    KEEL_LOG(kError) << "handler for " << request.method << " " << request.path
                     << " threw a non-standard exception";
  }
  return Response::Error(500, "INTERNAL_ERROR",
                         "internal error while handling " + request.method + " " + request.path +
                             "; the server log has the details");
}

void HttpServer::CloseConnection(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.erase(conn->fd.get());
  }
  conn->fd.reset();
  state_cv_.notify_all();
}

}  // namespace keel::http

#include "server/http/socket_io.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace keel::http {

namespace {

int PollTimeout(int64_t deadline_ms) {
  int64_t left = deadline_ms - MonotonicMillis();
  if (left <= 0) return 0;
  return left > 1'000'000 ? 1'000'000 : static_cast<int>(left);
}

// Waits for `events` on fd. Returns false on timeout.
Result<bool> WaitFor(int fd, short events, int64_t deadline_ms) {
  while (true) {
    pollfd p{fd, events, 0};
    int timeout = PollTimeout(deadline_ms);
    int rc = ::poll(&p, 1, timeout);
    if (rc > 0) return true;
    if (rc == 0) {
      if (MonotonicMillis() >= deadline_ms) return false;
      continue;
    }
    if (errno == EINTR) continue;
    return Status::IOError(std::string("poll failed: ") + std::strerror(errno));
  }
}

}  // namespace

int64_t MonotonicMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) reset(other.release());
  return *this;
}

int UniqueFd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Status SetNonBlocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    return Status::IOError(std::string("fcntl(O_NONBLOCK) failed: ") + std::strerror(errno));
  }
  return Status::OK();
}

Result<UniqueFd> ConnectTcp(const std::string& host, uint16_t port, int64_t deadline_ms) {
  std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port_text = std::to_string(port);
  int gai = ::getaddrinfo(host.c_str(), port_text.c_str(), &hints, &found);
  if (gai != 0) {
    return Status::IOError("cannot resolve host '" + host + "': " + ::gai_strerror(gai));
  }
  std::string last_error = "no address";
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd.valid()) {
      last_error = std::strerror(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int rc = ::connect(fd.get(), ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno != EINPROGRESS) {
      last_error = std::strerror(errno);
      continue;
    }
    if (rc != 0) {
      Result<bool> ready = WaitFor(fd.get(), POLLOUT, deadline_ms);
      if (!ready.ok()) {
        ::freeaddrinfo(found);
        return ready.status();
      }
      if (!*ready) {
        last_error = "timed out";
        continue;
      }
      int err = 0;
      socklen_t len = sizeof(err);
      ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last_error = std::strerror(err);
        continue;
      }
    }
    ::freeaddrinfo(found);
    return fd;
  }
  ::freeaddrinfo(found);
  return Status::IOError("cannot connect to " + where + ": " + last_error);
}

Status SendAll(int fd, std::string_view data, int64_t deadline_ms) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      KEEL_ASSIGN_OR_RETURN(bool ready, WaitFor(fd, POLLOUT, deadline_ms));
      if (!ready) return Status::Unavailable("timed out sending to the peer");
      continue;
    }
    return Status::IOError(std::string("send failed: ") + std::strerror(errno));
  }
  return Status::OK();
}

Result<size_t> RecvSome(int fd, char* buf, size_t capacity, int64_t deadline_ms) {
  while (true) {
    ssize_t n = ::recv(fd, buf, capacity, 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      KEEL_ASSIGN_OR_RETURN(bool ready, WaitFor(fd, POLLIN, deadline_ms));
      if (!ready) return Status::Unavailable("timed out waiting for the peer");
      continue;
    }
    return Status::IOError(std::string("recv failed: ") + std::strerror(errno));
  }
}

std::string FormatSocketAddress(const sockaddr* addr, socklen_t len) {
  char host[INET6_ADDRSTRLEN] = {0};
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  return "unknown";
}

}  // namespace keel::http

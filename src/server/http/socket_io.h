#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace keel::http {

// Small POSIX socket helpers shared by HttpServer and the client. Sockets are non-blocking;
// every wait goes through poll() with a deadline, so no call blocks past it. Writes use
// MSG_NOSIGNAL, so a peer that hung up yields an error, never SIGPIPE.

// Milliseconds on a monotonic clock (for deadlines; unrelated to wall time).
int64_t MonotonicMillis();

// An owned file descriptor, closed on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

Status SetNonBlocking(int fd);

// Resolves `host` (a name or a numeric IPv4/IPv6 address) and connects to `port`, waiting at most
// until `deadline_ms` (MonotonicMillis). Returns a non-blocking, close-on-exec socket with
// TCP_NODELAY. Errors: kIOError naming host:port and the reason ("connection refused").
Result<UniqueFd> ConnectTcp(const std::string& host, uint16_t port, int64_t deadline_ms);

// Sends all of `data`. Errors: kIOError (peer gone) or kTemporarilyUnavailable (deadline).
Status SendAll(int fd, std::string_view data, int64_t deadline_ms);

// Receives up to `capacity` bytes into `buf`, waiting until some arrive or the deadline passes.
// Returns 0 at end of stream. Errors: kIOError, kTemporarilyUnavailable (deadline).
Result<size_t> RecvSome(int fd, char* buf, size_t capacity, int64_t deadline_ms);

// "127.0.0.1:5000" or "[::1]:5000".
std::string FormatSocketAddress(const sockaddr* addr, socklen_t len);

}  // namespace keel::http

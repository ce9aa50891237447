#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/error_code.h"

namespace keel {

// The outcome of an operation that returns no value. An OK Status holds no allocation (a null
// state, as in LevelDB), so returning success is free. Errors carry an ErrorCode and a message
// written for the user: it names the object and says what to do next.
//
// Thread-safety: a Status is a value; distinct objects may be used from distinct threads.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(ErrorCode::kInvalidParameterValue, std::move(msg));
  }
  static Status Malformed(std::string msg) {
    return Status(ErrorCode::kMalformedRequest, std::move(msg));
  }
  static Status AlreadyExists(std::string msg) {
    return Status(ErrorCode::kResourceAlreadyExists, std::move(msg));
  }
  static Status NotFound(std::string msg) {
    return Status(ErrorCode::kResourceDoesNotExist, std::move(msg));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(ErrorCode::kPermissionDenied, std::move(msg));
  }
  static Status Unauthenticated(std::string msg) {
    return Status(ErrorCode::kUnauthenticated, std::move(msg));
  }
  static Status Conflict(std::string msg) {
    return Status(ErrorCode::kResourceConflict, std::move(msg));
  }
  static Status InvalidState(std::string msg) {
    return Status(ErrorCode::kInvalidState, std::move(msg));
  }
  static Status LimitExceeded(std::string msg) {
    return Status(ErrorCode::kRequestLimitExceeded, std::move(msg));
  }
  static Status NotImplemented(std::string msg) {
    return Status(ErrorCode::kNotImplemented, std::move(msg));
  }
  static Status Unavailable(std::string msg) {
    return Status(ErrorCode::kTemporarilyUnavailable, std::move(msg));
  }
  static Status IOError(std::string msg) { return Status(ErrorCode::kIOError, std::move(msg)); }
  static Status Corruption(std::string msg) {
    return Status(ErrorCode::kCorruption, std::move(msg));
  }
  static Status Internal(std::string msg) {
    return Status(ErrorCode::kInternalError, std::move(msg));
  }

  bool ok() const { return state_ == nullptr; }
  ErrorCode code() const { return state_ ? state_->code : ErrorCode::kOk; }
  // Empty for OK.
  const std::string& message() const;
  // "INVALID_PARAMETER_VALUE: message", or "OK".
  std::string ToString() const;
  // A copy with `prefix + ": "` put before the message; OK stays OK.
  Status WithContext(std::string_view prefix) const;

 private:
  struct State {
    ErrorCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

}  // namespace keel

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define KEEL_RETURN_IF_ERROR(expr)             \
  do {                                         \
    ::keel::Status _keel_status = (expr);      \
    if (!_keel_status.ok()) return _keel_status; \
  } while (0)

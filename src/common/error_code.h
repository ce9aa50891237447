#pragma once

#include <string_view>

namespace keel {

// The closed set of error kinds. Every code maps to exactly one HTTP status and one MLflow
// `error_code` string (ErrorCodeHttpStatus / ErrorCodeName); the mapping is the single switch in
// error_code.cc, compiled with -Werror=switch so that a new code cannot be left unmapped.
enum class ErrorCode {
  kOk = 0,
  kInvalidParameterValue,   // 400 INVALID_PARAMETER_VALUE: a field has a bad value
  kMalformedRequest,        // 400 MALFORMED_REQUEST: the body is not the JSON we expect
  kResourceAlreadyExists,   // 400 RESOURCE_ALREADY_EXISTS (MLflow uses 400, clients rely on it)
  kResourceDoesNotExist,    // 404 RESOURCE_DOES_NOT_EXIST
  kEndpointNotFound,        // 404 ENDPOINT_NOT_FOUND: no such route
  kPermissionDenied,        // 403 PERMISSION_DENIED
  kUnauthenticated,         // 401 UNAUTHENTICATED
  kResourceConflict,        // 409 RESOURCE_CONFLICT: a concurrent change won
  kInvalidState,            // 400 INVALID_STATE: the object is in the wrong state for this
  kRequestLimitExceeded,    // 429 REQUEST_LIMIT_EXCEEDED: a size or rate limit
  kNotImplemented,          // 501 NOT_IMPLEMENTED
  kTemporarilyUnavailable,  // 503 TEMPORARILY_UNAVAILABLE: busy; retry
  kIOError,                 // 500 IO_ERROR: the OS refused a read or write
  kCorruption,              // 500 DATA_LOSS: a file is damaged (message names path and offset)
  kInternalError,           // 500 INTERNAL_ERROR: a bug
};

// HTTP status for the code (200 for kOk).
int ErrorCodeHttpStatus(ErrorCode code);

// MLflow `error_code` string ("INVALID_PARAMETER_VALUE", ...; "OK" for kOk).
std::string_view ErrorCodeName(ErrorCode code);

// Inverse of ErrorCodeName; returns false when `name` is not one of ours.
bool ErrorCodeFromName(std::string_view name, ErrorCode* code);

}  // namespace keel

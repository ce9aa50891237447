#include "common/error_code.h"

namespace keel {

namespace {

struct ErrorCodeInfo {
  int http_status;
  std::string_view name;
};

// The one table of code -> (HTTP status, MLflow error_code). Values follow mlflow/exceptions.py.
ErrorCodeInfo Info(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return {200, "OK"};
    case ErrorCode::kInvalidParameterValue: return {400, "INVALID_PARAMETER_VALUE"};
    case ErrorCode::kMalformedRequest: return {400, "MALFORMED_REQUEST"};
    case ErrorCode::kResourceAlreadyExists: return {400, "RESOURCE_ALREADY_EXISTS"};
    case ErrorCode::kResourceDoesNotExist: return {404, "RESOURCE_DOES_NOT_EXIST"};
    case ErrorCode::kEndpointNotFound: return {404, "ENDPOINT_NOT_FOUND"};
    case ErrorCode::kPermissionDenied: return {403, "PERMISSION_DENIED"};
    case ErrorCode::kUnauthenticated: return {401, "UNAUTHENTICATED"};
    case ErrorCode::kResourceConflict: return {409, "RESOURCE_CONFLICT"};
    case ErrorCode::kInvalidState: return {400, "INVALID_STATE"};
    case ErrorCode::kRequestLimitExceeded: return {429, "REQUEST_LIMIT_EXCEEDED"};
    case ErrorCode::kNotImplemented: return {501, "NOT_IMPLEMENTED"};
    case ErrorCode::kTemporarilyUnavailable: return {503, "TEMPORARILY_UNAVAILABLE"};
    case ErrorCode::kIOError: return {500, "IO_ERROR"};
    case ErrorCode::kCorruption: return {500, "DATA_LOSS"};
    case ErrorCode::kInternalError: return {500, "INTERNAL_ERROR"};
  }
  return {500, "INTERNAL_ERROR"};  // unreachable: the switch is exhaustive
}

constexpr ErrorCode kAllCodes[] = {
    ErrorCode::kOk,
    ErrorCode::kInvalidParameterValue,
    ErrorCode::kMalformedRequest,
    ErrorCode::kResourceAlreadyExists,
    ErrorCode::kResourceDoesNotExist,
    ErrorCode::kEndpointNotFound,
    ErrorCode::kPermissionDenied,
    ErrorCode::kUnauthenticated,
    ErrorCode::kResourceConflict,
    ErrorCode::kInvalidState,
    ErrorCode::kRequestLimitExceeded,
    ErrorCode::kNotImplemented,
    ErrorCode::kTemporarilyUnavailable,
    ErrorCode::kIOError,
    ErrorCode::kCorruption,
    ErrorCode::kInternalError,
};

}  // namespace

int ErrorCodeHttpStatus(ErrorCode code) { return Info(code).http_status; }

std::string_view ErrorCodeName(ErrorCode code) { return Info(code).name; }

bool ErrorCodeFromName(std::string_view name, ErrorCode* code) {
  for (ErrorCode c : kAllCodes) {
    if (Info(c).name == name) {
      *code = c;
      return true;
    }
  }
  return false;
}

}  // namespace keel

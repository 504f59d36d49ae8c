#include "core/result.hpp"

namespace ecrm {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return "invalid_argument";
    case ErrorKind::kUnauthenticated: return "unauthenticated";
    case ErrorKind::kPermissionDenied: return "permission_denied";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kPayloadTooLarge: return "payload_too_large";
    case ErrorKind::kUnprocessable: return "unprocessable";
    case ErrorKind::kRateLimited: return "rate_limited";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kInternal: return "internal";
  }
  return "internal";
}

namespace {
Error make(ErrorKind kind, std::string message, std::string field, std::string code) {
  if (code.empty()) code = std::string(to_string(kind));
  return Error{kind, std::move(code), std::move(message), std::move(field)};
}
}  // namespace

Error Error::invalid(std::string message, std::string field, std::string code) {
  return make(ErrorKind::kInvalidArgument, std::move(message), std::move(field), std::move(code));
}
Error Error::unauthenticated(std::string message, std::string code) {
  return make(ErrorKind::kUnauthenticated, std::move(message), {}, std::move(code));
}
Error Error::forbidden(std::string message, std::string code) {
  return make(ErrorKind::kPermissionDenied, std::move(message), {}, std::move(code));
}
Error Error::not_found(std::string message, std::string code) {
  return make(ErrorKind::kNotFound, std::move(message), {}, std::move(code));
}
Error Error::conflict(std::string message, std::string field, std::string code) {
  return make(ErrorKind::kConflict, std::move(message), std::move(field), std::move(code));
}
Error Error::unprocessable(std::string message, std::string field, std::string code) {
  return make(ErrorKind::kUnprocessable, std::move(message), std::move(field), std::move(code));
}
Error Error::rate_limited(std::string message) {
  return make(ErrorKind::kRateLimited, std::move(message), {}, {});
}
Error Error::unavailable(std::string message) {
  return make(ErrorKind::kUnavailable, std::move(message), {}, {});
}
Error Error::internal(std::string message) {
  return make(ErrorKind::kInternal, std::move(message), {}, {});
}

}  // namespace ecrm

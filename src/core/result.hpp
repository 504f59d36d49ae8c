// Result<T>: a value or an Error. Services and repositories return these for every
// expected failure; exceptions are reserved for programmer errors and start-up
// misconfiguration.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace ecrm {

// The kind of an error decides the HTTP status (see http/errors.cpp) and the CLI exit code.
enum class ErrorKind {
  kInvalidArgument,   // 400: malformed input (bad JSON, wrong type, missing field)
  kUnauthenticated,   // 401
  kPermissionDenied,  // 403
  kNotFound,          // 404
  kConflict,          // 409: unique key taken, state does not allow the change
  kPayloadTooLarge,   // 413
  kUnprocessable,     // 422: well-formed but semantically invalid
  kRateLimited,       // 429
  kUnavailable,       // 503: database busy/unreachable, shutting down
  kInternal,          // 500: a bug or an unexpected driver failure
};

// Stable snake_case name of a kind, used as the default machine-readable error code.
std::string_view to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;     // machine-readable, e.g. "invalid_credentials"; defaults to the kind name
  std::string message;  // human-readable, safe to show to the caller
  std::string field;    // the offending input field, when there is one

  static Error invalid(std::string message, std::string field = {}, std::string code = {});
  static Error unauthenticated(std::string message, std::string code = {});
  static Error forbidden(std::string message, std::string code = {});
  static Error not_found(std::string message, std::string code = {});
  static Error conflict(std::string message, std::string field = {}, std::string code = {});
  static Error unprocessable(std::string message, std::string field = {}, std::string code = {});
  static Error rate_limited(std::string message);
  static Error unavailable(std::string message);
  static Error internal(std::string message);
};

// Holds either a T or an Error. Accessing the wrong alternative is a programmer error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(data_); }
  const T& value() const& { assert(ok()); return std::get<0>(data_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(data_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(data_)); }

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace ecrm

// Evaluates `expr` (a Result<void>) and returns its error from the enclosing function on failure.
#define ECRM_RETURN_IF_ERROR(expr)                          \
  do {                                                      \
    if (auto ecrm_status_ = (expr); !ecrm_status_.ok()) {   \
      return std::move(ecrm_status_).error();               \
    }                                                       \
  } while (false)

#define ECRM_CONCAT_INNER_(a, b) a##b
#define ECRM_CONCAT_(a, b) ECRM_CONCAT_INNER_(a, b)
#define ECRM_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).error();     \
  lhs = std::move(tmp).value()

// `ECRM_ASSIGN_OR_RETURN(auto user, repo.find(id));` declares `user` from a Result's value or
// returns the Result's error from the enclosing function.
#define ECRM_ASSIGN_OR_RETURN(lhs, expr) \
  ECRM_ASSIGN_OR_RETURN_IMPL_(ECRM_CONCAT_(ecrm_result_, __LINE__), lhs, expr)

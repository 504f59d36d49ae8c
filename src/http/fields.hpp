// More readers for request bodies and query strings, shared by the capabilities' handlers, and
// `handle()`, which lets a handler return Result<Response> so that every early error return
// becomes the API's error response. Header-only on top of context.hpp.
#pragma once

#include <boost/json/object.hpp>

#include <charconv>
#include <climits>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.hpp"
#include "core/time.hpp"
#include "http/context.hpp"
#include "http/router.hpp"

namespace ecrm::http {

// Wraps a handler that returns Result<Response>: an error becomes error_response(error).
inline Handler handle(std::function<Result<Response>(RequestContext&)> body) {
  return [body = std::move(body)](RequestContext& ctx) -> Response {
    auto result = body(ctx);
    if (!result.ok()) return error_response(result.error());
    return std::move(result).value();
  };
}

// True when `field` is present with the value null (a request to clear it).
inline bool is_null_field(const boost::json::object& body, std::string_view field) {
  auto it = body.find(field);
  return it != body.end() && it->value().is_null();
}

// A field that may be absent (outer nullopt), null (engaged inner nullopt) or an integer.
inline Result<std::optional<std::optional<std::int64_t>>> nullable_int(
    const boost::json::object& body, std::string_view field) {
  using Out = std::optional<std::optional<std::int64_t>>;
  if (is_null_field(body, field)) return Out(std::optional<std::int64_t>{});
  ECRM_ASSIGN_OR_RETURN(auto value, optional_int(body, field));
  if (!value) return Out{};
  return Out(value);
}

// Like nullable_int() for strings.
inline Result<std::optional<std::optional<std::string>>> nullable_string(
    const boost::json::object& body, std::string_view field, std::size_t max_length = 1000) {
  using Out = std::optional<std::optional<std::string>>;
  if (is_null_field(body, field)) return Out(std::optional<std::string>{});
  ECRM_ASSIGN_OR_RETURN(auto value, optional_string(body, field, max_length));
  if (!value) return Out{};
  return Out(std::move(value));
}

// An optional integer that must fit an int (the service checks the meaningful range).
inline Result<std::optional<int>> optional_int32(const boost::json::object& body,
                                                 std::string_view field) {
  ECRM_ASSIGN_OR_RETURN(auto value, optional_int(body, field));
  if (!value) return std::optional<int>{};
  if (*value < INT_MIN || *value > INT_MAX) {
    return Error::invalid(std::string(field) + " is out of range", std::string(field));
  }
  return std::optional<int>(static_cast<int>(*value));
}

// Query parameter `name` as text; nullopt when absent or empty.
inline std::optional<std::string> query_text(const RequestContext& ctx, std::string_view name) {
  auto value = ctx.request().query_param(name);
  if (!value || value->empty()) return std::nullopt;
  return std::string(*value);
}

// Query parameter as an integer; kInvalidArgument naming it when it is not one.
inline Result<std::optional<std::int64_t>> query_int(const RequestContext& ctx,
                                                     std::string_view name) {
  auto text = query_text(ctx, name);
  if (!text) return std::optional<std::int64_t>{};
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) {
    return Error::invalid(std::string(name) + " must be an integer", std::string(name));
  }
  return std::optional<std::int64_t>(value);
}

// Query parameter as a boolean ("true"/"false"/"1"/"0").
inline Result<std::optional<bool>> query_bool(const RequestContext& ctx, std::string_view name) {
  auto text = query_text(ctx, name);
  if (!text) return std::optional<bool>{};
  if (*text == "true" || *text == "1") return std::optional<bool>(true);
  if (*text == "false" || *text == "0") return std::optional<bool>(false);
  return Error::invalid(std::string(name) + " must be true or false", std::string(name));
}

// Query parameter as a time: unix milliseconds or an ISO-8601 date/date-time.
inline Result<std::optional<UnixMs>> query_time(const RequestContext& ctx, std::string_view name) {
  auto text = query_text(ctx, name);
  if (!text) return std::optional<UnixMs>{};
  std::int64_t ms = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), ms);
  if (ec == std::errc{} && end == text->data() + text->size()) return std::optional<UnixMs>(ms);
  if (auto parsed = parse_iso8601(*text)) return std::optional<UnixMs>(*parsed);
  return Error::invalid(
      std::string(name) + " must be unix milliseconds or an ISO-8601 date or date-time",
      std::string(name));
}

// A body field holding a time as unix milliseconds or an ISO-8601 string.
inline Result<std::optional<UnixMs>> optional_time(const boost::json::object& body,
                                                   std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return std::optional<UnixMs>{};
  if (it->value().is_string()) {
    if (auto parsed = parse_iso8601(it->value().get_string())) {
      return std::optional<UnixMs>(*parsed);
    }
  } else if (it->value().is_int64()) {
    return std::optional<UnixMs>(it->value().get_int64());
  }
  return Error::invalid(
      std::string(field) + " must be unix milliseconds or an ISO-8601 date or date-time",
      std::string(field));
}

}  // namespace ecrm::http

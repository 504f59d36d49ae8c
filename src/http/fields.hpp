// Readers for single query parameters (for routes without a described query type), and
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

}  // namespace ecrm::http

#include "http/params.hpp"

#include <charconv>
#include <cmath>

#include "core/crypto.hpp"

namespace ecrm::http {

namespace {

Error bad_cursor() { return Error::invalid("cursor is not one this API returned", "cursor"); }

bool read_number(std::string_view& rest, std::int64_t& value) {
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc{} || end == rest.data()) return false;
  rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
  return true;
}

// The cursor's text after "<tag>:", or nullopt when absent; bad_cursor() when another kind.
Result<std::optional<std::string>> cursor_body(const RequestContext& ctx, std::string_view tag) {
  auto text = ctx.request().query_param("cursor");
  if (!text || text->empty()) return std::optional<std::string>{};
  auto raw = base64url_decode(*text);
  std::string prefix = std::string(tag) + ":";
  if (!raw || raw->rfind(prefix, 0) != 0) return bad_cursor();
  return std::optional<std::string>(raw->substr(prefix.size()));
}

Result<std::optional<std::int64_t>> single_number(const RequestContext& ctx,
                                                  std::string_view tag) {
  ECRM_ASSIGN_OR_RETURN(auto body, cursor_body(ctx, tag));
  if (!body) return std::optional<std::int64_t>{};
  std::string_view rest(*body);
  std::int64_t value = 0;
  if (!read_number(rest, value) || !rest.empty() || value < 0) return bad_cursor();
  return std::optional<std::int64_t>(value);
}

}  // namespace

std::optional<std::string> query_text(const RequestContext& ctx, std::string_view name) {
  auto value = ctx.request().query_param(name);
  if (!value || value->empty()) return std::nullopt;
  return std::string(*value);
}

Result<std::optional<std::int64_t>> query_int(const RequestContext& ctx, std::string_view name) {
  auto text = query_text(ctx, name);
  if (!text) return std::optional<std::int64_t>{};
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) {
    return Error::invalid(std::string(name) + " must be an integer", std::string(name));
  }
  return std::optional<std::int64_t>(value);
}

Result<std::optional<double>> query_double(const RequestContext& ctx, std::string_view name) {
  auto text = query_text(ctx, name);
  if (!text) return std::optional<double>{};
  double value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || !std::isfinite(value)) {
    return Error::invalid(std::string(name) + " must be a number", std::string(name));
  }
  return std::optional<double>(value);
}

Result<int> limit_param(const RequestContext& ctx, int default_limit, int max_limit) {
  auto text = ctx.request().query_param("limit");
  if (!text) return default_limit;
  int limit = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc{} || end != text->data() + text->size() || limit < 1 || limit > max_limit) {
    return Error::invalid("limit must be an integer from 1 to " + std::to_string(max_limit),
                          "limit");
  }
  return limit;
}

std::string encode_cursor(const IdCursor& cursor) {
  return base64url_encode("id:" + std::to_string(cursor.after_id));
}

std::string encode_cursor(const OffsetCursor& cursor) {
  return base64url_encode("off:" + std::to_string(cursor.offset));
}

std::string encode_cursor(std::string_view tag, const KeyCursor& cursor) {
  std::string raw(tag);
  for (auto n : cursor.numbers) raw += ":" + std::to_string(n);
  if (!cursor.text.empty()) raw += ":" + cursor.text;
  return base64url_encode(raw);
}

Result<std::optional<IdCursor>> id_cursor(const RequestContext& ctx) {
  ECRM_ASSIGN_OR_RETURN(auto n, single_number(ctx, "id"));
  if (!n) return std::optional<IdCursor>{};
  return std::optional<IdCursor>(IdCursor{*n});
}

Result<std::optional<OffsetCursor>> offset_cursor(const RequestContext& ctx,
                                                  std::int64_t max_offset) {
  ECRM_ASSIGN_OR_RETURN(auto n, single_number(ctx, "off"));
  if (!n) return std::optional<OffsetCursor>{};
  if (*n > max_offset) return Error::invalid("cursor is out of range", "cursor");
  return std::optional<OffsetCursor>(OffsetCursor{*n});
}

Result<std::optional<KeyCursor>> key_cursor(const RequestContext& ctx, std::string_view tag,
                                            std::size_t numbers) {
  ECRM_ASSIGN_OR_RETURN(auto body, cursor_body(ctx, tag));
  if (!body) return std::optional<KeyCursor>{};
  std::string_view rest(*body);
  KeyCursor cursor;
  for (std::size_t i = 0; i < numbers; ++i) {
    if (i > 0) {
      if (rest.empty() || rest.front() != ':') return bad_cursor();
      rest.remove_prefix(1);
    }
    std::int64_t value = 0;
    if (!read_number(rest, value)) return bad_cursor();
    cursor.numbers.push_back(value);
  }
  if (!rest.empty()) {
    if (rest.front() != ':') return bad_cursor();
    cursor.text = std::string(rest.substr(1));
  }
  return std::optional<KeyCursor>(std::move(cursor));
}

Result<PageRequest> id_page(const RequestContext& ctx, int default_limit, int max_limit) {
  PageRequest page;
  ECRM_ASSIGN_OR_RETURN(page.limit, limit_param(ctx, default_limit, max_limit));
  ECRM_ASSIGN_OR_RETURN(auto cursor, id_cursor(ctx));
  if (cursor) page.last_id = cursor->after_id;
  return page;
}

Result<OffsetPage> offset_page(const RequestContext& ctx, int default_limit, int max_limit) {
  OffsetPage page;
  ECRM_ASSIGN_OR_RETURN(page.limit, limit_param(ctx, default_limit, max_limit));
  ECRM_ASSIGN_OR_RETURN(auto cursor, offset_cursor(ctx));
  if (cursor) page.offset = cursor->offset;
  return page;
}

}  // namespace ecrm::http

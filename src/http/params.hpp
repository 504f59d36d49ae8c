// Query parameters, read once: single parameters, and what every list shares: `limit`, and `cursor` through a typed codec.
// Cursors are opaque to clients (base64url); inside, a tag says which kind of position they
// hold, so an id cursor is never read as an offset or as another list's key:
//   IdCursor      "id:<last id>"             lists ordered by id
//   OffsetCursor  "off:<offset>"             ranked lists (scores, recommendations)
//   KeyCursor     "<tag>:<n>:<n>[:<text>]"   lists ordered by a compound key
// Every list answers Page<T>: {"items": [...], "next_cursor": string or null}; next_cursor is
// null on the last page.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/describe.hpp"
#include "core/result.hpp"
#include "http/context.hpp"
#include "http/wire.hpp"

namespace ecrm::http {

// `limit` from the query string: `default_limit` when absent; 400 naming it when it is not an
// integer from 1 to `max_limit`.
Result<int> limit_param(const RequestContext& ctx, int default_limit = 50, int max_limit = 500);

// Single query parameters, for routes without a described query type (http::read_query):
// the text (nullopt when absent or empty), an integer, a finite number; 400 naming the parameter.
std::optional<std::string> query_text(const RequestContext& ctx, std::string_view name);
Result<std::optional<std::int64_t>> query_int(const RequestContext& ctx, std::string_view name);
Result<std::optional<double>> query_double(const RequestContext& ctx, std::string_view name);

struct IdCursor {
  std::int64_t after_id = 0;
};
struct OffsetCursor {
  std::int64_t offset = 0;
};
struct KeyCursor {
  std::vector<std::int64_t> numbers;  // at least one
  std::string text;                   // may be empty
};

std::string encode_cursor(const IdCursor& cursor);
std::string encode_cursor(const OffsetCursor& cursor);
std::string encode_cursor(std::string_view tag, const KeyCursor& cursor);

// The `cursor` parameter decoded as the given kind; nullopt when absent; 400 naming `cursor`
// when it is not one this kind of list returned.
Result<std::optional<IdCursor>> id_cursor(const RequestContext& ctx);
Result<std::optional<OffsetCursor>> offset_cursor(const RequestContext& ctx,
                                                  std::int64_t max_offset = 1'000'000);
Result<std::optional<KeyCursor>> key_cursor(const RequestContext& ctx, std::string_view tag,
                                            std::size_t numbers);

// A page of a list ordered by id: `limit` and the id to continue after (PageRequest).
Result<PageRequest> id_page(const RequestContext& ctx, int default_limit = 50,
                            int max_limit = 500);

// A page of a ranked list: `limit` and the offset of its first item.
struct OffsetPage {
  int limit = 50;
  std::int64_t offset = 0;
};
Result<OffsetPage> offset_page(const RequestContext& ctx, int default_limit = 50,
                               int max_limit = 500);

// One page of a list.
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
  BOOST_DESCRIBE_CLASS(Page, (), (items, next_cursor), (), ())
  friend std::string wire_name(Page*) { return wire::name_of<T>() + "Page"; }
};

// A whole list (not paged).
template <typename T>
struct Items {
  std::vector<T> items;
  BOOST_DESCRIBE_CLASS(Items, (), (items), (), ())
  friend std::string wire_name(Items*) { return wire::name_of<T>() + "List"; }
};

// A page of `items` ordered by `id_of(item)`: full pages get a cursor after the last one.
template <typename T, typename IdOf>
Page<T> page_by_id(std::vector<T> items, int limit, IdOf id_of) {
  Page<T> page;
  if (!items.empty() && static_cast<int>(items.size()) >= limit) {
    page.next_cursor = encode_cursor(IdCursor{id_of(items.back())});
  }
  page.items = std::move(items);
  return page;
}
template <typename T>
Page<T> page_by_id(std::vector<T> items, int limit) {
  return page_by_id(std::move(items), limit, [](const T& item) { return item.id; });
}

// A page of a ranked list read from `page.offset`.
template <typename T>
Page<T> page_by_offset(std::vector<T> items, const OffsetPage& page) {
  Page<T> out;
  if (static_cast<int>(items.size()) >= page.limit) {
    out.next_cursor = encode_cursor(OffsetCursor{page.offset + page.limit});
  }
  out.items = std::move(items);
  return out;
}

// A page of a list ordered by a compound key: `key_of(last item)` makes the cursor.
template <typename T, typename KeyOf>
Page<T> page_by_key(std::vector<T> items, int limit, std::string_view tag, KeyOf key_of) {
  Page<T> page;
  if (!items.empty() && static_cast<int>(items.size()) >= limit) {
    page.next_cursor = encode_cursor(tag, key_of(items.back()));
  }
  page.items = std::move(items);
  return page;
}

// Maps `items` through `view` (a model to its wire view).
template <typename T, typename F>
auto map_items(const std::vector<T>& items, F view) {
  std::vector<std::remove_cvref_t<decltype(view(items.front()))>> out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(view(item));
  return out;
}

}  // namespace ecrm::http

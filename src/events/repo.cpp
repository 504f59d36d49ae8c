#include "events/repo.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "core/crypto.hpp"
#include "storage/multi_row.hpp"

namespace ecrm::events {

namespace json = boost::json;
using storage::done;
using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

// --- Write keys ---
constexpr std::string_view kInsertWriteKey =
    "INSERT INTO event_write_keys (key, name, created_by, created_at) VALUES ($1, $2, $3, $4) "
    "RETURNING id";
constexpr std::string_view kListWriteKeys =
    "SELECT id, key, name, created_by, created_at, revoked_at FROM event_write_keys ORDER BY id";
constexpr std::string_view kFindWriteKey =
    "SELECT id, key, name, created_by, created_at, revoked_at FROM event_write_keys "
    "WHERE key = $1";
constexpr std::string_view kRevokeWriteKey =
    "UPDATE event_write_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";

// --- Ingestion ---
constexpr std::string_view kSqliteDurableCommits = "PRAGMA synchronous = FULL";
constexpr std::string_view kPostgresDurableCommits = "SET synchronous_commit TO on";
constexpr std::string_view kSqliteDatabaseFile = "SELECT file FROM pragma_database_list WHERE name = 'main'";

#define ECRM_VISITOR_COLUMNS                                                                \
  "id, anonymous_id, customer_id, external_id, identified_at, first_seen_at, last_seen_at, " \
  "event_count, device, session_id, session_started_at, session_last_at, cart_id"

// Multi-row statements: "head" + rows of parameters + "tail", built once per row count (the
// writer sends them in chunks of 100, 10 and 1 rows). In the UPDATE … FROM (VALUES …) ones every
// parameter is cast, so that PostgreSQL knows the types of the VALUES columns (named column1,
// column2, … on both backends).

// The no-op update takes the row locks on PostgreSQL (in the order of the rows, which the writer
// sorts by anonymous id) and makes RETURNING answer for old rows too.
constexpr std::string_view kUpsertVisitorsHead =
    "INSERT INTO visitors (anonymous_id, first_seen_at, last_seen_at) VALUES ";
constexpr std::string_view kUpsertVisitorsTail =
    " ON CONFLICT (anonymous_id) DO UPDATE SET anonymous_id = excluded.anonymous_id "
    "RETURNING " ECRM_VISITOR_COLUMNS;
constexpr std::string_view kUpdateVisitorsHead =
    "UPDATE visitors SET customer_id = u.column2, external_id = u.column3, "
    "identified_at = u.column4, first_seen_at = u.column5, last_seen_at = u.column6, "
    "event_count = u.column7, device = u.column8, session_id = u.column9, "
    "session_started_at = u.column10, session_last_at = u.column11, cart_id = u.column12 "
    "FROM (VALUES ";
constexpr std::string_view kUpdateVisitorsTail = ") AS u WHERE visitors.id = u.column1";
constexpr std::string_view kUpdateVisitorsTypes = "iitiiiitiiii";

constexpr std::string_view kFindVisitor =
    "SELECT " ECRM_VISITOR_COLUMNS " FROM visitors WHERE anonymous_id = $1";

constexpr std::string_view kCustomersByIdHead =
    "SELECT id, merged_into, id FROM customers WHERE id IN (";
constexpr std::string_view kCustomersByExternalIdHead =
    "SELECT id, merged_into, external_id FROM customers WHERE external_id IN (";
constexpr std::string_view kCustomerById = "SELECT id, merged_into FROM customers WHERE id = $1";

// Ids for new sessions and carts, taken before their multi-row inserts so that the writer knows
// them without RETURNING (whose row order neither backend promises). SQLite: the writer holds
// the write lock, so MAX(id) + 1 … are free; PostgreSQL: the identity sequence.
constexpr std::string_view kSqliteMaxSessionId = "SELECT COALESCE(MAX(id), 0) FROM visitor_sessions";
constexpr std::string_view kSqliteMaxCartId = "SELECT COALESCE(MAX(id), 0) FROM carts";
constexpr std::string_view kPostgresNextSessionIds =
    "SELECT nextval(pg_get_serial_sequence('visitor_sessions', 'id')) "
    "FROM generate_series(1, CAST($1 AS BIGINT))";
constexpr std::string_view kPostgresNextCartIds =
    "SELECT nextval(pg_get_serial_sequence('carts', 'id')) "
    "FROM generate_series(1, CAST($1 AS BIGINT))";

constexpr std::string_view kInsertSessionsHead =
    "INSERT INTO visitor_sessions (id, visitor_id, started_at, last_at, event_count, page_views, "
    "landing_url, referrer, utm_source, utm_medium, utm_campaign, device, purchased) VALUES ";
constexpr int kSessionColumns = 13;
constexpr std::string_view kUpdateSessionsHead =
    "UPDATE visitor_sessions SET started_at = u.column2, last_at = u.column3, "
    "event_count = event_count + u.column4, page_views = page_views + u.column5, "
    "purchased = CASE WHEN u.column6 = 1 THEN 1 ELSE purchased END, "
    "landing_url = CASE WHEN landing_url = '' THEN u.column7 ELSE landing_url END, "
    "referrer = CASE WHEN referrer = '' THEN u.column8 ELSE referrer END, "
    "device = CASE WHEN device = '' THEN u.column9 ELSE device END FROM (VALUES ";
constexpr std::string_view kUpdateSessionsTail = ") AS u WHERE visitor_sessions.id = u.column1";
constexpr std::string_view kUpdateSessionsTypes = "iiiiiittt";

#define ECRM_CART_COLUMNS                                                                       \
  "k.id, k.visitor_id, k.status, k.items, k.item_count, k.value, k.currency, k.checkout_step, " \
  "k.created_at, k.updated_at, k.closed_at, k.order_ref, k.recovered_from"
constexpr std::string_view kFindCartsHead = "SELECT " ECRM_CART_COLUMNS " FROM carts k WHERE k.id IN (";
constexpr std::string_view kInsertCartsHead =
    "INSERT INTO carts (id, visitor_id, status, items, item_count, value, currency, checkout_step, "
    "created_at, updated_at, closed_at, order_ref, recovered_from) VALUES ";
constexpr int kCartColumns = 13;
constexpr std::string_view kUpdateCartsHead =
    "UPDATE carts SET status = u.column2, items = u.column3, item_count = u.column4, "
    "value = u.column5, currency = u.column6, checkout_step = u.column7, updated_at = u.column8, "
    "closed_at = u.column9, order_ref = u.column10 FROM (VALUES ";
constexpr std::string_view kUpdateCartsTail = ") AS u WHERE carts.id = u.column1";
constexpr std::string_view kUpdateCartsTypes = "ittiitiiit";

constexpr std::string_view kInsertEventsHead =
    "INSERT INTO events (event_id, type, visitor_id, anonymous_id, customer_id, session_id, "
    "client_session_id, ts, received_at, product, quantity, value, currency, properties) VALUES ";
constexpr int kEventColumns = 14;
// PostgreSQL: another process may store the same event meanwhile, so the insert says which rows
// it wrote. SQLite: the writer holds the write lock since it looked for stored ids, so every row
// is new and the count of changes is checked instead.
constexpr std::string_view kInsertEventsReturning =
    " ON CONFLICT (event_id) DO NOTHING RETURNING event_id";
constexpr std::string_view kInsertEventsNoReturning = " ON CONFLICT (event_id) DO NOTHING";
constexpr std::string_view kExistingEventsHead = "SELECT event_id FROM events WHERE event_id IN (";

constexpr std::string_view kAttributeEvents =
    "UPDATE events SET customer_id = $2 WHERE visitor_id = $1 AND customer_id IS NULL";
constexpr std::string_view kInsertPurchaseItemsHead =
    "INSERT INTO purchase_items (visitor_id, product, quantity, price, currency, ts) VALUES ";
constexpr int kPurchaseItemColumns = 6;

// --- Reading the log ---
#define ECRM_EVENT_COLUMNS                                                                      \
  "e.id, e.event_id, e.type, e.visitor_id, e.anonymous_id, e.customer_id, e.session_id, e.ts, " \
  "e.received_at, e.product, e.quantity, e.value, e.currency, e.properties"
constexpr std::string_view kListEvents =
    "SELECT " ECRM_EVENT_COLUMNS " FROM events e WHERE e.id < $1 "
    "AND (CAST($2 AS TEXT) IS NULL OR e.type = CAST($2 AS TEXT)) "
    "AND (CAST($3 AS BIGINT) IS NULL OR e.customer_id = CAST($3 AS BIGINT)) "
    "AND (CAST($4 AS TEXT) IS NULL OR e.anonymous_id = CAST($4 AS TEXT)) "
    "ORDER BY e.id DESC LIMIT $5";
constexpr std::string_view kEventsAfter =
    "SELECT " ECRM_EVENT_COLUMNS " FROM events e WHERE e.id > $1 ORDER BY e.id LIMIT $2";
constexpr std::string_view kLastEventId = "SELECT MAX(id) FROM events";
constexpr std::string_view kCountEvents = "SELECT COUNT(*) FROM events";
constexpr std::string_view kCountRecentEvents = "SELECT COUNT(*) FROM events WHERE ts >= $1";
constexpr std::string_view kCountByType =
    "SELECT type, COUNT(*) FROM events GROUP BY type ORDER BY COUNT(*) DESC, type";
constexpr std::string_view kCountVisitors =
    "SELECT COUNT(*), COUNT(customer_id) FROM visitors";

// --- Traffic analytics ---
constexpr std::string_view kOverviewTotals =
    "SELECT COUNT(*), COUNT(DISTINCT s.visitor_id), "
    "COUNT(DISTINCT CASE WHEN v.customer_id IS NOT NULL THEN s.visitor_id END), "
    "COALESCE(SUM(s.page_views), 0), COALESCE(SUM(s.purchased), 0), "
    "COALESCE(AVG(s.last_at - s.started_at), 0) "
    "FROM visitor_sessions s JOIN visitors v ON v.id = s.visitor_id "
    "WHERE s.started_at >= $1 AND s.started_at < $2";
constexpr std::string_view kOverviewDays =
    "SELECT s.started_at / 86400000, COUNT(DISTINCT s.visitor_id), "
    "COUNT(DISTINCT CASE WHEN v.customer_id IS NOT NULL THEN s.visitor_id END), COUNT(*) "
    "FROM visitor_sessions s JOIN visitors v ON v.id = s.visitor_id "
    "WHERE s.started_at >= $1 AND s.started_at < $2 GROUP BY s.started_at / 86400000 ORDER BY 1";
constexpr std::string_view kOverviewDevices =
    "SELECT device, COUNT(*) FROM visitor_sessions WHERE started_at >= $1 AND started_at < $2 "
    "GROUP BY device ORDER BY COUNT(*) DESC, device LIMIT 10";
constexpr std::string_view kOverviewReferrers =
    "SELECT referrer, COUNT(*) FROM visitor_sessions "
    "WHERE started_at >= $1 AND started_at < $2 AND referrer <> '' "
    "GROUP BY referrer ORDER BY COUNT(*) DESC, referrer LIMIT 500";
constexpr std::string_view kOverviewCampaigns =
    "SELECT utm_campaign, COUNT(*) FROM visitor_sessions "
    "WHERE started_at >= $1 AND started_at < $2 AND utm_campaign <> '' "
    "GROUP BY utm_campaign ORDER BY COUNT(*) DESC, utm_campaign LIMIT 10";
// The window's events by type: the stored ones, and the daily counts of aged days that start in
// the window (aged days hold no stored events, so nothing is counted twice).
constexpr std::string_view kOverviewTypes =
    "SELECT type, CAST(SUM(n) AS BIGINT) FROM ("
    "SELECT type, COUNT(*) AS n FROM events WHERE ts >= $1 AND ts < $2 GROUP BY type "
    "UNION ALL SELECT type, SUM(events) AS n FROM event_daily "
    "WHERE day * 86400000 >= $1 AND day * 86400000 < $2 GROUP BY type) t "
    "GROUP BY type ORDER BY 2 DESC, type";
constexpr std::string_view kAgedEvents = "SELECT CAST(SUM(events) AS BIGINT) FROM event_daily";
// Ageing: count the events before $1 per day, type and currency, then delete them.
constexpr std::string_view kCountAgedEvents =
    "INSERT INTO event_daily (day, type, currency, events, visitors, customers, value) "
    "SELECT ts / 86400000, type, COALESCE(currency, ''), COUNT(*), COUNT(DISTINCT visitor_id), "
    "COUNT(DISTINCT customer_id), CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM events "
    "WHERE ts < $1 GROUP BY 1, 2, 3 ON CONFLICT (day, type, currency) DO UPDATE SET "
    "events = event_daily.events + excluded.events, "
    "visitors = event_daily.visitors + excluded.visitors, "
    "customers = event_daily.customers + excluded.customers, "
    "value = event_daily.value + excluded.value";
constexpr std::string_view kAgedDays =
    "SELECT COUNT(DISTINCT ts / 86400000) FROM events WHERE ts < $1";
constexpr std::string_view kDeleteAgedEvents = "DELETE FROM events WHERE ts < $1";
constexpr std::string_view kFunnelRows =
    "SELECT visitor_id, type FROM events WHERE ts >= $1 AND ts < $2 "
    "AND type IN ('product_view', 'add_to_cart', 'checkout_step', 'purchase') "
    "GROUP BY visitor_id, type";
// $1/$2 window, $3 bucket, $4 abandonment limit, $5 now.
constexpr std::string_view kAbandonment =
    "SELECT (x.at - $1) / $3, x.purchased, x.currency, COUNT(*), SUM(x.value) FROM ("
    "SELECT CASE WHEN status = 'open' THEN updated_at + $4 ELSE closed_at END AS at, "
    "CASE WHEN status = 'purchased' THEN 1 ELSE 0 END AS purchased, currency, value "
    "FROM carts WHERE item_count > 0 AND (status <> 'open' OR updated_at + $4 <= $5)) x "
    "WHERE x.at >= $1 AND x.at < $2 GROUP BY (x.at - $1) / $3, x.purchased, x.currency "
    "ORDER BY 1";
constexpr std::string_view kProductViews =
    "SELECT e.product, MAX(p.name), "
    "SUM(CASE WHEN e.type = 'product_view' THEN 1 ELSE 0 END), "
    "COUNT(DISTINCT CASE WHEN e.type = 'product_view' THEN e.visitor_id END), "
    "SUM(CASE WHEN e.type = 'add_to_cart' THEN 1 ELSE 0 END) "
    "FROM events e LEFT JOIN products p ON p.sku = e.product "
    "WHERE e.ts >= $1 AND e.ts < $2 AND e.type IN ('product_view', 'add_to_cart') "
    "AND e.product IS NOT NULL GROUP BY e.product "
    "ORDER BY SUM(CASE WHEN e.type = 'product_view' THEN 1 ELSE 0 END) DESC, e.product LIMIT $3";
constexpr std::string_view kProductPurchases =
    "SELECT product, COUNT(DISTINCT visitor_id), SUM(quantity) FROM purchase_items "
    "WHERE ts >= $1 AND ts < $2 GROUP BY product";

#define ECRM_CART_LIST                                                                \
  "SELECT " ECRM_CART_COLUMNS ", v.anonymous_id, v.customer_id, COALESCE(cu.name, '') " \
  "FROM carts k JOIN visitors v ON v.id = k.visitor_id "                                \
  "LEFT JOIN customers cu ON cu.id = v.customer_id WHERE "
// $1 abandonment limit, $2 now, $3 before, $4 limit.
constexpr std::string_view kAbandonedCarts =
    ECRM_CART_LIST
    "k.id < $3 AND (k.status = 'abandoned' OR (k.status = 'open' AND k.item_count > 0 AND "
    "k.updated_at + $1 <= $2)) ORDER BY k.id DESC LIMIT $4";
constexpr std::string_view kOpenCarts =
    ECRM_CART_LIST
    "k.id < $3 AND k.status = 'open' AND (k.item_count = 0 OR k.updated_at + $1 > $2) "
    "ORDER BY k.id DESC LIMIT $4";
constexpr std::string_view kPurchasedCarts =
    ECRM_CART_LIST "k.id < $1 AND k.status = 'purchased' ORDER BY k.id DESC LIMIT $2";
constexpr std::string_view kSessionsOfVisitor =
    "SELECT id, visitor_id, started_at, last_at, event_count, page_views, landing_url, referrer, "
    "utm_source, utm_medium, utm_campaign, device, purchased FROM visitor_sessions "
    "WHERE visitor_id = $1 ORDER BY started_at DESC LIMIT $2";

// --- The customer record ---
constexpr std::string_view kReassignEvents =
    "UPDATE events SET customer_id = $2 WHERE customer_id = $1 RETURNING id";
constexpr std::string_view kRestoreEvent =
    "UPDATE events SET customer_id = $3 WHERE id = $1 AND customer_id = $2";
constexpr std::string_view kReassignVisitors =
    "UPDATE visitors SET customer_id = $2 WHERE customer_id = $1 RETURNING id";
constexpr std::string_view kRestoreVisitor =
    "UPDATE visitors SET customer_id = $3 WHERE id = $1 AND customer_id = $2";
constexpr std::string_view kEventsOfCustomer =
    "SELECT " ECRM_EVENT_COLUMNS " FROM events e WHERE e.customer_id = $1 ORDER BY e.ts, e.id";
constexpr std::string_view kVisitorsOfCustomer =
    "SELECT " ECRM_VISITOR_COLUMNS " FROM visitors WHERE customer_id = $1 ORDER BY id";
constexpr std::string_view kEraseVisitor =
    "UPDATE visitors SET anonymous_id = $2, customer_id = NULL, external_id = NULL, "
    "identified_at = NULL WHERE id = $1";
constexpr std::string_view kEraseUnattributedEvents =
    "UPDATE events SET anonymous_id = $2, properties = '{}', client_session_id = NULL "
    "WHERE visitor_id = $1 AND customer_id IS NULL";
constexpr std::string_view kEraseVisitorEvents =
    "UPDATE events SET anonymous_id = $3, customer_id = NULL, properties = '{}', "
    "client_session_id = NULL WHERE customer_id = $1 AND visitor_id = $2";
constexpr std::string_view kEraseCustomerEvents =
    "UPDATE events SET customer_id = NULL, properties = '{}', client_session_id = NULL "
    "WHERE customer_id = $1";
constexpr std::string_view kEraseSessions =
    "UPDATE visitor_sessions SET landing_url = '', referrer = '' WHERE visitor_id = $1";
// A keyset read along events_customer (customer_id, ts, id): the row-value comparison is a range
// of the index on both databases, so a page deep in the history costs what the first one does.
constexpr std::string_view kCustomerTimeline =
    "SELECT " ECRM_EVENT_COLUMNS " FROM events e WHERE e.customer_id = $1 "
    "AND (e.ts, e.id) < ($2, $3) ORDER BY e.ts DESC, e.id DESC LIMIT $4";

#undef ECRM_VISITOR_COLUMNS
#undef ECRM_CART_COLUMNS
#undef ECRM_EVENT_COLUMNS
#undef ECRM_CART_LIST

// The shapes of the multi-row statements (storage/multi_row.hpp).
constexpr storage::MultiRowShape kUpsertVisitors{kUpsertVisitorsHead, 3, kUpsertVisitorsTail};
constexpr storage::MultiRowShape kUpdateVisitors{
    kUpdateVisitorsHead, static_cast<int>(kUpdateVisitorsTypes.size()), kUpdateVisitorsTail,
    kUpdateVisitorsTypes};
constexpr storage::MultiRowShape kCustomersById{kCustomersByIdHead, 1, ")", {}, true};
constexpr storage::MultiRowShape kCustomersByExternalId{kCustomersByExternalIdHead, 1, ")", {},
                                                        true};
constexpr storage::MultiRowShape kInsertSessions{kInsertSessionsHead, kSessionColumns, ""};
constexpr storage::MultiRowShape kUpdateSessions{
    kUpdateSessionsHead, static_cast<int>(kUpdateSessionsTypes.size()), kUpdateSessionsTail,
    kUpdateSessionsTypes};
constexpr storage::MultiRowShape kFindCarts{kFindCartsHead, 1, ")", {}, true};
constexpr storage::MultiRowShape kInsertCarts{kInsertCartsHead, kCartColumns, ""};
constexpr storage::MultiRowShape kUpdateCarts{kUpdateCartsHead,
                                              static_cast<int>(kUpdateCartsTypes.size()),
                                              kUpdateCartsTail, kUpdateCartsTypes};
constexpr storage::MultiRowShape kInsertEventsReturningRows{kInsertEventsHead, kEventColumns,
                                                            kInsertEventsReturning};
constexpr storage::MultiRowShape kInsertEventsCountedRows{kInsertEventsHead, kEventColumns,
                                                          kInsertEventsNoReturning};
constexpr std::string_view kNoTail = "";
constexpr storage::MultiRowShape kInsertEventsPlainRows{kInsertEventsHead, kEventColumns, kNoTail};
constexpr storage::MultiRowShape kExistingEvents{kExistingEventsHead, 1, ")", {}, true};
constexpr storage::MultiRowShape kInsertPurchaseItems{kInsertPurchaseItemsHead,
                                                      kPurchaseItemColumns, ""};

// Runs `shape` (an IN (…) list) over every key, in chunks; each row goes to `on_row`.
template <typename Key, typename OnRow>
Status query_in(Connection& c, const storage::MultiRowShape& shape, std::span<const Key> keys,
                OnRow on_row) {
  if (keys.empty()) return {};
  if (c.backend() == storage::Backend::kPostgres) {
    storage::PgArray list;
    for (const auto& key : keys) list.add(Value(key));
    const std::string& sql =
        storage::postgres_array_sql(shape, std::is_same_v<Key, std::int64_t> ? "i" : "t");
    return c.query(sql, {list.take()}, on_row);
  }
  std::vector<Value> params;
  return storage::for_chunks(keys.size(), [&](std::size_t first, std::size_t size) -> Status {
    params.assign(keys.begin() + static_cast<std::ptrdiff_t>(first),
                  keys.begin() + static_cast<std::ptrdiff_t>(first + size));
    return c.query(storage::multi_row_sql(shape, size), params, on_row);
  });
}

Value opt(const std::optional<std::string>& v) { return v ? Value(*v) : kNull; }
Value opt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : kNull; }

Visitor read_visitor(const RowView& row) {
  Visitor v;
  v.id = row.get_int(0);
  v.anonymous_id = row.get_string(1);
  v.customer_id = row.get_optional_int(2);
  v.external_id = row.get_optional_string(3);
  v.identified_at = row.get_optional_int(4);
  v.first_seen_at = row.get_int(5);
  v.last_seen_at = row.get_int(6);
  v.event_count = row.get_int(7);
  v.device = row.get_string(8);
  v.session_id = row.get_optional_int(9);
  v.session_started_at = row.get_optional_int(10);
  v.session_last_at = row.get_optional_int(11);
  v.cart_id = row.get_optional_int(12);
  return v;
}

StoredEvent read_event(const RowView& row) {
  StoredEvent e;
  e.id = row.get_int(0);
  e.event_id = row.get_string(1);
  e.type = wire::parse_enum<EventType>(row.get_text(2)).value_or(EventType::kCustom);
  e.visitor_id = row.get_int(3);
  e.anonymous_id = row.get_string(4);
  e.customer_id = row.get_optional_int(5);
  e.session_id = row.get_optional_int(6);
  e.ts = row.get_int(7);
  e.received_at = row.get_int(8);
  e.product = row.get_optional_string(9);
  e.quantity = row.get_optional_int(10);
  e.value = row.get_optional_int(11);
  e.currency = row.get_optional_string(12);
  e.properties = row.get_string(13);
  return e;
}

WriteKey read_write_key(const RowView& row) {
  return WriteKey{row.get_int(0),    row.get_string(1), row.get_string(2),
                  row.get_string(3), row.get_int(4),    row.get_optional_int(5)};
}

// `s` as a JSON string literal, appended to `out` (Boost.JSON's serializer does the escaping).
void append_json_string(std::string& out, std::string_view s) {
  json::serializer serializer;
  serializer.reset(json::string_view(s.data(), s.size()));
  char buffer[512];
  while (!serializer.done()) {
    auto part = serializer.read(buffer);
    out.append(part.data(), part.size());
  }
}

// The cart's items as stored: [{"product":…,"name":…,"quantity":…,"price":…},…]. Written
// directly (the writer stores a cart per visitor per group).
std::string items_json(const std::vector<CartItem>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += "{\"product\":";
    append_json_string(out, item.product);
    out += ",\"name\":";
    append_json_string(out, item.name);
    out += ",\"quantity\":" + std::to_string(item.quantity);
    out += ",\"price\":" + std::to_string(item.price) + "}";
  }
  return out + "]";
}

std::vector<CartItem> parse_items(std::string_view text) {
  std::vector<CartItem> items;
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof buffer);
  json::error_code ec;
  json::value parsed = json::parse(text, ec, &arena);
  if (ec || !parsed.is_array()) return items;
  for (const auto& v : parsed.get_array()) {
    if (!v.is_object()) continue;
    const auto& o = v.get_object();
    CartItem item;
    if (const auto* p = o.if_contains("product"); p && p->is_string()) item.product = p->get_string();
    if (const auto* p = o.if_contains("name"); p && p->is_string()) item.name = p->get_string();
    if (const auto* p = o.if_contains("quantity"); p && p->is_int64()) item.quantity = p->get_int64();
    if (const auto* p = o.if_contains("price"); p && p->is_int64()) item.price = p->get_int64();
    items.push_back(std::move(item));
  }
  return items;
}

Cart read_cart(const RowView& row) {
  Cart k;
  k.id = row.get_int(0);
  k.visitor_id = row.get_int(1);
  k.status = wire::parse_enum<CartStatus>(row.get_text(2)).value_or(CartStatus::kOpen);
  k.items = parse_items(row.get_text(3));
  k.item_count = row.get_int(4);
  k.value = row.get_int(5);
  k.currency = row.get_string(6);
  k.checkout_step = row.get_int(7);
  k.created_at = row.get_int(8);
  k.updated_at = row.get_int(9);
  k.closed_at = row.get_optional_int(10);
  k.order_ref = row.get_string(11);
  k.recovered_from = row.get_optional_int(12);
  return k;
}

Session read_session(const RowView& row) {
  Session s;
  s.id = row.get_int(0);
  s.visitor_id = row.get_int(1);
  s.started_at = row.get_int(2);
  s.last_at = row.get_int(3);
  s.event_count = row.get_int(4);
  s.page_views = row.get_int(5);
  s.landing_url = row.get_string(6);
  s.referrer = row.get_string(7);
  s.utm_source = row.get_string(8);
  s.utm_medium = row.get_string(9);
  s.utm_campaign = row.get_string(10);
  s.device = row.get_string(11);
  s.purchased = row.get_int(12) != 0;
  return s;
}

Result<std::optional<CustomerRef>> read_customer_ref(Connection& c, std::string_view sql,
                                                     Value key) {
  std::optional<CustomerRef> found;
  ECRM_RETURN_IF_ERROR(c.query(sql, {std::move(key)}, [&](const RowView& row) {
    found = CustomerRef{row.get_int(0), row.get_optional_int(1)};
  }));
  return found;
}

// "https://www.example.com/path" -> "www.example.com".
std::string host_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  return std::string(url.substr(0, url.find_first_of("/?#")));
}

}  // namespace

// --- Write keys ---

Result<WriteKey> EventRepo::insert_write_key(Connection& c, WriteKey key) {
  ECRM_ASSIGN_OR_RETURN(auto id, c.query_int(kInsertWriteKey, {key.key, key.name, key.created_by,
                                                               key.created_at}));
  key.id = id.value_or(0);
  return key;
}

Result<std::vector<WriteKey>> EventRepo::list_write_keys(Connection& c) {
  std::vector<WriteKey> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kListWriteKeys, {}, [&](const RowView& row) { out.push_back(read_write_key(row)); }));
  return out;
}

Result<std::optional<WriteKey>> EventRepo::find_write_key(Connection& c, const std::string& key) {
  std::optional<WriteKey> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindWriteKey, {key}, [&](const RowView& row) { found = read_write_key(row); }));
  return found;
}

Result<bool> EventRepo::revoke_write_key(Connection& c, std::int64_t id, UnixMs at) {
  ECRM_ASSIGN_OR_RETURN(auto changed, c.execute(kRevokeWriteKey, {id, at}));
  return changed > 0;
}

// --- Ingestion ---

Result<std::string> EventRepo::wal_path(Connection& c) {
  if (c.backend() != storage::Backend::kSqlite) return std::string();
  std::string file;
  ECRM_RETURN_IF_ERROR(
      c.query(kSqliteDatabaseFile, {}, [&](const RowView& row) { file = row.get_string(0); }));
  return file.empty() ? file : file + "-wal";
}

Status EventRepo::make_commits_durable(Connection& c) {
  return done(c.execute(c.backend() == storage::Backend::kSqlite ? kSqliteDurableCommits
                                                                 : kPostgresDurableCommits));
}

Result<std::vector<Visitor>> EventRepo::upsert_visitors(Connection& c,
                                                        std::span<const VisitorKey> keys) {
  std::unordered_map<std::string, Visitor> found;
  const storage::RowCallback on_row = [&](const RowView& row) {
    Visitor v = read_visitor(row);
    found.emplace(v.anonymous_id, std::move(v));
  };
  ECRM_RETURN_IF_ERROR(storage::run_rows(
      c, kUpsertVisitors, "tii", keys.size(),
      [&](std::size_t i, std::vector<Value>& p) {
        p.insert(p.end(), {keys[i].anonymous_id, keys[i].first_seen_at, keys[i].first_seen_at});
      },
      &on_row));
  std::vector<Visitor> out;
  out.reserve(keys.size());
  for (const auto& key : keys) {
    auto it = found.find(key.anonymous_id);
    if (it == found.end()) return Error::internal("visitor upsert returned no row for a visitor");
    out.push_back(std::move(it->second));
  }
  return out;
}

Status EventRepo::update_visitors(Connection& c, std::span<const Visitor* const> visitors) {
  return storage::run_rows(
      c, kUpdateVisitors, kUpdateVisitorsTypes, visitors.size(), [&](std::size_t i, std::vector<Value>& p) {
        const Visitor& v = *visitors[i];
        p.insert(p.end(),
                 {v.id, opt(v.customer_id), opt(v.external_id), opt(v.identified_at),
                  v.first_seen_at, v.last_seen_at, v.event_count, v.device, opt(v.session_id),
                  opt(v.session_started_at), opt(v.session_last_at), opt(v.cart_id)});
      });
}

Result<std::set<std::string>> EventRepo::existing_event_ids(Connection& c,
                                                            std::span<const std::string> ids) {
  std::set<std::string> found;
  ECRM_RETURN_IF_ERROR(query_in(c, kExistingEvents, ids,
                                [&](const RowView& row) { found.insert(row.get_string(0)); }));
  return found;
}

Result<std::optional<CustomerRef>> EventRepo::customer_by_id(Connection& c, std::int64_t id) {
  return read_customer_ref(c, kCustomerById, id);
}

Result<std::unordered_map<std::int64_t, CustomerRef>> EventRepo::customers_by_id(
    Connection& c, std::span<const std::int64_t> ids) {
  std::unordered_map<std::int64_t, CustomerRef> found;
  ECRM_RETURN_IF_ERROR(query_in(c, kCustomersById, ids, [&](const RowView& row) {
    found[row.get_int(2)] = CustomerRef{row.get_int(0), row.get_optional_int(1)};
  }));
  return found;
}

Result<std::unordered_map<std::string, CustomerRef>> EventRepo::customers_by_external_id(
    Connection& c, std::span<const std::string> external_ids) {
  std::unordered_map<std::string, CustomerRef> found;
  ECRM_RETURN_IF_ERROR(query_in(c, kCustomersByExternalId, external_ids, [&](const RowView& row) {
    found[row.get_string(2)] = CustomerRef{row.get_int(0), row.get_optional_int(1)};
  }));
  return found;
}

namespace {

Result<std::vector<std::int64_t>> new_ids(Connection& c, std::size_t count,
                                          std::string_view sqlite_max,
                                          std::string_view postgres_next) {
  std::vector<std::int64_t> ids;
  if (count == 0) return ids;
  ids.reserve(count);
  if (c.backend() == storage::Backend::kSqlite) {
    ECRM_ASSIGN_OR_RETURN(auto max, c.query_int(sqlite_max));
    for (std::size_t i = 1; i <= count; ++i) ids.push_back(max.value_or(0) + static_cast<std::int64_t>(i));
    return ids;
  }
  ECRM_RETURN_IF_ERROR(c.query(postgres_next, {static_cast<std::int64_t>(count)},
                               [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  if (ids.size() != count) return Error::internal("the sequence returned too few ids");
  return ids;
}

}  // namespace

Result<std::vector<std::int64_t>> EventRepo::new_session_ids(Connection& c, std::size_t count) {
  return new_ids(c, count, kSqliteMaxSessionId, kPostgresNextSessionIds);
}

Result<std::vector<std::int64_t>> EventRepo::new_cart_ids(Connection& c, std::size_t count) {
  return new_ids(c, count, kSqliteMaxCartId, kPostgresNextCartIds);
}

Status EventRepo::insert_sessions(Connection& c, std::span<const Session* const> sessions) {
  return storage::execute_rows(
      c, kInsertSessions, sessions.size(), [&](std::size_t i, std::vector<Value>& p) {
        const Session& x = *sessions[i];
        p.insert(p.end(), {x.id, x.visitor_id, x.started_at, x.last_at, x.event_count, x.page_views,
                           x.landing_url, x.referrer, x.utm_source, x.utm_medium, x.utm_campaign,
                           x.device, std::int64_t{x.purchased ? 1 : 0}});
      });
}

Status EventRepo::update_sessions(Connection& c, std::span<const SessionUpdate> updates) {
  return storage::run_rows(
      c, kUpdateSessions, kUpdateSessionsTypes, updates.size(), [&](std::size_t i, std::vector<Value>& p) {
        const SessionUpdate& u = updates[i];
        const Session& x = *u.session;
        p.insert(p.end(), {x.id, x.started_at, x.last_at, u.added_events, u.added_page_views,
                           std::int64_t{x.purchased ? 1 : 0}, x.landing_url, x.referrer, x.device});
      });
}

Result<std::vector<Cart>> EventRepo::find_carts(Connection& c, std::span<const std::int64_t> ids) {
  std::vector<Cart> out;
  ECRM_RETURN_IF_ERROR(
      query_in(c, kFindCarts, ids, [&](const RowView& row) { out.push_back(read_cart(row)); }));
  return out;
}

Status EventRepo::insert_carts(Connection& c, std::span<const Cart* const> carts) {
  return storage::execute_rows(
      c, kInsertCarts, carts.size(), [&](std::size_t i, std::vector<Value>& p) {
        const Cart& k = *carts[i];
        p.insert(p.end(),
                 {k.id, k.visitor_id, std::string(wire::enum_name(k.status)), items_json(k.items),
                  k.item_count, k.value, k.currency, k.checkout_step, k.created_at, k.updated_at,
                  opt(k.closed_at), k.order_ref, opt(k.recovered_from)});
      });
}

Status EventRepo::update_carts(Connection& c, std::span<const Cart* const> carts) {
  return storage::run_rows(
      c, kUpdateCarts, kUpdateCartsTypes, carts.size(), [&](std::size_t i, std::vector<Value>& p) {
        const Cart& k = *carts[i];
        p.insert(p.end(), {k.id, std::string(wire::enum_name(k.status)), items_json(k.items),
                           k.item_count, k.value, k.currency, k.checkout_step, k.updated_at,
                           opt(k.closed_at), k.order_ref});
      });
}

namespace {

// PostgreSQL: the rows as one array per column (one statement for the group).
constexpr std::string_view kEventArrayTypes = "ttitiitiitiitt";
std::vector<Value> event_arrays(std::span<const EventRow> rows) {
  return storage::postgres_column_arrays(
      kEventColumns, rows.size(), [&](std::size_t i, std::vector<Value>& p) {
        const EventRow& r = rows[i];
        p.insert(p.end(), {r.event_id, r.type, r.visitor_id, r.anonymous_id, opt(r.customer_id),
                           opt(r.session_id), opt(r.client_session_id), r.ts, r.received_at,
                           opt(r.product), opt(r.quantity), opt(r.value), opt(r.currency),
                           r.properties});
      });
}

}  // namespace

Result<bool> EventRepo::insert_new_events(Connection& c, std::span<const EventRow> rows) {
  auto inserted =
      c.execute(storage::postgres_array_sql(kInsertEventsPlainRows, kEventArrayTypes), event_arrays(rows));
  if (inserted.ok()) return true;
  if (inserted.error().kind == ErrorKind::kConflict) return false;
  return std::move(inserted).error();
}

Result<std::vector<bool>> EventRepo::insert_events(Connection& c, std::span<EventRow> rows) {
  std::vector<bool> inserted(rows.size(), false);
  const bool sqlite = c.backend() == storage::Backend::kSqlite;
  if (!sqlite) {
    // One statement for the group. The writer left out the ids stored before, so the rows are
    // inserted without a conflict check per row (about 30% cheaper), in a savepoint: if another
    // process stored one of them meanwhile, the insert fails, is rolled back to the savepoint
    // and made again skipping the stored ones, RETURNING the rows it wrote.
    ECRM_RETURN_IF_ERROR(done(c.execute("SAVEPOINT events_insert")));
    ECRM_ASSIGN_OR_RETURN(bool all_new, insert_new_events(c, rows));
    if (all_new) {
      inserted.assign(rows.size(), true);
      return inserted;
    }
    ECRM_RETURN_IF_ERROR(done(c.execute("ROLLBACK TO SAVEPOINT events_insert")));
    std::unordered_set<std::string> returned;
    ECRM_RETURN_IF_ERROR(c.query(storage::postgres_array_sql(kInsertEventsReturningRows, kEventArrayTypes),
                                 event_arrays(rows), [&](const RowView& row) {
                                   returned.insert(row.get_string(0));
                                 }));
    for (std::size_t i = 0; i < rows.size(); ++i) inserted[i] = returned.count(rows[i].event_id) > 0;
    return inserted;
  }
  const storage::MultiRowShape& shape =
      sqlite ? kInsertEventsCountedRows : kInsertEventsReturningRows;
  std::vector<Value> params;
  std::unordered_set<std::string> returned;
  ECRM_RETURN_IF_ERROR(
      storage::for_chunks(rows.size(), [&](std::size_t first, std::size_t size) -> Status {
        params.clear();
        params.reserve(size * kEventColumns);
        for (std::size_t i = first; i < first + size; ++i) {
          EventRow& r = rows[i];
          // SQLite answers by count, so the id can move; PostgreSQL's RETURNING names the ids.
          params.emplace_back(sqlite ? std::move(r.event_id) : r.event_id);
          params.emplace_back(r.type);
          params.emplace_back(r.visitor_id);
          params.emplace_back(r.anonymous_id);
          params.push_back(opt(r.customer_id));
          params.push_back(opt(r.session_id));
          params.push_back(opt(r.client_session_id));
          params.emplace_back(r.ts);
          params.emplace_back(r.received_at);
          params.push_back(opt(r.product));
          params.push_back(opt(r.quantity));
          params.push_back(opt(r.value));
          params.push_back(opt(r.currency));
          params.emplace_back(std::move(r.properties));
        }
        if (sqlite) {
          ECRM_ASSIGN_OR_RETURN(auto changed,
                                c.execute(storage::multi_row_sql(shape, size), params));
          if (changed != static_cast<std::int64_t>(size)) {
            return Error::internal("an event thought new was stored already");
          }
          for (std::size_t i = first; i < first + size; ++i) inserted[i] = true;
          return {};
        }
        returned.clear();
        ECRM_RETURN_IF_ERROR(
            c.query(storage::multi_row_sql(shape, size), params,
                    [&](const RowView& row) { returned.insert(row.get_string(0)); }));
        for (std::size_t i = first; i < first + size; ++i) {
          inserted[i] = returned.count(rows[i].event_id) > 0;
        }
        return {};
      }));
  return inserted;
}

Status EventRepo::attribute_events(Connection& c, std::int64_t visitor_id,
                                   std::int64_t customer_id) {
  return done(c.execute(kAttributeEvents, {visitor_id, customer_id}));
}

Status EventRepo::insert_purchase_items(Connection& c, std::span<const PurchaseItemRow> items) {
  return storage::execute_rows(
      c, kInsertPurchaseItems, items.size(), [&](std::size_t i, std::vector<Value>& p) {
        const PurchaseItemRow& item = items[i];
        p.insert(p.end(), {item.visitor_id, item.product, item.quantity, item.price,
                           item.currency, item.ts});
      });
}

// --- Reading the log ---

Result<std::vector<StoredEvent>> EventRepo::list_events(Connection& c, const EventQuery& f,
                                                        std::optional<std::int64_t> before,
                                                        int limit) {
  std::vector<StoredEvent> out;
  Value type = f.type ? Value(std::string(wire::enum_name(*f.type))) : kNull;
  ECRM_RETURN_IF_ERROR(c.query(kListEvents,
                               {before.value_or(INT64_MAX), type, opt(f.customer_id),
                                opt(f.anonymous_id), std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(read_event(row)); }));
  return out;
}

Result<std::vector<StoredEvent>> EventRepo::events_after(Connection& c, std::int64_t after,
                                                         int limit) {
  std::vector<StoredEvent> out;
  ECRM_RETURN_IF_ERROR(c.query(kEventsAfter, {after, std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(read_event(row)); }));
  return out;
}

Result<std::int64_t> EventRepo::last_event_id(Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto id, c.query_int(kLastEventId));
  return id.value_or(0);
}

Result<EventStats> EventRepo::stats(Connection& c, UnixMs now) {
  EventStats s;
  ECRM_ASSIGN_OR_RETURN(auto total, c.query_int(kCountEvents));
  s.total = total.value_or(0);
  ECRM_ASSIGN_OR_RETURN(auto recent, c.query_int(kCountRecentEvents, {now - kMsPerDay}));
  s.last_24h = recent.value_or(0);
  ECRM_RETURN_IF_ERROR(c.query(kCountVisitors, {}, [&](const RowView& row) {
    s.visitors = row.get_int(0);
    s.identified_visitors = row.get_int(1);
  }));
  ECRM_RETURN_IF_ERROR(c.query(kCountByType, {}, [&](const RowView& row) {
    s.by_type.push_back(NamedCount{row.get_string(0), row.get_int(1)});
  }));
  ECRM_ASSIGN_OR_RETURN(auto aged, c.query_int(kAgedEvents));
  s.aged = aged.value_or(0);
  return s;
}

Result<EventAgeingResult> EventRepo::age(Connection& c, UnixMs before) {
  EventAgeingResult out;
  out.before = before;
  ECRM_ASSIGN_OR_RETURN(auto days, c.query_int(kAgedDays, {before}));
  out.days = days.value_or(0);
  if (out.days == 0) return out;
  ECRM_RETURN_IF_ERROR(storage::done(c.execute(kCountAgedEvents, {before})));
  ECRM_ASSIGN_OR_RETURN(out.events, c.execute(kDeleteAgedEvents, {before}));
  return out;
}

// --- Traffic analytics ---

Status EventRepo::overview(Connection& c, UnixMs from, UnixMs to, TrafficOverview& out) {
  ECRM_RETURN_IF_ERROR(c.query(kOverviewTotals, {from, to}, [&](const RowView& row) {
    out.sessions = row.get_int(0);
    out.visitors = row.get_int(1);
    out.identified = row.get_int(2);
    out.page_views = row.get_int(3);
    out.purchasing_sessions = row.get_int(4);
    out.avg_session_seconds = row.get_double(5) / 1000.0;
  }));
  ECRM_RETURN_IF_ERROR(c.query(kOverviewDays, {from, to}, [&](const RowView& row) {
    out.days.push_back(
        DayCount{row.get_int(0) * kMsPerDay, row.get_int(1), row.get_int(2), row.get_int(3)});
  }));
  ECRM_RETURN_IF_ERROR(c.query(kOverviewDevices, {from, to}, [&](const RowView& row) {
    out.devices.push_back(NamedCount{row.get_string(0), row.get_int(1)});
  }));
  std::map<std::string, std::int64_t> hosts;
  ECRM_RETURN_IF_ERROR(c.query(kOverviewReferrers, {from, to}, [&](const RowView& row) {
    hosts[host_of(row.get_text(0))] += row.get_int(1);
  }));
  for (auto& [host, count] : hosts) out.referrers.push_back(NamedCount{host, count});
  std::sort(out.referrers.begin(), out.referrers.end(), [](const NamedCount& a, const NamedCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  });
  if (out.referrers.size() > 10) out.referrers.resize(10);
  ECRM_RETURN_IF_ERROR(c.query(kOverviewCampaigns, {from, to}, [&](const RowView& row) {
    out.campaigns.push_back(NamedCount{row.get_string(0), row.get_int(1)});
  }));
  return c.query(kOverviewTypes, {from, to}, [&](const RowView& row) {
    out.event_types.push_back(NamedCount{row.get_string(0), row.get_int(1)});
  });
}

Result<std::vector<FunnelRow>> EventRepo::funnel_rows(Connection& c, UnixMs from, UnixMs to) {
  std::vector<FunnelRow> out;
  ECRM_RETURN_IF_ERROR(c.query(kFunnelRows, {from, to}, [&](const RowView& row) {
    out.push_back(FunnelRow{row.get_int(0), row.get_string(1)});
  }));
  return out;
}

Result<std::vector<AbandonmentBucket>> EventRepo::abandonment(Connection& c, UnixMs from,
                                                             UnixMs to, UnixMs bucket_ms,
                                                             UnixMs abandon_after, UnixMs now) {
  std::map<std::int64_t, AbandonmentBucket> buckets;
  for (UnixMs start = from; start < to; start += bucket_ms) {
    buckets[(start - from) / bucket_ms].start = start;
  }
  ECRM_RETURN_IF_ERROR(c.query(kAbandonment, {from, to, bucket_ms, abandon_after, now},
                               [&](const RowView& row) {
                                 AbandonmentBucket& b = buckets[row.get_int(0)];
                                 b.start = from + row.get_int(0) * bucket_ms;
                                 if (row.get_int(1) == 1) {
                                   b.purchased += row.get_int(3);
                                 } else {
                                   b.abandoned += row.get_int(3);
                                   std::string currency = row.get_string(2);
                                   if (currency.empty()) currency = "unknown";
                                   b.lost_value[currency] += row.get_int(4);
                                 }
                               }));
  std::vector<AbandonmentBucket> out;
  for (auto& [index, b] : buckets) {
    std::int64_t closed = b.abandoned + b.purchased;
    b.rate = closed > 0 ? static_cast<double>(b.abandoned) / static_cast<double>(closed) : 0.0;
    out.push_back(std::move(b));
  }
  return out;
}

Result<std::vector<ProductTraffic>> EventRepo::product_traffic(Connection& c, UnixMs from,
                                                               UnixMs to, int limit) {
  std::vector<ProductTraffic> out;
  ECRM_RETURN_IF_ERROR(c.query(kProductViews, {from, to, std::int64_t{limit}},
                               [&](const RowView& row) {
                                 ProductTraffic p;
                                 p.product = row.get_string(0);
                                 p.name = row.get_string(1);
                                 p.views = row.get_int(2);
                                 p.viewers = row.get_int(3);
                                 p.carts = row.get_int(4);
                                 out.push_back(std::move(p));
                               }));
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> bought;
  ECRM_RETURN_IF_ERROR(c.query(kProductPurchases, {from, to}, [&](const RowView& row) {
    bought[row.get_string(0)] = {row.get_int(1), row.get_int(2)};
  }));
  for (auto& p : out) {
    if (auto it = bought.find(p.product); it != bought.end()) {
      p.buyers = it->second.first;
      p.units = it->second.second;
    }
    p.browse_to_buy =
        p.viewers > 0 ? static_cast<double>(p.buyers) / static_cast<double>(p.viewers) : 0.0;
  }
  return out;
}

Result<std::vector<Cart>> EventRepo::list_carts(Connection& c, CartStatus status,
                                                UnixMs abandon_after, UnixMs now,
                                                std::optional<std::int64_t> before, int limit) {
  std::vector<Value> params;
  std::string_view sql = kPurchasedCarts;
  if (status == CartStatus::kPurchased) {
    params = {before.value_or(INT64_MAX), std::int64_t{limit}};
  } else {
    sql = status == CartStatus::kAbandoned ? kAbandonedCarts : kOpenCarts;
    params = {abandon_after, now, before.value_or(INT64_MAX), std::int64_t{limit}};
  }
  std::vector<Cart> out;
  ECRM_RETURN_IF_ERROR(c.query(sql, params,
                               [&](const RowView& row) {
                                 Cart k = read_cart(row);
                                 k.anonymous_id = row.get_string(13);
                                 k.customer_id = row.get_optional_int(14);
                                 k.customer_name = row.get_string(15);
                                 if (k.status == CartStatus::kOpen && k.item_count > 0 &&
                                     k.updated_at + abandon_after <= now) {
                                   k.status = CartStatus::kAbandoned;
                                   k.closed_at = k.updated_at + abandon_after;
                                 }
                                 out.push_back(std::move(k));
                               }));
  return out;
}

Result<std::vector<Session>> EventRepo::sessions_of_visitor(Connection& c, std::int64_t visitor_id,
                                                            int limit) {
  std::vector<Session> out;
  ECRM_RETURN_IF_ERROR(c.query(kSessionsOfVisitor, {visitor_id, std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(read_session(row)); }));
  return out;
}

Result<std::optional<Visitor>> EventRepo::find_visitor(Connection& c,
                                                       const std::string& anonymous_id) {
  std::optional<Visitor> found;
  ECRM_RETURN_IF_ERROR(c.query(kFindVisitor, {anonymous_id},
                               [&](const RowView& row) { found = read_visitor(row); }));
  return found;
}

// --- The customer record ---

namespace {
Result<std::vector<std::int64_t>> returning_ids(Connection& c, std::string_view sql,
                                                std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(
      c.query(sql, {from, to}, [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  std::sort(ids.begin(), ids.end());
  return ids;
}
}  // namespace

Result<std::vector<std::int64_t>> EventRepo::reassign_events(Connection& c, std::int64_t from,
                                                             std::int64_t to) {
  return returning_ids(c, kReassignEvents, from, to);
}

Status EventRepo::restore_event(Connection& c, std::int64_t id, std::int64_t from,
                                std::int64_t to) {
  return done(c.execute(kRestoreEvent, {id, from, to}));
}

Result<std::vector<std::int64_t>> EventRepo::reassign_visitors(Connection& c, std::int64_t from,
                                                               std::int64_t to) {
  return returning_ids(c, kReassignVisitors, from, to);
}

Status EventRepo::restore_visitor(Connection& c, std::int64_t id, std::int64_t from,
                                  std::int64_t to) {
  return done(c.execute(kRestoreVisitor, {id, from, to}));
}

Result<std::vector<StoredEvent>> EventRepo::events_of_customer(Connection& c,
                                                               std::int64_t customer_id) {
  std::vector<StoredEvent> out;
  ECRM_RETURN_IF_ERROR(c.query(kEventsOfCustomer, {customer_id},
                               [&](const RowView& row) { out.push_back(read_event(row)); }));
  return out;
}

Result<std::vector<Visitor>> EventRepo::visitors_of_customer(Connection& c,
                                                             std::int64_t customer_id) {
  std::vector<Visitor> out;
  ECRM_RETURN_IF_ERROR(c.query(kVisitorsOfCustomer, {customer_id},
                               [&](const RowView& row) { out.push_back(read_visitor(row)); }));
  return out;
}

Status EventRepo::erase_customer(Connection& c, std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto visitors, visitors_of_customer(c, customer_id));
  for (const auto& v : visitors) {
    std::string fresh = "erased-" + random_token(12);
    ECRM_RETURN_IF_ERROR(done(c.execute(kEraseUnattributedEvents, {v.id, fresh})));
    ECRM_RETURN_IF_ERROR(done(c.execute(kEraseVisitorEvents, {customer_id, v.id, fresh})));
    ECRM_RETURN_IF_ERROR(done(c.execute(kEraseSessions, {v.id})));
    ECRM_RETURN_IF_ERROR(done(c.execute(kEraseVisitor, {v.id, fresh})));
  }
  return done(c.execute(kEraseCustomerEvents, {customer_id}));
}

Result<std::vector<StoredEvent>> EventRepo::customer_timeline(Connection& c,
                                                              std::int64_t customer_id, UnixMs at,
                                                              std::int64_t id_bound, int limit) {
  std::vector<StoredEvent> out;
  ECRM_RETURN_IF_ERROR(c.query(kCustomerTimeline, {customer_id, at, id_bound, std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(read_event(row)); }));
  return out;
}

}  // namespace ecrm::events

// SQL for write keys, the event log and what is derived from it (visitors, sessions, carts,
// purchased items), the traffic analytics and the customer-record queries. Every statement is a
// named constant in repo.cpp (the multi-row ones are built once from a named template per row
// count); every method takes the connection to run on, so callers choose the transaction.
#pragma once

#include <boost/json/array.hpp>

#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "customers/model.hpp"
#include "events/model.hpp"
#include "storage/database.hpp"

namespace ecrm::events {

using storage::Connection;

// A row of the event log as the writer inserts it.
struct EventRow {
  std::string event_id;
  std::string type;
  std::int64_t visitor_id = 0;
  std::string anonymous_id;
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> session_id;
  std::optional<std::string> client_session_id;
  UnixMs ts = 0;
  UnixMs received_at = 0;
  std::optional<std::string> product;
  std::optional<std::int64_t> quantity;
  std::optional<std::int64_t> value;
  std::optional<std::string> currency;
  std::string properties;
};

// A visitor the writer needs, and the time of its earliest event in the group.
struct VisitorKey {
  std::string anonymous_id;
  UnixMs first_seen_at = 0;
};

// A stored session and what the group adds to it.
struct SessionUpdate {
  const Session* session = nullptr;  // the new bounds and entry details
  std::int64_t added_events = 0;
  std::int64_t added_page_views = 0;
};

struct PurchaseItemRow {
  std::int64_t visitor_id = 0;
  std::string product;
  std::int64_t quantity = 0;
  std::int64_t price = 0;
  std::string currency;
  UnixMs ts = 0;
};

// A customer reference as stored: its id and where it was merged to, if it was.
struct CustomerRef {
  std::int64_t id = 0;
  std::optional<std::int64_t> merged_into;
};

struct FunnelRow {
  std::int64_t visitor_id = 0;
  std::string type;
};

class EventRepo {
 public:
  // --- Write keys ---
  Result<WriteKey> insert_write_key(Connection& c, WriteKey key);
  Result<std::vector<WriteKey>> list_write_keys(Connection& c);
  Result<std::optional<WriteKey>> find_write_key(Connection& c, const std::string& key);
  // True when a live key was revoked; false when there is no such live key.
  Result<bool> revoke_write_key(Connection& c, std::int64_t id, UnixMs at);

  // --- Ingestion (the writer's transaction) ---
  // Makes every commit on this connection durable on disk before it returns, whatever the
  // pool's defaults (SQLite: synchronous=FULL; PostgreSQL: synchronous_commit on). Call it
  // outside a transaction.
  Status make_commits_durable(Connection& c);
  // SQLite: the path of the database's write-ahead log ("" for a database without a file).
  // PostgreSQL: "".
  Result<std::string> wal_path(Connection& c);
  // The visitors with these anonymous ids (distinct; the writer sorts them), created (first seen
  // at `first_seen_at`) when new; in the order of `keys`. On PostgreSQL the rows stay locked
  // until the transaction ends, taken in the order of `keys`.
  Result<std::vector<Visitor>> upsert_visitors(Connection& c, std::span<const VisitorKey> keys);
  Status update_visitors(Connection& c, std::span<const Visitor* const> visitors);
  // Which of `event_ids` are already stored.
  Result<std::set<std::string>> existing_event_ids(Connection& c,
                                                   std::span<const std::string> event_ids);
  Result<std::optional<CustomerRef>> customer_by_id(Connection& c, std::int64_t id);
  // The customers that exist among `ids` / `external_ids`, by the id / external id asked for.
  Result<std::unordered_map<std::int64_t, CustomerRef>> customers_by_id(
      Connection& c, std::span<const std::int64_t> ids);
  Result<std::unordered_map<std::string, CustomerRef>> customers_by_external_id(
      Connection& c, std::span<const std::string> external_ids);
  // `count` unused ids for new sessions / carts (inside the writer's transaction).
  Result<std::vector<std::int64_t>> new_session_ids(Connection& c, std::size_t count);
  Result<std::vector<std::int64_t>> new_cart_ids(Connection& c, std::size_t count);
  // Inserts sessions / carts whose ids come from new_session_ids() / new_cart_ids().
  Status insert_sessions(Connection& c, std::span<const Session* const> sessions);
  // Adds each update's increments to a stored session and widens its bounds.
  Status update_sessions(Connection& c, std::span<const SessionUpdate> updates);
  // The carts that exist among `ids`, in no particular order.
  Result<std::vector<Cart>> find_carts(Connection& c, std::span<const std::int64_t> ids);
  Status insert_carts(Connection& c, std::span<const Cart* const> carts);
  Status update_carts(Connection& c, std::span<const Cart* const> carts);
  // Inserts the rows, skipping those whose event_id is stored already; says, per row, whether
  // it was inserted. Their properties (and, on SQLite, event ids) are moved out.
  Result<std::vector<bool>> insert_events(Connection& c, std::span<EventRow> rows);
  // PostgreSQL: inserts the rows without a conflict check; false when one of them is stored
  // already (nothing is then inserted, and the transaction is aborted: the caller rolls back to
  // a savepoint taken before).
  Result<bool> insert_new_events(Connection& c, std::span<const EventRow> rows);
  // Gives the visitor's events that belong to no customer yet to `customer_id`.
  Status attribute_events(Connection& c, std::int64_t visitor_id, std::int64_t customer_id);
  Status insert_purchase_items(Connection& c, std::span<const PurchaseItemRow> items);

  // --- Reading the log ---
  // Newest first, id < before (all when nullopt).
  Result<std::vector<StoredEvent>> list_events(Connection& c, const EventQuery& filter,
                                               std::optional<std::int64_t> before, int limit);
  // Oldest first, id > after.
  Result<std::vector<StoredEvent>> events_after(Connection& c, std::int64_t after, int limit);
  Result<std::int64_t> last_event_id(Connection& c);
  Result<EventStats> stats(Connection& c, UnixMs now);
  // Counts the events that happened before `before` into the daily totals and deletes them.
  Result<EventAgeingResult> age(Connection& c, UnixMs before);

  // --- Traffic analytics over [from, to) ---
  Status overview(Connection& c, UnixMs from, UnixMs to, TrafficOverview& out);
  // (visitor, type) pairs of the funnel's event types in the window.
  Result<std::vector<FunnelRow>> funnel_rows(Connection& c, UnixMs from, UnixMs to);
  // Carts closed (purchased, or abandoned: explicitly or open with items and no activity for
  // `abandon_after` before `now`) in the window, by bucket of `bucket_ms`; lost value by
  // currency ("unknown" for carts without one).
  Result<std::vector<AbandonmentBucket>> abandonment(Connection& c, UnixMs from, UnixMs to,
                                                     UnixMs bucket_ms, UnixMs abandon_after,
                                                     UnixMs now);
  Result<std::vector<ProductTraffic>> product_traffic(Connection& c, UnixMs from, UnixMs to,
                                                      int limit);
  // Carts with `status` (abandoned includes open carts past the limit), newest id first.
  Result<std::vector<Cart>> list_carts(Connection& c, CartStatus status, UnixMs abandon_after,
                                       UnixMs now, std::optional<std::int64_t> before, int limit);
  Result<std::vector<Session>> sessions_of_visitor(Connection& c, std::int64_t visitor_id,
                                                   int limit);
  Result<std::optional<Visitor>> find_visitor(Connection& c, const std::string& anonymous_id);

  // --- The customer record ---
  Result<std::vector<std::int64_t>> reassign_events(Connection& c, std::int64_t from,
                                                    std::int64_t to);
  Status restore_event(Connection& c, std::int64_t id, std::int64_t from, std::int64_t to);
  Result<std::vector<std::int64_t>> reassign_visitors(Connection& c, std::int64_t from,
                                                      std::int64_t to);
  Status restore_visitor(Connection& c, std::int64_t id, std::int64_t from, std::int64_t to);
  Result<std::vector<StoredEvent>> events_of_customer(Connection& c, std::int64_t customer_id);
  Result<std::vector<Visitor>> visitors_of_customer(Connection& c, std::int64_t customer_id);
  // Unlinks the customer's visitors and events, gives each visitor a new random anonymous id,
  // and clears what could identify a person (event properties, landing pages, referrers).
  Status erase_customer(Connection& c, std::int64_t customer_id);
  // The customer's events strictly after (at, id_bound) in newest-first order.
  Result<std::vector<StoredEvent>> customer_timeline(Connection& c, std::int64_t customer_id,
                                                     UnixMs at, std::int64_t id_bound, int limit);
};

}  // namespace ecrm::events

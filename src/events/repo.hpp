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
  // The visitor with this anonymous id, created (first seen at `ts`) when new. On PostgreSQL
  // the row stays locked until the transaction ends.
  Result<Visitor> upsert_visitor(Connection& c, const std::string& anonymous_id, UnixMs ts);
  Status update_visitor(Connection& c, const Visitor& visitor);
  // Which of `event_ids` are already stored.
  Result<std::set<std::string>> existing_event_ids(Connection& c,
                                                   std::span<const std::string> event_ids);
  Result<std::optional<CustomerRef>> customer_by_id(Connection& c, std::int64_t id);
  Result<std::optional<CustomerRef>> customer_by_external_id(Connection& c,
                                                             const std::string& external_id);
  Result<std::int64_t> insert_session(Connection& c, const Session& session);
  // Adds the slot's increments to a stored session and widens its bounds.
  Status update_session(Connection& c, const Session& session, std::int64_t added_events,
                        std::int64_t added_page_views);
  Result<std::optional<Cart>> find_cart(Connection& c, std::int64_t id);
  Result<std::int64_t> insert_cart(Connection& c, const Cart& cart);
  Status update_cart(Connection& c, const Cart& cart);
  // Inserts the rows, skipping those whose event_id is stored already; returns the event_ids
  // inserted.
  Result<std::set<std::string>> insert_events(Connection& c, std::span<const EventRow> rows);
  // Gives the visitor's events that belong to no customer yet to `customer_id`.
  Status attribute_events(Connection& c, std::int64_t visitor_id, std::int64_t customer_id);
  Status insert_purchase_item(Connection& c, std::int64_t visitor_id, const std::string& product,
                              std::int64_t quantity, std::int64_t price,
                              const std::string& currency, UnixMs ts);

  // --- Reading the log ---
  // Newest first, id < before (all when nullopt).
  Result<std::vector<StoredEvent>> list_events(Connection& c, const EventFilter& filter,
                                               std::optional<std::int64_t> before, int limit);
  // Oldest first, id > after.
  Result<std::vector<StoredEvent>> events_after(Connection& c, std::int64_t after, int limit);
  Result<std::int64_t> last_event_id(Connection& c);
  Result<EventStats> stats(Connection& c, UnixMs now);

  // --- Traffic analytics over [from, to) ---
  Status overview(Connection& c, UnixMs from, UnixMs to, TrafficOverview& out);
  // (visitor, type) pairs of the funnel's event types in the window.
  Result<std::vector<FunnelRow>> funnel_rows(Connection& c, UnixMs from, UnixMs to);
  // Carts closed (purchased, or abandoned: explicitly or open with items and no activity for
  // `abandon_after` before `now`) in the window, by bucket of `bucket_ms`.
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

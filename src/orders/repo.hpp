// SQL for orders, lines, status history and returns, and the per-customer queries behind the
// customer record's merge, export, erasure, timeline and summary. Every statement is a named
// constant in repo.cpp; every method takes the connection to run on, so callers choose the
// transaction.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "customers/model.hpp"
#include "orders/model.hpp"
#include "search/index.hpp"
#include "storage/database.hpp"

namespace ecrm::orders {

using storage::Connection;

// The filters of the order list (query parameters).
struct OrderQuery {
  std::optional<std::string> q;          // see the rule below
  std::optional<std::int64_t> customer;  // a customer's id
  std::optional<OrderStatus> status;
  std::optional<Channel> channel;
  std::optional<UnixMs> placed_from;  // inclusive
  std::optional<UnixMs> placed_to;    // exclusive
};
ECRM_DESCRIBE(OrderQuery, q, customer, status, channel, placed_from, placed_to)
ECRM_WIRE_RULES(OrderQuery,
                rule(&OrderQuery::q,
                     {.max_length = 200,
                      .description = "an order number (1234 or #1234), or text in the external "
                                     "id, the SKUs, or the customer's name, e-mail, phone digits "
                                     "or company"}),
                rule(&OrderQuery::customer, {.description = "a customer's id"}),
                rule(&OrderQuery::placed_from, {.format = "date-time", .description = "inclusive"}),
                rule(&OrderQuery::placed_to, {.format = "date-time", .description = "exclusive"}))

// The orders' search index: their own document (external id, SKUs) and their customer's.
inline const search::TextIndex kOrderIndex{
    "orders", {"search_text", "search_customer"}, "orders_search", "orders_numbers"};

// The order number a search text names: "1234" or "#1234".
std::optional<std::int64_t> order_number(std::string_view text);

// One status-history row with the order it belongs to (for timelines).
struct CustomerStatusEntry {
  StatusChange change;
  std::int64_t order_id = 0;
  std::int64_t total = 0;
  std::string currency;
  std::int64_t item_count = 0;
};

class OrderRepo {
 public:
  // Inserts the order and its lines (ids filled in). kConflict (external_id_taken, field
  // external_id) when the external id is in use.
  Result<Order> insert(Connection& c, Order order);
  // Inserts many orders with their lines and their `history` (status rows, oldest first), for
  // bulk writers (import): ids of the orders are filled in, line ids are not. Lines and history
  // go in multi-row statements, the orders too (their ids read first for the whole batch, so
  // the caller's transaction must be a write transaction). kConflict as for insert().
  Status insert_many(Connection& c, std::vector<Order>& orders);
  // Take the row lock of an order or a return for the rest of the transaction (PostgreSQL;
  // SQLite's write transactions hold the database lock already). Call before reading what is
  // checked, so that concurrent status changes and returns cannot interleave.
  Status lock(Connection& c, std::int64_t order_id);
  Status lock_return(Connection& c, std::int64_t return_id);
  // The order with lines (and their returned quantities) and history; nullopt if none.
  Result<std::optional<Order>> find(Connection& c, std::int64_t id);
  // Orders by id, in the order of `ids` (ids of no order left out), for lists of hits: without
  // their status history, and of their lines only the SKUs.
  Result<std::vector<Order>> find_many(Connection& c, std::span<const std::int64_t> ids);
  // The statement list() runs first for a query with a search text (for query-plan checks).
  static search::Sql search_sql(storage::Backend backend, const OrderQuery& query);
  // Orders matching `query` with id < before (all when nullopt), newest id first, without
  // lines and history.
  Result<std::vector<Order>> list(Connection& c, const OrderQuery& query,
                                  std::optional<std::int64_t> before, int limit);
  Status insert_status(Connection& c, std::int64_t order_id, const StatusChange& change);
  // Sets status, carrier, tracking number and updated_at.
  Status update_status(Connection& c, const Order& order);

  Result<Return> insert_return(Connection& c, Return ret);
  Result<std::optional<Return>> find_return(Connection& c, std::int64_t id);
  // Returns of one order, oldest first.
  Result<std::vector<Return>> returns_of(Connection& c, std::int64_t order_id);
  Status update_return_status(Connection& c, std::int64_t id, ReturnStatus status,
                              const std::string& note, UnixMs at);
  // (order line id, quantity) over the order's returns that were not rejected, or only over
  // those received or refunded (`settled_only`): the goods that came back.
  Result<std::vector<std::pair<std::int64_t, std::int64_t>>> returned_quantities(
      Connection& c, std::int64_t order_id, bool settled_only);

  // For the customer record. Status rows and returns carry their order's customer (the keys of
  // the customer's timeline): these move them with the orders.
  // Moves every order of `from` to `to`; returns the ids of the orders moved, ascending.
  Result<std::vector<std::int64_t>> reassign_customer(Connection& c, std::int64_t from,
                                                      std::int64_t to);
  // Moves order `order_id` back from `from` to `to` (undoes reassign_customer for it).
  Status restore_customer(Connection& c, std::int64_t order_id, std::int64_t from, std::int64_t to);
  Result<std::vector<std::int64_t>> order_ids_of_customer(Connection& c, std::int64_t customer_id);
  Status clear_customer_notes(Connection& c, std::int64_t customer_id);
  // Status changes of the customer's orders strictly after (at, id_bound) in newest-first
  // order: at < `at` or (at = `at` and id < id_bound). One keyset read of an index: the cost of
  // a page does not grow with the customer's history or the depth of the page.
  Result<std::vector<CustomerStatusEntry>> status_timeline(Connection& c, std::int64_t customer_id,
                                                           UnixMs at, std::int64_t id_bound,
                                                           int limit);
  // Returns of the customer's orders in the same order and paging as status_timeline().
  Result<std::vector<Return>> return_timeline(Connection& c, std::int64_t customer_id, UnixMs at,
                                              std::int64_t id_bound, int limit);
  // Adds order counts, revenue, first/last order, returns and favourite categories.
  Status summarize(Connection& c, std::int64_t customer_id, customers::CustomerSummary& summary);

  // What the product sold, one entry per currency (most orders first); empty when it never
  // sold in an order that is not cancelled.
  Result<std::vector<ProductSales>> product_sales(Connection& c, std::int64_t product_id);
};

}  // namespace ecrm::orders

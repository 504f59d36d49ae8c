// Orders: creation with server-side totals (lines priced from the catalog unless a unit price is
// given, all in one currency, integer minor units), the status life cycle with its history
// (can_transition() in model.hpp; anything else is a 409), shipment carrier and tracking number,
// the tracking view a customer sees, and returns (RMAs) with reasons and lines. When the goods of
// every line have come back (returns received or refunded), the order becomes `returned`.
// No SQL here (repo.cpp), no HTTP (http_routes.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/repo.hpp"
#include "customers/repo.hpp"
#include "orders/events.hpp"
#include "orders/model.hpp"
#include "orders/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::orders {

struct NewOrderLine {
  std::optional<std::int64_t> product_id;  // or sku
  std::optional<std::string> sku;
  std::optional<std::int64_t> quantity;    // required, 1 … 1,000,000
  std::optional<std::int64_t> unit_price;  // default: the product's price
};

struct NewOrder {
  std::optional<std::int64_t> customer_id;  // required
  std::optional<std::string> external_id;
  std::optional<std::string> channel;   // default web
  std::optional<std::string> currency;  // default: the first line's product currency
  std::optional<UnixMs> placed_at;      // default now
  std::int64_t discount = 0;
  std::int64_t shipping = 0;
  std::int64_t tax = 0;
  std::vector<NewOrderLine> lines;
};

struct StatusRequest {
  std::optional<std::string> status;  // required
  std::optional<UnixMs> at;           // default now; not before the previous change
  std::string note;
  std::optional<std::string> carrier;
  std::optional<std::string> tracking_number;
};

struct NewReturnLine {
  std::optional<std::int64_t> order_line_id;
  std::optional<std::int64_t> quantity;
};

struct NewReturn {
  std::optional<std::string> reason;  // required
  std::string note;
  std::vector<NewReturnLine> lines;
};

class OrderService {
 public:
  explicit OrderService(storage::Database& db);

  // Registers a listener for order events (events.hpp); it must outlive this service. Call
  // before serving: registration is not thread-safe.
  void add_listener(OrderListener& listener);

  // Validates, prices and stores an order with its first status, `placed`. Errors:
  // kInvalidArgument naming the field (line fields as "lines[2].quantity"); kUnprocessable for
  // an unknown, merged or erased customer (field customer_id), an unknown product or a product
  // in another currency (field lines[i]…); kConflict external_id_taken.
  Result<Order> create(const NewOrder& request, const std::string& actor);
  // The order with lines and history; kNotFound.
  Result<Order> get(std::int64_t id);
  // Orders matching `filter`, newest first, with id < before.
  Result<std::vector<Order>> list(const OrderFilter& filter, std::optional<std::int64_t> before,
                                  int limit);
  // Moves the order to a new status and records it. kConflict invalid_transition when the life
  // cycle does not allow it; kUnprocessable (field at) for a time before the previous change.
  Result<Order> change_status(std::int64_t id, const StatusRequest& request,
                              const std::string& actor);

  // Opens a return for shipped or delivered goods. kConflict not_returnable for orders in other
  // statuses; kUnprocessable for lines of another order or quantities beyond what is left to
  // return (fields lines[i]…).
  Result<Return> create_return(std::int64_t order_id, const NewReturn& request);
  Result<Return> get_return(std::int64_t id);
  // The order's returns, oldest first; kNotFound for an unknown order.
  Result<std::vector<Return>> returns_of(std::int64_t order_id);
  // requested -> received | refunded | rejected, received -> refunded | rejected; kConflict
  // invalid_transition otherwise.
  Result<Return> change_return_status(std::int64_t id, const std::string& status,
                                      const std::string& note, const std::string& actor);

  // What a product sold, per currency, over orders that are not cancelled (units, orders,
  // customers, revenue, returned units, first and last order); kNotFound for an unknown product.
  Result<std::vector<ProductSales>> product_sales(std::int64_t product_id);

 private:
  // True when it moved the order to `returned`.
  Result<bool> maybe_mark_returned(storage::Connection& c, Order& order, UnixMs at,
                                   const std::string& actor);

  storage::Database& db_;
  OrderRepo repo_;
  catalog::CatalogRepo catalog_;
  customers::CustomerRepo customers_;
  std::vector<OrderListener*> listeners_;
};

}  // namespace ecrm::orders

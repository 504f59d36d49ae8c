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

#include "catalog/configuration_repo.hpp"
#include "catalog/repo.hpp"
#include "customers/repo.hpp"
#include "orders/events.hpp"
#include "orders/line_options.hpp"
#include "orders/model.hpp"
#include "orders/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::orders {

// Limits of the contract, checked by the service and declared for the wire.
inline constexpr std::size_t kMaxLines = 500;
inline constexpr std::int64_t kMaxQuantity = 1'000'000;
inline constexpr std::int64_t kMaxAmount = 100'000'000'000;  // minor units per price, fee, discount
inline constexpr std::size_t kMaxExternalId = 100;
inline constexpr std::size_t kMaxShipmentText = 100;
inline constexpr std::size_t kMaxNote = 1000;

struct OrderLineInput {
  std::optional<std::int64_t> product_id;  // or sku
  std::optional<std::string> sku;
  std::int64_t quantity = 0;               // 1 … kMaxQuantity
  std::optional<std::int64_t> unit_price;  // default: the product's price
  // A configurable product's chosen options (catalog/configurator.hpp): the line is checked and
  // priced on the server (base price + deltas; a unit_price is refused).
  std::optional<std::vector<std::int64_t>> options;
};
ECRM_DESCRIBE(OrderLineInput, product_id, sku, quantity, unit_price, options)
ECRM_WIRE_RULES(OrderLineInput,
                rule(&OrderLineInput::quantity, {.minimum = 1, .maximum = kMaxQuantity}),
                rule(&OrderLineInput::unit_price,
                     {.minimum = 0,
                      .maximum = kMaxAmount,
                      .description = "minor units; default: the product's price"}),
                rule(&OrderLineInput::options,
                     {.max_length = catalog::kMaxChosenOptions,
                      .description = "ids of a configurable product's chosen options"}))

struct OrderInput {
  std::int64_t customer_id = 0;
  std::optional<std::string> external_id;
  std::optional<Channel> channel;       // default web
  std::optional<std::string> currency;  // default: the first line's product currency
  std::optional<UnixMs> placed_at;      // default now
  std::optional<std::int64_t> discount;
  std::optional<std::int64_t> shipping;
  std::optional<std::int64_t> tax;
  std::vector<OrderLineInput> lines;  // 1 … kMaxLines
};
ECRM_DESCRIBE(OrderInput, customer_id, external_id, channel, currency, placed_at, discount,
              shipping, tax, lines)
ECRM_WIRE_RULES(OrderInput, rule(&OrderInput::external_id, {.max_length = kMaxExternalId}),
                rule(&OrderInput::placed_at, {.format = "date-time"}),
                rule(&OrderInput::discount, {.minimum = 0, .maximum = kMaxAmount}),
                rule(&OrderInput::shipping, {.minimum = 0, .maximum = kMaxAmount}),
                rule(&OrderInput::tax, {.minimum = 0, .maximum = kMaxAmount}),
                rule(&OrderInput::lines, {.max_length = kMaxLines}))

struct StatusRequest {
  OrderStatus status = OrderStatus::kPlaced;
  std::optional<UnixMs> at;  // default now; not before the previous change
  std::optional<std::string> note;
  std::optional<std::string> carrier;
  std::optional<std::string> tracking_number;
};
ECRM_DESCRIBE(StatusRequest, status, at, note, carrier, tracking_number)
ECRM_WIRE_RULES(StatusRequest, rule(&StatusRequest::at, {.format = "date-time"}),
                rule(&StatusRequest::note, {.max_length = kMaxNote}),
                rule(&StatusRequest::carrier, {.max_length = kMaxShipmentText}),
                rule(&StatusRequest::tracking_number, {.max_length = kMaxShipmentText}))

struct ReturnLineInput {
  std::int64_t order_line_id = 0;
  std::int64_t quantity = 0;
};
ECRM_DESCRIBE(ReturnLineInput, order_line_id, quantity)
ECRM_WIRE_RULES(ReturnLineInput,
                rule(&ReturnLineInput::quantity, {.minimum = 1, .maximum = kMaxQuantity}))

struct ReturnInput {
  ReturnReason reason = ReturnReason::kOther;
  std::optional<std::string> note;
  std::vector<ReturnLineInput> lines;  // 1 … kMaxLines
};
ECRM_DESCRIBE(ReturnInput, reason, note, lines)
ECRM_WIRE_RULES(ReturnInput, rule(&ReturnInput::note, {.max_length = kMaxNote}),
                rule(&ReturnInput::lines, {.max_length = kMaxLines}))

struct ReturnStatusRequest {
  ReturnStatus status = ReturnStatus::kRequested;
  std::optional<std::string> note;  // replaces the return's note when not empty
};
ECRM_DESCRIBE(ReturnStatusRequest, status, note)
ECRM_WIRE_RULES(ReturnStatusRequest, rule(&ReturnStatusRequest::note, {.max_length = kMaxNote}))

class OrderService {
 public:
  explicit OrderService(storage::Database& db);

  // Registers a listener for order events (events.hpp); it must outlive this service. Call
  // before serving: registration is not thread-safe.
  void add_listener(OrderListener& listener);

  // Validates, prices and stores an order with its first status, `placed`. Errors:
  // kInvalidArgument naming the field (line fields as "lines[2].quantity"); kUnprocessable for
  // an unknown, merged or erased customer (field customer_id), an unknown product or a product
  // in another currency (field lines[i]…); kConflict external_id_taken. A line with `options`
  // (or of a configurable product) is checked and priced by the configurator: a broken rule is
  // kUnprocessable with the rule's code naming lines[i].options…, a given unit_price is refused
  // (configured_price), and the options' stock is taken (kConflict out_of_stock when another
  // order took it first); the line keeps its options as sold.
  Result<Order> create(const OrderInput& request, const std::string& actor);
  // The order with lines and history; kNotFound.
  Result<Order> get(std::int64_t id);
  // Orders matching `query`, newest first, continuing after (below) `after_id`.
  Result<std::vector<Order>> list(const OrderQuery& query, std::optional<std::int64_t> after_id,
                                  int limit);
  // Moves the order to a new status and records it. kConflict invalid_transition when the life
  // cycle does not allow it; kUnprocessable (field at) for a time before the previous change.
  Result<Order> change_status(std::int64_t id, const StatusRequest& request,
                              const std::string& actor);

  // Opens a return for shipped or delivered goods. kConflict not_returnable for orders in other
  // statuses; kUnprocessable for lines of another order or quantities beyond what is left to
  // return (fields lines[i]…).
  Result<Return> create_return(std::int64_t order_id, const ReturnInput& request);
  Result<Return> get_return(std::int64_t id);
  // The order's returns, oldest first; kNotFound for an unknown order.
  Result<std::vector<Return>> returns_of(std::int64_t order_id);
  // requested -> received | refunded | rejected, received -> refunded | rejected; kConflict
  // invalid_transition otherwise.
  Result<Return> change_return_status(std::int64_t id, const ReturnStatusRequest& request,
                                      const std::string& actor);

  // What a product sold, per currency, over orders that are not cancelled (units, orders,
  // customers, revenue, returned units, first and last order); kNotFound for an unknown product.
  Result<std::vector<ProductSales>> product_sales(std::int64_t product_id);

 private:
  // For a line of a configurable product (or one naming options): the configurator's quote, or
  // the error naming lines[index]…; nullopt for a plain line.
  Result<std::optional<catalog::ConfigurationQuote>> configure_line(
      storage::Connection& c, const catalog::Product& product, const OrderLineInput& in,
      std::size_t index);
  // True when it moved the order to `returned`.
  Result<bool> maybe_mark_returned(storage::Connection& c, Order& order, UnixMs at,
                                   const std::string& actor);

  storage::Database& db_;
  OrderRepo repo_;
  catalog::CatalogRepo catalog_;
  catalog::ConfigurationRepo configurations_;
  LineOptionRepo line_options_;
  customers::CustomerRepo customers_;
  std::vector<OrderListener*> listeners_;
};

}  // namespace ecrm::orders

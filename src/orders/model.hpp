// Orders, lines, status history, shipments and returns as plain values, described for the wire
// (core/describe.hpp) as the API sends them. Money is an integer count of minor units of the
// order's currency. Enumerators cross the wire, and are stored, by their wire names
// (wire::enum_name, wire::parse_enum: kNoLongerNeeded <-> "no_longer_needed").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/configuration.hpp"
#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::orders {

enum class Channel { kWeb, kApp, kPhone, kStore, kPartner };
ECRM_DESCRIBE_ENUM(Channel, kWeb, kApp, kPhone, kStore, kPartner)

enum class OrderStatus { kPlaced, kPaid, kShipped, kDelivered, kReturned, kCancelled };
ECRM_DESCRIBE_ENUM(OrderStatus, kPlaced, kPaid, kShipped, kDelivered, kReturned, kCancelled)

// The order life cycle:
//   placed -> paid | shipped | cancelled     (shipped straight away: cash on delivery)
//   paid -> shipped | cancelled
//   shipped -> delivered | returned
//   delivered -> returned
// returned and cancelled are final.
bool can_transition(OrderStatus from, OrderStatus to);
// The statuses reachable from `from`, for error messages and the UI.
std::vector<OrderStatus> next_statuses(OrderStatus from);

enum class ReturnStatus { kRequested, kReceived, kRefunded, kRejected };
ECRM_DESCRIBE_ENUM(ReturnStatus, kRequested, kReceived, kRefunded, kRejected)
// requested -> received | refunded | rejected; received -> refunded | rejected.
bool can_transition(ReturnStatus from, ReturnStatus to);

enum class ReturnReason {
  kDamaged,
  kDefective,
  kWrongItem,
  kNotAsDescribed,
  kNoLongerNeeded,
  kOther
};
ECRM_DESCRIBE_ENUM(ReturnReason, kDamaged, kDefective, kWrongItem, kNotAsDescribed, kNoLongerNeeded,
                   kOther)

struct OrderLine {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;
  std::int64_t line_total = 0;
  std::int64_t returned_quantity = 0;  // in returns that were not rejected
  // A configured line's options as sold (filled when the whole order is read; empty otherwise).
  std::vector<catalog::ChosenOption> options;
};
ECRM_DESCRIBE(OrderLine, id, product_id, sku, name, quantity, unit_price, line_total,
              returned_quantity, options)

struct StatusChange {
  std::int64_t id = 0;
  OrderStatus status = OrderStatus::kPlaced;
  UnixMs at = 0;
  std::string note;  // internal
  std::string carrier;
  std::string tracking_number;
  std::string actor;
};
ECRM_DESCRIBE(StatusChange, status, at, note, carrier, tracking_number, actor)

struct Order {
  std::int64_t id = 0;
  std::optional<std::string> external_id;
  std::int64_t customer_id = 0;
  Channel channel = Channel::kWeb;
  OrderStatus status = OrderStatus::kPlaced;
  std::string currency;
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t shipping = 0;
  std::int64_t tax = 0;    // taxes charged on top (0 when prices include them)
  std::int64_t total = 0;  // subtotal - discount + shipping + tax
  std::string carrier;
  std::string tracking_number;
  UnixMs placed_at = 0;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
  std::int64_t item_count = 0;        // sum of line quantities
  std::vector<OrderLine> lines;       // filled when the whole order is read
  std::vector<StatusChange> history;  // oldest first; filled when the whole order is read
};
// As listed: without lines and history (OrderView has them).
ECRM_DESCRIBE(Order, id, external_id, customer_id, channel, status, currency, subtotal, discount,
              shipping, tax, total, item_count, carrier, tracking_number, placed_at, created_at,
              updated_at)
ECRM_WIRE_RULES(Order, rule(&Order::total, {.description = "minor units of currency"}),
                rule(&Order::placed_at, {.format = "date-time"}))

// The whole order as the API answers it: lines, the history with its internal notes, and the
// statuses it may move to next.
struct OrderView : Order {
  std::vector<OrderStatus> next_statuses;
};
ECRM_DESCRIBE_DERIVED(OrderView, Order, lines, history, next_statuses)
OrderView order_view(Order order);

// What the customer may see of an order: the status history with times, carrier and tracking
// number, but no internal notes or staff names.
struct TrackingEvent {
  OrderStatus status = OrderStatus::kPlaced;
  UnixMs at = 0;
  std::optional<std::string> carrier;  // null when the change named none
  std::optional<std::string> tracking_number;
};
ECRM_DESCRIBE(TrackingEvent, status, at, carrier, tracking_number)

struct TrackingView {
  std::int64_t order_id = 0;
  std::optional<std::string> external_id;
  OrderStatus status = OrderStatus::kPlaced;
  UnixMs placed_at = 0;
  std::string carrier;
  std::string tracking_number;
  std::vector<TrackingEvent> events;  // oldest first
};
ECRM_DESCRIBE(TrackingView, order_id, external_id, status, placed_at, carrier, tracking_number,
              events)
TrackingView tracking_view(const Order& order);

struct ReturnLine {
  std::int64_t id = 0;
  std::int64_t order_line_id = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t amount = 0;  // quantity × the line's unit price
};
ECRM_DESCRIBE(ReturnLine, id, order_line_id, product_id, sku, quantity, amount)

struct Return {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::int64_t customer_id = 0;
  ReturnStatus status = ReturnStatus::kRequested;
  ReturnReason reason = ReturnReason::kOther;
  std::string note;
  std::int64_t refund_amount = 0;
  std::string currency;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
  std::vector<ReturnLine> lines;
};
ECRM_DESCRIBE(Return, id, order_id, customer_id, status, reason, note, refund_amount, currency,
              created_at, updated_at, lines)

// What one product sold in one currency, over the orders that are not cancelled (for the
// product page).
struct ProductSales {
  std::string currency;
  std::int64_t orders = 0;          // orders with at least one line of the product
  std::int64_t customers = 0;       // distinct customers of those orders
  std::int64_t units = 0;           // quantities sold
  std::int64_t revenue = 0;         // line totals, minor units (before returns)
  std::int64_t returned_units = 0;  // in returns that were not rejected
  UnixMs first_ordered_at = 0;
  UnixMs last_ordered_at = 0;
};
ECRM_DESCRIBE(ProductSales, currency, orders, customers, units, revenue, returned_units,
              first_ordered_at, last_ordered_at)
ECRM_WIRE_RULES(ProductSales, rule(&ProductSales::revenue, {.description = "minor units"}))

// What a product sold, one item per currency (most orders first).
struct ProductSalesView {
  std::int64_t product_id = 0;
  std::vector<ProductSales> items;
};
ECRM_DESCRIBE(ProductSalesView, product_id, items)

}  // namespace ecrm::orders

// Orders, lines, status history, shipments and returns as plain values. Money is an integer
// count of minor units of the order's currency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace ecrm::orders {

enum class Channel { kWeb, kApp, kPhone, kStore, kPartner };
std::string_view to_string(Channel channel);
std::optional<Channel> parse_channel(std::string_view text);

enum class OrderStatus { kPlaced, kPaid, kShipped, kDelivered, kReturned, kCancelled };
std::string_view to_string(OrderStatus status);
std::optional<OrderStatus> parse_order_status(std::string_view text);

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
std::string_view to_string(ReturnStatus status);
std::optional<ReturnStatus> parse_return_status(std::string_view text);
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
std::string_view to_string(ReturnReason reason);
std::optional<ReturnReason> parse_return_reason(std::string_view text);

struct OrderLine {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;
  std::int64_t line_total = 0;
  std::int64_t returned_quantity = 0;  // in returns that were not rejected
};

struct StatusChange {
  std::int64_t id = 0;
  OrderStatus status = OrderStatus::kPlaced;
  UnixMs at = 0;
  std::string note;  // internal
  std::string carrier;
  std::string tracking_number;
  std::string actor;
};

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

struct ReturnLine {
  std::int64_t id = 0;
  std::int64_t order_line_id = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t amount = 0;  // quantity × the line's unit price
};

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

}  // namespace ecrm::orders

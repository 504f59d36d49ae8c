#include "orders/model.hpp"

#include <array>

namespace ecrm::orders {

namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> parse_enum(std::string_view text, const std::array<Enum, N>& all) {
  for (Enum value : all) {
    if (to_string(value) == text) return value;
  }
  return std::nullopt;
}

constexpr std::array kChannels = {Channel::kWeb, Channel::kApp, Channel::kPhone, Channel::kStore,
                                  Channel::kPartner};
constexpr std::array kOrderStatuses = {OrderStatus::kPlaced,   OrderStatus::kPaid,
                                       OrderStatus::kShipped,  OrderStatus::kDelivered,
                                       OrderStatus::kReturned, OrderStatus::kCancelled};
constexpr std::array kReturnStatuses = {ReturnStatus::kRequested, ReturnStatus::kReceived,
                                        ReturnStatus::kRefunded, ReturnStatus::kRejected};
constexpr std::array kReturnReasons = {ReturnReason::kDamaged,        ReturnReason::kDefective,
                                       ReturnReason::kWrongItem,      ReturnReason::kNotAsDescribed,
                                       ReturnReason::kNoLongerNeeded, ReturnReason::kOther};

}  // namespace

std::string_view to_string(Channel channel) {
  switch (channel) {
    case Channel::kWeb:
      return "web";
    case Channel::kApp:
      return "app";
    case Channel::kPhone:
      return "phone";
    case Channel::kStore:
      return "store";
    case Channel::kPartner:
      return "partner";
  }
  return "web";
}

std::optional<Channel> parse_channel(std::string_view text) { return parse_enum(text, kChannels); }

std::string_view to_string(OrderStatus status) {
  switch (status) {
    case OrderStatus::kPlaced:
      return "placed";
    case OrderStatus::kPaid:
      return "paid";
    case OrderStatus::kShipped:
      return "shipped";
    case OrderStatus::kDelivered:
      return "delivered";
    case OrderStatus::kReturned:
      return "returned";
    case OrderStatus::kCancelled:
      return "cancelled";
  }
  return "placed";
}

std::optional<OrderStatus> parse_order_status(std::string_view text) {
  return parse_enum(text, kOrderStatuses);
}

bool can_transition(OrderStatus from, OrderStatus to) {
  using S = OrderStatus;
  switch (from) {
    case S::kPlaced:
      return to == S::kPaid || to == S::kShipped || to == S::kCancelled;
    case S::kPaid:
      return to == S::kShipped || to == S::kCancelled;
    case S::kShipped:
      return to == S::kDelivered || to == S::kReturned;
    case S::kDelivered:
      return to == S::kReturned;
    case S::kReturned:
    case S::kCancelled:
      return false;
  }
  return false;
}

std::vector<OrderStatus> next_statuses(OrderStatus from) {
  std::vector<OrderStatus> out;
  for (OrderStatus to : kOrderStatuses) {
    if (can_transition(from, to)) out.push_back(to);
  }
  return out;
}

std::string_view to_string(ReturnStatus status) {
  switch (status) {
    case ReturnStatus::kRequested:
      return "requested";
    case ReturnStatus::kReceived:
      return "received";
    case ReturnStatus::kRefunded:
      return "refunded";
    case ReturnStatus::kRejected:
      return "rejected";
  }
  return "requested";
}

std::optional<ReturnStatus> parse_return_status(std::string_view text) {
  return parse_enum(text, kReturnStatuses);
}

bool can_transition(ReturnStatus from, ReturnStatus to) {
  using S = ReturnStatus;
  switch (from) {
    case S::kRequested:
      return to == S::kReceived || to == S::kRefunded || to == S::kRejected;
    case S::kReceived:
      return to == S::kRefunded || to == S::kRejected;
    case S::kRefunded:
    case S::kRejected:
      return false;
  }
  return false;
}

std::string_view to_string(ReturnReason reason) {
  switch (reason) {
    case ReturnReason::kDamaged:
      return "damaged";
    case ReturnReason::kDefective:
      return "defective";
    case ReturnReason::kWrongItem:
      return "wrong_item";
    case ReturnReason::kNotAsDescribed:
      return "not_as_described";
    case ReturnReason::kNoLongerNeeded:
      return "no_longer_needed";
    case ReturnReason::kOther:
      return "other";
  }
  return "other";
}

std::optional<ReturnReason> parse_return_reason(std::string_view text) {
  return parse_enum(text, kReturnReasons);
}

}  // namespace ecrm::orders

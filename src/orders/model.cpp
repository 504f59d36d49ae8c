#include "orders/model.hpp"

namespace ecrm::orders {

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
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<OrderStatus>>([&](auto to) {
    if (can_transition(from, to.value)) out.push_back(to.value);
  });
  return out;
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

OrderView order_view(Order order) {
  OrderView view;
  view.next_statuses = next_statuses(order.status);
  static_cast<Order&>(view) = std::move(order);
  return view;
}

TrackingView tracking_view(const Order& o) {
  TrackingView view{o.id, o.external_id, o.status, o.placed_at, o.carrier, o.tracking_number, {}};
  auto named = [](const std::string& text) {
    return text.empty() ? std::nullopt : std::optional<std::string>(text);
  };
  for (const auto& h : o.history) {
    view.events.push_back(
        TrackingEvent{h.status, h.at, named(h.carrier), named(h.tracking_number)});
  }
  return view;
}

}  // namespace ecrm::orders

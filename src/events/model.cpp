#include "events/model.hpp"

namespace ecrm::events {

std::string_view to_string(EventType type) {
  switch (type) {
    case EventType::kPageView: return "page_view";
    case EventType::kProductView: return "product_view";
    case EventType::kSearch: return "search";
    case EventType::kAddToCart: return "add_to_cart";
    case EventType::kRemoveFromCart: return "remove_from_cart";
    case EventType::kCheckoutStep: return "checkout_step";
    case EventType::kPurchase: return "purchase";
    case EventType::kIdentify: return "identify";
    case EventType::kCustom: return "custom";
  }
  return "custom";
}

const std::vector<EventType>& all_event_types() {
  static const std::vector<EventType> types = {
      EventType::kPageView,       EventType::kProductView,  EventType::kSearch,
      EventType::kAddToCart,      EventType::kRemoveFromCart, EventType::kCheckoutStep,
      EventType::kPurchase,       EventType::kIdentify,     EventType::kCustom};
  return types;
}

std::optional<EventType> parse_event_type(std::string_view text) {
  for (EventType type : all_event_types()) {
    if (to_string(type) == text) return type;
  }
  return std::nullopt;
}

std::string_view to_string(CartStatus status) {
  switch (status) {
    case CartStatus::kOpen: return "open";
    case CartStatus::kPurchased: return "purchased";
    case CartStatus::kAbandoned: return "abandoned";
  }
  return "open";
}

std::optional<CartStatus> parse_cart_status(std::string_view text) {
  for (CartStatus s : {CartStatus::kOpen, CartStatus::kPurchased, CartStatus::kAbandoned}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace ecrm::events

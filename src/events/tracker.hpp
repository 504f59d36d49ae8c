// What one visitor's new events do to what is derived from them: the visitor's identity, its
// sessions (split at 30 minutes of inactivity, with landing page, referrer, UTM campaign and
// device), and its cart (rebuilt from cart events; abandoned when the next activity comes later
// than the abandonment limit, carrying its items on into a new cart). Pure: no SQL; the
// ingestion writer loads the state, feeds the events in time order and stores the result.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "events/model.hpp"

namespace ecrm::events {

// "utm_source" etc. from a URL's query string ('' when absent), percent-decoded.
std::string url_parameter(std::string_view url, std::string_view name);

class VisitorTracker {
 public:
  struct SessionSlot {
    Session session;               // id 0 until stored, when is_new
    bool is_new = false;
    std::int64_t added_events = 0;  // for stored sessions: increments
    std::int64_t added_page_views = 0;
  };
  struct CartSlot {
    Cart cart;  // id 0 until stored, when is_new
    bool is_new = false;
    bool changed = false;
    std::optional<std::size_t> recovered_from_slot;  // the slot of the cart it carried on
  };
  struct PurchasedItem {
    std::string product;
    std::int64_t quantity = 0;
    std::int64_t price = 0;
    std::string currency;
    UnixMs ts = 0;
  };

  // `visitor` as stored (or new, id set); `abandon_after` the cart abandonment limit.
  VisitorTracker(Visitor visitor, UnixMs abandon_after);

  // True when the next cart event needs the visitor's stored open cart, which must then be
  // handed over with set_cart() (nullopt when it no longer exists).
  bool wants_cart() const { return visitor_.cart_id.has_value() && !cart_loaded_; }
  void set_cart(std::optional<Cart> cart);

  // Applies a new event: returns the slot of the session it belongs to. For identify events
  // `identified` is the customer resolved from it (nullopt: external id not known yet).
  // Cart events must come after set_cart() when wants_cart() said so.
  std::size_t apply(const IncomingEvent& event, std::optional<std::int64_t> identified);

  // Links the visitor to `customer_id` (identify, or an API key naming the customer) from `at`.
  void link_customer(std::int64_t customer_id, UnixMs at);

  // The purchase value an event ends up with (its total, else the cart's value).
  std::optional<std::int64_t> last_purchase_value() const { return last_purchase_value_; }

  Visitor& visitor() { return visitor_; }
  const Visitor& visitor() const { return visitor_; }
  bool linked_customer() const { return linked_customer_; }  // identity set or changed
  std::vector<SessionSlot>& sessions() { return sessions_; }
  std::vector<CartSlot>& carts() { return carts_; }
  const std::vector<PurchasedItem>& purchased() const { return purchased_; }
  std::optional<std::size_t> current_session_slot() const { return current_session_; }
  std::optional<std::size_t> current_cart_slot() const { return current_cart_; }

 private:
  std::size_t session_for(const IncomingEvent& event);
  void apply_cart(const IncomingEvent& event);
  CartSlot& open_cart(UnixMs ts);

  Visitor visitor_;
  UnixMs abandon_after_;
  std::vector<SessionSlot> sessions_;
  std::optional<std::size_t> current_session_;
  std::vector<CartSlot> carts_;
  std::optional<std::size_t> current_cart_;
  bool cart_loaded_ = false;
  bool linked_customer_ = false;
  std::optional<std::int64_t> last_purchase_value_;
  std::vector<PurchasedItem> purchased_;
};

// Recomputes item_count and value from the items.
void total_cart(Cart& cart);

}  // namespace ecrm::events

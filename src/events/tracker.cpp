#include "events/tracker.hpp"

#include <algorithm>

namespace ecrm::events {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string url_parameter(std::string_view url, std::string_view name) {
  auto query = url.find('?');
  if (query == std::string_view::npos) return "";
  std::string_view rest = url.substr(query + 1);
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1)).substr(0, 200);
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return "";
}

void total_cart(Cart& cart) {
  cart.item_count = 0;
  cart.value = 0;
  for (const auto& item : cart.items) {
    cart.item_count += item.quantity;
    cart.value += item.quantity * item.price;
  }
}

VisitorTracker::VisitorTracker(Visitor visitor, UnixMs abandon_after)
    : visitor_(std::move(visitor)), abandon_after_(abandon_after) {
  if (visitor_.session_id && visitor_.session_started_at && visitor_.session_last_at) {
    SessionSlot slot;
    slot.session.id = *visitor_.session_id;
    slot.session.visitor_id = visitor_.id;
    slot.session.started_at = *visitor_.session_started_at;
    slot.session.last_at = *visitor_.session_last_at;
    sessions_.push_back(std::move(slot));
    current_session_ = 0;
  }
}

void VisitorTracker::set_cart(std::optional<Cart> cart) {
  cart_loaded_ = true;
  if (!cart || cart->status != CartStatus::kOpen) {
    visitor_.cart_id.reset();
    return;
  }
  carts_.push_back(CartSlot{std::move(*cart), false, false, std::nullopt});
  current_cart_ = carts_.size() - 1;
}

std::size_t VisitorTracker::session_for(const IncomingEvent& e) {
  for (std::size_t i = 0; i < sessions_.size(); ++i) {
    Session& s = sessions_[i].session;
    if (e.ts >= s.started_at - kSessionGapMs && e.ts <= s.last_at + kSessionGapMs) return i;
  }
  SessionSlot slot;
  slot.is_new = true;
  slot.session.visitor_id = visitor_.id;
  slot.session.started_at = e.ts;
  slot.session.last_at = e.ts;
  slot.session.device = e.device;
  sessions_.push_back(std::move(slot));
  std::size_t index = sessions_.size() - 1;
  if (!current_session_ || sessions_[*current_session_].session.last_at < e.ts) {
    current_session_ = index;
  }
  return index;
}

std::size_t VisitorTracker::apply(const IncomingEvent& e,
                                  std::optional<std::int64_t> identified) {
  last_purchase_value_.reset();
  visitor_.first_seen_at = std::min(visitor_.first_seen_at, e.ts);
  visitor_.last_seen_at = std::max(visitor_.last_seen_at, e.ts);
  visitor_.event_count += 1;
  if (!e.device.empty()) visitor_.device = e.device;

  std::size_t index = session_for(e);
  SessionSlot& slot = sessions_[index];
  Session& s = slot.session;
  // A new session takes its entry details from its earliest event that has them.
  if (e.ts <= s.started_at || s.landing_url.empty()) {
    if (!e.url.empty() && (s.landing_url.empty() || e.ts < s.started_at)) {
      s.landing_url = e.url.substr(0, 2048);
      s.utm_source = url_parameter(e.url, "utm_source");
      s.utm_medium = url_parameter(e.url, "utm_medium");
      s.utm_campaign = url_parameter(e.url, "utm_campaign");
      if (!e.referrer.empty()) s.referrer = e.referrer;
    }
  }
  if (s.referrer.empty() && !e.referrer.empty()) s.referrer = e.referrer;
  if (s.device.empty()) s.device = e.device;
  s.started_at = std::min(s.started_at, e.ts);
  s.last_at = std::max(s.last_at, e.ts);
  s.event_count += 1;
  slot.added_events += 1;
  if (e.type == EventType::kPageView) {
    s.page_views += 1;
    slot.added_page_views += 1;
  }
  if (e.type == EventType::kPurchase) s.purchased = true;
  if (current_session_ && *current_session_ == index) {
    visitor_.session_started_at = s.started_at;
    visitor_.session_last_at = s.last_at;
    if (!slot.is_new) visitor_.session_id = s.id;
  }

  if (e.type == EventType::kIdentify) {
    if (e.external_id) visitor_.external_id = e.external_id;
    if (identified) link_customer(*identified, e.ts);
  }
  if (e.type == EventType::kAddToCart || e.type == EventType::kRemoveFromCart ||
      e.type == EventType::kCheckoutStep || e.type == EventType::kPurchase) {
    apply_cart(e);
  }
  return index;
}

void VisitorTracker::link_customer(std::int64_t customer_id, UnixMs at) {
  if (visitor_.customer_id == customer_id) return;
  visitor_.customer_id = customer_id;
  visitor_.identified_at = at;
  linked_customer_ = true;
}

VisitorTracker::CartSlot& VisitorTracker::open_cart(UnixMs ts) {
  CartSlot slot;
  slot.is_new = true;
  slot.changed = true;
  slot.cart.visitor_id = visitor_.id;
  slot.cart.status = CartStatus::kOpen;
  slot.cart.created_at = ts;
  slot.cart.updated_at = ts;
  carts_.push_back(std::move(slot));
  current_cart_ = carts_.size() - 1;
  return carts_.back();
}

void VisitorTracker::apply_cart(const IncomingEvent& e) {
  CartSlot* slot = current_cart_ ? &carts_[*current_cart_] : nullptr;
  // The visitor came back after the limit: the cart was abandoned then; its items carry on.
  if (slot && slot->cart.item_count > 0 && e.ts > slot->cart.updated_at + abandon_after_) {
    std::size_t old_index = *current_cart_;
    Cart& old = slot->cart;
    old.status = CartStatus::kAbandoned;
    old.closed_at = old.updated_at + abandon_after_;
    slot->changed = true;
    std::vector<CartItem> items = old.items;
    std::string currency = old.currency;
    std::int64_t old_id = old.id;
    CartSlot& fresh = open_cart(e.ts);
    fresh.cart.items = std::move(items);
    fresh.cart.currency = std::move(currency);
    if (carts_[old_index].is_new) {
      fresh.recovered_from_slot = old_index;
    } else {
      fresh.cart.recovered_from = old_id;
    }
    total_cart(fresh.cart);
    slot = &carts_[*current_cart_];
  }

  switch (e.type) {
    case EventType::kAddToCart: {
      if (!slot) slot = &open_cart(e.ts);
      Cart& cart = slot->cart;
      auto it = std::find_if(cart.items.begin(), cart.items.end(),
                             [&](const CartItem& item) { return item.product == *e.product; });
      if (it == cart.items.end()) {
        cart.items.push_back(CartItem{*e.product, e.product_name.value_or(""), 0, 0});
        it = cart.items.end() - 1;
      }
      it->quantity += e.quantity.value_or(1);
      if (e.price) it->price = *e.price;
      if (e.product_name) it->name = *e.product_name;
      if (e.currency) cart.currency = *e.currency;
      break;
    }
    case EventType::kRemoveFromCart: {
      if (!slot) return;
      Cart& cart = slot->cart;
      auto it = std::find_if(cart.items.begin(), cart.items.end(),
                             [&](const CartItem& item) { return item.product == *e.product; });
      if (it != cart.items.end()) {
        it->quantity -= e.quantity.value_or(it->quantity);
        if (it->quantity <= 0) cart.items.erase(it);
      }
      break;
    }
    case EventType::kCheckoutStep:
      if (!slot) return;
      slot->cart.checkout_step = std::max(slot->cart.checkout_step, e.step);
      break;
    case EventType::kPurchase: {
      std::string currency = e.currency.value_or(slot ? slot->cart.currency : "");
      if (!e.items.empty()) {
        for (const auto& item : e.items) {
          purchased_.push_back(PurchasedItem{item.product, item.quantity, item.price, currency, e.ts});
        }
      } else if (slot) {
        for (const auto& item : slot->cart.items) {
          purchased_.push_back(
              PurchasedItem{item.product, item.quantity, item.price, currency, e.ts});
        }
      }
      last_purchase_value_ = e.value;
      if (!slot) return;
      if (!last_purchase_value_) last_purchase_value_ = slot->cart.value;
      slot->cart.status = CartStatus::kPurchased;
      slot->cart.closed_at = e.ts;
      slot->cart.order_ref = e.order_ref.value_or("");
      slot->cart.updated_at = std::max(slot->cart.updated_at, e.ts);
      slot->changed = true;
      total_cart(slot->cart);
      current_cart_.reset();
      visitor_.cart_id.reset();
      return;
    }
    default:
      return;
  }
  slot->cart.updated_at = std::max(slot->cart.updated_at, e.ts);
  slot->changed = true;
  total_cart(slot->cart);
}

}  // namespace ecrm::events

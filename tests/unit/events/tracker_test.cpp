// Sessions, carts and identity derived from one visitor's events.
#include <gtest/gtest.h>

#include "events/tracker.hpp"

namespace ecrm::events {
namespace {

constexpr UnixMs kT0 = 1'750'000'000'000;
constexpr UnixMs kMinute = 60'000;
constexpr UnixMs kHour = 60 * kMinute;

Visitor fresh_visitor() {
  Visitor v;
  v.id = 7;
  v.anonymous_id = "a1";
  v.first_seen_at = kT0;
  v.last_seen_at = kT0;
  return v;
}

IncomingEvent make(EventType type, UnixMs ts) {
  IncomingEvent e;
  e.type = type;
  e.ts = ts;
  e.anonymous_id = "a1";
  return e;
}

IncomingEvent page(UnixMs ts, std::string url, std::string referrer = "") {
  IncomingEvent e = make(EventType::kPageView, ts);
  e.url = std::move(url);
  e.referrer = std::move(referrer);
  e.device = "mobile";
  return e;
}

IncomingEvent cart(EventType type, UnixMs ts, std::string sku, std::optional<std::int64_t> quantity,
                   std::optional<std::int64_t> price = std::nullopt) {
  IncomingEvent e = make(type, ts);
  e.product = std::move(sku);
  e.quantity = quantity;
  e.price = price;
  e.currency = "EUR";
  return e;
}

TEST(UrlParameter, ReadsAndDecodes) {
  EXPECT_EQ(url_parameter("https://s.example/p?utm_source=news%20letter&utm_campaign=spring+sale#top",
                          "utm_campaign"),
            "spring sale");
  EXPECT_EQ(url_parameter("https://s.example/p?utm_source=news%20letter", "utm_source"), "news letter");
  EXPECT_EQ(url_parameter("https://s.example/p?x=1", "utm_source"), "");
  EXPECT_EQ(url_parameter("https://s.example/p", "utm_source"), "");
}

TEST(VisitorTracker, SessionsSplitAfterThirtyMinutesOfInactivity) {
  VisitorTracker t(fresh_visitor(), kHour);
  auto first = t.apply(page(kT0, "https://s.example/?utm_source=mail&utm_campaign=spring",
                            "https://google.com/search"),
                       std::nullopt);
  EXPECT_EQ(t.apply(page(kT0 + 10 * kMinute, "https://s.example/b"), std::nullopt), first);
  EXPECT_EQ(t.apply(page(kT0 + 39 * kMinute, "https://s.example/c"), std::nullopt), first);
  auto second = t.apply(page(kT0 + 70 * kMinute, "https://s.example/d"), std::nullopt);
  EXPECT_NE(second, first);
  ASSERT_EQ(t.sessions().size(), 2u);
  const Session& s = t.sessions()[first].session;
  EXPECT_EQ(s.started_at, kT0);
  EXPECT_EQ(s.last_at, kT0 + 39 * kMinute);
  EXPECT_EQ(s.page_views, 3);
  EXPECT_EQ(s.landing_url, "https://s.example/?utm_source=mail&utm_campaign=spring");
  EXPECT_EQ(s.utm_source, "mail");
  EXPECT_EQ(s.utm_campaign, "spring");
  EXPECT_EQ(s.referrer, "https://google.com/search");
  EXPECT_EQ(s.device, "mobile");
  EXPECT_EQ(t.sessions()[second].session.landing_url, "https://s.example/d");
  EXPECT_EQ(t.current_session_slot(), second);
  EXPECT_EQ(t.visitor().session_started_at, kT0 + 70 * kMinute);
  EXPECT_EQ(t.visitor().event_count, 4);
}

TEST(VisitorTracker, ContinuesAStoredSession) {
  Visitor v = fresh_visitor();
  v.session_id = 99;
  v.session_started_at = kT0;
  v.session_last_at = kT0 + 5 * kMinute;
  VisitorTracker t(v, kHour);
  auto slot = t.apply(page(kT0 + 20 * kMinute, "https://s.example/x"), std::nullopt);
  EXPECT_FALSE(t.sessions()[slot].is_new);
  EXPECT_EQ(t.sessions()[slot].session.id, 99);
  EXPECT_EQ(t.sessions()[slot].added_events, 1);
  EXPECT_EQ(t.sessions()[slot].added_page_views, 1);
  EXPECT_EQ(t.visitor().session_last_at, kT0 + 20 * kMinute);
}

TEST(VisitorTracker, CartIsRebuiltAndPurchased) {
  VisitorTracker t(fresh_visitor(), kHour);
  t.apply(cart(EventType::kAddToCart, kT0, "A", 2, 500), std::nullopt);
  t.apply(cart(EventType::kAddToCart, kT0 + kMinute, "B", 1, 1000), std::nullopt);
  t.apply(cart(EventType::kAddToCart, kT0 + 2 * kMinute, "A", 1, std::nullopt), std::nullopt);
  t.apply(cart(EventType::kRemoveFromCart, kT0 + 3 * kMinute, "B", std::nullopt), std::nullopt);
  ASSERT_EQ(t.carts().size(), 1u);
  const Cart& k = t.carts()[0].cart;
  ASSERT_EQ(k.items.size(), 1u);
  EXPECT_EQ(k.items[0].quantity, 3);
  EXPECT_EQ(k.value, 1500);
  EXPECT_EQ(k.currency, "EUR");
  IncomingEvent step = make(EventType::kCheckoutStep, kT0 + 4 * kMinute);
  step.step = 2;
  t.apply(step, std::nullopt);
  EXPECT_EQ(t.carts()[0].cart.checkout_step, 2);
  IncomingEvent buy = make(EventType::kPurchase, kT0 + 5 * kMinute);
  buy.order_ref = "W-1";
  t.apply(buy, std::nullopt);
  EXPECT_EQ(t.last_purchase_value(), 1500);  // no total sent: the cart's value
  EXPECT_EQ(t.carts()[0].cart.status, CartStatus::kPurchased);
  EXPECT_EQ(t.carts()[0].cart.order_ref, "W-1");
  EXPECT_FALSE(t.current_cart_slot().has_value());
  ASSERT_EQ(t.purchased().size(), 1u);
  EXPECT_EQ(t.purchased()[0].product, "A");
  EXPECT_EQ(t.purchased()[0].quantity, 3);
  // The next add starts a new cart.
  t.apply(cart(EventType::kAddToCart, kT0 + 6 * kMinute, "C", 1, 100), std::nullopt);
  EXPECT_EQ(t.carts().size(), 2u);
  EXPECT_EQ(t.carts()[1].cart.items.size(), 1u);
}

TEST(VisitorTracker, ComingBackAfterTheLimitAbandonsTheCartAndCarriesItsItems) {
  Visitor v = fresh_visitor();
  v.cart_id = 55;
  VisitorTracker t(v, kHour);
  ASSERT_TRUE(t.wants_cart());
  Cart stored;
  stored.id = 55;
  stored.visitor_id = 7;
  stored.items = {CartItem{"A", "Thing", 1, 2000}};
  stored.currency = "EUR";
  stored.created_at = kT0;
  stored.updated_at = kT0;
  total_cart(stored);
  t.set_cart(stored);
  EXPECT_FALSE(t.wants_cart());
  t.apply(cart(EventType::kAddToCart, kT0 + 2 * kHour, "B", 1, 300), std::nullopt);
  ASSERT_EQ(t.carts().size(), 2u);
  EXPECT_EQ(t.carts()[0].cart.status, CartStatus::kAbandoned);
  EXPECT_EQ(t.carts()[0].cart.closed_at, kT0 + kHour);
  EXPECT_TRUE(t.carts()[0].changed);
  const Cart& fresh = t.carts()[1].cart;
  EXPECT_TRUE(t.carts()[1].is_new);
  EXPECT_EQ(fresh.recovered_from, 55);
  EXPECT_EQ(fresh.items.size(), 2u);
  EXPECT_EQ(fresh.value, 2300);
}

TEST(VisitorTracker, IdentifyLinksTheCustomerOnce) {
  VisitorTracker t(fresh_visitor(), kHour);
  IncomingEvent id = make(EventType::kIdentify, kT0);
  id.external_id = "C-42";
  t.apply(id, std::optional<std::int64_t>(12));
  EXPECT_TRUE(t.linked_customer());
  EXPECT_EQ(t.visitor().customer_id, 12);
  EXPECT_EQ(t.visitor().external_id, "C-42");
  EXPECT_EQ(t.visitor().identified_at, kT0);

  Visitor known = fresh_visitor();
  known.customer_id = 12;
  VisitorTracker again(known, kHour);
  again.apply(id, std::optional<std::int64_t>(12));
  EXPECT_FALSE(again.linked_customer());

  VisitorTracker pending(fresh_visitor(), kHour);
  pending.apply(id, std::nullopt);  // the shop's customer id is not known yet
  EXPECT_FALSE(pending.linked_customer());
  EXPECT_EQ(pending.visitor().external_id, "C-42");
  EXPECT_FALSE(pending.visitor().customer_id.has_value());
}

}  // namespace
}  // namespace ecrm::events

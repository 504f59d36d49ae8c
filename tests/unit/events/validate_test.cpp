// Validation of single tracking events: table-driven over good and bad events, each bad one
// naming its field and code.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "events/validate.hpp"

namespace ecrm::events {
namespace {

namespace json = boost::json;

constexpr UnixMs kNow = 1'750'000'000'000;

ValidationContext write_key() { return ValidationContext{Sender::kWriteKey, kNow, "desktop"}; }
ValidationContext api_key() { return ValidationContext{Sender::kApiKey, kNow, ""}; }

json::value event(const std::string& type, json::object properties = {}) {
  return json::object{{"event_id", "e1"}, {"type", type}, {"anonymous_id", "a1"},
                      {"ts", kNow - 1000}, {"properties", std::move(properties)}};
}

Result<IncomingEvent> check(json::value raw, ValidationContext context = write_key()) {
  return validate_event(raw, 3, context);
}

TEST(ValidateEvent, GoodEventsOfEveryType) {
  // The snippet sends document.referrer, which is empty on a direct visit.
  auto page = check(event("page_view", {{"url", "https://shop.example/?utm_campaign=spring"},
                                        {"referrer", ""},
                                        {"title", ""}}));
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->type, EventType::kPageView);
  EXPECT_EQ(page->index, 3);
  EXPECT_EQ(page->device, "desktop");

  auto view = check(event("product_view", {{"sku", "CAM-1"}, {"price", 4500}, {"currency", "eur"}}));
  ASSERT_TRUE(view.ok()) << view.error().message;
  EXPECT_EQ(view->product, "CAM-1");
  EXPECT_EQ(view->currency, "EUR");
  EXPECT_EQ(view->value, 4500);

  auto add = check(event("add_to_cart", {{"product_id", 17}, {"price", 250}, {"quantity", 3}}));
  ASSERT_TRUE(add.ok()) << add.error().message;
  EXPECT_EQ(add->product, "17");
  EXPECT_EQ(add->value, 750);

  auto search = check(event("search", {{"query", "red shoes"}}));
  EXPECT_TRUE(search.ok());
  auto step = check(event("checkout_step", {{"step", 2}}));
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step->step, 2);

  auto purchase = check(event(
      "purchase", {{"order_id", 1001},
                   {"items", json::array{json::object{{"sku", "A"}, {"quantity", 2}, {"price", 100}},
                                         json::object{{"sku", "B"}, {"price", 50}}}}}));
  ASSERT_TRUE(purchase.ok()) << purchase.error().message;
  EXPECT_EQ(purchase->order_ref, "1001");
  EXPECT_EQ(purchase->value, 250);
  EXPECT_EQ(purchase->items.size(), 2u);

  auto identify = check(event("identify", {{"external_id", "C-42"}, {"traits", json::object{}}}));
  ASSERT_TRUE(identify.ok());
  EXPECT_EQ(identify->external_id, "C-42");
  EXPECT_TRUE(check(event("custom", {{"name", "newsletter_signup"}})).ok());

  // ISO-8601 times and API keys naming customers.
  json::value iso = event("search", {{"query", "x"}});
  iso.as_object()["ts"] = "2025-06-15T10:00:00Z";
  iso.as_object()["customer_id"] = 9;
  auto named = check(iso, api_key());
  ASSERT_TRUE(named.ok()) << named.error().message;
  EXPECT_EQ(named->customer_id, 9);
  EXPECT_EQ(named->ts, *parse_iso8601("2025-06-15T10:00:00Z"));
}

struct BadCase {
  const char* name;
  json::value raw;
  std::string code;
  std::string field;
};

TEST(ValidateEvent, BadEventsNameTheirFieldAndCode) {
  auto with = [](json::value v, const char* key, json::value x) {
    v.as_object()[key] = std::move(x);
    return v;
  };
  auto without = [](json::value v, const char* key) {
    v.as_object().erase(key);
    return v;
  };
  const json::value search = event("search", {{"query", "q"}});
  const std::vector<BadCase> cases = {
      {"not an object", json::value(42), "invalid_event", ""},
      {"no event id", without(search, "event_id"), "required", "event_id"},
      {"empty event id", with(search, "event_id", ""), "invalid_field", "event_id"},
      {"long event id", with(search, "event_id", json::value(std::string(101, 'x'))), "invalid_field", "event_id"},
      {"unknown type", with(search, "type", "bogus_type"), "unknown_type", "type"},
      {"type not a string", with(search, "type", 5), "unknown_type", "type"},
      {"no anonymous id", without(search, "anonymous_id"), "required", "anonymous_id"},
      {"no ts", without(search, "ts"), "required", "ts"},
      {"ts garbage", with(search, "ts", "yesterday"), "invalid_ts", "ts"},
      {"ts in 1990", with(search, "ts", 631152000000), "invalid_ts", "ts"},
      {"ts next week", with(search, "ts", kNow + 7 * kMsPerDay), "invalid_ts", "ts"},
      {"write key naming a customer", with(search, "customer_id", 5), "customer_id_not_allowed", "customer_id"},
      {"properties an array", with(search, "properties", json::array{}), "invalid_field", "properties"},
      {"huge properties", event("search", {{"query", "q"}, {"blob", std::string(20000, 'x')}}),
       "properties_too_large", "properties"},
      {"page view without url", event("page_view"), "required", "properties.url"},
      {"page view with an empty url", event("page_view", {{"url", ""}}), "required", "properties.url"},
      {"empty search", event("search", {{"query", ""}}), "invalid_field", "properties.query"},
      {"product view without sku", event("product_view", {{"name", "x"}}), "required", "properties.sku"},
      {"fractional price", event("add_to_cart", {{"sku", "A"}, {"price", 9.99}}), "invalid_field", "properties.price"},
      {"negative quantity", event("add_to_cart", {{"sku", "A"}, {"quantity", -1}}), "invalid_field", "properties.quantity"},
      // Found by fuzzing (tests/fuzz/events_validate_fuzz): a whole double beyond int64's range
      // was converted before its range was checked (undefined behaviour under UBSan).
      {"total beyond int64", event("purchase", {{"order_id", "1001"}, {"total", 9.00444e87}}),
       "invalid_field", "properties.total"},
      {"quantity of 2^63", event("add_to_cart", {{"sku", "A"}, {"quantity", 9223372036854775808.0}}),
       "invalid_field", "properties.quantity"},
      {"bad currency", event("add_to_cart", {{"sku", "A"}, {"currency", "EURO"}}), "invalid_field", "properties.currency"},
      {"search without query", event("search"), "required", "properties.query"},
      {"identify without external id", event("identify"), "required", "properties.external_id"},
      {"item without sku", event("purchase", {{"items", json::array{json::object{{"quantity", 1}}}}}),
       "required", "properties.items[0].sku"},
      {"custom without name", event("custom"), "required", "properties.name"},
      {"bad device", event("search", {{"query", "q"}, {"device", "toaster"}}), "invalid_field", "properties.device"},
  };
  for (const auto& c : cases) {
    auto result = check(c.raw);
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.error().code, c.code) << c.name << ": " << result.error().message;
    EXPECT_EQ(result.error().field, c.field) << c.name;
  }
}

TEST(DeviceFromUserAgent, CommonBrowsers) {
  EXPECT_EQ(device_from_user_agent(""), "");
  EXPECT_EQ(device_from_user_agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0"), "desktop");
  EXPECT_EQ(device_from_user_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148"), "mobile");
  EXPECT_EQ(device_from_user_agent("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari"), "mobile");
  EXPECT_EQ(device_from_user_agent("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)"), "tablet");
  EXPECT_EQ(device_from_user_agent("Googlebot/2.1 (+http://www.google.com/bot.html)"), "bot");
}

}  // namespace
}  // namespace ecrm::events

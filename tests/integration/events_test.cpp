// Visitor tracking over real HTTP: ingestion with write keys and API keys, validation by index,
// dedupe, size limits, identity and attribution, sessions, the funnel, abandoned carts, the live
// stream, and events on the customer record (timeline, merge, erasure). The server runs with a
// one-second cart abandonment limit so that abandonment can be seen without waiting an hour.
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "crm_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr std::int64_t kDay = 86'400'000;
// Isolated windows in the past, one per test that checks exact figures.
constexpr std::int64_t kFunnelDay = 978'307'200'000;    // 2001-01-01
constexpr std::int64_t kOverviewDay = 1'009'843'200'000;  // 2002-01-01
constexpr std::int64_t kCartsDay = 1'041'379'200'000;   // 2003-01-01

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Events : public CrmApi {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(
        {"--cart-abandon-after", "1"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }

  void SetUp() override {
    CrmApi::SetUp();
    if (key_.empty()) {
      auto r = post("/api/v1/write-keys", json::object{{"name", "shop"}});
      ASSERT_EQ(r.status, 201) << r.body;
      key_ = std::string(r.json().at("key").as_string());
    }
  }
  static void TearDownTestSuite() {
    CrmApi::TearDownTestSuite();
    key_.clear();
  }

  // Sends `body` as the snippet does: text/plain, no cookies, the write key in the query.
  HttpResult send_raw(const std::string& body, const std::string& key) {
    HttpClient anonymous(server_->base_url());
    return anonymous.request("POST", "/api/v1/events?key=" + key, body,
                             {"Content-Type: text/plain", "User-Agent: Mozilla/5.0 (X11; Linux) Firefox/120"});
  }
  HttpResult send(const json::array& events, const std::string& key = {}) {
    return send_raw(json::serialize(json::object{{"events", events}}), key.empty() ? key_ : key);
  }
  // Sends and expects 200; returns the outcome.
  json::object ingest(const json::array& events) {
    auto r = send(events);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    return r.json().as_object();
  }
  static json::object event(const std::string& id, const std::string& type,
                            const std::string& visitor, std::int64_t ts,
                            json::object properties = {}) {
    return json::object{{"event_id", id},     {"type", type}, {"anonymous_id", visitor},
                        {"ts", ts},           {"properties", std::move(properties)}};
  }
  static json::object product(const std::string& sku, std::int64_t price, std::int64_t quantity = 1) {
    return json::object{{"sku", sku}, {"price", price}, {"quantity", quantity}, {"currency", "EUR"}};
  }
  std::string api_key(const json::array& scopes) {
    auto r = post("/api/v1/api-keys", json::object{{"name", "backend"}, {"scopes", scopes}});
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("key").as_string());
  }
  std::int64_t total() {
    auto r = get("/api/v1/events/stats");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("total").as_int64();
  }
  json::array timeline(std::int64_t customer) {
    auto r = get(id_path("/api/v1/customers", customer) + "/timeline?limit=100");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("items").as_array();
  }
  static std::multiset<std::string> kinds(const json::array& items, const std::string& prefix = "event.") {
    std::multiset<std::string> out;
    for (const auto& item : items) {
      std::string kind(item.at("kind").as_string());
      if (kind.rfind(prefix, 0) == 0) out.insert(kind);
    }
    return out;
  }

  inline static std::string key_;
};

TEST_F(Events, IngestsAndDeduplicatesByClientEventId) {
  std::int64_t before = total();
  std::int64_t t = now_ms();
  json::array batch{event("dd-1", "page_view", "v-dd", t, {{"url", "https://shop.example/"}}),
                    event("dd-2", "search", "v-dd", t + 1, {{"query", "shoes"}}),
                    event("dd-3", "product_view", "v-dd", t + 2, product("SKU-1", 1000))};
  auto first = ingest(batch);
  EXPECT_EQ(first.at("accepted").as_int64(), 3);
  EXPECT_EQ(first.at("duplicates").as_int64(), 0);
  EXPECT_TRUE(first.at("errors").as_array().empty());
  // The same batch again (a retry): nothing new.
  auto again = ingest(batch);
  EXPECT_EQ(again.at("accepted").as_int64(), 0);
  EXPECT_EQ(again.at("duplicates").as_int64(), 3);
  // A repeat inside one batch.
  auto inner = ingest(json::array{event("dd-4", "search", "v-dd", t + 3, {{"query", "hat"}}),
                                  event("dd-4", "search", "v-dd", t + 3, {{"query", "hat"}})});
  EXPECT_EQ(inner.at("accepted").as_int64(), 1);
  EXPECT_EQ(inner.at("duplicates").as_int64(), 1);
  EXPECT_EQ(total(), before + 4);

  // CORS for the shop's pages on other origins.
  auto r = send(json::array{});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("access-control-allow-origin"), "*");
  HttpClient anonymous(server_->base_url());
  auto preflight = anonymous.request("OPTIONS", "/api/v1/events", "",
                                     {"Origin: https://shop.example",
                                      "Access-Control-Request-Method: POST"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "*");
}

TEST_F(Events, BadEventsAreReportedByIndexAndTheOthersKept) {
  std::int64_t before = total();
  std::int64_t t = now_ms();
  json::array batch{
      event("bad-0", "page_view", "v-bad", t, {{"url", "https://shop.example/a"}}),
      event("bad-1", "bogus_type", "v-bad", t),
      event("bad-2", "search", "v-bad", t, {{"query", "ok"}}),
      json::object{{"event_id", "bad-3"}, {"type", "search"}, {"anonymous_id", "v-bad"}},
      [&] {
        auto e = event("bad-4", "search", "v-bad", t, {{"query", "x"}});
        e["customer_id"] = 1;
        return e;
      }(),
      event("bad-5", "add_to_cart", "v-bad", t, {{"sku", "A"}, {"price", 9.99}}),
      json::value("not an event"),
      event("bad-7", "custom", "v-bad", t, {{"name", "newsletter_signup"}}),
  };
  auto outcome = ingest(batch);
  EXPECT_EQ(outcome.at("accepted").as_int64(), 3);
  const auto& errors = outcome.at("errors").as_array();
  ASSERT_EQ(errors.size(), 5u) << json::serialize(outcome);
  std::vector<std::pair<std::int64_t, std::string>> got;
  for (const auto& e : errors) {
    got.emplace_back(e.at("index").as_int64(), std::string(e.at("code").as_string()));
    EXPECT_FALSE(e.at("message").as_string().empty());
  }
  std::vector<std::pair<std::int64_t, std::string>> expected = {
      {1, "unknown_type"},
      {3, "required"},
      {4, "customer_id_not_allowed"},
      {5, "invalid_field"},
      {6, "invalid_event"}};
  EXPECT_EQ(got, expected);
  EXPECT_EQ(errors[2].at("field").as_string(), "customer_id");
  EXPECT_EQ(errors[3].at("field").as_string(), "properties.price");
  EXPECT_EQ(total(), before + 3);
}

TEST_F(Events, MalformedOversizedAndUnauthorisedRequests) {
  std::int64_t before = total();
  expect_error(send_raw("{\"events\": [", key_), 400, "invalid_json");
  expect_error(send_raw("[1,2]", key_), 400, "expected_object");
  expect_error(send_raw("{}", key_), 400, "required", "events");
  expect_error(send_raw("{\"events\": {}}", key_), 400, "", "events");
  json::array many;
  for (int i = 0; i < 1001; ++i) {
    many.push_back(event("many-" + std::to_string(i), "search", "v-many", now_ms(), {{"query", "q"}}));
  }
  expect_error(send(many), 413, "too_many_events");
  std::string huge = "{\"events\": [], \"pad\": \"" + std::string(1100 * 1024, 'x') + "\"}";
  EXPECT_EQ(send_raw(huge, key_).status, 413);
  json::array one{event("auth-1", "search", "v-auth", now_ms(), {{"query", "q"}})};
  expect_error(send(one, "wk_not-a-key"), 401, "unknown_write_key");
  HttpClient anonymous(server_->base_url());
  expect_error(anonymous.request("POST", "/api/v1/events",
                                 json::serialize(json::object{{"events", one}})),
               401, "authentication_required");
  // A revoked key stops working at once.
  auto created = post("/api/v1/write-keys", json::object{{"name", "old theme"}});
  ASSERT_EQ(created.status, 201);
  std::string old_key(created.json().at("key").as_string());
  EXPECT_EQ(send(one, old_key).status, 200);
  EXPECT_EQ(del(id_path("/api/v1/write-keys", created.json().at("id").as_int64())).status, 204);
  expect_error(send(json::array{event("auth-2", "search", "v-auth", now_ms(), {{"query", "q"}})},
                    old_key),
               401, "unknown_write_key");
  auto keys = get("/api/v1/write-keys");
  bool listed_inactive = false;
  auto keys_body = keys.json();
  for (const auto& k : keys_body.at("items").as_array()) {
    if (k.at("key").as_string() == old_key) listed_inactive = !k.at("active").as_bool();
  }
  EXPECT_TRUE(listed_inactive) << keys.body;
  // API keys need scope events:write.
  std::string reader = api_key(json::array{"customers:read"});
  expect_error(anonymous.request("POST", "/api/v1/events",
                                 json::serialize(json::object{{"events", one}}),
                                 {"Authorization: Bearer " + reader}),
               403, "missing_scope");
  EXPECT_EQ(total(), before + 1);
  // The server is still fine.
  EXPECT_EQ(get("/api/v1/events/stats").status, 200);
}

TEST_F(Events, IdentifyAttributesTheVisitorsEarlierEventsAndTheTimelineShowsThem) {
  std::int64_t customer = create("/api/v1/customers",
                                 json::object{{"name", "Ida Identify"}, {"external_id", "C-77"}});
  std::int64_t t = now_ms() - 60'000;
  auto first = ingest(json::array{
      event("id-1", "page_view", "v-ida", t, {{"url", "https://shop.example/"}, {"title", "Home"}}),
      event("id-2", "product_view", "v-ida", t + 1000, product("CAM-9", 45000)),
      event("id-3", "search", "v-ida", t + 2000, {{"query", "tripod"}}),
      event("id-4", "add_to_cart", "v-ida", t + 3000, product("CAM-9", 45000))});
  EXPECT_EQ(first.at("accepted").as_int64(), 4);
  EXPECT_TRUE(kinds(timeline(customer)).empty());  // anonymous so far

  auto identified = ingest(json::array{event("id-5", "identify", "v-ida", t + 4000,
                                             {{"external_id", "C-77"},
                                              {"traits", json::object{{"plan", "gold"}}}})});
  EXPECT_EQ(identified.at("accepted").as_int64(), 1);
  auto items = timeline(customer);
  EXPECT_EQ(kinds(items), (std::multiset<std::string>{"event.page_view", "event.product_view",
                                                      "event.search", "event.add_to_cart",
                                                      "event.identify"}));
  for (const auto& item : items) {
    if (item.at("kind") == "event.search") {
      EXPECT_EQ(item.at("summary").as_string(), "Searched for \"tripod\"");
    }
  }
  // Later events of the visitor are the customer's at once; a second device joins.
  ingest(json::array{event("id-6", "product_view", "v-ida", t + 5000, product("LENS-1", 9000)),
                     event("id-7", "identify", "v-ida-phone", t + 6000, {{"external_id", "C-77"}}),
                     event("id-8", "search", "v-ida-phone", t + 7000, {{"query", "bag"}})});
  EXPECT_EQ(kinds(timeline(customer)).size(), 8u);
  auto listed = get("/api/v1/events?customer_id=" + std::to_string(customer));
  EXPECT_EQ(listed.json().at("items").as_array().size(), 8u) << listed.body;
  auto visitor = get("/api/v1/visitors/v-ida-phone");
  ASSERT_EQ(visitor.status, 200) << visitor.body;
  EXPECT_EQ(visitor.json().at("customer_id").as_int64(), customer);

  // Identified as a shop customer id the CRM does not know yet: linked once it exists.
  ingest(json::array{event("id-9", "identify", "v-newbie", t, {{"external_id", "C-NEW"}}),
                     event("id-10", "search", "v-newbie", t + 1, {{"query", "first"}})});
  std::int64_t newbie = create("/api/v1/customers",
                               json::object{{"name", "New Bie"}, {"external_id", "C-NEW"}});
  EXPECT_TRUE(kinds(timeline(newbie)).empty());
  ingest(json::array{event("id-11", "page_view", "v-newbie", t + 2, {{"url", "https://shop.example/x"}})});
  EXPECT_EQ(kinds(timeline(newbie)).size(), 3u);

  // A server-side API key may name the customer directly; unknown customers are refused by index.
  std::string backend = api_key(json::array{"events:write"});
  HttpClient server_side(server_->base_url());
  auto named = server_side.request(
      "POST", "/api/v1/events",
      json::serialize(json::object{
          {"events",
           json::array{[&] {
                         auto e = event("id-12", "purchase", "v-ida", t + 8000,
                                        {{"order_id", "W-77"}, {"total", 45000}, {"currency", "EUR"}});
                         e["customer_id"] = customer;
                         return e;
                       }(),
                       [&] {
                         auto e = event("id-13", "search", "v-ida", t + 9000, {{"query", "x"}});
                         e["customer_id"] = 99999999;
                         return e;
                       }()}}}),
      {"Authorization: Bearer " + backend, "Content-Type: application/json"});
  ASSERT_EQ(named.status, 200) << named.body;
  EXPECT_EQ(named.json().at("accepted").as_int64(), 1);
  ASSERT_EQ(named.json().at("errors").as_array().size(), 1u);
  EXPECT_EQ(named.json().at("errors").at(0).at("index").as_int64(), 1);
  EXPECT_EQ(named.json().at("errors").at(0).at("code").as_string(), "unknown_customer");
  EXPECT_EQ(kinds(timeline(customer)).count("event.purchase"), 1u);

  // Amounts in the timeline's text follow the currency's minor unit (yen have none).
  ingest(json::array{event("id-14", "purchase", "v-ida", t + 10000,
                           {{"order_id", "W-78"}, {"total", 1200}, {"currency", "JPY"}})});
  std::set<std::string> purchases;
  for (const auto& item : timeline(customer)) {
    if (item.at("kind") == "event.purchase") {
      purchases.insert(std::string(item.at("summary").as_string()));
    }
  }
  EXPECT_EQ(purchases, (std::set<std::string>{"Purchased (order W-77), 450.00 EUR",
                                              "Purchased (order W-78), 1200 JPY"}));
}

TEST_F(Events, MergesCarryEventsAndUndoBringsThemBack) {
  std::int64_t a = create("/api/v1/customers", json::object{{"name", "Ann Merge"}, {"external_id", "M-A"}});
  std::int64_t b = create("/api/v1/customers", json::object{{"name", "Ann Merge"}, {"external_id", "M-B"}});
  std::int64_t t = now_ms() - 30'000;
  ingest(json::array{event("mg-1", "identify", "v-mb", t, {{"external_id", "M-B"}}),
                     event("mg-2", "product_view", "v-mb", t + 1, product("X", 1))});
  ASSERT_EQ(kinds(timeline(b)).size(), 2u);
  auto merged = post(id_path("/api/v1/customers", a) + "/merge", json::object{{"other_id", b}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(kinds(timeline(a)).size(), 2u);
  // The visitor moved too: what it does now is the survivor's.
  ingest(json::array{event("mg-3", "search", "v-mb", t + 2, {{"query", "after merge"}})});
  EXPECT_EQ(kinds(timeline(a)).size(), 3u);
  auto merges = get(id_path("/api/v1/customers", a) + "/merges");
  std::int64_t merge_id = merges.json().at("items").at(0).at("id").as_int64();
  auto undone = post("/api/v1/customers/merges/" + std::to_string(merge_id) + "/undo", json::object{});
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(kinds(timeline(b)).size(), 2u);
  EXPECT_EQ(kinds(timeline(a)).size(), 1u);  // the search arrived after the merge
}

TEST_F(Events, ExportAndErasure) {
  std::int64_t c = create("/api/v1/customers", json::object{{"name", "Eve Erase"}, {"external_id", "E-1"}});
  std::int64_t t = now_ms() - 10'000;
  ingest(json::array{event("er-1", "page_view", "v-eve", t, {{"url", "https://shop.example/account/eve"}}),
                     event("er-2", "identify", "v-eve", t + 1, {{"external_id", "E-1"},
                                                                 {"traits", json::object{{"email", "eve@example.com"}}}})});
  auto exported = get(id_path("/api/v1/customers", c) + "/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.json().at("events").as_array().size(), 2u);
  EXPECT_EQ(exported.json().at("visitors").at(0).at("anonymous_id").as_string(), "v-eve");
  auto erased = post(id_path("/api/v1/customers", c) + "/erase", json::object{});
  ASSERT_EQ(erased.status, 200) << erased.body;
  EXPECT_TRUE(kinds(timeline(c)).empty());
  EXPECT_EQ(get("/api/v1/visitors/v-eve").status, 404);  // the browser's id is gone
  auto list = get("/api/v1/events?type=identify&limit=500");
  int erased_events = 0;
  auto list_body = list.json();
  for (const auto& e : list_body.at("items").as_array()) {
    EXPECT_EQ(json::serialize(e).find("eve@example.com"), std::string::npos) << json::serialize(e);
    EXPECT_NE(e.at("anonymous_id").as_string(), "v-eve");
    if (e.at("event_id").as_string() == "er-2") {
      ++erased_events;
      EXPECT_TRUE(e.at("customer_id").is_null());
      EXPECT_TRUE(e.at("properties").as_object().empty());
    }
  }
  EXPECT_EQ(erased_events, 1);  // kept, anonymised, for the traffic figures
}

TEST_F(Events, FunnelAndProductFiguresMatchTheEventsSent) {
  const std::int64_t t = kFunnelDay + 3600'000;
  json::array batch;
  int n = 0;
  auto add = [&](const std::string& visitor, const std::string& type, json::object props) {
    batch.push_back(event("fn-" + std::to_string(n), type, visitor, t + (n * 1000), std::move(props)));
    ++n;
  };
  // v1 views; v2 views and carts; v3 reaches checkout; v4 buys; v5 carts without viewing.
  for (const char* v : {"fn-v1", "fn-v2", "fn-v3", "fn-v4"}) add(v, "product_view", product("FN-1", 1000));
  add("fn-v2", "product_view", product("FN-2", 500));
  for (const char* v : {"fn-v2", "fn-v3", "fn-v4", "fn-v5"}) add(v, "add_to_cart", product("FN-1", 1000, 2));
  for (const char* v : {"fn-v3", "fn-v4"}) add(v, "checkout_step", {{"step", 1}});
  add("fn-v4", "purchase", {{"order_id", "FN-ORDER"}, {"currency", "EUR"}});
  EXPECT_EQ(ingest(batch).at("accepted").as_int64(), n);

  std::string window = "?from=" + std::to_string(kFunnelDay) + "&to=" + std::to_string(kFunnelDay + kDay);
  auto funnel = get("/api/v1/traffic/funnel" + window);
  ASSERT_EQ(funnel.status, 200) << funnel.body;
  const auto funnel_body = funnel.json();
  const auto& steps = funnel_body.at("steps").as_array();
  ASSERT_EQ(steps.size(), 4u);
  std::vector<std::int64_t> reached;
  for (const auto& s : steps) reached.push_back(s.at("visitors").as_int64());
  EXPECT_EQ(reached, (std::vector<std::int64_t>{4, 3, 2, 1}));
  EXPECT_NEAR(steps[1].at("drop_off").as_double(), 0.25, 1e-9);
  EXPECT_NEAR(steps[2].at("drop_off").as_double(), 1.0 / 3.0, 1e-9);
  EXPECT_NEAR(steps[3].at("drop_off").as_double(), 0.5, 1e-9);
  EXPECT_NEAR(funnel.json().at("conversion").as_double(), 0.25, 1e-9);

  auto products = get("/api/v1/traffic/products" + window);
  ASSERT_EQ(products.status, 200) << products.body;
  const auto products_body = products.json();
  const auto& items = products_body.at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << products.body;
  EXPECT_EQ(items[0].at("product").as_string(), "FN-1");
  EXPECT_EQ(items[0].at("views").as_int64(), 4);
  EXPECT_EQ(items[0].at("viewers").as_int64(), 4);
  EXPECT_EQ(items[0].at("carts").as_int64(), 4);
  EXPECT_EQ(items[0].at("buyers").as_int64(), 1);
  EXPECT_EQ(items[0].at("units").as_int64(), 2);  // the purchase took the cart's items
  EXPECT_NEAR(items[0].at("browse_to_buy").as_double(), 0.25, 1e-9);
  EXPECT_EQ(items[1].at("product").as_string(), "FN-2");
  EXPECT_EQ(items[1].at("buyers").as_int64(), 0);
}

TEST_F(Events, SessionsAndIdentifiedShare) {
  std::int64_t c = create("/api/v1/customers", json::object{{"name", "Sam Session"}, {"external_id", "S-1"}});
  (void)c;
  const std::int64_t t = kOverviewDay + 8 * 3600'000;
  const std::int64_t minute = 60'000;
  EXPECT_EQ(ingest(json::array{
                event("ov-1", "page_view", "ov-a", t,
                      {{"url", "https://shop.example/?utm_source=mail&utm_campaign=spring"},
                       {"referrer", "https://www.google.com/search?q=x"}}),
                event("ov-2", "page_view", "ov-a", t + 10 * minute, {{"url", "https://shop.example/b"}}),
                event("ov-3", "page_view", "ov-a", t + 50 * minute, {{"url", "https://shop.example/c"}}),
                event("ov-4", "page_view", "ov-b", t, {{"url", "https://shop.example/"}}),
                event("ov-5", "identify", "ov-b", t + minute, {{"external_id", "S-1"}})})
                .at("accepted")
                .as_int64(),
            5);
  auto r = get("/api/v1/traffic/overview?from=" + std::to_string(kOverviewDay) +
               "&to=" + std::to_string(kOverviewDay + kDay));
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = r.json();
  EXPECT_EQ(o.at("visitors").as_int64(), 2);
  EXPECT_EQ(o.at("identified").as_int64(), 1);
  EXPECT_NEAR(o.at("identified_share").as_double(), 0.5, 1e-9);
  EXPECT_EQ(o.at("sessions").as_int64(), 3);  // ov-a came back after 40 minutes
  EXPECT_EQ(o.at("page_views").as_int64(), 4);
  EXPECT_EQ(o.at("campaigns").at(0).at("name").as_string(), "spring");
  EXPECT_EQ(o.at("referrers").at(0).at("name").as_string(), "www.google.com");
  EXPECT_EQ(o.at("devices").at(0).at("name").as_string(), "desktop");
  auto visitor = get("/api/v1/visitors/ov-a");
  ASSERT_EQ(visitor.status, 200);
  const auto visitor_body = visitor.json();
  const auto& sessions = visitor_body.at("sessions").as_array();
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[1].at("landing_url").as_string(), "https://shop.example/?utm_source=mail&utm_campaign=spring");
  EXPECT_EQ(sessions[1].at("utm_source").as_string(), "mail");
  EXPECT_EQ(sessions[1].at("page_views").as_int64(), 2);
}

TEST_F(Events, ACartLeftAloneBecomesAbandoned) {
  std::int64_t t = now_ms();
  ingest(json::array{event("ab-1", "add_to_cart", "v-left", t, product("AB-1", 1500, 2)),
                     event("ab-2", "add_to_cart", "v-left", t + 1, product("AB-2", 500))});
  auto find = [&](const std::string& status) -> json::value {
    auto r = get("/api/v1/carts?status=" + status + "&limit=500");
    EXPECT_EQ(r.status, 200) << r.body;
    auto body = r.json();
    for (const auto& k : body.at("items").as_array()) {
      if (k.at("anonymous_id").as_string() == "v-left") return k;
    }
    return nullptr;
  };
  auto open = find("open");
  ASSERT_TRUE(open.is_object()) << "the fresh cart is open";
  EXPECT_EQ(open.at("value").as_int64(), 3500);
  // The server abandons carts after one second without activity.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto abandoned = find("abandoned");
  ASSERT_TRUE(abandoned.is_object()) << "the cart became abandoned";
  EXPECT_EQ(abandoned.at("status").as_string(), "abandoned");
  EXPECT_EQ(abandoned.at("value").as_int64(), 3500);
  EXPECT_EQ(abandoned.at("item_count").as_int64(), 3);
  EXPECT_EQ(abandoned.at("items").as_array().size(), 2u);
  EXPECT_TRUE(find("open").is_null());

  // Rate and lost value in an isolated window: one cart abandoned, one bought.
  const std::int64_t d = kCartsDay + 3600'000;
  ingest(json::array{event("ab-3", "add_to_cart", "ab-x", d, product("AB-1", 3000)),
                     event("ab-4", "add_to_cart", "ab-y", d, product("AB-2", 700)),
                     event("ab-5", "purchase", "ab-y", d + 500, {{"total", 700}, {"currency", "EUR"}})});
  auto a = get("/api/v1/traffic/abandonment?bucket=day&from=" + std::to_string(kCartsDay) +
               "&to=" + std::to_string(kCartsDay + 2 * kDay));
  ASSERT_EQ(a.status, 200) << a.body;
  auto body = a.json();
  EXPECT_EQ(body.at("abandoned").as_int64(), 1);
  EXPECT_EQ(body.at("purchased").as_int64(), 1);
  EXPECT_NEAR(body.at("rate").as_double(), 0.5, 1e-9);
  EXPECT_EQ(body.at("lost_value").at("EUR").as_int64(), 3000);
  ASSERT_EQ(body.at("buckets").as_array().size(), 2u);
  EXPECT_EQ(body.at("buckets").at(0).at("abandoned").as_int64(), 1);
  EXPECT_EQ(body.at("buckets").at(1).at("abandoned").as_int64(), 0);
}

// A visitor who comes back after the abandonment limit: the old cart is abandoned and its items
// carry on into a new cart that names it, whether both happen within one batch (ids assigned in
// the same transaction) or across batches; a purchase then closes the new cart.
TEST_F(Events, ACartThatComesBackCarriesItsItemsOn) {
  auto carts_of = [&](const std::string& visitor) {
    std::vector<json::value> out;
    for (const char* status : {"open", "abandoned", "purchased"}) {
      auto r = get(std::string("/api/v1/carts?status=") + status + "&limit=500");
      EXPECT_EQ(r.status, 200) << r.body;
      auto body = r.json();
      for (const auto& k : body.at("items").as_array()) {
        if (k.at("anonymous_id").as_string() == visitor) out.push_back(k);
      }
    }
    std::sort(out.begin(), out.end(), [](const json::value& a, const json::value& b) {
      return a.at("id").as_int64() < b.at("id").as_int64();
    });
    return out;
  };
  const std::int64_t t = now_ms() - 10'000;
  // In one batch: the second add comes 5 s after the first, past the 1 s limit.
  json::object named = product("CB-1", 1200, 2);
  named["name"] = "Tent \"Alpine\" 帐篷\\2";  // quotes, a backslash and UTF-8 survive storage
  ingest(json::array{event("cb-1", "add_to_cart", "cb-one", t, named),
                     event("cb-2", "add_to_cart", "cb-one", t + 5000, product("CB-2", 300))});
  auto one = carts_of("cb-one");
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].at("status").as_string(), "abandoned");
  EXPECT_EQ(one[0].at("value").as_int64(), 2400);
  EXPECT_EQ(one[1].at("recovered_from").as_int64(), one[0].at("id").as_int64());
  EXPECT_EQ(one[1].at("value").as_int64(), 2700);
  EXPECT_EQ(one[1].at("items").as_array().size(), 2u);
  EXPECT_EQ(one[1].at("items").at(0).at("name").as_string(), "Tent \"Alpine\" 帐篷\\2");

  // Across batches, then a purchase of the carried-on cart.
  ingest(json::array{event("cb-3", "add_to_cart", "cb-two", t, product("CB-1", 1200))});
  ingest(json::array{event("cb-4", "add_to_cart", "cb-two", t + 5000, product("CB-3", 800)),
                     event("cb-5", "purchase", "cb-two", t + 5100,
                           {{"order_id", "CB-ORDER"}, {"currency", "EUR"}})});
  auto two = carts_of("cb-two");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].at("status").as_string(), "abandoned");
  EXPECT_EQ(two[1].at("status").as_string(), "purchased");
  EXPECT_EQ(two[1].at("recovered_from").as_int64(), two[0].at("id").as_int64());
  EXPECT_EQ(two[1].at("value").as_int64(), 2000);
  EXPECT_EQ(two[1].at("order_ref").as_string(), "CB-ORDER");
}

TEST_F(Events, LiveStreamPollsWithACursor) {
  auto start = get("/api/v1/events/live?limit=5");
  ASSERT_EQ(start.status, 200) << start.body;
  std::int64_t cursor = start.json().at("cursor").as_int64();
  std::int64_t t = now_ms();
  ingest(json::array{event("lv-1", "page_view", "v-live", t, {{"url", "https://shop.example/1"}}),
                     event("lv-2", "page_view", "v-live", t + 1, {{"url", "https://shop.example/2"}})});
  auto next = get("/api/v1/events/live?after=" + std::to_string(cursor));
  ASSERT_EQ(next.status, 200);
  const auto next_body = next.json();
  const auto& items = next_body.at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << next.body;
  EXPECT_EQ(items[0].at("event_id").as_string(), "lv-1");
  EXPECT_EQ(items[1].at("event_id").as_string(), "lv-2");
  auto after = get("/api/v1/events/live?after=" + std::to_string(next.json().at("cursor").as_int64()));
  EXPECT_TRUE(after.json().at("items").as_array().empty());
}

TEST_F(Events, ConcurrentBatchesAreAllStoredOnce) {
  std::int64_t before = total();
  constexpr int kThreads = 8, kBatches = 10, kPerBatch = 50;
  std::atomic<int> accepted{0}, failures{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int b = 0; b < kBatches; ++b) {
        json::array batch;
        for (int i = 0; i < kPerBatch; ++i) {
          std::string id = "cc-" + std::to_string(th) + "-" + std::to_string(b) + "-" + std::to_string(i);
          batch.push_back(event(id, "page_view", "cc-v" + std::to_string(i % 7), now_ms(),
                                {{"url", "https://shop.example/" + std::to_string(i)}}));
        }
        auto r = send(batch);
        if (r.status != 200) {
          ++failures;
          continue;
        }
        accepted += static_cast<int>(r.json().at("accepted").as_int64());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(accepted.load(), kThreads * kBatches * kPerBatch);
  EXPECT_EQ(total(), before + kThreads * kBatches * kPerBatch);
}

TEST_F(Events, SnippetIsServed) {
  HttpClient anonymous(server_->base_url());
  auto r = anonymous.get("/t.js");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-type").find("javascript"), std::string::npos);
  EXPECT_NE(r.body.find("sendBeacon"), std::string::npos);
  EXPECT_NE(r.body.find("identify"), std::string::npos);
  // The configurator widget is a script of its own that the snippet loads on first use.
  EXPECT_NE(r.body.find("/configurator.js"), std::string::npos);
  EXPECT_EQ(r.body.find("ecrm-option"), std::string::npos);
  auto widget = anonymous.get("/configurator.js");
  ASSERT_EQ(widget.status, 200);
  EXPECT_NE(widget.header("content-type").find("javascript"), std::string::npos);
  EXPECT_NE(widget.body.find("w.ecrmConfigurator"), std::string::npos);
  EXPECT_NE(widget.body.find("ecrm-option"), std::string::npos);
}

// Concurrent clients send batches while the server is killed with SIGKILL; after a restart on
// the same database every batch that was answered 200 is stored, each event exactly once.
TEST(EventsCrash, EveryAcknowledgedBatchSurvivesKillNine) {
  const std::string email = "crash@example.com", password = "Crash-pass-1234";
  ServerProcess server({}, {{"ECRM_ADMIN_EMAIL", email}, {"ECRM_ADMIN_PASSWORD", password}});
  auto admin = [&] {
    auto client = std::make_unique<HttpClient>(server.base_url());
    auto login = client->send_json("POST", "/api/v1/auth/login",
                                   json::object{{"email", email}, {"password", password}});
    EXPECT_EQ(login.status, 200) << login.body;
    client->csrf_token = std::string(login.json().at("csrf_token").as_string());
    return client;
  };
  auto created = admin()->send_json("POST", "/api/v1/write-keys", json::object{{"name", "crash"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string key(created.json().at("key").as_string());
  const std::string url = server.base_url();

  constexpr int kClients = 6, kPerBatch = 50;
  std::mutex mutex;
  std::vector<json::array> acknowledged;
  std::atomic<int> sent{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(url);
      for (int b = 0;; ++b) {
        json::array batch;
        for (int i = 0; i < kPerBatch; ++i) {
          std::string id = "crash-" + std::to_string(c) + "-" + std::to_string(b) + "-" + std::to_string(i);
          batch.push_back(json::object{{"event_id", id},
                                       {"type", i % 5 == 4 ? "add_to_cart" : "page_view"},
                                       {"anonymous_id", "crash-v" + std::to_string(c * 10 + i % 10)},
                                       {"ts", now_ms()},
                                       {"properties", json::object{{"url", "https://shop.example/" + id},
                                                                   {"sku", "CR-" + std::to_string(i)},
                                                                   {"price", 100}}}});
        }
        auto r = client.request("POST", "/api/v1/events?key=" + key,
                                json::serialize(json::object{{"events", batch}}));
        ++sent;
        if (r.status != 200) return;  // the server is gone
        auto body = r.json();
        if (body.at("accepted").as_int64() + body.at("duplicates").as_int64() != kPerBatch) return;
        std::lock_guard lock(mutex);
        acknowledged.push_back(std::move(batch));
      }
    });
  }
  while (sent.load() < 60) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  server.kill_hard();
  for (auto& t : clients) t.join();
  ASSERT_GE(acknowledged.size(), 30u);

  server.restart();
  // Every acknowledged batch is there: sent again, each event is a duplicate.
  HttpClient client(server.base_url());
  std::set<std::string> expected;
  for (const auto& batch : acknowledged) {
    for (const auto& e : batch) expected.insert(std::string(e.at("event_id").as_string()));
    auto r = client.request("POST", "/api/v1/events?key=" + key,
                            json::serialize(json::object{{"events", batch}}));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("accepted").as_int64(), 0) << "an acknowledged batch was lost";
    EXPECT_EQ(r.json().at("duplicates").as_int64(), kPerBatch);
  }
  // And stored once: the log holds each id a single time.
  auto reader = admin();
  std::map<std::string, int> seen;
  std::string cursor;
  for (int page = 0; page < 1000; ++page) {
    auto r = reader->get("/api/v1/events?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = r.json();
    for (const auto& e : body.at("items").as_array()) seen[std::string(e.at("event_id").as_string())] += 1;
    if (body.at("next_cursor").is_null()) break;
    cursor = std::string(body.at("next_cursor").as_string());
  }
  for (const auto& id : expected) {
    ASSERT_EQ(seen[id], 1) << id;
  }
  for (const auto& [id, count] : seen) ASSERT_EQ(count, 1) << id;
  auto stats = reader->get("/api/v1/events/stats");
  EXPECT_EQ(stats.json().at("total").as_int64(), static_cast<std::int64_t>(seen.size()));
  std::printf("crash test: %zu batches acknowledged before SIGKILL, %zu events stored\n",
              acknowledged.size(), seen.size());
}

}  // namespace
}  // namespace ecrm::testing

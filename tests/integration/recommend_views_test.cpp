// Recommendations with product views from the tracking snippet's events, over real HTTP: an
// outdoor shop where tent buyers also look at a map nobody buys; identified views join the
// rebuild (the build counts them, the map reaches a tent buyer's list through them), a view
// refreshes the viewer's list within seconds, and the snippet's public endpoint answers
// identified, anonymous and unknown visitors with products only.
#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "crm_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
constexpr std::int64_t kDay = 86'400'000;

struct Shop {
  std::string key;
  std::int64_t tent = 0, bag = 0, lamp = 0, stove = 0, kettle = 0, map = 0;
  std::int64_t tent_buyer = 0;  // bought a tent, never viewed anything
  std::int64_t browser = 0;     // bought a stove; identified as visitor "v-browser"
  std::int64_t identified_views = 0;
};

class RecommendViews : public CrmApi {
 protected:
  std::int64_t product(const std::string& sku, const std::string& name, std::int64_t price) {
    return create("/api/v1/products", json::object{{"sku", sku},
                                                   {"name", name},
                                                   {"price", price},
                                                   {"currency", "EUR"},
                                                   {"category_id", category_}});
  }
  std::int64_t customer(const std::string& name, const std::string& external_id = {}) {
    std::string email = name;
    std::replace(email.begin(), email.end(), ' ', '.');
    json::object body{{"name", name}, {"email", email + "@example.com"}};
    if (!external_id.empty()) body["external_id"] = external_id;
    return create("/api/v1/customers", body);
  }
  void order(std::int64_t customer, std::vector<std::int64_t> products, int days_ago) {
    json::array lines;
    for (std::int64_t p : products) lines.push_back(json::object{{"product_id", p}, {"quantity", 1}});
    auto r = post("/api/v1/orders", json::object{{"customer_id", customer},
                                                 {"placed_at", now_ms() - days_ago * kDay},
                                                 {"lines", std::move(lines)}});
    EXPECT_EQ(r.status, 201) << r.body;
  }

  // Sends events as the snippet does (text/plain, no cookies, the write key in the query).
  static void send(const json::array& events) {
    HttpClient anonymous(server_->base_url());
    auto r = anonymous.request("POST", "/api/v1/events?key=" + shop_.key,
                               json::serialize(json::object{{"events", events}}),
                               {"Content-Type: text/plain"});
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json().at("accepted").as_int64(), static_cast<std::int64_t>(events.size()))
        << r.body;
  }
  static json::object event(const std::string& type, const std::string& visitor,
                            json::object properties, std::int64_t ts = 0) {
    static int next = 0;
    return json::object{{"event_id", "rv-" + std::to_string(now_ms()) + "-" + std::to_string(++next)},
                        {"type", type},
                        {"anonymous_id", visitor},
                        {"ts", ts != 0 ? ts : now_ms() - 60'000},
                        {"properties", std::move(properties)}};
  }
  static json::object identify(const std::string& visitor, const std::string& external_id) {
    return event("identify", visitor, {{"external_id", external_id}});
  }
  static json::object view(const std::string& visitor, const std::string& sku) {
    return event("product_view", visitor, {{"sku", sku}});
  }

  json::object rebuild() { return rebuild_recommendations(); }
  json::object list(std::int64_t customer) {
    auto r = get("/api/v1/customers/" + std::to_string(customer) + "/recommendations?limit=20");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }
  static const json::object* find_item(const json::object& body, std::int64_t product) {
    for (const auto& item : body.at("items").as_array()) {
      if (item.at("product_id").as_int64() == product) return &item.as_object();
    }
    return nullptr;
  }
  // The snippet's endpoint, called as a shop page would (no session).
  static HttpResult snippet(const std::string& query) {
    HttpClient anonymous(server_->base_url());
    return anonymous.get("/api/v1/events/recommendations?" + query,
                         {"Origin: https://shop.example"});
  }

  void SetUp() override {
    CrmApi::SetUp();
    if (shop_.tent != 0) return;
    auto key = post("/api/v1/write-keys", json::object{{"name", "outdoor shop"}});
    ASSERT_EQ(key.status, 201) << key.body;
    shop_.key = std::string(key.json().at("key").as_string());
    category_ = create("/api/v1/categories", json::object{{"name", "Camping"}});
    shop_.tent = product("TNT-1", "Trail Tent", 19900);
    shop_.bag = product("BAG-1", "Sleeping Bag", 8900);
    shop_.lamp = product("LMP-1", "Headlamp", 2500);
    shop_.stove = product("STV-1", "Camp Stove", 4900);
    shop_.kettle = product("KTL-1", "Camp Kettle", 1900);
    shop_.map = product("MAP-1", "Trail Map", 900);  // viewed, never bought

    // Four tent-and-bag buyers; three of them identified on the site, where they view the map
    // (two by SKU, one by the catalogue's product id, as a shop may send it).
    for (int k = 0; k < 4; ++k) {
      const std::string external = "OUT-" + std::to_string(k);
      const std::int64_t c = customer("Camper " + std::to_string(k), external);
      order(c, {shop_.tent, shop_.bag}, 20 + k);
      if (k == 3) continue;
      const std::string visitor = "v-camper-" + std::to_string(k);
      json::object map_view =
          k == 2 ? event("product_view", visitor, {{"product_id", shop_.map}}) : view(visitor, "MAP-1");
      send(json::array{identify(visitor, external), map_view, view(visitor, "BAG-1")});
      shop_.identified_views += 2;
    }
    // Views that do not count: an anonymous visitor's, and a product the catalogue lacks.
    send(json::array{view("v-nobody", "MAP-1"), view("v-camper-0", "NOT-IN-CATALOG")});
    for (int k = 0; k < 2; ++k) {
      order(customer("Cook " + std::to_string(k)), {shop_.stove, shop_.kettle}, 15 + k);
    }
    order(customer("Lamp Buyer"), {shop_.lamp, shop_.tent}, 12);
    shop_.tent_buyer = customer("Tim Tentbuyer");
    order(shop_.tent_buyer, {shop_.tent}, 5);
    shop_.browser = customer("Bea Browser", "OUT-BROWSER");
    order(shop_.browser, {shop_.stove}, 3);
    send(json::array{identify("v-browser", "OUT-BROWSER")});
    build_ = rebuild();
  }

  static void TearDownTestSuite() {
    CrmApi::TearDownTestSuite();
    shop_ = Shop{};
  }

  inline static Shop shop_;
  inline static json::object build_;
  inline static std::int64_t category_ = 0;
};

TEST_F(RecommendViews, TheRebuildReadsIdentifiedViewsAndAViewedOnlyProductIsRecommended) {
  const auto& build = build_.at("build").as_object();
  // The identified views of catalogue products, whether named by SKU or by product id.
  EXPECT_EQ(build.at("views").as_int64(), shop_.identified_views) << json::serialize(build);

  // The map was never bought: it reaches the tent buyer only through the campers' views.
  json::object mine = list(shop_.tent_buyer);
  const json::object* map = find_item(mine, shop_.map);
  ASSERT_NE(map, nullptr) << json::serialize(mine);
  const auto& reason = map->at("reason").as_object();
  EXPECT_EQ(reason.at("kind").as_string(), "also_bought");
  EXPECT_GT(reason.at("viewed_count").as_int64(), 0);
  EXPECT_EQ(reason.at("products").at(0).at("id").as_int64(), shop_.tent) << json::serialize(reason);
  // A pair resting on purchases alone has no viewers.
  const json::object* bag = find_item(mine, shop_.bag);
  ASSERT_NE(bag, nullptr) << json::serialize(mine);
  const auto& bag_reason = bag->at("reason").as_object();
  EXPECT_EQ(bag_reason.at("kind").as_string(), "also_bought");
  EXPECT_EQ(bag_reason.at("viewed_count").as_int64(), 0);
  EXPECT_EQ(bag_reason.at("count").as_int64(), 4);
  EXPECT_EQ(bag_reason.at("products").at(0).at("name").as_string(), "Trail Tent");
  EXPECT_FALSE(bag_reason.at("seed_viewed").as_bool());

  // The related route says the same about the pair.
  auto related = get("/api/v1/products/" + std::to_string(shop_.tent) + "/related?kind=also_bought");
  ASSERT_EQ(related.status, 200) << related.body;
  bool map_related = false;
  const json::value related_body = related.json();
  for (const auto& item : related_body.at("items").as_array()) {
    if (item.at("product_id").as_int64() != shop_.map) continue;
    map_related = true;
    EXPECT_GT(item.at("reason").at("viewed_count").as_int64(), 0);
    EXPECT_EQ(item.at("reason").at("products").at(0).at("id").as_int64(), shop_.tent);
  }
  EXPECT_TRUE(map_related) << related.body;
}

TEST_F(RecommendViews, BrowsingRefreshesTheViewersListWithinSeconds) {
  json::object before = list(shop_.browser);
  ASSERT_TRUE(before.contains("computed_at")) << json::serialize(before);
  // The tent (a neighbour of the bag, which the browser has not bought) explained by a view.
  const auto viewed_bag = [&](const json::object& body) -> const json::object* {
    const json::object* tent = find_item(body, shop_.tent);
    if (tent == nullptr) return nullptr;
    const auto& reason = tent->at("reason").as_object();
    if (reason.at("kind") == "also_bought" && reason.at("seed_viewed").as_bool() &&
        reason.at("products").at(0).at("id").as_int64() == shop_.bag) {
      return tent;
    }
    return nullptr;
  };
  ASSERT_EQ(viewed_bag(before), nullptr) << json::serialize(before);

  const auto sent = std::chrono::steady_clock::now();
  send(json::array{view("v-browser", "BAG-1")});
  json::object after;
  const json::object* item = nullptr;
  while (std::chrono::steady_clock::now() - sent < std::chrono::seconds(5)) {
    after = list(shop_.browser);
    item = viewed_bag(after);
    if (item != nullptr) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - sent);
  ASSERT_NE(item, nullptr) << "after " << waited.count() << " ms: " << json::serialize(after);
  std::printf("a view reached the list in %lld ms\n", static_cast<long long>(waited.count()));
  EXPECT_EQ(after.at("source").as_string(), "incremental");
  EXPECT_EQ(item->at("reason").at("products").at(0).at("name").as_string(), "Sleeping Bag");
  EXPECT_EQ(item->at("reason").at("count").as_int64(), 4);
}

TEST_F(RecommendViews, SnippetEndpointAuthorisesByWriteKeyAndValidates) {
  auto missing_key = snippet("anonymous_id=v-x");
  expect_error(missing_key, 401, "authentication_required");
  EXPECT_EQ(missing_key.header("access-control-allow-origin"), "*");
  expect_error(snippet("key=wk_unknown&anonymous_id=v-x"), 401, "unknown_write_key");

  auto created = post("/api/v1/write-keys", json::object{{"name", "old theme"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string old_key(created.json().at("key").as_string());
  EXPECT_EQ(snippet("key=" + old_key + "&anonymous_id=v-x").status, 200);
  ASSERT_EQ(del(id_path("/api/v1/write-keys", created.json().at("id").as_int64())).status, 204);
  expect_error(snippet("key=" + old_key + "&anonymous_id=v-x"), 401, "unknown_write_key");

  expect_error(snippet("key=" + shop_.key), 400, "required", "anonymous_id");
  expect_error(snippet("key=" + shop_.key + "&anonymous_id="), 400, "required", "anonymous_id");
  expect_error(snippet("key=" + shop_.key + "&anonymous_id=" + std::string(201, 'a')), 400, "",
               "anonymous_id");
  expect_error(snippet("key=" + shop_.key + "&anonymous_id=v-x&limit=0"), 400, "", "limit");
  expect_error(snippet("key=" + shop_.key + "&anonymous_id=v-x&limit=21"), 400, "", "limit");
  expect_error(snippet("key=" + shop_.key + "&anonymous_id=v-x&limit=many"), 400, "", "limit");

  HttpClient anonymous(server_->base_url());
  auto preflight = anonymous.request("OPTIONS", "/api/v1/events/recommendations",
                                     "", {"Origin: https://shop.example",
                                          "Access-Control-Request-Method: GET"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "*");
}

TEST_F(RecommendViews, SnippetEndpointAnswersEachKindOfVisitorWithProductsOnly) {
  // Every answer: products and the kind of reason with the products it names, nothing about any
  // customer.
  const std::set<std::string> kKeys = {"sku", "name", "price", "currency", "reason"};
  const std::set<std::string> kReasonKeys = {"kind", "product_names", "viewed"};
  auto check_public = [&](const HttpResult& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("access-control-allow-origin"), "*");
    EXPECT_EQ(r.header("cache-control"), "no-store");
    for (const char* secret : {"Camper", "Bea", "Browser", "Tentbuyer", "OUT-", "@", "example",
                               "customer_id", "email", "score", "class"}) {
      EXPECT_EQ(r.body.find(secret), std::string::npos) << secret << " in " << r.body;
    }
    const json::value body = r.json();
    for (const auto& item : body.at("items").as_array()) {
      std::set<std::string> keys;
      for (const auto& [k, v] : item.as_object()) keys.insert(std::string(k));
      EXPECT_EQ(keys, kKeys) << json::serialize(item);
      std::set<std::string> reason_keys;
      for (const auto& [k, v] : item.at("reason").as_object()) reason_keys.insert(std::string(k));
      EXPECT_EQ(reason_keys, kReasonKeys) << json::serialize(item);
      EXPECT_EQ(item.at("currency").as_string(), "EUR");
    }
  };

  // An identified visitor: the customer's own list, in its order.
  auto identified = snippet("key=" + shop_.key + "&anonymous_id=v-browser&limit=3");
  check_public(identified);
  const json::value mine = identified.json();
  EXPECT_EQ(mine.at("source").as_string(), "personal") << identified.body;
  json::object stored = list(shop_.browser);
  const auto& items = mine.at("items").as_array();
  ASSERT_EQ(items.size(), 3u) << identified.body;
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].at("sku"), stored.at("items").at(i).at("sku")) << identified.body;
    EXPECT_EQ(items[i].at("reason").at("kind"), stored.at("items").at(i).at("reason").at("kind"));
    EXPECT_EQ(items[i].at("price"), stored.at("items").at(i).at("price"));
  }

  // An anonymous visitor who looked at the tent: what tent buyers also bought (or viewed),
  // without the tent itself, then best-sellers.
  send(json::array{view("v-anon-tent", "TNT-1")});
  auto related = snippet("key=" + shop_.key + "&anonymous_id=v-anon-tent&limit=5");
  check_public(related);
  const json::value near = related.json();
  EXPECT_EQ(near.at("source").as_string(), "related") << related.body;
  const auto& near_items = near.at("items").as_array();
  ASSERT_FALSE(near_items.empty()) << related.body;
  EXPECT_EQ(near_items[0].at("sku").as_string(), "BAG-1") << related.body;
  EXPECT_EQ(near_items[0].at("reason").at("kind").as_string(), "also_bought");
  EXPECT_EQ(near_items[0].at("reason").at("product_names"), json::array{"Trail Tent"})
      << related.body;
  EXPECT_TRUE(near_items[0].at("reason").at("viewed").as_bool());
  for (const auto& item : near_items) EXPECT_NE(item.at("sku").as_string(), "TNT-1");

  // A visitor never seen: best-sellers, the most bought first (the tent: 6 buyers).
  auto fresh = snippet("key=" + shop_.key + "&anonymous_id=v-never-seen");
  check_public(fresh);
  const json::value popular = fresh.json();
  EXPECT_EQ(popular.at("source").as_string(), "popular") << fresh.body;
  const auto& top = popular.at("items").as_array();
  ASSERT_EQ(top.size(), 4u) << fresh.body;  // the default limit
  EXPECT_EQ(top[0].at("sku").as_string(), "TNT-1") << fresh.body;
  EXPECT_EQ(top[0].at("reason").at("kind").as_string(), "popular");
  EXPECT_TRUE(top[0].at("reason").at("product_names").as_array().empty());
  EXPECT_EQ(top[0].at("price").as_int64(), 19900);
}

}  // namespace
}  // namespace ecrm::testing

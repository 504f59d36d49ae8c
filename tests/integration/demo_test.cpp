// `ecrm demo` against a running server's database: the command loads a demo shop (and refuses
// bad arguments and a second load), and the API then shows a customer's orders in the 360°
// timeline with a summary that adds up; the shop's last 90 days of site traffic, written through
// the events pipeline, show in the traffic figures, their purchases are the shop's web and app
// orders, and the same seed gives the same traffic.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "crm_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

class Demo : public CrmApi {};

TEST_F(Demo, LoadsAShopWhoseCustomerRecordsAddUp) {
  std::string output;
  // Bad arguments are refused before anything is written.
  EXPECT_EQ(server_->run_cli({"demo", "--customers", "0"}, &output), 2) << output;
  EXPECT_NE(output.find("--customers"), std::string::npos) << output;
  EXPECT_EQ(server_->run_cli({"demo", "--customers", "10000001"}, &output), 2) << output;
  EXPECT_EQ(server_->run_cli({"demo", "--customers", "many"}, &output), 2) << output;
  EXPECT_EQ(server_->run_cli({"demo", "--seed", "-1"}, &output), 2) << output;

  ASSERT_EQ(server_->run_cli({"demo", "--customers", "300", "--seed", "7"}, &output), 0) << output;
  EXPECT_NE(output.find("customers: 300"), std::string::npos) << output;
  EXPECT_NE(output.find("top 20% of buyers bring"), std::string::npos) << output;
  // Loaded once: --if-empty skips quietly, a plain second run refuses.
  ASSERT_EQ(server_->run_cli({"demo", "--if-empty"}, &output), 0) << output;
  EXPECT_NE(output.find("already has 300 customers"), std::string::npos) << output;
  EXPECT_EQ(server_->run_cli({"demo", "--customers", "10"}, &output), 1) << output;
  EXPECT_NE(output.find("empty database"), std::string::npos) << output;

  // The running server sees the shop.
  EXPECT_EQ(all_pages("/api/v1/customers?limit=200").size(), 300u);
  auto premium = get("/api/v1/products?tier=premium&limit=5");
  ASSERT_EQ(premium.status, 200) << premium.body;
  EXPECT_FALSE(premium.json().at("items").as_array().empty());
  auto duplicates = get("/api/v1/customers/duplicates");
  ASSERT_EQ(duplicates.status, 200) << duplicates.body;
  EXPECT_FALSE(duplicates.json().at("items").as_array().empty()) << duplicates.body;

  // A repeat buyer: the customer with the most orders among the latest ones.
  auto recent = get("/api/v1/orders?limit=200");
  ASSERT_EQ(recent.status, 200) << recent.body;
  std::map<std::int64_t, int> orders_of;
  const auto recent_body = recent.json();
  for (const auto& o : recent_body.at("items").as_array()) {
    ++orders_of[o.at("customer_id").as_int64()];
  }
  ASSERT_FALSE(orders_of.empty());
  const std::int64_t customer =
      std::max_element(orders_of.begin(), orders_of.end(), [](const auto& a, const auto& b) {
        return a.second < b.second;
      })->first;
  const std::string base = id_path("/api/v1/customers", customer);

  // Every order of the customer, with its history and returns.
  auto orders = all_pages("/api/v1/orders?limit=50&customer=" + std::to_string(customer));
  ASSERT_GE(orders.size(), 2u);
  std::int64_t counted = 0, revenue = 0, returns = 0, history_entries = 0, first = 0, last = 0;
  std::multiset<std::pair<std::int64_t, std::string>> expected_changes;  // (order, kind)
  std::set<std::int64_t> expected_returns;
  for (const auto& item : orders) {
    const std::int64_t id = item.at("id").as_int64();
    auto order = get(id_path("/api/v1/orders", id));
    ASSERT_EQ(order.status, 200) << order.body;
    auto o = order.json();
    EXPECT_EQ(o.at("currency").as_string(), "USD");
    std::int64_t subtotal = 0;
    for (const auto& line : o.at("lines").as_array()) subtotal += line.at("line_total").as_int64();
    EXPECT_EQ(o.at("subtotal").as_int64(), subtotal);
    EXPECT_EQ(o.at("total").as_int64(), subtotal - o.at("discount").as_int64() +
                                            o.at("shipping").as_int64() + o.at("tax").as_int64());
    for (const auto& h : o.at("history").as_array()) {
      expected_changes.emplace(id, "order." + std::string(h.at("status").as_string()));
      ++history_entries;
    }
    const bool cancelled = o.at("status").as_string() == "cancelled";
    const std::int64_t placed = o.at("placed_at").as_int64();
    if (!cancelled) {
      ++counted;
      revenue += o.at("total").as_int64();
      first = first == 0 ? placed : std::min(first, placed);
      last = std::max(last, placed);
    }
    auto rets = get(id_path("/api/v1/orders", id) + "/returns");
    ASSERT_EQ(rets.status, 200) << rets.body;
    const auto rets_body = rets.json();
    for (const auto& r : rets_body.at("items").as_array()) {
      expected_returns.insert(r.at("id").as_int64());
      if (r.at("status").as_string() != "rejected") ++returns;
      if (r.at("status").as_string() == "refunded") revenue -= r.at("refund_amount").as_int64();
    }
  }

  // The timeline shows exactly those status changes and returns, newest first.
  auto timeline = all_pages(base + "/timeline?limit=200");
  std::multiset<std::pair<std::int64_t, std::string>> shown_changes;
  std::set<std::int64_t> shown_returns;
  for (std::size_t i = 0; i < timeline.size(); ++i) {
    const auto& e = timeline[i];
    if (i > 0) {
      EXPECT_GE(timeline[i - 1].at("at").as_int64(), e.at("at").as_int64());
    }
    const std::string source(e.at("source").as_string());
    if (source == "order_status") {
      shown_changes.emplace(e.at("data").at("order_id").as_int64(),
                            std::string(e.at("kind").as_string()));
    } else if (source == "return") {
      shown_returns.insert(e.at("data").at("return_id").as_int64());
    }
  }
  EXPECT_EQ(static_cast<std::int64_t>(shown_changes.size()), history_entries);
  EXPECT_EQ(shown_changes, expected_changes);
  EXPECT_EQ(shown_returns, expected_returns);

  // The summary adds up to the same orders.
  auto summary = get(base + "/summary");
  ASSERT_EQ(summary.status, 200) << summary.body;
  auto s = summary.json();
  EXPECT_EQ(s.at("order_count").as_int64(), counted);
  EXPECT_EQ(s.at("lifetime_revenue").as_int64(), revenue);
  EXPECT_EQ(s.at("currency").as_string(), "USD");
  EXPECT_EQ(s.at("returns").as_int64(), returns);
  EXPECT_EQ(s.at("first_order_at").as_int64(), first);
  EXPECT_EQ(s.at("last_order_at").as_int64(), last);
  EXPECT_FALSE(s.at("favourite_categories").as_array().empty());
}

// The traffic figures that depend only on the stored events, over [from, to).
std::string traffic_fingerprint(HttpClient& client, std::int64_t from, std::int64_t to) {
  const std::string window = "from=" + std::to_string(from) + "&to=" + std::to_string(to);
  auto overview = client.get("/api/v1/traffic/overview?" + window);
  EXPECT_EQ(overview.status, 200) << overview.body;
  auto o = overview.json().as_object();
  o.erase("avg_session_seconds");  // a double: compared below with a tolerance of its own
  auto abandonment = client.get("/api/v1/traffic/abandonment?bucket=week&" + window);
  EXPECT_EQ(abandonment.status, 200) << abandonment.body;
  auto funnel = client.get("/api/v1/traffic/funnel?" + window);
  EXPECT_EQ(funnel.status, 200) << funnel.body;
  auto stats = client.get("/api/v1/events/stats");
  EXPECT_EQ(stats.status, 200) << stats.body;
  auto s = stats.json().as_object();
  s.erase("last_24h");
  return json::serialize(o) + "\n" + abandonment.body + "\n" + funnel.body + "\n" +
         json::serialize(s);
}

class DemoTraffic : public CrmApi {
 protected:
  static constexpr std::int64_t kDay = 86'400'000;
  // The demo's history ends at the start of today (UTC).
  static std::int64_t demo_now() {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return now - now % kDay;
  }
};

TEST_F(DemoTraffic, TheLast90DaysOfTrafficGoThroughTheEventsPipeline) {
  std::string output;
  ASSERT_EQ(server_->run_cli({"demo", "--customers", "600", "--seed", "11"}, &output), 0) << output;
  EXPECT_NE(output.find("traffic:"), std::string::npos) << output;
  const std::int64_t to = demo_now();
  const std::int64_t from = to - 90 * kDay;
  const std::string window = "from=" + std::to_string(from) + "&to=" + std::to_string(to);

  // The traffic dashboard's figures over the last 90 days.
  auto overview = get("/api/v1/traffic/overview?" + window);
  ASSERT_EQ(overview.status, 200) << overview.body;
  const auto o = overview.json().as_object();
  EXPECT_GT(o.at("visitors").as_int64(), 1000) << overview.body;
  EXPECT_GT(o.at("identified").as_int64(), 50) << overview.body;
  EXPECT_GT(o.at("anonymous").as_int64(), o.at("identified").as_int64()) << overview.body;
  EXPECT_GT(o.at("sessions").as_int64(), o.at("visitors").as_int64()) << overview.body;
  EXPECT_GT(o.at("page_views").as_int64(), o.at("sessions").as_int64()) << overview.body;
  EXPECT_GT(o.at("purchasing_sessions").as_int64(), 0) << overview.body;
  EXPECT_GT(o.at("avg_session_seconds").as_double(), 30.0) << overview.body;
  EXPECT_GE(o.at("days").as_array().size(), 89u);
  std::set<std::string> devices;
  for (const auto& d : o.at("devices").as_array())
    devices.insert(std::string(d.at("name").as_string()));
  EXPECT_EQ(devices, (std::set<std::string>{"desktop", "mobile", "tablet"})) << overview.body;
  EXPECT_GE(o.at("referrers").as_array().size(), 5u) << overview.body;
  EXPECT_GE(o.at("campaigns").as_array().size(), 3u) << overview.body;

  auto funnel = get("/api/v1/traffic/funnel?" + window);
  ASSERT_EQ(funnel.status, 200) << funnel.body;
  const auto steps = funnel.json();
  for (const auto& step : steps.at("steps").as_array()) {
    EXPECT_GT(step.at("visitors").as_int64(), 0) << funnel.body;
  }

  // About three carts in four are left.
  auto abandonment = get("/api/v1/traffic/abandonment?bucket=week&" + window);
  ASSERT_EQ(abandonment.status, 200) << abandonment.body;
  const auto a = abandonment.json().as_object();
  EXPECT_GT(a.at("purchased").as_int64(), 50) << abandonment.body;
  EXPECT_GE(a.at("rate").as_double(), 0.70) << abandonment.body;
  EXPECT_LE(a.at("rate").as_double(), 0.80) << abandonment.body;
  EXPECT_GT(a.at("lost_value").at("USD").as_int64(), 0) << abandonment.body;

  // Identified visitors are linked to the customer whose shop id they signed in with.
  auto identifies = all_pages("/api/v1/events?type=identify&limit=500");
  ASSERT_FALSE(identifies.empty());
  std::set<std::int64_t> identified_customers;
  for (const auto& e : identifies) {
    ASSERT_FALSE(e.at("customer_id").is_null()) << json::serialize(e);
    identified_customers.insert(e.at("customer_id").as_int64());
  }
  int checked = 0;
  for (const auto& e : identifies) {
    if (++checked > 20) break;
    auto customer = get(id_path("/api/v1/customers", e.at("customer_id").as_int64()));
    ASSERT_EQ(customer.status, 200) << customer.body;
    EXPECT_EQ(customer.json().at("external_id"), e.at("properties").at("external_id"));
    auto visitor = get("/api/v1/visitors/" + std::string(e.at("anonymous_id").as_string()));
    ASSERT_EQ(visitor.status, 200) << visitor.body;
    EXPECT_EQ(visitor.json().at("customer_id"), e.at("customer_id"));
    EXPECT_FALSE(visitor.json().at("sessions").as_array().empty());
  }

  // Each purchase is a web or app order of the last 90 days, placed by the visitor's customer
  // at the purchase's time for its total; and each such order was bought on the site once.
  std::map<std::string, json::object> purchases;  // by order number
  for (const auto& e : all_pages("/api/v1/events?type=purchase&limit=500")) {
    const std::string order(e.at("properties").at("order_id").as_string());
    EXPECT_TRUE(purchases.emplace(order, e.as_object()).second) << order << " bought twice";
  }
  ASSERT_GT(purchases.size(), 50u);
  std::size_t online = 0;
  for (const auto& order : all_pages("/api/v1/orders?limit=500")) {
    const std::string channel(order.at("channel").as_string());
    const bool expected =
        order.at("placed_at").as_int64() >= from && (channel == "web" || channel == "app");
    const std::string number(order.at("external_id").as_string());
    auto it = purchases.find(number);
    if (!expected) {
      EXPECT_EQ(it, purchases.end()) << number << " (" << channel << ") has no purchase";
      continue;
    }
    ++online;
    ASSERT_NE(it, purchases.end()) << number << " was bought on the site";
    EXPECT_EQ(it->second.at("customer_id"), order.at("customer_id")) << number;
    EXPECT_EQ(it->second.at("ts"), order.at("placed_at")) << number;
    EXPECT_EQ(it->second.at("value"), order.at("total")) << number;
    EXPECT_TRUE(identified_customers.count(order.at("customer_id").as_int64())) << number;
  }
  EXPECT_EQ(online, purchases.size());
  // Their carts are the purchased ones, some recovered after they were left.
  auto carts = all_pages("/api/v1/carts?status=purchased&limit=500");
  EXPECT_EQ(carts.size(), purchases.size());
  int recovered = 0;
  for (const auto& cart : carts) {
    EXPECT_TRUE(purchases.count(std::string(cart.at("order_ref").as_string())))
        << json::serialize(cart);
    recovered += !cart.at("recovered_from").is_null();
  }
  EXPECT_GT(recovered, 0);

  // The same seed on another database gives the same traffic.
  ServerProcess other({},
                      {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  ASSERT_EQ(other.run_cli({"demo", "--customers", "600", "--seed", "11"}, &output), 0) << output;
  HttpClient other_client(other.base_url());
  auto login =
      other_client.send_json("POST", "/api/v1/auth/login",
                             json::object{{"email", kAdminEmail}, {"password", kAdminPassword}});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(traffic_fingerprint(*client_, from, to), traffic_fingerprint(other_client, from, to));
  auto mine = get("/api/v1/traffic/overview?" + window);
  auto theirs = other_client.get("/api/v1/traffic/overview?" + window);
  EXPECT_NEAR(mine.json().at("avg_session_seconds").as_double(),
              theirs.json().at("avg_session_seconds").as_double(), 1e-6);
}

}  // namespace
}  // namespace ecrm::testing

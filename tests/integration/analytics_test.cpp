// /api/v1/analytics over real HTTP: customers and orders created through the API, a
// recomputation started with POST and followed to its end, the reports checked against values
// computed here from the same orders, an incremental update after one more order, the customer
// list's score filters, the 7P profile, roles and bad input.
#include <algorithm>
#include <chrono>
#include <map>
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

class Analytics : public CrmApi {
 protected:
  void SetUp() override {
    CrmApi::SetUp();
    if (product_ != 0) return;
    product_ = create("/api/v1/products", json::object{{"sku", "AN-1"},
                                                       {"name", "Analysed thing"},
                                                       {"price", 1000},
                                                       {"currency", "EUR"}});
  }
  static void TearDownTestSuite() {
    CrmApi::TearDownTestSuite();
    product_ = 0;
  }

  // An order of `quantity` × `unit_price` placed `days_ago` days ago; returns the order.
  json::value order(std::int64_t customer, int days_ago, std::int64_t unit_price,
                    std::int64_t quantity = 1) {
    auto r = post("/api/v1/orders",
                  json::object{{"customer_id", customer},
                               {"placed_at", now_ms() - days_ago * kDay - 60'000},
                               {"lines", json::array{json::object{{"product_id", product_},
                                                                  {"quantity", quantity},
                                                                  {"unit_price", unit_price}}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  json::object job() {
    auto r = get("/api/v1/analytics/recompute");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }

  // Waits (up to 60 s) until no recomputation runs or is queued.
  json::object wait_idle() {
    json::object state;
    for (int i = 0; i < 600; ++i) {
      state = job();
      if (state.at("state").as_string() == "idle") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(state.at("state").as_string(), "idle") << json::serialize(state);
    return state;
  }

  // Starts a recomputation and waits for it to finish with a new model.
  void recompute() {
    const json::value before = wait_idle().at("model_id");
    auto r = post("/api/v1/analytics/recompute", json::object{});
    ASSERT_EQ(r.status, 202) << r.body;
    json::object state;
    for (int i = 0; i < 600; ++i) {
      state = job();
      if (state.at("state").as_string() == "idle" && state.at("model_id") != before) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(state.at("last_status").as_string(), "ok") << json::serialize(state);
    ASSERT_NE(state.at("model_id"), before) << json::serialize(state);
  }

  json::object scores(std::int64_t customer) {
    auto r = get("/api/v1/analytics/customers/" + std::to_string(customer) + "/scores");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }

  inline static std::int64_t product_ = 0;
};

TEST_F(Analytics, RecomputeThenReportsThenAnIncrementalUpdate) {
  const std::int64_t a = create("/api/v1/customers", json::object{{"name", "Ana Lytics"}});
  const std::int64_t b = create("/api/v1/customers", json::object{{"name", "Bo Once"}});
  const std::int64_t c = create("/api/v1/customers",
                                json::object{{"name", "Cy Refund"}, {"birthday", "1985-03-04"}});
  const std::int64_t d = create("/api/v1/customers", json::object{{"name", "Di Gone"}});
  const std::int64_t e = create("/api/v1/customers", json::object{{"name", "Ed Often"}});
  const std::int64_t f = create("/api/v1/customers", json::object{{"name", "Fi Never"}});

  std::map<std::int64_t, std::int64_t> revenue;  // what each customer spent, net of refunds
  std::map<std::int64_t, std::int64_t> orders;
  auto add = [&](std::int64_t customer, int days_ago, std::int64_t price, std::int64_t qty = 1) {
    json::value o = order(customer, days_ago, price, qty);
    revenue[customer] += price * qty;
    orders[customer] += 1;
    return o;
  };
  add(a, 400, 5000);
  add(a, 200, 7000);
  add(a, 10, 9000);
  add(b, 30, 2000);
  add(c, 300, 15000);
  json::value returned = add(c, 100, 5000, 3);
  add(d, 500, 500);
  for (int days : {90, 60, 30, 5}) add(e, days, 1000);
  // Five more with two orders each, so that ten customers have orders and the models are fitted.
  for (int k = 0; k < 5; ++k) {
    const std::int64_t extra = create(
        "/api/v1/customers", json::object{{"name", "Extra " + std::to_string(k)}});
    add(extra, 150 + 20 * k, 1500 + 700 * k);
    add(extra, 40 + 9 * k, 1200 + 300 * k);
  }
  // A cancelled order counts for nothing.
  {
    json::value cancelled = order(b, 20, 99900);
    ASSERT_EQ(post("/api/v1/orders/" + std::to_string(cancelled.at("id").as_int64()) + "/status",
                   json::object{{"status", "cancelled"}})
                  .status,
              200);
  }
  // One of C's three items comes back and is refunded: 5000 less.
  {
    const std::string id = std::to_string(returned.at("id").as_int64());
    ASSERT_EQ(post("/api/v1/orders/" + id + "/status", json::object{{"status", "shipped"}}).status,
              200);
    json::object line{{"order_line_id", returned.at("lines").at(0).at("id").as_int64()},
                      {"quantity", 1}};
    auto ret = post("/api/v1/orders/" + id + "/returns",
                    json::object{{"reason", "damaged"}, {"lines", json::array{line}}});
    ASSERT_EQ(ret.status, 201) << ret.body;
    const std::string rma = std::to_string(ret.json().at("id").as_int64());
    ASSERT_EQ(post("/api/v1/returns/" + rma + "/status", json::object{{"status", "refunded"}}).status,
              200);
    revenue[c] -= 5000;
  }

  recompute();

  // Every customer with an order has scores matching the orders above; F has none.
  for (const auto& [customer, spent] : revenue) {
    json::object s = scores(customer);
    ASSERT_TRUE(s.at("scored").as_bool()) << customer;
    EXPECT_EQ(s.at("monetary").as_int64(), spent) << customer;
    EXPECT_EQ(s.at("frequency").as_int64(), orders[customer]) << customer;
    EXPECT_GE(s.at("r").as_int64(), 1);
    EXPECT_LE(s.at("r").as_int64(), 5);
    // An incremental update queued by one of the orders above may land after the recomputation
    // and score the customer again from the same orders: the figures above are what matters.
    EXPECT_TRUE(s.at("source").as_string() == "recompute" ||
                s.at("source").as_string() == "incremental")
        << json::serialize(s);
  }
  EXPECT_FALSE(scores(f).at("scored").as_bool());
  expect_error(get("/api/v1/analytics/customers/999999/scores"), 404);

  // Tiers add up to the customers with orders, and their revenue to the total.
  auto tiers = get("/api/v1/analytics/tiers");
  ASSERT_EQ(tiers.status, 200) << tiers.body;
  std::int64_t tier_customers = 0, tier_revenue = 0, total = 0;
  const json::value tiers_body = tiers.json();
  for (const auto& [name, t] : tiers_body.at("tiers").as_object()) {
    tier_customers += t.at("customers").as_int64();
    tier_revenue += t.at("revenue").as_int64();
  }
  for (const auto& [customer, spent] : revenue) total += spent;
  EXPECT_EQ(tier_customers, static_cast<std::int64_t>(revenue.size()));
  EXPECT_EQ(tier_revenue, total);

  // Pareto: ten customers, so the top 20% is exactly the two biggest spenders.
  auto pareto = get("/api/v1/analytics/pareto");
  ASSERT_EQ(pareto.status, 200) << pareto.body;
  const json::value pareto_body = pareto.json();
  const double share = pareto_body.at("top20_share").as_double();
  std::vector<std::int64_t> spent_desc;
  for (const auto& [customer, spent] : revenue) spent_desc.push_back(spent);
  std::sort(spent_desc.rbegin(), spent_desc.rend());
  ASSERT_EQ(spent_desc.size(), 10u);
  EXPECT_GE(share, 0.0);
  EXPECT_LE(share, 1.0);
  EXPECT_NEAR(share, static_cast<double>(spent_desc[0] + spent_desc[1]) / static_cast<double>(total),
              1e-12);
  EXPECT_EQ(pareto.json().at("customers").as_int64(), 10);
  EXPECT_EQ(pareto_body.at("revenue").as_int64(), total);
  const auto& lorenz = pareto_body.at("lorenz").as_array();
  ASSERT_GE(lorenz.size(), 2u);
  EXPECT_EQ(lorenz.back().at(1).as_double(), 1.0);

  // RFM: the 5 × 5 grid and the segments count the same customers.
  auto rfm = get("/api/v1/analytics/rfm");
  ASSERT_EQ(rfm.status, 200) << rfm.body;
  std::int64_t in_grid = 0, in_segments = 0;
  const json::value rfm_body = rfm.json();
  for (const auto& row : rfm_body.at("grid").as_array()) {
    for (const auto& cell : row.as_array()) in_grid += cell.as_int64();
  }
  for (const auto& [name, s] : rfm_body.at("segments").as_object()) {
    in_segments += s.at("customers").as_int64();
  }
  EXPECT_EQ(in_grid, 10);
  EXPECT_EQ(in_segments, 10);

  // Cohorts hold every customer with an order once.
  auto cohorts = get("/api/v1/analytics/cohorts");
  ASSERT_EQ(cohorts.status, 200) << cohorts.body;
  std::int64_t in_cohorts = 0;
  const json::value cohorts_body = cohorts.json();
  for (const auto& cohort : cohorts_body.at("cohorts").as_array()) {
    in_cohorts += cohort.at("customers").as_int64();
    EXPECT_EQ(cohort.at("retained").at(0), cohort.at("customers"));
  }
  EXPECT_EQ(in_cohorts, 10);

  auto model = get("/api/v1/analytics/clv/model");
  ASSERT_EQ(model.status, 200) << model.body;
  EXPECT_EQ(model.json().at("customers").as_int64(), 10);
  EXPECT_EQ(model.json().at("orders").as_int64(), 21);
  EXPECT_EQ(model.json().at("currency").as_string(), "EUR");
  EXPECT_TRUE(model.json().at("params").at("cuts").is_object());
  // Ten customers are enough to fit BG/NBD: every score then has P(alive) in [0, 1].
  const json::value model_body = model.json();
  const auto& params = model_body.at("params").as_object();
  ASSERT_TRUE(params.at("bgnbd").is_object()) << model.body;
  for (const auto& [customer, spent] : revenue) {
    const json::object s = scores(customer);
    ASSERT_TRUE(s.at("p_alive").is_double()) << json::serialize(s);
    EXPECT_GE(s.at("p_alive").as_double(), 0.0);
    EXPECT_LE(s.at("p_alive").as_double(), 1.0);
    EXPECT_GE(s.at("expected_orders_90d").as_double(), 0.0);
  }
  const std::int64_t model_id = model.json().at("id").as_int64();

  auto histogram = get("/api/v1/analytics/clv/distribution?bins=5");
  ASSERT_EQ(histogram.status, 200) << histogram.body;
  auto churn = get("/api/v1/analytics/churn-risk?max_p_alive=1&min_orders=1&limit=2");
  ASSERT_EQ(churn.status, 200) << churn.body;
  const json::value churn_body = churn.json();
  EXPECT_LE(churn_body.at("items").as_array().size(), 2u);

  // 7P: C's refund shows in profitability; promotion says campaigns are not there yet.
  auto profile = get("/api/v1/analytics/customers/" + std::to_string(c) + "/7p");
  ASSERT_EQ(profile.status, 200) << profile.body;
  const json::value p = profile.json();
  EXPECT_EQ(p.at("profitability").at("revenue").as_int64(), 30000);
  EXPECT_EQ(p.at("profitability").at("refunds").as_int64(), 5000);
  EXPECT_EQ(p.at("persistency").at("orders").as_int64(), 2);
  EXPECT_TRUE(p.at("profiling").at("age_band").is_string());
  EXPECT_FALSE(p.at("promotion").at("campaign_response").at("available").as_bool());
  EXPECT_TRUE(p.at("prospecting").at("scored").as_bool());
  expect_error(get("/api/v1/analytics/customers/999999/7p"), 404);

  // The customer list filters by tier, segment and CLV from the scores.
  std::map<std::string, std::vector<std::int64_t>> by_tier;
  for (const auto& [customer, spent] : revenue) {
    by_tier[std::string(scores(customer).at("tier").as_string())].push_back(customer);
  }
  for (const auto& [tier, members] : by_tier) {
    auto listed = all_pages("/api/v1/customers?limit=2&tier=" + tier);
    std::vector<std::int64_t> ids;
    for (const auto& item : listed) ids.push_back(item.at("id").as_int64());
    EXPECT_EQ(ids, members) << tier;
  }
  EXPECT_EQ(all_pages("/api/v1/customers?min_clv=999999999999").size(), 0u);
  expect_error(get("/api/v1/customers?tier=gold"), 400, "", "tier");
  expect_error(get("/api/v1/customers?segment=vip"), 400, "", "segment");
  expect_error(get("/api/v1/customers?min_clv=lots"), 400, "", "min_clv");

  // One more order for B updates B's scores within a second, without a recomputation.
  const std::int64_t b_frequency = scores(b).at("frequency").as_int64();
  order(b, 0, 3000);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  json::object updated;
  do {
    updated = scores(b);
    if (updated.at("frequency").as_int64() > b_frequency) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(updated.at("frequency").as_int64(), b_frequency + 1) << json::serialize(updated);
  EXPECT_EQ(updated.at("monetary").as_int64(), revenue[b] + 3000);
  EXPECT_EQ(updated.at("recency_days").as_int64(), 0);
  EXPECT_EQ(updated.at("source").as_string(), "incremental");
  EXPECT_EQ(updated.at("model_id").as_int64(), model_id);
  EXPECT_EQ(get("/api/v1/analytics/clv/model").json().at("id").as_int64(), model_id);
}

TEST_F(Analytics, RolesAndBadInput) {
  auto sales = staff("sales-analytics@example.com", "sales");
  EXPECT_EQ(sales->get("/api/v1/analytics/tiers").status, 200);
  EXPECT_EQ(sales->send_json("POST", "/api/v1/analytics/recompute", json::object{}).status, 403);
  auto service = staff("service-analytics@example.com", "service");
  EXPECT_EQ(service->get("/api/v1/analytics/pareto").status, 403);
  // One customer's scores and 7P profile are part of their 360° view, which service reads.
  const std::int64_t someone = create("/api/v1/customers", json::object{{"name", "Scored by service"}});
  EXPECT_EQ(service->get("/api/v1/analytics/customers/" + std::to_string(someone) + "/scores").status, 200);
  EXPECT_EQ(service->get("/api/v1/analytics/customers/" + std::to_string(someone) + "/7p").status, 200);
  auto analyst = staff("analyst@example.com", "analyst");
  EXPECT_EQ(analyst->get("/api/v1/analytics/rfm").status, 200);

  expect_error(get("/api/v1/analytics/churn-risk?max_p_alive=2"), 400, "", "max_p_alive");
  expect_error(get("/api/v1/analytics/churn-risk?max_p_alive=x"), 400, "", "max_p_alive");
  expect_error(get("/api/v1/analytics/churn-risk?min_orders=0"), 400, "", "min_orders");
  expect_error(get("/api/v1/analytics/clv/distribution?bins=0"), 400, "", "bins");
  expect_error(get("/api/v1/analytics/customers/abc/7p"), 404);

  // A second start while one runs or is queued is refused; either way nothing breaks.
  wait_idle();
  auto first = post("/api/v1/analytics/recompute", json::object{});
  EXPECT_EQ(first.status, 202) << first.body;
  auto second = post("/api/v1/analytics/recompute", json::object{});
  EXPECT_TRUE(second.status == 202 || second.status == 409) << second.body;
  if (second.status == 409) expect_error(second, 409, "already_running");
  wait_idle();
}

}  // namespace
}  // namespace ecrm::testing

// Customer economics over HTTP on the test backend: costs entered and imported per month, and the
// report per channel and source (customers acquired, CAC, average CLV, CLV/CAC, payback) against
// a hand computation on a small fixture in 2019 (records' creation times and scores written as
// the shop and the recomputation would); bad costs (negative, bad month, a bad CSV line) are a
// 400 naming the entry or line and store nothing; who may read and write.
#include <cmath>
#include <string>

#include "core/time.hpp"
#include "crm_support.hpp"
#include "server_database.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr std::int64_t kDayMs = 86'400'000;
constexpr double kDaysPerMonth = 365.2425 / 12;

class Economics : public CrmApi {
 protected:
  void TearDown() override {
    database_.close();
  }

  storage::Connection& connection() { return database_.connection(*server_); }

  static std::int64_t day(int year, unsigned month, unsigned d) {
    return days_from_civil(year, month, d) * kDayMs;
  }

  // A customer created on `created_at` through `channel` and `source`, with a CLV score (none
  // when clv < 0) and revenue so far `monetary`.
  std::int64_t customer(const std::string& name, const std::string& channel,
                        const std::string& source, std::int64_t created_at, std::int64_t clv,
                        std::int64_t monetary = 0) {
    const auto id = create("/api/v1/customers",
                           json::object{{"name", name}, {"channel", channel}, {"source", source}});
    EXPECT_GT(id, 0);
    auto moved = connection().execute("UPDATE customers SET created_at = $1 WHERE id = $2",
                                      {created_at, id});
    EXPECT_TRUE(moved.ok());
    if (clv >= 0) {
      auto written = connection().execute(
          "INSERT INTO customer_scores (customer_id, model_id, recency_days, frequency, monetary, "
          "r_score, f_score, m_score, segment, tier, p_alive, expected_orders_90d, "
          "expected_avg_value, clv, first_order_at, last_order_at, computed_at, source) "
          "VALUES ($1, 0, 12, 2, $2, 3, 3, 3, 'loyal', 'loyal', 0.9, 1.4, 8000, $3, $4, $4, $4, "
          "'recompute')",
          {id, monetary, clv, created_at});
      EXPECT_TRUE(written.ok()) << written.error().message;
    }
    return id;
  }

  static json::object cost(const std::string& month, const std::string& kind,
                           const std::string& dimension, const std::string& name,
                           std::int64_t amount) {
    return json::object{{"month", month}, {"kind", kind}, {"dimension", dimension},
                        {"name", name}, {"amount", amount}};
  }

  HttpResult put_costs(json::array entries) {
    return put("/api/v1/analytics/economics/costs", json::object{{"entries", std::move(entries)}});
  }

  HttpResult import_csv(HttpClient& client, const std::string& csv) {
    return client.request("POST", "/api/v1/analytics/economics/costs/import", csv,
                          {"Content-Type: text/csv", "X-CSRF-Token: " + client.csrf_token});
  }

  static json::object group(const json::value& report, const std::string& name) {
    for (const auto& g : report.at("groups").as_array()) {
      if (g.at("name").as_string() == name) return g.as_object();
    }
    ADD_FAILURE() << "no group " << name << " in " << json::serialize(report);
    return {};
  }

  // Entries of `month` named `name`.
  int stored(const std::string& month, const std::string& name) {
    auto r = get("/api/v1/analytics/economics/costs?from=" + month + "&to=" + month);
    EXPECT_EQ(r.status, 200) << r.body;
    int n = 0;
    if (r.status != 200) return -1;
    const auto body = r.json();
    for (const auto& e : body.at("entries").as_array()) {
      if (e.at("name").as_string() == name) ++n;
    }
    return n;
  }

  static double number(const json::value& text) {
    EXPECT_TRUE(text.is_string()) << json::serialize(text);
    return text.is_string() ? std::stod(std::string(text.as_string())) : NAN;
  }

  static std::string str(const json::value& v) { return std::string(v.as_string()); }

  ServerDatabase database_;
};

TEST_F(Economics, ClvOverCacPerChannelEqualsAHandComputation) {
  const std::string web = "web-econ", ads = "ads-econ", fair = "fair-econ";
  // web: three customers in the period (one unscored), one before and one after it.
  const auto ann = customer("Ann Econ", web, fair, day(2019, 1, 15), 30000, 12000);
  customer("Ben Econ", web, "", day(2019, 2, 10), 10000, 6000);
  customer("Cai Econ", web, "", day(2019, 2, 20), -1);
  customer("Dee Econ", web, "", day(2018, 12, 31), 99999, 99999);
  customer("Eve Econ", web, "", day(2019, 4, 1), 99999, 99999);
  // ads: one customer; referral: one customer signed up on the web through Ann.
  customer("Fay Econ", ads, fair, day(2019, 3, 5), 55000, 20000);
  const auto gus = customer("Gus Econ", web, "", day(2019, 2, 1), 8000, 0);
  ASSERT_TRUE(
      connection().execute("UPDATE customers SET referred_by = $1 WHERE id = $2", {ann, gus}).ok());

  auto put_r = put_costs(json::array{
      cost("2019-01", "acquisition", "channel", web, 60000),
      cost("2019-02", "acquisition", "channel", web, 30000),
      cost("2018-12", "acquisition", "channel", web, 77777),  // before the period
      cost("2019-03", "acquisition", "channel", ads, 25000),
      cost("2019-02", "acquisition", "channel", "referral", 2000),
      cost("2019-01", "acquisition", "source", fair, 10000),
      cost("2019-02", "retention", "channel", web, 4000),
      cost("2019-03", "retention", "", "", 1500),
      cost("2019-03", "service", "", "", 9000)});
  ASSERT_EQ(put_r.status, 200) << put_r.body;
  EXPECT_EQ(put_r.json().at("entries").as_array().size(), 9u);
  // Entering a month again replaces it.
  ASSERT_EQ(put_costs(json::array{cost("2019-02", "acquisition", "channel", web, 30000)}).status,
            200);

  auto r = get("/api/v1/analytics/economics?from=2019-01&to=2019-03&by=channel");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto report = r.json();
  const std::int64_t now = now_ms();
  auto months_since = [&](std::int64_t at) {
    return std::max(1.0, static_cast<double>(now - at) / kDayMs / kDaysPerMonth);
  };

  // web: Ann, Ben, Cai; cost 60000 + 30000; CLV (30000 + 10000 + 0) / 3.
  const auto w = group(report, web);
  EXPECT_EQ(w.at("customers").as_int64(), 3);
  EXPECT_EQ(w.at("acquisition_cost").as_int64(), 90000);
  EXPECT_EQ(w.at("cac").as_int64(), 30000);
  EXPECT_EQ(w.at("average_clv").as_int64(), 13333);
  EXPECT_EQ(str(w.at("clv_cac")), "0.44");
  EXPECT_EQ(w.at("retention_cost").as_int64(), 4000);
  const double web_monthly = 18000.0 / (months_since(day(2019, 1, 15)) +
                                        months_since(day(2019, 2, 10)) +
                                        months_since(day(2019, 2, 20)));
  EXPECT_EQ(w.at("monthly_revenue_per_customer").as_int64(), std::llround(web_monthly));
  EXPECT_NEAR(number(w.at("payback_months")), 30000.0 / web_monthly, 0.011);

  const auto a = group(report, ads);
  EXPECT_EQ(a.at("customers").as_int64(), 1);
  EXPECT_EQ(a.at("cac").as_int64(), 25000);
  EXPECT_EQ(a.at("average_clv").as_int64(), 55000);
  EXPECT_EQ(str(a.at("clv_cac")), "2.2");
  EXPECT_NEAR(number(a.at("payback_months")),
              25000.0 / (20000.0 / months_since(day(2019, 3, 5))), 0.011);

  const auto ref = group(report, "referral");
  EXPECT_EQ(ref.at("customers").as_int64(), 1);
  EXPECT_EQ(ref.at("cac").as_int64(), 2000);
  EXPECT_EQ(str(ref.at("clv_cac")), "4");
  EXPECT_TRUE(ref.at("payback_months").is_null());  // no revenue yet

  EXPECT_EQ(report.at("retention_cost").as_int64(), 5500);
  EXPECT_EQ(report.at("service_cost").as_int64(), 9000);

  // By source: Ann and Fay came from the fair (10000): CAC 5000, CLV (30000 + 55000) / 2.
  auto s = get("/api/v1/analytics/economics?from=2019-01&to=2019-03&by=source");
  ASSERT_EQ(s.status, 200) << s.body;
  const auto f = group(s.json(), fair);
  EXPECT_EQ(f.at("customers").as_int64(), 2);
  EXPECT_EQ(f.at("cac").as_int64(), 5000);
  EXPECT_EQ(f.at("average_clv").as_int64(), 42500);
  EXPECT_EQ(str(f.at("clv_cac")), "8.5");

  // One month: web's February alone (Ben, Cai; 30000): CLV 5000 / CAC 15000.
  auto feb = get("/api/v1/analytics/economics?from=2019-02&to=2019-02");
  ASSERT_EQ(feb.status, 200) << feb.body;
  const auto wf = group(feb.json(), web);
  EXPECT_EQ(wf.at("customers").as_int64(), 2);
  EXPECT_EQ(wf.at("cac").as_int64(), 15000);
  EXPECT_EQ(str(wf.at("clv_cac")), "0.33");
}

// Campaign ROI against the holdout on a fixture in June 2018 (campaign, messages and holdout
// written as sending would have written them; orders placed at chosen times):
//   "Summer" sent 10 June, 7 conversion days, recipients r1..r4 (r4's message sent on 11 June),
//   r5's message failed, holdout h1 and h2.
//   r1 10000 on 12 June (counts), r2 5000 on 20 June (after the window), r3 8000 on 13 June
//   (cancelled), r4 3000 on 16 June (within its own window), r5 9000 (no delivered message);
//   h1 2000 on 13 June (counts), h2 4000 on 18 June (after the window).
//   revenue 13000 over 4 recipients; holdout 2000 over 2, so 4000 expected of 4 without the
//   campaign: incremental 9000; cost 2500 (June) + 500 (July) = 3000; ROI (9000 - 3000) / 3000
//   = 2. "No holdout" (sent 20 June, nobody held out): no incremental revenue, no ROI. "Later",
//   sent in August, is outside the period.
TEST_F(Economics, CampaignRoiAgainstTheHoldoutEqualsAHandComputation) {
  const std::int64_t product =
      create("/api/v1/products",
             json::object{
                 {"sku", "ROI-UNIT"}, {"name", "ROI unit"}, {"price", 1000}, {"currency", "EUR"}});
  ASSERT_GT(product, 0);
  auto person = [&](const std::string& name) {
    return create("/api/v1/customers", json::object{{"name", name}});
  };
  auto campaign = [&](const std::string& name, std::int64_t sent_at, std::int64_t holdout) {
    auto id = connection().query_int(
        "INSERT INTO campaigns (name, template_key, status, sent_at, conversion_days, holdout, "
        "holdout_percent, recipients, created_at, updated_at) "
        "VALUES ($1, 'win_back', 'sent', $2, 7, $3, 20, 0, $2, $2) RETURNING id",
        {name, sent_at, holdout});
    EXPECT_TRUE(id.ok() && *id) << (id.ok() ? "" : id.error().message);
    return id.ok() ? id->value_or(0) : 0;
  };
  auto message = [&](std::int64_t campaign_id, std::int64_t customer, const std::string& status,
                     std::int64_t sent_at) {
    auto written = connection().execute(
        "INSERT INTO messages (customer_id, template_key, kind, source, status, next_attempt_at, "
        "created_at, sent_at, updated_at) VALUES ($1, 'win_back', 'marketing', $2, $3, $4, $4, "
        "$5, $4)",
        {customer, "campaign_" + std::to_string(campaign_id), status, sent_at,
         status == "sent" ? storage::Value(sent_at) : storage::kNull});
    EXPECT_TRUE(written.ok()) << written.error().message;
  };
  auto held_out = [&](std::int64_t campaign_id, std::int64_t customer) {
    auto written = connection().execute(
        "INSERT INTO campaign_holdouts (campaign_id, customer_id) VALUES ($1, $2)",
        {campaign_id, customer});
    EXPECT_TRUE(written.ok()) << written.error().message;
  };
  auto order = [&](std::int64_t customer, std::int64_t units, std::int64_t placed_at,
                   bool cancelled = false) {
    auto r = post(
        "/api/v1/orders",
        json::object{
            {"customer_id", customer},
            {"placed_at", format_iso8601(placed_at)},
            {"lines", json::array{json::object{{"product_id", product}, {"quantity", units}}}}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json().at("total").as_int64(), units * 1000);
    if (cancelled) {
      auto x = connection().execute("UPDATE orders SET status = 'cancelled' WHERE id = $1",
                                    {r.json().at("id").as_int64()});
      ASSERT_TRUE(x.ok()) << x.error().message;
    }
  };
  const std::int64_t hour = 3'600'000;
  const std::int64_t sent = day(2018, 6, 10) + 9 * hour;
  const auto summer = campaign("Summer", sent, 2);
  const auto r1 = person("ROI r1"), r2 = person("ROI r2"), r3 = person("ROI r3"),
             r4 = person("ROI r4"), r5 = person("ROI r5"), h1 = person("ROI h1"),
             h2 = person("ROI h2");
  message(summer, r1, "sent", sent);
  message(summer, r2, "sent", sent);
  message(summer, r3, "sent", sent);
  message(summer, r4, "sent", day(2018, 6, 11) + 9 * hour);
  message(summer, r5, "failed", sent);
  held_out(summer, h1);
  held_out(summer, h2);
  order(r1, 10, day(2018, 6, 12));
  order(r2, 5, day(2018, 6, 20));
  order(r3, 8, day(2018, 6, 13), true);
  order(r4, 3, day(2018, 6, 16));
  order(r5, 9, day(2018, 6, 12));
  order(h1, 2, day(2018, 6, 13));
  order(h2, 4, day(2018, 6, 18));
  const auto plain = campaign("No holdout", day(2018, 6, 20), 0);
  const auto p1 = person("ROI p1");
  message(plain, p1, "sent", day(2018, 6, 20));
  order(p1, 6, day(2018, 6, 21));
  const auto later = campaign("Later", day(2018, 8, 2), 0);
  const std::string key = "campaign_" + std::to_string(summer);
  ASSERT_EQ(put_costs(json::array{cost("2018-06", "campaign", "", key, 2500),
                                  cost("2018-07", "campaign", "", key, 500),
                                  cost("2018-06", "campaign", "",
                                       "campaign_" + std::to_string(plain), 700)})
                .status,
            200);

  auto r = get("/api/v1/analytics/economics?from=2018-06&to=2018-07");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto report = r.json();
  const auto& rows = report.at("campaigns").as_array();
  ASSERT_EQ(rows.size(), 2u) << r.body;
  const auto& x = rows[0];
  EXPECT_EQ(x.at("campaign_id").as_int64(), summer);
  EXPECT_EQ(str(x.at("key")), key);
  EXPECT_EQ(str(x.at("name")), "Summer");
  EXPECT_EQ(x.at("recipients").as_int64(), 4);
  EXPECT_EQ(x.at("revenue").as_int64(), 13000);
  EXPECT_EQ(x.at("holdout").as_int64(), 2);
  EXPECT_EQ(x.at("holdout_revenue").as_int64(), 2000);
  EXPECT_EQ(x.at("incremental_revenue").as_int64(), 13000 - 2000 * 4 / 2);
  EXPECT_EQ(x.at("cost").as_int64(), 3000);
  EXPECT_DOUBLE_EQ(number(x.at("roi")), (9000.0 - 3000.0) / 3000.0);
  const auto& y = rows[1];
  EXPECT_EQ(y.at("campaign_id").as_int64(), plain);
  EXPECT_EQ(y.at("revenue").as_int64(), 6000);
  EXPECT_EQ(y.at("cost").as_int64(), 700);
  EXPECT_TRUE(y.at("incremental_revenue").is_null());
  EXPECT_TRUE(y.at("roi").is_null());
  for (const auto& row : rows) EXPECT_NE(row.at("campaign_id").as_int64(), later);
  // Campaign costs are no acquisition or retention cost.
  EXPECT_EQ(report.at("retention_cost").as_int64(), 0);
  EXPECT_EQ(report.at("total").at("acquisition_cost").as_int64(), 0);

  // A loss is a negative ROI: the cost raised to 12000 gives (9000 - 12500) / 12500.
  ASSERT_EQ(put_costs(json::array{cost("2018-06", "campaign", "", key, 12000)}).status, 200);
  auto again = get("/api/v1/analytics/economics?from=2018-06&to=2018-06");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("campaigns").at(0).at("cost").as_int64(), 12500);
  EXPECT_DOUBLE_EQ(number(again.json().at("campaigns").at(0).at("roi")), -0.28);
  // A campaign cost names its campaign.
  expect_error(put_costs(json::array{cost("2018-06", "campaign", "", "", 100)}), 400,
               "invalid_name", "entries[0].name");
}

TEST_F(Economics, ServiceCostPerTicketCountsTheMonthsTickets) {
  const std::string month = format_date(now_ms()).substr(0, 7);
  const std::int64_t start =
      day(std::stoi(month.substr(0, 4)), static_cast<unsigned>(std::stoi(month.substr(5))), 1);
  ASSERT_EQ(put_costs(json::array{cost(month, "service", "", "", 120000)}).status, 200);
  auto r = get("/api/v1/analytics/economics?from=" + month + "&to=" + month);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto counted =
      connection().query_int("SELECT COUNT(*) FROM tickets WHERE created_at >= $1", {start});
  ASSERT_TRUE(counted.ok());
  const std::int64_t tickets = counted->value_or(0);
  EXPECT_EQ(r.json().at("tickets").as_int64(), tickets);
  EXPECT_EQ(r.json().at("service_cost").as_int64(), 120000);
  if (tickets > 0) {
    EXPECT_EQ(r.json().at("service_cost_per_ticket").as_int64(),
              std::llround(120000.0 / static_cast<double>(tickets)));
  } else {
    EXPECT_TRUE(r.json().at("service_cost_per_ticket").is_null());
  }
}

TEST_F(Economics, BadCostsAreRefusedNamingTheEntryAndStoreNothing) {
  expect_error(put_costs(json::array{cost("2020-01", "acquisition", "channel", "bad-a", 100),
                                     cost("2020-01", "acquisition", "channel", "bad-b", -5)}),
               400, "negative_amount", "entries[1].amount");
  EXPECT_EQ(stored("2020-01", "bad-a"), 0);
  expect_error(put_costs(json::array{cost("2020-13", "acquisition", "channel", "bad-c", 100)}),
               400, "invalid_month", "entries[0].month");
  expect_error(put_costs(json::array{cost("2020/01", "acquisition", "channel", "bad-c", 100)}),
               400, "invalid_month", "entries[0].month");
  expect_error(put_costs(json::array{cost("2020-01", "acquisition", "", "bad-c", 100)}), 400,
               "invalid_dimension", "entries[0].dimension");
  expect_error(put_costs(json::array{cost("2020-01", "bonus", "channel", "bad-c", 100)}), 400,
               "invalid_kind", "entries[0].kind");
  EXPECT_EQ(stored("2020-01", "bad-c"), 0);

  // CSV: a bad amount on line 3 (line 2 is good): nothing stored.
  expect_error(import_csv(*client_,
                          "month,kind,dimension,name,amount\n"
                          "2020-02,acquisition,channel,csv-a,1000\n"
                          "2020-02,acquisition,channel,csv-b,12.50\n"),
               400, "not_an_amount", "line 3.amount");
  expect_error(import_csv(*client_,
                          "month,dimension,name,amount\n"
                          "2020-02,channel,csv-a,1000\n"
                          "2020/02,channel,csv-b,1000\n"),
               400, "invalid_month", "line 3.month");
  expect_error(import_csv(*client_,
                          "month,dimension,name,amount\n"
                          "2020-02,channel,csv-a,-1000\n"),
               400, "negative_amount", "line 2.amount");
  EXPECT_EQ(stored("2020-02", "csv-a"), 0);
  EXPECT_EQ(stored("2020-02", "csv-b"), 0);

  // A good file is stored whole (kind defaults to acquisition).
  auto good = import_csv(*client_,
                         "month,dimension,name,amount\n"
                         "2020-02,channel,csv-a,1000\n"
                         "2020-02,source,csv-b,2500\n");
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(good.json().at("stored").as_int64(), 2);
  EXPECT_EQ(stored("2020-02", "csv-a"), 1);
  EXPECT_EQ(stored("2020-02", "csv-b"), 1);

  expect_error(get("/api/v1/analytics/economics?from=2020-1&to=2020-02"), 400, "invalid_month",
               "from");
  expect_error(get("/api/v1/analytics/economics?from=2020-01&to=2020-02&by=city"), 400,
               "invalid_dimension", "by");
  expect_error(get("/api/v1/analytics/economics/costs?to=2020"), 400, "invalid_month", "to");
}

TEST_F(Economics, OnlyAnalyticsScopesReadAndWriteCosts) {
  const json::object body{
      {"entries", json::array{cost("2021-01", "acquisition", "channel", "scoped", 100)}}};
  auto agent = staff("agent.economics@example.com", "service");
  expect_error(agent->get("/api/v1/analytics/economics?from=2021-01&to=2021-01"), 403);
  expect_error(agent->get("/api/v1/analytics/economics/costs"), 403);
  expect_error(agent->send_json("PUT", "/api/v1/analytics/economics/costs", body), 403);
  expect_error(import_csv(*agent, "month,dimension,name,amount\n2021-01,channel,scoped,1\n"), 403);
  // Marketing reads analytics but does not write it; an analyst does both.
  auto marketer = staff("marketer.economics@example.com", "marketing");
  EXPECT_EQ(marketer->get("/api/v1/analytics/economics?from=2021-01&to=2021-01").status, 200);
  expect_error(marketer->send_json("PUT", "/api/v1/analytics/economics/costs", body), 403);
  EXPECT_EQ(stored("2021-01", "scoped"), 0);
  auto analyst = staff("analyst.economics@example.com", "analyst");
  EXPECT_EQ(analyst->send_json("PUT", "/api/v1/analytics/economics/costs", body).status, 200);
  EXPECT_EQ(stored("2021-01", "scoped"), 1);
  HttpClient anonymous(server_->base_url());
  expect_error(anonymous.get("/api/v1/analytics/economics?from=2021-01&to=2021-01"), 401);
}

}  // namespace
}  // namespace ecrm::testing

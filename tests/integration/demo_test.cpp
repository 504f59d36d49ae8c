// `ecrm demo` against a running server's database: the command loads a demo shop (and refuses
// bad arguments and a second load), and the API then shows a customer's orders in the 360°
// timeline with a summary that adds up.
#include <algorithm>
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

}  // namespace
}  // namespace ecrm::testing

// The 7P profile of one customer: Profiling (who they are), Persistency (how long and how
// regularly they buy), Profitability (what they leave after costs and refunds), Performance (how
// their buying moves: the last 6 months against the 6 before, and the monthly trend),
// Prospecting (what they are expected to do: P(alive), orders in the next 90 days, CLV),
// Product (which categories they buy) and Promotion (how they respond to discounts and, once
// campaigns exist, to campaigns).
//
// Pure: the caller gathers the customer's record, orders, lines and stored scores; nothing here
// reads a clock or a database. Money is integer minor units of `currency` (the customer's main
// currency: orders in other currencies are counted in `other_currency_orders` only).
//
// Definitions (orders are the customer's orders that are not cancelled):
// - tenure_days: days from the first order to `now` (0 without orders); customer_days: days
//   since the record was created or the first order, whichever is earlier.
// - repeat_rate: (orders - 1) / orders, the share of orders that were repeat purchases.
// - orders_per_year: orders / tenure in years, the tenure counted as at least 30 days.
// - revenue: sum of order totals; refunds: refunded returns; cost_of_goods: product cost ×
//   quantity over the lines whose product cost is known (cost_coverage: the share of line
//   revenue it covers); gross_profit = revenue - cost_of_goods - refunds; margin = profit /
//   revenue (nullopt without revenue).
// - performance windows: orders placed in [now - 6 months, now) and [now - 12 months,
//   now - 6 months), a month being 365.25 / 12 days; change = recent / previous - 1 (nullopt when
//   previous is 0); slopes: least-squares slope of the 12 monthly totals (oldest first) per
//   month. trend: "growing" when recent revenue is above previous by more than 10%,
//   "declining" when below by more than 10%, "new" when there was nothing before, "inactive"
//   when there was nothing in either window, else "stable".
// - product shares: each category's share of line revenue (and of quantity); lines of products
//   without a category count under category_id 0, name "".
// - promotion: orders with a discount > 0, their share, the discount total, and the mean
//   discount rate discount / subtotal over the discounted orders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace ecrm::analytics {

struct ProfileOrder {
  UnixMs placed_at = 0;
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t total = 0;
  std::int64_t refunded = 0;  // refunded returns of this order
};

struct ProfileLine {
  std::int64_t category_id = 0;  // 0: no category
  std::string category;
  std::int64_t quantity = 0;
  std::int64_t line_total = 0;
  std::optional<std::int64_t> unit_cost;  // known product cost in the order's currency
};

// Stored scores of the customer (from the recomputation or an incremental update).
struct ProfileScores {
  std::string segment;
  std::string tier;
  int r = 0, f = 0, m = 0;
  std::optional<double> p_alive;
  std::optional<double> expected_orders;
  std::optional<double> expected_avg_value;
  std::optional<double> clv;
  UnixMs computed_at = 0;
};

struct ProfileInput {
  // Who.
  std::string type;  // home | business | …
  std::string city;
  std::string country;
  std::string source;
  std::string channel;
  std::string company;
  std::optional<std::string> birthday;  // YYYY-MM-DD
  UnixMs created_at = 0;
  // What they bought, in `currency` (not cancelled).
  std::string currency;
  std::vector<ProfileOrder> orders;
  std::vector<ProfileLine> lines;
  std::int64_t other_currency_orders = 0;
  std::int64_t cancelled_orders = 0;
  std::optional<ProfileScores> scores;  // nullopt: not scored yet
  bool campaigns_available = false;     // true once the shop runs campaigns
  UnixMs now = 0;
};

struct CategoryAffinity {
  std::int64_t category_id = 0;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t revenue = 0;
  double revenue_share = 0.0;
  double quantity_share = 0.0;
};

struct Profile7P {
  struct Profiling {
    std::string type, city, country, source, channel, company;
    std::optional<std::string> age_band;  // "18-24", …, "65+"; nullopt without a birthday
    std::optional<int> age;
    std::int64_t customer_days = 0;
    std::optional<UnixMs> first_order_at;
  } profiling;
  struct Persistency {
    std::int64_t tenure_days = 0;
    std::int64_t orders = 0;
    double repeat_rate = 0.0;
    double orders_per_year = 0.0;
    std::optional<std::string> tier;
    std::optional<std::string> segment;
    std::optional<UnixMs> last_order_at;
    std::optional<std::int64_t> days_since_last_order;
  } persistency;
  struct Profitability {
    std::int64_t revenue = 0;
    std::int64_t cost_of_goods = 0;
    double cost_coverage = 0.0;  // share of line revenue whose cost is known
    std::int64_t refunds = 0;
    std::int64_t gross_profit = 0;
    std::optional<double> margin;
  } profitability;
  struct Window {
    std::int64_t orders = 0;
    std::int64_t revenue = 0;
    std::optional<double> average_order_value;
  };
  struct Performance {
    Window recent;    // last 6 months
    Window previous;  // the 6 months before
    std::optional<double> revenue_change;
    std::optional<double> order_change;
    std::optional<double> aov_change;
    double revenue_slope = 0.0;  // minor units per month, over the last 12 months
    double order_slope = 0.0;    // orders per month
    std::vector<std::int64_t> monthly_revenue;  // 12 values, oldest first
    std::vector<std::int64_t> monthly_orders;
    std::string trend;
  } performance;
  struct Prospecting {
    bool scored = false;
    std::optional<double> p_alive;
    std::optional<double> expected_orders_90d;
    std::optional<double> expected_avg_value;
    std::optional<double> clv;
    std::optional<UnixMs> computed_at;
  } prospecting;
  struct Product {
    std::vector<CategoryAffinity> categories;  // by revenue, largest first
    std::int64_t distinct_categories = 0;
  } product;
  struct Promotion {
    std::int64_t discounted_orders = 0;
    double discounted_share = 0.0;
    std::int64_t discount_total = 0;
    std::optional<double> average_discount_rate;
    bool campaigns_available = false;  // false: no campaign data exists yet
  } promotion;
  std::string currency;
  std::int64_t other_currency_orders = 0;
  std::int64_t cancelled_orders = 0;
};

// The age band of someone born on `birthday` (YYYY-MM-DD) at time `now`: "<18", "18-24",
// "25-34", "35-44", "45-54", "55-64", "65+"; nullopt for a malformed or future date.
std::optional<std::string> age_band(const std::string& birthday, UnixMs now, int* age = nullptr);

// Least-squares slope of `values` against their index (0 for fewer than 2 values).
double slope(const std::vector<std::int64_t>& values);

// The profile as defined at the top of this file.
Profile7P build_profile(const ProfileInput& input);

}  // namespace ecrm::analytics

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
//   month. trend: growing when recent revenue is above previous by more than 10%, declining
//   when below by more than 10%, new when there was nothing before, inactive when there was
//   nothing in either window, else stable. Average order values are rounded to minor units.
// - product shares: each category's share of line revenue (and of quantity); lines of products
//   without a category count under no category_id, name "".
// - promotion: orders with a discount > 0, their share, the discount total, and the mean
//   discount rate discount / subtotal over the discounted orders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analytics/rfm.hpp"
#include "core/describe.hpp"
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
  Segment segment = Segment::kNeedAttention;
  Tier tier = Tier::kOccasional;
  int r = 0, f = 0, m = 0;
  std::optional<double> p_alive;
  std::optional<double> expected_orders;
  std::optional<std::int64_t> expected_avg_value;  // minor units
  std::optional<std::int64_t> clv;                 // minor units
  UnixMs computed_at = 0;
};

struct ProfileInput {
  std::int64_t customer_id = 0;
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

// The profile crosses the API as it is (GET /analytics/customers/{id}/7p): each P is described.
struct Profile7PProfiling {
  std::string type, city, country, company, source, channel;
  std::optional<std::string> age_band;  // "18-24", …, "65+"; nullopt without a birthday
  std::optional<int> age;
  std::int64_t customer_days = 0;
  std::optional<UnixMs> first_order_at;
};
ECRM_DESCRIBE(Profile7PProfiling, type, city, country, company, source, channel, age_band, age,
              customer_days, first_order_at)

struct Profile7PPersistency {
  std::int64_t tenure_days = 0;
  std::int64_t orders = 0;
  double repeat_rate = 0.0;
  double orders_per_year = 0.0;
  std::optional<Tier> tier;
  std::optional<Segment> segment;
  std::optional<UnixMs> last_order_at;
  std::optional<std::int64_t> days_since_last_order;
};
ECRM_DESCRIBE(Profile7PPersistency, tenure_days, orders, repeat_rate, orders_per_year, tier,
              segment, last_order_at, days_since_last_order)

struct Profile7PProfitability {
  std::int64_t revenue = 0;
  std::int64_t cost_of_goods = 0;
  double cost_coverage = 0.0;  // share of line revenue whose cost is known
  std::int64_t refunds = 0;
  std::int64_t gross_profit = 0;
  std::optional<double> margin;
};
ECRM_DESCRIBE(Profile7PProfitability, revenue, cost_of_goods, cost_coverage, refunds, gross_profit,
              margin)

struct Profile7PWindow {
  std::int64_t orders = 0;
  std::int64_t revenue = 0;
  std::optional<std::int64_t> average_order_value;  // rounded to minor units
};
ECRM_DESCRIBE(Profile7PWindow, orders, revenue, average_order_value)

enum class ProfileTrend { kGrowing, kStable, kDeclining, kNew, kInactive };
ECRM_DESCRIBE_ENUM(ProfileTrend, kGrowing, kStable, kDeclining, kNew, kInactive)

struct Profile7PPerformance {
  Profile7PWindow recent;    // last 6 months
  Profile7PWindow previous;  // the 6 months before
  std::optional<double> revenue_change;
  std::optional<double> order_change;
  std::optional<double> aov_change;
  double revenue_slope = 0.0;                 // minor units per month, over the last 12 months
  double order_slope = 0.0;                   // orders per month
  std::vector<std::int64_t> monthly_revenue;  // 12 values, oldest first
  std::vector<std::int64_t> monthly_orders;
  ProfileTrend trend = ProfileTrend::kInactive;
};
ECRM_DESCRIBE(Profile7PPerformance, recent, previous, revenue_change, order_change, aov_change,
              revenue_slope, order_slope, monthly_revenue, monthly_orders, trend)

struct Profile7PProspecting {
  bool scored = false;
  std::optional<double> p_alive;
  std::optional<double> expected_orders_90d;
  std::optional<std::int64_t> expected_avg_value;  // minor units
  std::optional<std::int64_t> clv;                 // minor units
  std::optional<UnixMs> computed_at;
};
ECRM_DESCRIBE(Profile7PProspecting, scored, p_alive, expected_orders_90d, expected_avg_value, clv,
              computed_at)

struct CategoryAffinity {
  std::optional<std::int64_t> category_id;  // nullopt: products without a category
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t revenue = 0;
  double revenue_share = 0.0;
  double quantity_share = 0.0;
};
ECRM_DESCRIBE(CategoryAffinity, category_id, name, quantity, revenue, revenue_share, quantity_share)

struct Profile7PProduct {
  std::vector<CategoryAffinity> categories;  // by revenue, largest first
  std::int64_t distinct_categories = 0;
};
ECRM_DESCRIBE(Profile7PProduct, categories, distinct_categories)

// How the customer responds to campaigns: not measurable until campaigns exist.
struct CampaignResponse {
  bool available = false;
  std::string reason;  // why it is not available ('' when it is)
  std::optional<std::int64_t> campaigns;
  std::optional<std::int64_t> responses;
};
ECRM_DESCRIBE(CampaignResponse, available, reason, campaigns, responses)

struct Profile7PPromotion {
  std::int64_t discounted_orders = 0;
  double discounted_share = 0.0;
  std::int64_t discount_total = 0;
  std::optional<double> average_discount_rate;
  CampaignResponse campaign_response;
};
ECRM_DESCRIBE(Profile7PPromotion, discounted_orders, discounted_share, discount_total,
              average_discount_rate, campaign_response)

struct Profile7P {
  std::int64_t customer_id = 0;
  std::string currency;
  std::int64_t other_currency_orders = 0;
  std::int64_t cancelled_orders = 0;
  Profile7PProfiling profiling;
  Profile7PPersistency persistency;
  Profile7PProfitability profitability;
  Profile7PPerformance performance;
  Profile7PProspecting prospecting;
  Profile7PProduct product;
  Profile7PPromotion promotion;
};
ECRM_DESCRIBE(Profile7P, customer_id, currency, other_currency_orders, cancelled_orders, profiling,
              persistency, profitability, performance, prospecting, product, promotion)

// The age band of someone born on `birthday` (YYYY-MM-DD) at time `now`: "<18", "18-24",
// "25-34", "35-44", "45-54", "55-64", "65+"; nullopt for a malformed or future date.
std::optional<std::string> age_band(const std::string& birthday, UnixMs now, int* age = nullptr);

// Least-squares slope of `values` against their index (0 for fewer than 2 values).
double slope(const std::vector<std::int64_t>& values);

// The profile as defined at the top of this file.
Profile7P build_profile(const ProfileInput& input);

}  // namespace ecrm::analytics

#include "analytics/profile.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace ecrm::analytics {
namespace {

constexpr double kDaysPerMonth = 365.25 / 12.0;
constexpr double kMsPerMonth = kDaysPerMonth * static_cast<double>(kMsPerDay);
constexpr int kMonths = 12;

std::optional<double> ratio_change(double recent, double previous) {
  if (previous <= 0) return std::nullopt;
  return recent / previous - 1.0;
}

std::optional<double> mean_value(std::int64_t revenue, std::int64_t orders) {
  if (orders <= 0) return std::nullopt;
  return static_cast<double>(revenue) / static_cast<double>(orders);
}

}  // namespace

std::optional<std::string> age_band(const std::string& birthday, UnixMs now, int* age_out) {
  const std::optional<UnixMs> born = parse_date(birthday);
  if (!born || *born > now) return std::nullopt;
  using namespace std::chrono;
  const year_month_day b{sys_days{days{*born / kMsPerDay}}};
  const year_month_day n{sys_days{days{now / kMsPerDay}}};
  int age = int(n.year()) - int(b.year());
  if (n.month() < b.month() || (n.month() == b.month() && n.day() < b.day())) --age;
  if (age_out != nullptr) *age_out = age;
  if (age < 18) return "<18";
  if (age < 25) return "18-24";
  if (age < 35) return "25-34";
  if (age < 45) return "35-44";
  if (age < 55) return "45-54";
  if (age < 65) return "55-64";
  return "65+";
}

double slope(const std::vector<std::int64_t>& values) {
  const std::size_t n = values.size();
  if (n < 2) return 0.0;
  const double mean_x = (static_cast<double>(n) - 1.0) / 2.0;
  double mean_y = 0.0;
  for (std::int64_t v : values) mean_y += static_cast<double>(v);
  mean_y /= static_cast<double>(n);
  double sxy = 0.0, sxx = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = static_cast<double>(i) - mean_x;
    sxy += dx * (static_cast<double>(values[i]) - mean_y);
    sxx += dx * dx;
  }
  return sxy / sxx;
}

Profile7P build_profile(const ProfileInput& in) {
  Profile7P p;
  p.customer_id = in.customer_id;
  p.currency = in.currency;
  p.other_currency_orders = in.other_currency_orders;
  p.cancelled_orders = in.cancelled_orders;

  // Profiling.
  auto& who = p.profiling;
  who.type = in.type;
  who.city = in.city;
  who.country = in.country;
  who.source = in.source;
  who.channel = in.channel;
  who.company = in.company;
  if (in.birthday) {
    int age = 0;
    who.age_band = age_band(*in.birthday, in.now, &age);
    if (who.age_band) who.age = age;
  }
  std::optional<UnixMs> first, last;
  for (const ProfileOrder& o : in.orders) {
    if (!first || o.placed_at < *first) first = o.placed_at;
    if (!last || o.placed_at > *last) last = o.placed_at;
  }
  who.first_order_at = first;
  const UnixMs known_since = first ? std::min(*first, in.created_at) : in.created_at;
  who.customer_days = std::max<std::int64_t>(0, (in.now - known_since) / kMsPerDay);

  // Persistency.
  auto& persist = p.persistency;
  persist.orders = static_cast<std::int64_t>(in.orders.size());
  if (first) {
    persist.tenure_days = std::max<std::int64_t>(0, (in.now - *first) / kMsPerDay);
    persist.last_order_at = last;
    persist.days_since_last_order = std::max<std::int64_t>(0, (in.now - *last) / kMsPerDay);
    persist.repeat_rate =
        static_cast<double>(persist.orders - 1) / static_cast<double>(persist.orders);
    const double years = std::max<double>(30.0, static_cast<double>(persist.tenure_days)) / 365.25;
    persist.orders_per_year = static_cast<double>(persist.orders) / years;
  }
  if (in.scores) {
    persist.tier = in.scores->tier;
    persist.segment = in.scores->segment;
  }

  // Profitability.
  auto& profit = p.profitability;
  for (const ProfileOrder& o : in.orders) {
    profit.revenue += o.total;
    profit.refunds += o.refunded;
  }
  std::int64_t line_revenue = 0, costed_revenue = 0;
  for (const ProfileLine& line : in.lines) {
    line_revenue += line.line_total;
    if (line.unit_cost) {
      profit.cost_of_goods += *line.unit_cost * line.quantity;
      costed_revenue += line.line_total;
    }
  }
  profit.cost_coverage =
      line_revenue > 0 ? static_cast<double>(costed_revenue) / static_cast<double>(line_revenue)
                       : 0.0;
  profit.gross_profit = profit.revenue - profit.cost_of_goods - profit.refunds;
  if (profit.revenue > 0) {
    profit.margin = static_cast<double>(profit.gross_profit) / static_cast<double>(profit.revenue);
  }

  // Performance: 12 monthly buckets ending at now; the last 6 are "recent".
  auto& perf = p.performance;
  perf.monthly_revenue.assign(kMonths, 0);
  perf.monthly_orders.assign(kMonths, 0);
  for (const ProfileOrder& o : in.orders) {
    if (o.placed_at >= in.now) continue;
    const double months_ago = static_cast<double>(in.now - o.placed_at) / kMsPerMonth;
    const int bucket = static_cast<int>(std::floor(months_ago));
    if (bucket >= kMonths) continue;
    const std::size_t index = static_cast<std::size_t>(kMonths - 1 - bucket);
    perf.monthly_revenue[index] += o.total - o.refunded;
    perf.monthly_orders[index] += 1;
    Profile7PWindow& window = bucket < kMonths / 2 ? perf.recent : perf.previous;
    window.orders += 1;
    window.revenue += o.total - o.refunded;
  }
  const std::optional<double> recent_aov = mean_value(perf.recent.revenue, perf.recent.orders);
  const std::optional<double> previous_aov =
      mean_value(perf.previous.revenue, perf.previous.orders);
  if (recent_aov) perf.recent.average_order_value = std::llround(*recent_aov);
  if (previous_aov) perf.previous.average_order_value = std::llround(*previous_aov);
  perf.revenue_change = ratio_change(static_cast<double>(perf.recent.revenue),
                                     static_cast<double>(perf.previous.revenue));
  perf.order_change = ratio_change(static_cast<double>(perf.recent.orders),
                                   static_cast<double>(perf.previous.orders));
  if (recent_aov && previous_aov) perf.aov_change = ratio_change(*recent_aov, *previous_aov);
  perf.revenue_slope = slope(perf.monthly_revenue);
  perf.order_slope = slope(perf.monthly_orders);
  if (perf.recent.orders == 0 && perf.previous.orders == 0) {
    perf.trend = ProfileTrend::kInactive;
  } else if (perf.previous.orders == 0) {
    perf.trend = ProfileTrend::kNew;
  } else if (perf.revenue_change && *perf.revenue_change > 0.10) {
    perf.trend = ProfileTrend::kGrowing;
  } else if (perf.revenue_change && *perf.revenue_change < -0.10) {
    perf.trend = ProfileTrend::kDeclining;
  } else if (!perf.revenue_change && perf.recent.revenue > 0) {
    perf.trend = ProfileTrend::kGrowing;  // orders before but no revenue then
  } else {
    perf.trend = ProfileTrend::kStable;
  }

  // Prospecting.
  if (in.scores) {
    auto& prospect = p.prospecting;
    prospect.scored = true;
    prospect.p_alive = in.scores->p_alive;
    prospect.expected_orders_90d = in.scores->expected_orders;
    prospect.expected_avg_value = in.scores->expected_avg_value;
    prospect.clv = in.scores->clv;
    prospect.computed_at = in.scores->computed_at;
  }

  // Product.
  std::map<std::int64_t, CategoryAffinity> by_category;
  std::int64_t quantity_total = 0;
  for (const ProfileLine& line : in.lines) {
    CategoryAffinity& a = by_category[line.category_id];
    if (line.category_id != 0) a.category_id = line.category_id;
    if (a.name.empty()) a.name = line.category;
    a.quantity += line.quantity;
    a.revenue += line.line_total;
    quantity_total += line.quantity;
  }
  for (auto& [id, a] : by_category) {
    a.revenue_share = line_revenue > 0 ? static_cast<double>(a.revenue) /
                                             static_cast<double>(line_revenue)
                                       : 0.0;
    a.quantity_share = quantity_total > 0 ? static_cast<double>(a.quantity) /
                                                static_cast<double>(quantity_total)
                                          : 0.0;
    p.product.categories.push_back(a);
  }
  std::sort(p.product.categories.begin(), p.product.categories.end(),
            [](const CategoryAffinity& a, const CategoryAffinity& b) {
              if (a.revenue != b.revenue) return a.revenue > b.revenue;
              if (a.quantity != b.quantity) return a.quantity > b.quantity;
              return a.category_id.value_or(0) < b.category_id.value_or(0);
            });
  p.product.distinct_categories = static_cast<std::int64_t>(by_category.size());

  // Promotion.
  auto& promo = p.promotion;
  promo.campaign_response.available = in.campaigns_available;
  if (!in.campaigns_available) {
    promo.campaign_response.reason = "no campaigns exist yet: nothing to measure";
  }
  double rate_sum = 0.0;
  std::int64_t rated = 0;
  for (const ProfileOrder& o : in.orders) {
    if (o.discount <= 0) continue;
    ++promo.discounted_orders;
    promo.discount_total += o.discount;
    if (o.subtotal > 0) {
      rate_sum += static_cast<double>(o.discount) / static_cast<double>(o.subtotal);
      ++rated;
    }
  }
  if (!in.orders.empty()) {
    promo.discounted_share =
        static_cast<double>(promo.discounted_orders) / static_cast<double>(in.orders.size());
  }
  if (rated > 0) promo.average_discount_rate = rate_sum / static_cast<double>(rated);
  return p;
}

}  // namespace ecrm::analytics

#include "analytics/summary.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace ecrm::analytics {

double period_days(Period period) {
  switch (period) {
    case Period::kDay:
      return 1.0;
    case Period::kWeek:
      return 7.0;
    case Period::kMonth:
      return 365.25 / 12.0;
  }
  return 1.0;
}

std::string_view to_string(Period period) { return wire::enum_name(period); }

std::optional<Period> parse_period(std::string_view text) { return wire::parse_enum<Period>(text); }

CalibrationSummary build_calibration_summary(const OrderColumns& orders,
                                             std::int32_t calibration_end, Period period,
                                             std::optional<std::int32_t> holdout_end) {
  assert(valid(orders));
  assert(!holdout_end || *holdout_end > calibration_end);
  const std::size_t customers = orders.customer_count;
  // Group the orders by customer (counting sort), then sort each customer's (day, amount).
  std::vector<std::size_t> start(customers + 1, 0);
  for (std::uint32_t c : orders.customer) ++start[c + 1];
  for (std::size_t c = 0; c < customers; ++c) start[c + 1] += start[c];
  std::vector<std::pair<std::int32_t, std::int64_t>> by_customer(orders.customer.size());
  {
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < orders.customer.size(); ++i) {
      by_customer[next[orders.customer[i]]++] = {orders.day[i], orders.amount_minor[i]};
    }
  }
  const double unit = period_days(period);
  CalibrationSummary out;
  if (holdout_end) out.holdout_length = (*holdout_end - calibration_end) / unit;
  for (std::size_t c = 0; c < customers; ++c) {
    auto first = by_customer.begin() + static_cast<std::ptrdiff_t>(start[c]);
    auto last = by_customer.begin() + static_cast<std::ptrdiff_t>(start[c + 1]);
    if (first == last) continue;
    std::sort(first, last);
    if (first->first > calibration_end) continue;
    const std::int32_t first_day = first->first;
    std::int32_t last_day = first_day;
    std::int32_t repeat_days = 0;
    std::int32_t holdout_days = 0;
    std::int64_t repeat_value = 0;
    for (auto it = first; it != last;) {
      const std::int32_t day = it->first;
      std::int64_t day_value = 0;
      for (; it != last && it->first == day; ++it) day_value += it->second;
      if (day <= calibration_end) {
        if (day != first_day) {
          ++repeat_days;
          repeat_value += day_value;
          last_day = day;
        }
      } else if (holdout_end && day <= *holdout_end) {
        ++holdout_days;
      }
    }
    out.customer.push_back(static_cast<std::uint32_t>(c));
    out.frequency.push_back(repeat_days);
    out.recency.push_back((last_day - first_day) / unit);
    out.age.push_back((calibration_end - first_day) / unit);
    out.monetary_minor.push_back(repeat_days > 0 ? static_cast<double>(repeat_value) / repeat_days
                                                 : 0.0);
    out.holdout_purchases.push_back(holdout_days);
  }
  return out;
}

HoldoutReport holdout_report(const CalibrationSummary& summary, const BgNbdParams& params,
                             std::int32_t max_group) {
  HoldoutReport report;
  report.length = summary.holdout_length;
  report.groups.resize(static_cast<std::size_t>(max_group) + 1);
  for (std::int32_t g = 0; g <= max_group; ++g) {
    report.groups[static_cast<std::size_t>(g)].frequency = g;
  }
  report.groups.back().open_ended = true;
  for (std::size_t i = 0; i < summary.frequency.size(); ++i) {
    const std::int32_t x = summary.frequency[i];
    HoldoutGroup& group = report.groups[static_cast<std::size_t>(std::min(x, max_group))];
    const double predicted = bgnbd_conditional_expected_purchases(
        params, summary.holdout_length, x, summary.recency[i], summary.age[i]);
    ++group.customers;
    group.actual += summary.holdout_purchases[i];
    group.predicted += predicted;
    report.actual_total += summary.holdout_purchases[i];
    report.predicted_total += predicted;
  }
  return report;
}

}  // namespace ecrm::analytics

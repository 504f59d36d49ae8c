#include "analytics/cohorts.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <limits>
#include <map>

namespace ecrm::analytics {
namespace {

// Months since January of year 0 of a day number.
std::int32_t month_index(std::int32_t day) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{day}}};
  return static_cast<std::int32_t>(int(ymd.year()) * 12 + (unsigned(ymd.month()) - 1));
}

}  // namespace

std::vector<Cohort> compute_cohorts(const OrderColumns& orders, std::int32_t as_of) {
  assert(valid(orders));
  constexpr std::int32_t kNone = std::numeric_limits<std::int32_t>::max();
  std::vector<std::int32_t> first_day(orders.customer_count, kNone);
  for (std::size_t i = 0; i < orders.customer.size(); ++i) {
    if (orders.day[i] > as_of) continue;
    auto& first = first_day[orders.customer[i]];
    first = std::min(first, orders.day[i]);
  }
  std::vector<std::int32_t> first_month(orders.customer_count, kNone);
  std::map<std::int32_t, std::size_t> cohort_of_month;
  for (std::size_t c = 0; c < first_day.size(); ++c) {
    if (first_day[c] == kNone) continue;
    first_month[c] = month_index(first_day[c]);
    cohort_of_month.emplace(first_month[c], 0);
  }
  const std::int32_t last_month = month_index(as_of);
  std::vector<Cohort> cohorts;
  for (auto& [month, index] : cohort_of_month) {
    index = cohorts.size();
    Cohort cohort;
    cohort.year = month / 12;
    cohort.month = month % 12 + 1;
    const std::size_t span = static_cast<std::size_t>(last_month - month) + 1;
    cohort.retained.assign(span, 0);
    cohort.revenue_minor.assign(span, 0);
    cohorts.push_back(std::move(cohort));
  }
  std::vector<std::uint32_t> cohort_index(orders.customer_count, 0);
  for (std::size_t c = 0; c < first_month.size(); ++c) {
    if (first_month[c] != kNone) {
      cohort_index[c] = static_cast<std::uint32_t>(cohort_of_month[first_month[c]]);
    }
  }
  // (customer, month offset) pairs, deduplicated, give the retained counts.
  std::vector<std::uint64_t> active;
  active.reserve(orders.customer.size());
  for (std::size_t i = 0; i < orders.customer.size(); ++i) {
    if (orders.day[i] > as_of) continue;
    const std::uint32_t c = orders.customer[i];
    const std::int32_t offset = month_index(orders.day[i]) - first_month[c];
    Cohort& cohort = cohorts[cohort_index[c]];
    cohort.revenue_minor[static_cast<std::size_t>(offset)] += orders.amount_minor[i];
    active.push_back((std::uint64_t{c} << 32) | static_cast<std::uint32_t>(offset));
  }
  std::sort(active.begin(), active.end());
  active.erase(std::unique(active.begin(), active.end()), active.end());
  for (std::uint64_t key : active) {
    const auto c = static_cast<std::uint32_t>(key >> 32);
    const auto offset = static_cast<std::size_t>(key & 0xffffffffu);
    ++cohorts[cohort_index[c]].retained[offset];
  }
  for (Cohort& cohort : cohorts) cohort.customers = cohort.retained[0];
  return cohorts;
}

}  // namespace ecrm::analytics

// Monthly acquisition cohorts: customers grouped by the calendar month (UTC) of their first
// order, followed month by month.
#pragma once

#include <cstdint>
#include <vector>

#include "analytics/model.hpp"

namespace ecrm::analytics {

struct Cohort {
  int year = 0;
  int month = 0;               // 1..12, the month of the first order
  std::int64_t customers = 0;  // acquired in that month
  // Index k = months since the acquisition month (0 = the acquisition month itself), up to the
  // as-of month: customers of the cohort with at least one order in that month, and the revenue
  // (minor units) of all their orders in it. retained[0] == customers.
  std::vector<std::int64_t> retained;
  std::vector<std::int64_t> revenue_minor;
};

// Cohorts of all customers whose first order is on or before day `as_of` (orders after it are
// ignored), oldest cohort first; months without new customers are omitted. `orders` must be
// valid (see model.hpp).
std::vector<Cohort> compute_cohorts(const OrderColumns& orders, std::int32_t as_of);

}  // namespace ecrm::analytics

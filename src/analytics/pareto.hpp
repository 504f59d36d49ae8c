// Pareto (80/20) analysis of revenue across customers: the Lorenz curve, the revenue share of
// the top 20% of customers and the Gini coefficient.
//
// The Lorenz curve L(s) is the share of revenue held by the poorest fraction s of customers; its
// points are (k/n, sum of the k smallest values / total) for k = 0..n, joined by straight lines.
// The top-share of a fraction s is 1 - L(1 - s) on that piecewise-linear curve (exactly the share
// of the top n*s customers when n*s is a whole number). The Gini coefficient is 1 - 2 * (area
// under the curve) = (2 * sum_i i*y_(i)) / (n * total) - (n + 1) / n, y ascending, i from 1.
// Negative values (net refunds) count as 0. With no customers or no revenue every share is 0,
// the Gini is 0 and the curve is the diagonal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ecrm::analytics {

struct LorenzPoint {
  double customer_share = 0.0;  // fraction of customers, poorest first
  double revenue_share = 0.0;   // fraction of revenue they hold
};

struct ParetoSummary {
  std::size_t customers = 0;
  std::int64_t total_minor = 0;  // sum of the (non-negative) values
  double top20_share = 0.0;      // revenue share of the top 20% of customers
  double gini = 0.0;
  std::vector<LorenzPoint> lorenz;  // at most `max_points` points, always including (0,0), (1,1)
};

// Pareto summary of per-customer revenue `values` (minor units). The Lorenz curve is sampled at
// `max_points` (>= 2) evenly spaced customer counts, each an exact curve point.
ParetoSummary pareto(std::span<const std::int64_t> values, std::size_t max_points = 101);

// Revenue share of the top `fraction` (0..1) of customers, read from a full Lorenz curve as
// described above. `sorted_ascending` holds the non-negative values in ascending order.
double top_share(std::span<const std::int64_t> sorted_ascending, double fraction);

}  // namespace ecrm::analytics

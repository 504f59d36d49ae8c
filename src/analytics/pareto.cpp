#include "analytics/pareto.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace ecrm::analytics {
namespace {

// L(k/n) from prefix sums.
double lorenz_at(std::span<const std::int64_t> sorted, const std::vector<long double>& prefix,
                 double s) {
  const std::size_t n = sorted.size();
  const long double total = prefix[n];
  if (n == 0 || total <= 0) return s;
  const double position = s * static_cast<double>(n);
  const std::size_t k = std::min(n, static_cast<std::size_t>(std::floor(position)));
  const double fraction = position - static_cast<double>(k);
  long double value = prefix[k];
  if (k < n) value += static_cast<long double>(fraction) * sorted[k];
  return static_cast<double>(value / total);
}

std::vector<long double> prefix_sums(std::span<const std::int64_t> sorted) {
  std::vector<long double> prefix(sorted.size() + 1, 0.0L);
  for (std::size_t i = 0; i < sorted.size(); ++i) prefix[i + 1] = prefix[i] + sorted[i];
  return prefix;
}

}  // namespace

double top_share(std::span<const std::int64_t> sorted_ascending, double fraction) {
  const std::vector<long double> prefix = prefix_sums(sorted_ascending);
  if (sorted_ascending.empty() || prefix.back() <= 0) return 0.0;
  return 1.0 - lorenz_at(sorted_ascending, prefix, 1.0 - fraction);
}

ParetoSummary pareto(std::span<const std::int64_t> values, std::size_t max_points) {
  assert(max_points >= 2);
  std::vector<std::int64_t> sorted(values.begin(), values.end());
  for (auto& v : sorted) v = std::max<std::int64_t>(v, 0);
  std::sort(sorted.begin(), sorted.end());
  const std::vector<long double> prefix = prefix_sums(sorted);
  const std::size_t n = sorted.size();
  ParetoSummary out;
  out.customers = n;
  out.total_minor = static_cast<std::int64_t>(prefix[n]);
  const bool has_revenue = n > 0 && prefix[n] > 0;
  if (has_revenue) {
    out.top20_share = 1.0 - lorenz_at(sorted, prefix, 0.8);
    long double weighted = 0.0L;
    for (std::size_t i = 0; i < n; ++i) weighted += static_cast<long double>(i + 1) * sorted[i];
    const long double nd = static_cast<long double>(n);
    out.gini = static_cast<double>(2.0L * weighted / (nd * prefix[n]) - (nd + 1.0L) / nd);
  }
  const std::size_t points = std::min(max_points, n + 1);
  if (points < 2) {
    out.lorenz = {{0.0, 0.0}, {1.0, 1.0}};
    return out;
  }
  out.lorenz.reserve(points);
  for (std::size_t j = 0; j < points; ++j) {
    // Customer counts k_j spread evenly over 0..n, so every point is an exact curve point.
    const std::size_t k = (n * j + (points - 1) / 2) / (points - 1);
    const double s = static_cast<double>(k) / static_cast<double>(n);
    const double y = has_revenue ? static_cast<double>(prefix[k] / prefix[n]) : s;
    out.lorenz.push_back({s, y});
  }
  return out;
}

}  // namespace ecrm::analytics

#include "analytics/clv.hpp"

#include <cmath>
#include <limits>

#include "analytics/parallel.hpp"

namespace ecrm::analytics {

double discounted_expected_purchases(const BgNbdParams& params, std::int32_t x, double t_x,
                                     double T, double horizon, double discount_rate) {
  if (horizon <= 0) return 0.0;
  if (discount_rate == 0.0) {
    return bgnbd_conditional_expected_purchases(params, horizon, x, t_x, T);
  }
  const int steps = static_cast<int>(std::ceil(horizon));
  double previous = 0.0;
  double sum = 0.0;
  for (int k = 1; k <= steps; ++k) {
    const double tau = std::min<double>(k, horizon);
    const double expected = bgnbd_conditional_expected_purchases(params, tau, x, t_x, T);
    sum += (expected - previous) / std::pow(1.0 + discount_rate, tau);
    previous = expected;
  }
  return sum;
}

std::vector<CustomerPrediction> predict_customers(const BgNbdParams& params,
                                                  const std::optional<GammaGammaParams>& spend,
                                                  const SummaryView& data,
                                                  std::span<const double> monetary, double horizon,
                                                  double discount_rate, int threads) {
  const std::size_t n = data.frequency.size();
  std::vector<CustomerPrediction> out(n);
  const bool with_value = spend.has_value() && monetary.size() == n;
  const int workers = detail::worker_count(threads, n, 2'000);
  detail::parallel_slices(n, workers, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t i = begin; i < end; ++i) {
      const std::int32_t x = data.frequency[i];
      const double t_x = data.recency[i];
      const double T = data.age[i];
      CustomerPrediction& p = out[i];
      p.p_alive = bgnbd_p_alive(params, x, t_x, T);
      p.expected_purchases = bgnbd_conditional_expected_purchases(params, horizon, x, t_x, T);
      if (!with_value) {
        p.expected_avg_value = std::numeric_limits<double>::quiet_NaN();
        p.clv = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      p.expected_avg_value = gamma_gamma_expected_value(*spend, x, monetary[i]);
      const double purchases =
          discount_rate == 0.0
              ? p.expected_purchases
              : discounted_expected_purchases(params, x, t_x, T, horizon, discount_rate);
      p.clv = purchases * p.expected_avg_value;
    }
  });
  return out;
}

}  // namespace ecrm::analytics

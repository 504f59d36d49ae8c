// Customer lifetime value from the BG/NBD (how many purchases) and Gamma-Gamma (how much per
// purchase) models, which the Gamma-Gamma paper assumes independent.
//
// For a horizon of H periods and a discount rate d per period:
//   CLV = E[M] * sum_{k=1..K} (E[Y(tau_k)] - E[Y(tau_{k-1})]) / (1 + d)^tau_k,
// where E[Y(t)] is the BG/NBD expected number of purchases in the next t periods given the
// customer's (x, t_x, T), E[M] the Gamma-Gamma expected value per purchase, K = ceil(H) and
// tau_k = min(k, H) (tau_0 = 0): the purchases expected in each period are valued at the
// period's end. With d = 0 this is E[Y(H)] * E[M].
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "analytics/bgnbd.hpp"
#include "analytics/gamma_gamma.hpp"

namespace ecrm::analytics {

struct CustomerPrediction {
  double p_alive = 0.0;
  double expected_purchases = 0.0;  // in the next `horizon` periods
  double expected_avg_value = 0.0;  // NaN without a Gamma-Gamma model
  double clv = 0.0;                 // NaN without a Gamma-Gamma model
};

// Discounted expected number of purchases in the next `horizon` periods (the sum in the formula
// above without E[M]).
double discounted_expected_purchases(const BgNbdParams& params, std::int32_t x, double t_x,
                                     double T, double horizon, double discount_rate);

// Predictions for every customer of `data` over `horizon` (> 0) periods. `monetary` (mean repeat
// value per customer) and `spend` are used together: without either, the value columns are NaN.
// Costs one hypergeometric evaluation per customer when discount_rate is 0, ceil(horizon)
// otherwise; spread over `threads` threads (0: hardware concurrency).
std::vector<CustomerPrediction> predict_customers(const BgNbdParams& params,
                                                  const std::optional<GammaGammaParams>& spend,
                                                  const SummaryView& data,
                                                  std::span<const double> monetary, double horizon,
                                                  double discount_rate, int threads = 0);

}  // namespace ecrm::analytics

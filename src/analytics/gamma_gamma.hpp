// Gamma-Gamma model of spend per transaction, after Fader & Hardie (2013), "The Gamma-Gamma Model
// of Monetary Value". A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma)
// across customers, independent of the transaction process; a customer with x transactions of
// mean value m has likelihood
//   Gamma(px+q) / (Gamma(px) Gamma(q)) * gamma^q * m^(px-1) * x^(px) / (gamma + m x)^(px+q).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "analytics/bgnbd.hpp"
#include "core/result.hpp"

namespace ecrm::analytics {

struct GammaGammaParams {
  double p = 1.0;
  double q = 1.0;
  double gamma = 1.0;
};

struct GammaGammaFit {
  GammaGammaParams params;
  double log_likelihood = 0.0;
  std::size_t customers = 0;  // customers the fit used (x > 0 and m > 0)
  int evaluations = 0;
  std::string method;
};

// Log-likelihood of one customer with x > 0 transactions of mean value m > 0.
double gamma_gamma_log_likelihood(const GammaGammaParams& params, std::int32_t x, double m);

// Total log-likelihood over customers with x > 0 and m > 0 (others are skipped). If `gradient`
// is not null it receives the derivatives with respect to (ln p, ln q, ln gamma).
double gamma_gamma_log_likelihood(const GammaGammaParams& params,
                                  std::span<const std::int32_t> frequency,
                                  std::span<const double> monetary,
                                  double (*gradient)[3] = nullptr);

// Maximum-likelihood (p, q, gamma) over the customers with frequency > 0 and mean value > 0
// (the model describes repeat transactions; a zero mean carries no information about spend).
// Same optimiser strategy as fit_bgnbd. Errors: kInvalidArgument if the spans differ in length or
// hold a negative or non-finite value, or no customer qualifies; kUnprocessable if no finite
// optimum was found.
Result<GammaGammaFit> fit_gamma_gamma(std::span<const std::int32_t> frequency,
                                      std::span<const double> monetary,
                                      const FitOptions& options = {});

// Expected mean transaction value of a customer with x transactions of mean m:
//   (p (gamma + x m)) / (p x + q - 1)
// which is the population mean p gamma / (q - 1) when x = 0. Requires q > 1 (else the population
// mean is infinite and the result is +inf).
double gamma_gamma_expected_value(const GammaGammaParams& params, std::int32_t x, double m);

}  // namespace ecrm::analytics

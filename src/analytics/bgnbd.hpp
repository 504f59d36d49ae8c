// BG/NBD ("beta-geometric / negative binomial distribution") model of repeat buying, after
// Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science 24(2).
//
// While alive, a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); after each
// purchase they drop out with probability p ~ Beta(a, b). A customer's history is summarised as
// (x, t_x, T): x repeat purchases, the last at t_x, observed for T periods since the first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/result.hpp"

namespace ecrm::analytics {

// Columnar (x, t_x, T) per customer; all spans have the same length. Frequencies are counts of
// repeat purchases; recency and age are in the model's time unit with 0 <= recency <= age, and
// recency = 0 when frequency = 0.
struct SummaryView {
  std::span<const std::int32_t> frequency;  // x
  std::span<const double> recency;          // t_x
  std::span<const double> age;              // T
};

struct BgNbdParams {
  double r = 1.0;
  double alpha = 1.0;
  double a = 1.0;
  double b = 1.0;
};

struct FitOptions {
  int threads = 0;  // 0: std::thread::hardware_concurrency()
  int max_evaluations = 5000;
};

struct BgNbdFit {
  BgNbdParams params;
  double log_likelihood = 0.0;
  std::size_t customers = 0;
  std::size_t groups = 0;  // distinct (x, t_x, T) after compression
  int evaluations = 0;
  std::string method;  // the NLopt algorithm whose result was kept
};

// Checks that `data` is a valid summary (equal lengths, x >= 0, 0 <= t_x <= T, finite, t_x = 0
// when x = 0, T >= 0). Returns kInvalidArgument naming the first bad row (0-based) otherwise.
Status validate_summary(const SummaryView& data);

// Log-likelihood of one customer's (x, t_x, T) under `params` (FHL 2005, eq. 6).
double bgnbd_log_likelihood(const BgNbdParams& params, std::int32_t x, double t_x, double T);

// Total log-likelihood of `data`. If `gradient` is not null it receives the derivatives with
// respect to (ln r, ln alpha, ln a, ln b). `data` must be valid (see validate_summary).
double bgnbd_log_likelihood(const BgNbdParams& params, const SummaryView& data,
                            double (*gradient)[4] = nullptr);

// Maximum-likelihood estimates of (r, alpha, a, b). The search runs over the logarithms of the
// parameters (so they stay positive) with NLopt's L-BFGS on the analytic gradient; if that fails
// or stops away from a stationary point, a derivative-free search (Sbplx) continues from the best
// point found and the better result is kept. Customers with identical (x, t_x, T) are evaluated
// once with a weight, and the likelihood is summed on `options.threads` threads.
// Errors: kInvalidArgument for an invalid or empty summary; kUnprocessable if no finite optimum
// was found. Thread-safe (no shared state).
Result<BgNbdFit> fit_bgnbd(const SummaryView& data, const FitOptions& options = {});

// Probability that a customer with history (x, t_x, T) is still alive at T (FHL 2005, eq. A.3
// rearranged): 1 when x = 0, else 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r+x)).
double bgnbd_p_alive(const BgNbdParams& params, std::int32_t x, double t_x, double T);

// Expected number of purchases in (0, t] of a customer picked at random at time 0 (FHL 2005,
// eq. 9): (a + b - 1) / (a - 1) * [1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t/(alpha+t))].
double bgnbd_expected_purchases(const BgNbdParams& params, double t);

// Expected number of purchases in (T, T + t] of a customer with history (x, t_x, T) (FHL 2005,
// eq. 10). The formula's factor (1 - z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z), z = t / (alpha + T + t),
// is evaluated in the equivalent Euler-transformed form (1 - z)^(a-1) 2F1(a+b-1-r, a-1;
// a+b+x-1; z), which stays bounded for large x. At a = 1 (a removable singularity) the value is
// the mean of a = 1 +- 1e-5.
double bgnbd_conditional_expected_purchases(const BgNbdParams& params, double t, std::int32_t x,
                                            double t_x, double T);

}  // namespace ecrm::analytics

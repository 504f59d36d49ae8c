#include "analytics/bgnbd.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "analytics/optimize.hpp"
#include "analytics/parallel.hpp"
#include "analytics/special.hpp"

namespace ecrm::analytics {
namespace {

// Customers with identical (x, t_x, T), evaluated once and weighted by their count.
struct Groups {
  std::vector<std::int32_t> x;
  std::vector<double> recency;
  std::vector<double> age;
  std::vector<double> weight;
  std::vector<std::int32_t> distinct_x;  // sorted
  std::vector<std::uint32_t> x_index;    // per group, into distinct_x
  double total_weight = 0.0;
};

Groups compress(const SummaryView& data) {
  const std::size_t n = data.frequency.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t l, std::uint32_t r) {
    if (data.frequency[l] != data.frequency[r]) return data.frequency[l] < data.frequency[r];
    if (data.age[l] != data.age[r]) return data.age[l] < data.age[r];
    return data.recency[l] < data.recency[r];
  });
  Groups groups;
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t i = order[k];
    if (!groups.x.empty() && groups.x.back() == data.frequency[i] &&
        groups.age.back() == data.age[i] && groups.recency.back() == data.recency[i]) {
      groups.weight.back() += 1.0;
      continue;
    }
    if (groups.distinct_x.empty() || groups.distinct_x.back() != data.frequency[i]) {
      groups.distinct_x.push_back(data.frequency[i]);
    }
    groups.x.push_back(data.frequency[i]);
    groups.recency.push_back(data.recency[i]);
    groups.age.push_back(data.age[i]);
    groups.weight.push_back(1.0);
    groups.x_index.push_back(static_cast<std::uint32_t>(groups.distinct_x.size() - 1));
  }
  groups.total_weight = static_cast<double>(n);
  return groups;
}

// Terms of the log-likelihood that depend on x only, and their derivatives.
struct XTerms {
  double constant;       // lnG(r+x) - lnG(r) + r ln alpha + lnB(a, b+x) - lnB(a, b)
  double log_ratio;      // ln a - ln(b + x - 1), for x > 0
  double d_r, d_a, d_b;  // derivatives of `constant`
  double d_b_ratio;      // derivative of log_ratio by b
};

std::vector<XTerms> x_terms(const BgNbdParams& p, const std::vector<std::int32_t>& xs,
                            bool with_gradient) {
  std::vector<XTerms> out(xs.size());
  const double base =
      -log_gamma(p.r) + p.r * std::log(p.alpha) + log_gamma(p.a + p.b) - log_gamma(p.b);
  double dr0 = 0, dab0 = 0, db0 = 0;
  if (with_gradient) {
    dr0 = -digamma(p.r) + std::log(p.alpha);
    dab0 = digamma(p.a + p.b);
    db0 = dab0 - digamma(p.b);
  }
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const double x = xs[k];
    XTerms& t = out[k];
    t.constant = base + log_gamma(p.r + x) + log_gamma(p.b + x) - log_gamma(p.a + p.b + x);
    t.log_ratio = x > 0 ? std::log(p.a) - std::log(p.b + x - 1.0) : 0.0;
    if (with_gradient) {
      const double psi_abx = digamma(p.a + p.b + x);
      t.d_r = dr0 + digamma(p.r + x);
      t.d_a = dab0 - psi_abx;
      t.d_b = db0 + digamma(p.b + x) - psi_abx;
      t.d_b_ratio = x > 0 ? -1.0 / (p.b + x - 1.0) : 0.0;
    }
  }
  return out;
}

struct Partial {
  double ll = 0.0;
  double g[4] = {0, 0, 0, 0};  // d/dr, d/dalpha, d/da, d/db
};

// Sums the weighted log-likelihood (and gradient by the natural parameters) over groups
// [begin, end). With A = -(r+x) ln(alpha+T) and B = ln(a/(b+x-1)) - (r+x) ln(alpha+t_x),
// ll = constant(x) + ln(e^A + [x>0] e^B); the weights of A and B in the log-sum-exp are the
// shares used in the derivatives.
Partial sum_groups(const BgNbdParams& p, const Groups& groups, const std::vector<XTerms>& terms,
                   std::size_t begin, std::size_t end, bool with_gradient) {
  Partial out;
  for (std::size_t i = begin; i < end; ++i) {
    const XTerms& t = terms[groups.x_index[i]];
    const double x = groups.x[i];
    const double w = groups.weight[i];
    const double rx = p.r + x;
    const double log_aT = std::log(p.alpha + groups.age[i]);
    const double A = -rx * log_aT;
    if (groups.x[i] == 0) {
      out.ll += w * (t.constant + A);
      if (with_gradient) {
        out.g[0] += w * (t.d_r - log_aT);
        out.g[1] += w * (p.r / p.alpha - rx / (p.alpha + groups.age[i]));
        out.g[2] += w * t.d_a;
        out.g[3] += w * t.d_b;
      }
      continue;
    }
    const double log_at = std::log(p.alpha + groups.recency[i]);
    const double B = t.log_ratio - rx * log_at;
    const double hi = std::max(A, B);
    const double e = std::exp(-std::fabs(A - B));
    out.ll += w * (t.constant + hi + std::log1p(e));
    if (with_gradient) {
      const double share_hi = 1.0 / (1.0 + e);
      const double share_A = A >= B ? share_hi : 1.0 - share_hi;
      const double share_B = 1.0 - share_A;
      out.g[0] += w * (t.d_r - share_A * log_aT - share_B * log_at);
      out.g[1] += w * (p.r / p.alpha - rx * (share_A / (p.alpha + groups.age[i]) +
                                             share_B / (p.alpha + groups.recency[i])));
      out.g[2] += w * (t.d_a + share_B / p.a);
      out.g[3] += w * (t.d_b + share_B * t.d_b_ratio);
    }
  }
  return out;
}

// Total over all groups on `workers` threads; gradient by (ln r, ln alpha, ln a, ln b).
double total(const BgNbdParams& p, const Groups& groups, int workers, double (*gradient)[4]) {
  const bool with_gradient = gradient != nullptr;
  const std::vector<XTerms> terms = x_terms(p, groups.distinct_x, with_gradient);
  std::vector<Partial> partials(static_cast<std::size_t>(std::max(workers, 1)));
  detail::parallel_slices(groups.x.size(), workers,
                          [&](std::size_t begin, std::size_t end, int worker) {
                            partials[static_cast<std::size_t>(worker)] =
                                sum_groups(p, groups, terms, begin, end, with_gradient);
                          });
  Partial sum;
  for (const Partial& part : partials) {
    sum.ll += part.ll;
    for (int k = 0; k < 4; ++k) sum.g[k] += part.g[k];
  }
  if (with_gradient) {
    const double theta[4] = {p.r, p.alpha, p.a, p.b};
    for (int k = 0; k < 4; ++k) (*gradient)[k] = sum.g[k] * theta[k];
  }
  return sum.ll;
}

BgNbdParams from_log(const std::vector<double>& v) {
  return BgNbdParams{std::exp(v[0]), std::exp(v[1]), std::exp(v[2]), std::exp(v[3])};
}

}  // namespace

Status validate_summary(const SummaryView& data) {
  const std::size_t n = data.frequency.size();
  if (data.recency.size() != n || data.age.size() != n) {
    return Error::invalid("frequency, recency and T columns differ in length");
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = data.frequency[i];
    const double t_x = data.recency[i];
    const double T = data.age[i];
    const std::string row = "row " + std::to_string(i) + ": ";
    if (x < 0) return Error::invalid(row + "frequency must be >= 0", "frequency");
    if (!std::isfinite(T) || T < 0) return Error::invalid(row + "T must be >= 0", "T");
    if (!std::isfinite(t_x) || t_x < 0 || t_x > T) {
      return Error::invalid(row + "recency must be between 0 and T", "recency");
    }
    if (x == 0 && t_x != 0) {
      return Error::invalid(row + "recency must be 0 when frequency is 0", "recency");
    }
  }
  return {};
}

double bgnbd_log_likelihood(const BgNbdParams& p, std::int32_t x, double t_x, double T) {
  const double xd = x;
  const double constant = log_gamma(p.r + xd) - log_gamma(p.r) + p.r * std::log(p.alpha) +
                          log_gamma(p.a + p.b) + log_gamma(p.b + xd) - log_gamma(p.b) -
                          log_gamma(p.a + p.b + xd);
  const double A = -(p.r + xd) * std::log(p.alpha + T);
  if (x == 0) return constant + A;
  const double B = std::log(p.a) - std::log(p.b + xd - 1.0) - (p.r + xd) * std::log(p.alpha + t_x);
  const double hi = std::max(A, B);
  return constant + hi + std::log1p(std::exp(-std::fabs(A - B)));
}

double bgnbd_log_likelihood(const BgNbdParams& params, const SummaryView& data,
                            double (*gradient)[4]) {
  Groups groups = compress(data);
  return total(params, groups, 1, gradient);
}

Result<BgNbdFit> fit_bgnbd(const SummaryView& data, const FitOptions& options) {
  ECRM_RETURN_IF_ERROR(validate_summary(data));
  if (data.frequency.empty()) return Error::invalid("no customers to fit", "frequency");
  const Groups groups = compress(data);
  const int workers = detail::worker_count(options.threads, groups.x.size(), 20'000);

  // Start from a rate near the observed one: r = 1 and alpha = sum(T) / sum(x).
  double sum_x = 0.0, sum_T = 0.0;
  for (std::size_t i = 0; i < groups.x.size(); ++i) {
    sum_x += groups.weight[i] * groups.x[i];
    sum_T += groups.weight[i] * groups.age[i];
  }
  const double alpha0 = sum_T / std::max(sum_x, 1.0);
  const double scale = 1.0 / groups.total_weight;

  detail::Objective objective = [&](const std::vector<double>& v, std::vector<double>& grad) {
    const BgNbdParams p = from_log(v);
    if (grad.empty()) return -total(p, groups, workers, nullptr) * scale;
    double g[4];
    const double ll = total(p, groups, workers, &g);
    for (int k = 0; k < 4; ++k) grad[static_cast<std::size_t>(k)] = -g[k] * scale;
    return -ll * scale;
  };
  detail::Minimum best = detail::minimize(objective, {0.0, std::log(alpha0), 0.0, 0.0}, -25.0, 25.0,
                                          options.max_evaluations);
  if (!best.found) return Error::unprocessable("BG/NBD fit did not reach a finite likelihood");
  BgNbdFit fit;
  fit.params = from_log(best.x);
  fit.log_likelihood = -best.value / scale;
  fit.customers = data.frequency.size();
  fit.groups = groups.x.size();
  fit.evaluations = best.evaluations;
  fit.method = best.method;
  return fit;
}

double bgnbd_p_alive(const BgNbdParams& p, std::int32_t x, double t_x, double T) {
  if (x == 0) return 1.0;
  const double xd = x;
  const double log_odds = std::log(p.a) - std::log(p.b + xd - 1.0) +
                          (p.r + xd) * (std::log(p.alpha + T) - std::log(p.alpha + t_x));
  return 1.0 / (1.0 + std::exp(log_odds));
}

namespace {

// (a+b+x-1)/(a-1) * [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)]: expected purchases in the
// next t of a customer alive now with x repeat purchases, z = t / (alpha + T + t).
double alive_expectation(double r, double a, double b, double x, double z) {
  const double c = a + b + x - 1.0;
  const double f = hyp2f1(a + b - 1.0 - r, a - 1.0, c, z);
  return c / (a - 1.0) * (1.0 - std::pow(1.0 - z, a - 1.0) * f);
}

double alive_expectation_safe(double r, double a, double b, double x, double z) {
  constexpr double kStep = 1e-5;
  if (std::fabs(a - 1.0) < kStep) {
    return 0.5 * (alive_expectation(r, 1.0 - kStep, b, x, z) +
                  alive_expectation(r, 1.0 + kStep, b, x, z));
  }
  return alive_expectation(r, a, b, x, z);
}

}  // namespace

double bgnbd_expected_purchases(const BgNbdParams& p, double t) {
  if (t <= 0) return 0.0;
  return alive_expectation_safe(p.r, p.a, p.b, 0.0, t / (p.alpha + t));
}

double bgnbd_conditional_expected_purchases(const BgNbdParams& p, double t, std::int32_t x,
                                            double t_x, double T) {
  if (t <= 0) return 0.0;
  const double z = t / (p.alpha + T + t);
  return alive_expectation_safe(p.r, p.a, p.b, x, z) * bgnbd_p_alive(p, x, t_x, T);
}

}  // namespace ecrm::analytics

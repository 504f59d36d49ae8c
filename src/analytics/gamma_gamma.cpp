#include "analytics/gamma_gamma.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analytics/buffer.hpp"
#include "analytics/optimize.hpp"
#include "analytics/parallel.hpp"
#include "analytics/special.hpp"

namespace ecrm::analytics {
namespace {

// The customers a fit uses, with x-only terms shared through `distinct_x`.
struct Prepared {
  LargeVector<std::uint32_t> x_index;  // into distinct_x
  LargeVector<double> m;
  LargeVector<double> log_m;
  LargeVector<double> x;
  std::vector<std::int32_t> distinct_x;
};

Prepared prepare(std::span<const std::int32_t> frequency, std::span<const double> monetary) {
  Prepared out;
  std::int32_t max_x = 0;
  for (std::size_t i = 0; i < frequency.size(); ++i) {
    if (frequency[i] > 0 && monetary[i] > 0) max_x = std::max(max_x, frequency[i]);
  }
  std::vector<std::int32_t> slot(static_cast<std::size_t>(max_x) + 1, -1);
  for (std::size_t i = 0; i < frequency.size(); ++i) {
    if (frequency[i] <= 0 || !(monetary[i] > 0)) continue;
    auto& s = slot[static_cast<std::size_t>(frequency[i])];
    if (s < 0) {
      s = static_cast<std::int32_t>(out.distinct_x.size());
      out.distinct_x.push_back(frequency[i]);
    }
    out.x_index.push_back(static_cast<std::uint32_t>(s));
    out.m.push_back(monetary[i]);
    out.log_m.push_back(std::log(monetary[i]));
    out.x.push_back(frequency[i]);
  }
  return out;
}

struct XTerms {
  double constant;  // lnG(px+q) - lnG(px) - lnG(q) + q ln gamma + px ln x
  double d_p;       // derivative of constant by p
  double d_q;       // by q
};

struct Partial {
  double ll = 0.0;
  double g[3] = {0, 0, 0};
};

double total(const GammaGammaParams& gp, const Prepared& data, int workers, double (*gradient)[3]) {
  const bool with_gradient = gradient != nullptr;
  const double p = gp.p, q = gp.q, gamma = gp.gamma;
  std::vector<XTerms> terms(data.distinct_x.size());
  const double log_gamma_q = log_gamma(q), log_g = std::log(gamma);
  const double psi_q = with_gradient ? digamma(q) : 0.0;
  for (std::size_t k = 0; k < terms.size(); ++k) {
    const double x = data.distinct_x[k];
    const double px = p * x;
    terms[k].constant =
        log_gamma(px + q) - log_gamma(px) - log_gamma_q + q * log_g + px * std::log(x);
    if (with_gradient) {
      const double psi_pxq = digamma(px + q);
      terms[k].d_p = x * (psi_pxq - digamma(px) + std::log(x));
      terms[k].d_q = psi_pxq - psi_q + log_g;
    }
  }
  std::vector<Partial> partials(static_cast<std::size_t>(std::max(workers, 1)));
  detail::parallel_slices(data.m.size(), workers, [&](std::size_t begin, std::size_t end, int w) {
    Partial out;
    for (std::size_t i = begin; i < end; ++i) {
      const XTerms& t = terms[data.x_index[i]];
      const double x = data.x[i];
      const double px = p * x;
      const double denom = gamma + data.m[i] * x;
      const double log_denom = std::log(denom);
      out.ll += t.constant + (px - 1.0) * data.log_m[i] - (px + q) * log_denom;
      if (with_gradient) {
        out.g[0] += t.d_p + x * (data.log_m[i] - log_denom);
        out.g[1] += t.d_q - log_denom;
        out.g[2] += q / gamma - (px + q) / denom;
      }
    }
    partials[static_cast<std::size_t>(w)] = out;
  });
  Partial sum;
  for (const Partial& part : partials) {
    sum.ll += part.ll;
    for (int k = 0; k < 3; ++k) sum.g[k] += part.g[k];
  }
  if (with_gradient) {
    const double theta[3] = {p, q, gamma};
    for (int k = 0; k < 3; ++k) (*gradient)[k] = sum.g[k] * theta[k];
  }
  return sum.ll;
}

}  // namespace

double gamma_gamma_log_likelihood(const GammaGammaParams& gp, std::int32_t x, double m) {
  const double xd = x;
  const double px = gp.p * xd;
  return log_gamma(px + gp.q) - log_gamma(px) - log_gamma(gp.q) + gp.q * std::log(gp.gamma) +
         (px - 1.0) * std::log(m) + px * std::log(xd) - (px + gp.q) * std::log(gp.gamma + m * xd);
}

double gamma_gamma_log_likelihood(const GammaGammaParams& params,
                                  std::span<const std::int32_t> frequency,
                                  std::span<const double> monetary, double (*gradient)[3]) {
  const Prepared data = prepare(frequency, monetary);
  return total(params, data, 1, gradient);
}

Result<GammaGammaFit> fit_gamma_gamma(std::span<const std::int32_t> frequency,
                                      std::span<const double> monetary, const FitOptions& options) {
  if (frequency.size() != monetary.size()) {
    return Error::invalid("frequency and monetary_value columns differ in length");
  }
  for (std::size_t i = 0; i < frequency.size(); ++i) {
    if (frequency[i] < 0 || !std::isfinite(monetary[i]) || monetary[i] < 0) {
      return Error::invalid(
          "row " + std::to_string(i) + ": frequency and monetary_value must be finite and >= 0",
          "monetary_value");
    }
  }
  const Prepared data = prepare(frequency, monetary);
  if (data.m.empty()) {
    return Error::invalid("no customer with frequency > 0 and monetary_value > 0 to fit",
                          "monetary_value");
  }
  const int workers = detail::worker_count(options.threads, data.m.size(), 20'000);
  double mean_m = 0.0;
  for (double m : data.m) mean_m += m;
  mean_m /= static_cast<double>(data.m.size());
  const double scale = 1.0 / static_cast<double>(data.m.size());
  detail::Objective objective = [&](const std::vector<double>& v, std::vector<double>& grad) {
    const GammaGammaParams gp{std::exp(v[0]), std::exp(v[1]), std::exp(v[2])};
    if (grad.empty()) return -total(gp, data, workers, nullptr) * scale;
    double g[3];
    const double ll = total(gp, data, workers, &g);
    for (int k = 0; k < 3; ++k) grad[static_cast<std::size_t>(k)] = -g[k] * scale;
    return -ll * scale;
  };
  // Start with p = 1, q = 2 and gamma chosen so the population mean p gamma / (q - 1) is the
  // sample mean.
  detail::Minimum best = detail::minimize(objective, {0.0, std::log(2.0), std::log(mean_m)}, -25.0,
                                          25.0, options.max_evaluations);
  if (!best.found) return Error::unprocessable("Gamma-Gamma fit did not reach a finite likelihood");
  GammaGammaFit fit;
  fit.params = {std::exp(best.x[0]), std::exp(best.x[1]), std::exp(best.x[2])};
  fit.log_likelihood = -best.value / scale;
  fit.customers = data.m.size();
  fit.evaluations = best.evaluations;
  fit.method = best.method;
  return fit;
}

double gamma_gamma_expected_value(const GammaGammaParams& gp, std::int32_t x, double m) {
  if (gp.q <= 1.0) return std::numeric_limits<double>::infinity();
  const double xd = x > 0 ? x : 0.0;
  const double mm = x > 0 ? m : 0.0;
  return gp.p * (gp.gamma + xd * mm) / (gp.p * xd + gp.q - 1.0);
}

}  // namespace ecrm::analytics

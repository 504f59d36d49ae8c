// BG/NBD and Gamma-Gamma formulas against values computed independently:
//  - the published CDNOW figures (FHL 2005): E[X(t)] for t = 1, 3, 32, 78 and the conditional
//    expectation 1.226 for x = 2, t_x = 30.43, T = 38.86, t = 39;
//  - brute-force numerical integration over the mixing distributions (see BruteForce below),
//    which uses neither the closed forms nor the hypergeometric function;
//  - Boost.Math's generic hypergeometric_pFq and closed forms of special cases for 2F1;
//  - central finite differences for the analytic gradients.
#include <gtest/gtest.h>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "analytics/bgnbd.hpp"
#include "analytics/clv.hpp"
#include "analytics/gamma_gamma.hpp"
#include "analytics/special.hpp"

namespace ecrm::analytics {
namespace {

const BgNbdParams kPublished{0.243, 4.414, 0.793, 2.426};
const BgNbdParams kOther{1.3, 10.0, 1.7, 3.2};  // a > 1, r > 1: the other side of the formulas

// Brute force: the BG/NBD posterior written as a double integral over the individual purchase
// rate lambda ~ Gamma(r, alpha) and dropout probability p ~ Beta(a, b), integrated numerically
// (tanh-sinh on p in (0,1); lambda split at 1 into tanh-sinh on (0,1] and exp-sinh on [1,inf)).
// Given (lambda, p), a history (x, t_x, T) has likelihood
//   (1-p)^x lambda^x e^(-lambda T)                      [still alive at T]
// + [x>0] p (1-p)^(x-1) lambda^x e^(-lambda t_x)        [dropped out right after t_x],
// and a customer alive at T makes (1 - e^(-lambda p t)) / p purchases in the next t on average
// (FHL 2005, eq. 7). So P(alive) is the share of the first term in the integrated likelihood,
// and the conditional expectation integrates (1 - e^(-lambda p t)) / p against the first term.
// The densities' normalising constants cancel in these ratios and are left out.
struct BruteForce {
  BgNbdParams p;

  // Integral over lambda of lambda^(r-1+k) e^(-c lambda) h(lambda).
  template <typename F>
  double over_lambda(double k, double c, F h) const {
    auto f = [&](double lambda) {
      if (lambda <= 0) return 0.0;
      return std::exp((p.r - 1.0 + k) * std::log(lambda) - c * lambda) * h(lambda);
    };
    boost::math::quadrature::tanh_sinh<double> near;
    boost::math::quadrature::exp_sinh<double> far;
    return near.integrate(f, 0.0, 1.0) +
           far.integrate(f, 1.0, std::numeric_limits<double>::infinity());
  }
  // Integral over p of p^(a-1+i) (1-p)^(b-1+j) h(p).
  template <typename F>
  double over_p(double i, double j, F h) const {
    auto f = [&](double q) {
      if (q <= 0 || q >= 1) return 0.0;
      return std::exp((p.a - 1.0 + i) * std::log(q) + (p.b - 1.0 + j) * std::log1p(-q)) * h(q);
    };
    boost::math::quadrature::tanh_sinh<double> integrator;
    return integrator.integrate(f, 0.0, 1.0);
  }
  double alive_mass(int x, double T) const {
    auto one = [](double) { return 1.0; };
    return over_p(0, x, one) * over_lambda(x, p.alpha + T, one);
  }
  double dead_mass(int x, double t_x) const {
    if (x == 0) return 0.0;
    auto one = [](double) { return 1.0; };
    return over_p(1, x - 1, one) * over_lambda(x, p.alpha + t_x, one);
  }
  double p_alive(int x, double t_x, double T) const {
    const double alive = alive_mass(x, T);
    return alive / (alive + dead_mass(x, t_x));
  }
  double conditional(double t, int x, double t_x, double T) const {
    const double numerator = over_p(0, x, [&](double q) {
      return over_lambda(x, p.alpha + T,
                         [&](double lambda) { return -std::expm1(-lambda * q * t) / q; });
    });
    return numerator / (alive_mass(x, T) + dead_mass(x, t_x));
  }
};

TEST(BgNbd, UnconditionalExpectationMatchesThePublishedFigures) {
  const double published[][2] = {{1, 0.0532}, {3, 0.1506}, {32, 1.0437}, {78, 1.8576}};
  for (const auto& [t, value] : published) {
    // The published parameters are rounded to 3 decimals, so allow 0.5%.
    EXPECT_NEAR(bgnbd_expected_purchases(kPublished, t), value, 0.005 * value) << "t=" << t;
  }
}

TEST(BgNbd, ConditionalExpectationMatchesThePublishedExample) {
  EXPECT_NEAR(bgnbd_conditional_expected_purchases(kPublished, 39, 2, 30.43, 38.86), 1.226, 0.002);
}

TEST(BgNbd, PAliveMatchesBruteForceIntegration) {
  struct Case {
    int x;
    double t_x, T;
  };
  for (const BgNbdParams& params : {kPublished, kOther}) {
    const BruteForce brute{params};
    for (const Case& c : {Case{1, 1.71, 38.86}, Case{2, 30.43, 38.86}, Case{5, 10.0, 38.0},
                          Case{7, 35.0, 36.0}, Case{12, 20.5, 50.0}}) {
      const double expected = brute.p_alive(c.x, c.t_x, c.T);
      EXPECT_NEAR(bgnbd_p_alive(params, c.x, c.t_x, c.T), expected, 1e-8 + 1e-7 * expected)
          << "x=" << c.x << " t_x=" << c.t_x << " T=" << c.T << " r=" << params.r;
    }
  }
  EXPECT_EQ(bgnbd_p_alive(kPublished, 0, 0, 30), 1.0);
}

TEST(BgNbd, ConditionalExpectationMatchesBruteForceIntegration) {
  struct Case {
    double t;
    int x;
    double t_x, T;
  };
  for (const BgNbdParams& params : {kPublished, kOther}) {
    const BruteForce brute{params};
    // Includes z = t / (alpha + T + t) > 0.9, where hyp2f1 switches to the 1 - z continuation.
    for (const Case& c : {Case{39, 2, 30.43, 38.86}, Case{39, 0, 0, 38.86}, Case{10, 4, 20, 30},
                          Case{400, 3, 5, 6}, Case{52, 9, 51, 52}}) {
      const double expected = brute.conditional(c.t, c.x, c.t_x, c.T);
      EXPECT_NEAR(bgnbd_conditional_expected_purchases(params, c.t, c.x, c.t_x, c.T), expected,
                  1e-6 * expected)
          << "t=" << c.t << " x=" << c.x << " r=" << params.r;
    }
  }
}

TEST(BgNbd, UnconditionalIsTheConditionalOfANewCustomer) {
  for (double t : {0.5, 5.0, 78.0, 500.0}) {
    EXPECT_NEAR(bgnbd_expected_purchases(kPublished, t),
                bgnbd_conditional_expected_purchases(kPublished, t, 0, 0, 0), 1e-10)
        << t;
  }
}

TEST(BgNbd, RemovableSingularityAtAEqualsOne) {
  BgNbdParams at{0.5, 5.0, 1.0, 2.0}, below{0.5, 5.0, 1.0 - 1e-3, 2.0},
      above{0.5, 5.0, 1.0 + 1e-3, 2.0};
  const double mid = bgnbd_conditional_expected_purchases(at, 20, 3, 10, 15);
  EXPECT_TRUE(std::isfinite(mid));
  const double average = 0.5 * (bgnbd_conditional_expected_purchases(below, 20, 3, 10, 15) +
                                bgnbd_conditional_expected_purchases(above, 20, 3, 10, 15));
  EXPECT_NEAR(mid, average, 1e-5 * average);
}

TEST(Hyp2f1, AgreesWithBoostAndClosedForms) {
  struct Case {
    double a, b, c, z;
  };
  for (const Case& k : {Case{0.243, 2.426, 2.219, 0.3}, Case{2.243, 4.426, 4.219, 0.474},
                        Case{1.976, -0.207, 4.219, 0.47}, Case{0.243, 2.426, 2.219, 0.947},
                        Case{3.5, 1.25, 2.75, 0.97}, Case{0.5, 0.5, 1.5, 0.999}}) {
    const double boost = boost::math::hypergeometric_pFq({k.a, k.b}, {k.c}, k.z);
    EXPECT_NEAR(hyp2f1(k.a, k.b, k.c, k.z), boost, 1e-11 * std::fabs(boost))
        << k.a << " " << k.b << " " << k.c << " " << k.z;
  }
  // 2F1(1, 1; 2; z) = -ln(1 - z) / z: c - a - b = 0 is an integer, so the series is used.
  for (double z : {0.1, 0.5, 0.9, 0.95, 0.99}) {
    EXPECT_NEAR(hyp2f1(1, 1, 2, z), -std::log1p(-z) / z, 1e-12) << z;
  }
  // 2F1(a, b; b; z) = (1 - z)^-a, with c - a - b = -a non-integer for the continuation.
  EXPECT_NEAR(hyp2f1(0.7, 2.0, 2.0, 0.95), std::pow(0.05, -0.7), 1e-10);
  EXPECT_TRUE(std::isnan(hyp2f1(1, 1, 2, 1.0)));
  EXPECT_TRUE(std::isnan(hyp2f1(1, 1, -2, 0.5)));
}

// The likelihood summed over a small summary, at parameters exp(v).
double ll_at(const std::vector<double>& v, const SummaryView& data) {
  return bgnbd_log_likelihood(
      BgNbdParams{std::exp(v[0]), std::exp(v[1]), std::exp(v[2]), std::exp(v[3])}, data);
}

TEST(BgNbd, GradientMatchesFiniteDifferences) {
  const std::vector<std::int32_t> x = {0, 0, 1, 2, 2, 5, 9, 0, 3};
  const std::vector<double> t_x = {0, 0, 1.5, 30.43, 12, 20, 38, 0, 3};
  const std::vector<double> T = {10, 38.86, 20, 38.86, 38.86, 25, 39, 1, 3};
  const SummaryView data{x, t_x, T};
  for (const BgNbdParams& params : {kPublished, kOther}) {
    double gradient[4];
    const double ll = bgnbd_log_likelihood(params, data, &gradient);
    double sum = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
      sum += bgnbd_log_likelihood(params, x[i], t_x[i], T[i]);
    EXPECT_NEAR(ll, sum, 1e-9 * std::fabs(sum));
    const std::vector<double> v = {std::log(params.r), std::log(params.alpha), std::log(params.a),
                                   std::log(params.b)};
    for (int k = 0; k < 4; ++k) {
      const double h = 1e-5;
      std::vector<double> up = v, down = v;
      up[static_cast<std::size_t>(k)] += h;
      down[static_cast<std::size_t>(k)] -= h;
      const double numeric = (ll_at(up, data) - ll_at(down, data)) / (2 * h);
      EXPECT_NEAR(gradient[k], numeric, 1e-6 * (1 + std::fabs(numeric))) << "parameter " << k;
    }
  }
}

TEST(BgNbd, GroupingCustomersDoesNotChangeTheLikelihood) {
  // Day-grid data (few distinct T and t_x: customers are grouped and values tabulated) and
  // continuous data (more distinct values than the packed key holds: no grouping): both totals
  // equal the plain sum of the per-customer likelihoods, gradients included.
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (bool grid : {true, false}) {
    const std::size_t n = 70'000;
    std::vector<std::int32_t> x(n);
    std::vector<double> t_x(n), T(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double days = grid ? std::floor(1 + unit(rng) * 364) : 1 + unit(rng) * 364;
      T[i] = days / 7.0;
      x[i] = static_cast<std::int32_t>(unit(rng) * 4) * static_cast<std::int32_t>(unit(rng) * 3);
      t_x[i] = x[i] == 0 ? 0.0 : (grid ? std::floor(unit(rng) * days) : unit(rng) * days) / 7.0;
    }
    const SummaryView data{x, t_x, T};
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += bgnbd_log_likelihood(kPublished, x[i], t_x[i], T[i]);
    double gradient[4];
    EXPECT_NEAR(bgnbd_log_likelihood(kPublished, data, &gradient), sum, 1e-9 * std::fabs(sum))
        << (grid ? "grid" : "continuous");
    const double h = 1e-6;
    BgNbdParams up = kPublished;
    up.b *= std::exp(h);
    BgNbdParams down = kPublished;
    down.b *= std::exp(-h);
    const double numeric =
        (bgnbd_log_likelihood(up, data) - bgnbd_log_likelihood(down, data)) / (2 * h);
    EXPECT_NEAR(gradient[3], numeric, 1e-5 * (1 + std::fabs(numeric)));
  }
}

TEST(GammaGamma, GradientMatchesFiniteDifferences) {
  const std::vector<std::int32_t> x = {1, 2, 2, 5, 9, 0, 3};
  const std::vector<double> m = {10.5, 22.345, 7.0, 40.1, 15.0, 0.0, 3.2};
  for (const GammaGammaParams& params :
       {GammaGammaParams{6.25, 3.74, 15.44}, GammaGammaParams{0.8, 1.5, 2.0}}) {
    double gradient[3];
    gamma_gamma_log_likelihood(params, x, m, &gradient);
    const double v[3] = {std::log(params.p), std::log(params.q), std::log(params.gamma)};
    for (int k = 0; k < 3; ++k) {
      const double h = 1e-5;
      double up[3] = {v[0], v[1], v[2]}, down[3] = {v[0], v[1], v[2]};
      up[k] += h;
      down[k] -= h;
      auto at = [&](const double* w) {
        return gamma_gamma_log_likelihood({std::exp(w[0]), std::exp(w[1]), std::exp(w[2])}, x, m);
      };
      const double numeric = (at(up) - at(down)) / (2 * h);
      EXPECT_NEAR(gradient[k], numeric, 1e-6 * (1 + std::fabs(numeric))) << "parameter " << k;
    }
  }
}

TEST(GammaGamma, LikelihoodIsADensityInTheMeanValue) {
  // For fixed x the likelihood is the density of the mean value m: it integrates to 1.
  const GammaGammaParams params{6.25, 3.74, 15.44};
  for (int x : {1, 3}) {
    boost::math::quadrature::exp_sinh<double> integrator;
    const double total = integrator.integrate(
        [&](double m) { return m <= 0 ? 0.0 : std::exp(gamma_gamma_log_likelihood(params, x, m)); },
        0.0, std::numeric_limits<double>::infinity());
    EXPECT_NEAR(total, 1.0, 1e-8) << x;
  }
}

TEST(GammaGamma, ExpectedValueShrinksTowardsThePopulationMean) {
  const GammaGammaParams params{6.25, 3.74, 15.44};
  const double population = params.p * params.gamma / (params.q - 1);
  EXPECT_NEAR(gamma_gamma_expected_value(params, 0, 0), population, 1e-12);
  const double one = gamma_gamma_expected_value(params, 1, 100.0);
  const double many = gamma_gamma_expected_value(params, 50, 100.0);
  EXPECT_GT(one, population);
  EXPECT_LT(one, many);
  EXPECT_LT(many, 100.0);
  // The weighted-average form of Fader & Hardie (2013, eq. 5).
  const double w = (params.q - 1) / (params.p * 2 + params.q - 1);
  EXPECT_NEAR(gamma_gamma_expected_value(params, 2, 30.0), w * population + (1 - w) * 30.0, 1e-12);
}

TEST(Clv, DiscountedSumReducesToTheUndiscountedExpectation) {
  const GammaGammaParams spend{6.25, 3.74, 15.44};
  const std::vector<std::int32_t> x = {2, 0};
  const std::vector<double> t_x = {30.43, 0}, T = {38.86, 38.86}, m = {22.345, 0};
  const SummaryView data{x, t_x, T};
  const auto flat = predict_customers(kPublished, spend, data, m, 39, 0.0, 1);
  const auto discounted = predict_customers(kPublished, spend, data, m, 39, 0.01, 1);
  ASSERT_EQ(flat.size(), 2u);
  EXPECT_NEAR(flat[0].expected_purchases, 1.226, 0.002);
  EXPECT_NEAR(flat[0].clv, flat[0].expected_purchases * flat[0].expected_avg_value, 1e-9);
  EXPECT_LT(discounted[0].clv, flat[0].clv);
  EXPECT_GT(discounted[0].clv, flat[0].clv / std::pow(1.01, 39));
  // With a zero discount rate the step-by-step sum equals the single expectation.
  EXPECT_NEAR(discounted_expected_purchases(kPublished, 2, 30.43, 38.86, 39, 1e-12),
              flat[0].expected_purchases, 1e-9);
  const auto no_spend = predict_customers(kPublished, std::nullopt, data, {}, 39, 0.0, 1);
  EXPECT_TRUE(std::isnan(no_spend[0].clv));
}

TEST(BgNbd, FitRejectsInvalidSummaries) {
  const std::vector<std::int32_t> x = {1, 0};
  const std::vector<double> t_x = {5, 1}, T = {10, 10};
  auto fit = fit_bgnbd(SummaryView{x, t_x, T});
  ASSERT_FALSE(fit.ok());
  EXPECT_NE(fit.error().message.find("row 1"), std::string::npos) << fit.error().message;
  EXPECT_FALSE(fit_bgnbd(SummaryView{}).ok());
}

}  // namespace
}  // namespace ecrm::analytics

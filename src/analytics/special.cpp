#include "analytics/special.hpp"

#include <algorithm>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

namespace ecrm::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr long kMaxTerms = 10'000'000;

bool is_non_positive_integer(double x) { return x <= 0 && x == std::nearbyint(x); }

// Sums the power series of 2F1 at |z| < 1. The ratio of consecutive terms is
// z (a+n)(b+n) / ((c+n)(n+1)). Once a+n, b+n and c+n are all positive, each factor
// (a+m)/(c+m) and (b+m)/(m+1) moves monotonically towards 1 as m grows, so for every later m the
// ratio is at most q = z max(1, (a+n)/(c+n)) max(1, (b+n)/(n+1)); when q < 1 the remainder is at
// most |term| q / (1 - q). (This stops as soon as the sum has converged, also when a, b and c
// are in the tens of thousands, as BG/NBD parameters of data without drop-outs can be.)
double series(double a, double b, double c, double z) {
  long double sum = 1.0L;
  long double term = 1.0L;
  const double positive_from = std::max({0.0, -a, -b, -c});
  for (long n = 0; n < kMaxTerms; ++n) {
    const long double dn = static_cast<long double>(n);
    term *= (a + dn) * (b + dn) / ((c + dn) * (dn + 1.0L)) * z;
    sum += term;
    if (term == 0.0L) return static_cast<double>(sum);
    const long double m = dn + 1.0L;  // the index of the next ratio
    if (m <= positive_from) continue;
    const long double q = std::fabs(z) * std::max(1.0L, (a + m) / (c + m)) *
                          std::max(1.0L, (b + m) / (m + 1.0L));
    if (q < 1.0L && std::fabs(term) * q / (1.0L - q) <= 1e-17L * std::fabs(sum)) {
      return static_cast<double>(sum);
    }
  }
  return kNaN;
}

// Gamma(n1) Gamma(n2) / (Gamma(d1) Gamma(d2)) in log space with signs; 0 when a denominator
// argument is a pole.
double gamma_ratio(double n1, double n2, double d1, double d2) {
  if (is_non_positive_integer(d1) || is_non_positive_integer(d2)) return 0.0;
  int s1 = 1, s2 = 1, s3 = 1, s4 = 1;
  const double log_value =
      log_gamma(n1, &s1) + log_gamma(n2, &s2) - log_gamma(d1, &s3) - log_gamma(d2, &s4);
  return s1 * s2 * s3 * s4 * std::exp(log_value);
}

}  // namespace

double log_gamma(double x, int* sign) {
  int s = 1;
  const double value = boost::math::lgamma(x, &s);
  if (sign != nullptr) *sign = s;
  return value;
}

double digamma(double x) { return boost::math::digamma(x); }

double hyp2f1(double a, double b, double c, double z) {
  if (!(z >= 0.0 && z < 1.0) || !std::isfinite(a) || !std::isfinite(b) || !std::isfinite(c) ||
      is_non_positive_integer(c)) {
    return kNaN;
  }
  if (z == 0.0) return 1.0;
  const double s = c - a - b;
  if (z <= 0.9 || std::fabs(s - std::nearbyint(s)) < 1e-6) return series(a, b, c, z);
  const double w = 1.0 - z;
  const double first = gamma_ratio(c, s, c - a, c - b);
  const double second = gamma_ratio(c, -s, a, b);
  double result = 0.0;
  if (first != 0.0) result += first * series(a, b, 1.0 - s, w);
  if (second != 0.0) result += second * std::pow(w, s) * series(c - a, c - b, 1.0 + s, w);
  return result;
}

}  // namespace ecrm::analytics

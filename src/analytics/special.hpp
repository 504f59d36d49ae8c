// Special functions the lifetime-value models need, implemented here so that their accuracy and
// cost are under our control: the Gauss hypergeometric function and gamma-function helpers.
#pragma once

namespace ecrm::analytics {

// Gauss hypergeometric function 2F1(a, b; c; z) for real a, b, c (c not 0, -1, -2, …) and
// 0 <= z < 1, the region the BG/NBD formulas use.
// For z <= 0.9 the defining power series is summed until a bound on the remainder is below
// 1e-17 of the sum. Above 0.9 that series converges slowly, so the analytic continuation in 1 - z
// (Abramowitz & Stegun 15.3.6) is used, unless c - a - b is within 1e-6 of an integer, where that
// formula is singular and the direct series is summed instead. Returns NaN outside the domain or
// if the series has not converged after 10^7 terms. Relative accuracy about 1e-13 where the
// result does not come from cancelling terms. Thread-safe.
double hyp2f1(double a, double b, double c, double z);

// ln |Gamma(x)| for any real x that is not a pole; thread-safe (std::lgamma writes signgam).
// If `sign` is not null it receives the sign of Gamma(x) (+1 or -1).
double log_gamma(double x, int* sign = nullptr);

// Digamma psi(x) = d/dx ln Gamma(x) for x > 0.
double digamma(double x);

}  // namespace ecrm::analytics

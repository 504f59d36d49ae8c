#include "partners/purchasing_engine.hpp"

#include <algorithm>
#include <cmath>

namespace ecrm::partners {

namespace {

// A quantity that should be a whole number of units: rounding noise below 1e-9 is not a unit.
std::int64_t ceil_units(double value) {
  if (value <= 0) return 0;
  return static_cast<std::int64_t>(std::ceil(value - 1e-9));
}

}  // namespace

double normal_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  if (!(p > 0 && p < 1)) return std::nan("");
  constexpr double kLow = 0.02425;
  double x = 0;
  if (p < kLow) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - kLow) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step against the normal CDF.
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

PurchaseSuggestion suggest(const PurchaseInput& input, const PurchaseParams& params) {
  PurchaseSuggestion out;
  out.product_id = input.product_id;
  out.sku = input.sku;
  out.name = input.name;
  out.stock_on_hand = input.stock_on_hand;
  out.lead_time_days = input.lead_time_days;
  const auto days = static_cast<double>(input.daily_units.size());
  if (days > 0) {
    double sum = 0;
    for (auto units : input.daily_units) sum += static_cast<double>(units);
    out.velocity = sum / days;
    double squares = 0;
    for (auto units : input.daily_units) {
      const double diff = static_cast<double>(units) - out.velocity;
      squares += diff * diff;
    }
    out.daily_stddev = std::sqrt(squares / days);
  }
  const auto lead = static_cast<double>(std::max<std::int64_t>(0, input.lead_time_days));
  const auto review = static_cast<double>(std::max<std::int64_t>(0, params.review_days));
  out.safety_stock = ceil_units(params.z * out.daily_stddev * std::sqrt(lead));
  out.reorder_point = ceil_units(out.velocity * lead) + out.safety_stock;
  out.suggested_quantity = std::max<std::int64_t>(
      0, ceil_units(out.velocity * (lead + review)) + out.safety_stock - input.stock_on_hand);
  out.reorder_now = out.velocity > 0 && input.stock_on_hand <= out.reorder_point;
  if (out.velocity > 0) {
    out.days_of_stock = static_cast<double>(std::max<std::int64_t>(0, input.stock_on_hand)) /
                        out.velocity;
  }
  return out;
}

void sort_by_urgency(std::vector<PurchaseSuggestion>& items) {
  std::stable_sort(items.begin(), items.end(),
                   [](const PurchaseSuggestion& x, const PurchaseSuggestion& y) {
                     if (x.days_of_stock.has_value() != y.days_of_stock.has_value()) {
                       return x.days_of_stock.has_value();
                     }
                     if (x.days_of_stock && *x.days_of_stock != *y.days_of_stock) {
                       return *x.days_of_stock < *y.days_of_stock;
                     }
                     return x.product_id < y.product_id;
                   });
}

std::vector<PurchaseSuggestion> suggest_all(const std::vector<PurchaseInput>& inputs,
                                            const PurchaseParams& params) {
  std::vector<PurchaseSuggestion> out;
  out.reserve(inputs.size());
  for (const auto& input : inputs) out.push_back(suggest(input, params));
  sort_by_urgency(out);
  return out;
}

}  // namespace ecrm::partners

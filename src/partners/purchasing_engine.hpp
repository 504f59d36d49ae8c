// The purchase suggestion engine: pure functions over a product's daily sales, stock and lead
// time (no I/O; purchasing.hpp gathers the inputs).
//
//   velocity v      = mean units sold per day over the window (days without sales count as 0)
//   σ               = the population standard deviation of those daily units
//   safety stock SS = ceil(z · σ · √L), z the standard normal quantile of the service level
//   reorder point   = ceil(v · L) + SS
//   suggested qty   = max(0, ceil(v · (L + R)) + SS − stock), R the review period in days
//   days of stock   = stock / v (none when nothing sold)
// Items are ordered most urgent first: fewest days of stock, products that did not sell last,
// then by product id.
#pragma once

#include <cstdint>
#include <vector>

#include "partners/purchasing_model.hpp"

namespace ecrm::partners {

struct PurchaseParams {
  double z = 1.6448536269514722;  // 95 %
  std::int64_t review_days = 7;
};

// What the engine needs of one product; `daily_units` has one entry per day of the window.
struct PurchaseInput {
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::vector<std::int64_t> daily_units;
  std::int64_t stock_on_hand = 0;
  std::int64_t lead_time_days = 0;
};

// The standard normal quantile of p, 0 < p < 1 (Acklam's rational approximation, refined by
// one Halley step: accurate to about 1e-15).
double normal_quantile(double p);

// One product's suggestion (without the partner, which the caller fills in).
PurchaseSuggestion suggest(const PurchaseInput& input, const PurchaseParams& params);

// Suggestions for every input, most urgent first.
std::vector<PurchaseSuggestion> suggest_all(const std::vector<PurchaseInput>& inputs,
                                            const PurchaseParams& params);

// Sorts suggestions most urgent first (the order above).
void sort_by_urgency(std::vector<PurchaseSuggestion>& items);

}  // namespace ecrm::partners

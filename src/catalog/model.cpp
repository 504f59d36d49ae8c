#include "catalog/model.hpp"

#include <algorithm>

namespace ecrm::catalog {

namespace {

// The rule of price_tiers() over the sorted prices of the active reference products.
PriceTier tier_in(const std::vector<std::int64_t>& sorted_active, std::int64_t price, bool active) {
  auto low = std::lower_bound(sorted_active.begin(), sorted_active.end(), price);
  auto high = std::upper_bound(low, sorted_active.end(), price);
  std::int64_t cheaper = low - sorted_active.begin();
  std::int64_t equal = high - low;
  std::int64_t n = static_cast<std::int64_t>(sorted_active.size());
  if (!active) {  // ranked as if it were one of them
    ++equal;
    ++n;
  }
  // q = (cheaper + equal/2) / n compared with 1/3 and 2/3, in integers.
  std::int64_t scaled = 3 * (2 * cheaper + equal);
  if (scaled < 2 * n) return PriceTier::kBudget;
  if (scaled > 4 * n) return PriceTier::kPremium;
  return PriceTier::kMid;
}

std::vector<std::int64_t> sorted_active_prices(std::span<const TierInput> group) {
  std::vector<std::int64_t> prices;
  prices.reserve(group.size());
  for (const auto& p : group) {
    if (p.active) prices.push_back(p.price);
  }
  std::sort(prices.begin(), prices.end());
  return prices;
}

}  // namespace

std::vector<PriceTier> price_tiers(std::span<const TierInput> group) {
  auto prices = sorted_active_prices(group);
  std::vector<PriceTier> tiers;
  tiers.reserve(group.size());
  for (const auto& p : group) tiers.push_back(tier_in(prices, p.price, p.active));
  return tiers;
}

}  // namespace ecrm::catalog

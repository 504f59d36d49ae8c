#include "synthetic.hpp"

#include <algorithm>
#include <cmath>

namespace ecrm::recommend::bench {

ZipfSampler::ZipfSampler(std::size_t n, double exponent) : cdf_(n) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += 1.0 / std::pow(static_cast<double>(i + 1), exponent);
    cdf_[i] = sum;
  }
  for (double& c : cdf_) c /= sum;
}

ItemId ZipfSampler::operator()(std::mt19937_64& rng) const {
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u);
  if (it == cdf_.end()) --it;
  return static_cast<ItemId>(it - cdf_.begin());
}

TransactionSet synthetic_baskets(std::size_t count, std::size_t items, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  ZipfSampler zipf(items, 1.0);
  std::poisson_distribution<int> size(3.5);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  // Bundles: 2-4 items from the top 2000.
  std::vector<std::vector<ItemId>> bundles(500);
  for (auto& bundle : bundles) {
    std::size_t length = 2 + rng() % 3;
    while (bundle.size() < length) bundle.push_back(static_cast<ItemId>(rng() % 2000));
  }
  ZipfSampler bundle_pick(bundles.size(), 1.0);
  TransactionSet out;
  out.item_count = items;
  out.offsets.reserve(count + 1);
  out.items.reserve(count * 6);
  std::vector<ItemId> basket;
  for (std::size_t t = 0; t < count; ++t) {
    basket.clear();
    int n = 1 + size(rng);
    for (int k = 0; k < n; ++k) basket.push_back(zipf(rng));
    if (unit(rng) < 0.3) {
      const auto& bundle = bundles[bundle_pick(rng)];
      basket.insert(basket.end(), bundle.begin(), bundle.end());
    }
    out.add(basket);
  }
  out.item_count = items;
  return out;
}

InteractionMatrix synthetic_purchases(std::size_t customers, std::size_t items, double exponent,
                                      std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  ZipfSampler zipf(items, exponent);
  // Shuffle which ids are popular so popularity is not correlated with id.
  std::vector<ItemId> permutation(items);
  for (ItemId i = 0; i < items; ++i) permutation[i] = i;
  std::shuffle(permutation.begin(), permutation.end(), rng);
  InteractionMatrix m;
  m.customer_count = customers;
  m.item_count = items;
  m.offsets.reserve(customers + 1);
  m.items.reserve(customers * 13);
  std::vector<ItemId> row;
  for (std::size_t c = 0; c < customers; ++c) {
    std::size_t want = 5 + rng() % 16;
    row.clear();
    while (row.size() < want) {
      ItemId item = permutation[zipf(rng)];
      if (std::find(row.begin(), row.end(), item) == row.end()) row.push_back(item);
    }
    std::sort(row.begin(), row.end());
    m.items.insert(m.items.end(), row.begin(), row.end());
    m.offsets.push_back(m.items.size());
  }
  m.values.assign(m.items.size(), 1.0f);
  return m;
}

}  // namespace ecrm::recommend::bench

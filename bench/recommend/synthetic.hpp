// Synthetic shop data for the recommend benchmarks: item popularity follows a power law (Zipf),
// and some items come in bundles that are bought together, so there are rules to find.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "recommend/model.hpp"
#include "recommend/similarity.hpp"

namespace ecrm::recommend::bench {

// Draws item ids 0..n-1 with probability proportional to 1 / (rank + 1)^exponent.
class ZipfSampler {
 public:
  ZipfSampler(std::size_t n, double exponent);
  ItemId operator()(std::mt19937_64& rng) const;

 private:
  std::vector<double> cdf_;
};

// `count` baskets over `items` items: 1 + Poisson(3.5) items each drawn by Zipf(1.0), and with
// probability 0.3 one of 500 bundles of 2-4 items added whole.
TransactionSet synthetic_baskets(std::size_t count, std::size_t items, std::uint64_t seed);

// `customers` x `items` purchase matrix: each customer buys 5-20 distinct items drawn by
// Zipf(exponent).
InteractionMatrix synthetic_purchases(std::size_t customers, std::size_t items, double exponent,
                                      std::uint64_t seed);

}  // namespace ecrm::recommend::bench

// Synthetic data for the analytics benchmarks, deterministic for a given seed so that the C++
// benchmarks and the SQL comparison (rfm_sql.sh, through generate_orders) see the same orders.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/time.hpp"

namespace ecrm::bench {

// splitmix64: a small, fast, fully specified generator (the same stream on every platform).
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

struct SyntheticOrders {
  std::vector<std::uint32_t> customer;
  std::vector<std::int32_t> day;
  std::vector<std::int64_t> amount_minor;
  std::size_t customers = 0;
  std::int32_t first_day = 0;
  std::int32_t last_day = 0;
};

// `orders` orders over `customers` customers in the three years 2021–2023, in random order.
// Customer k is picked with probability ~ 1/sqrt(k) (a few heavy buyers, a long tail of light
// ones: about 10 orders per customer on average at 10x as many orders as customers); each
// customer has a spending level, so revenue is concentrated too.
inline SyntheticOrders make_orders(std::size_t orders, std::size_t customers,
                                   std::uint64_t seed = 42) {
  SyntheticOrders out;
  out.customers = customers;
  out.first_day = static_cast<std::int32_t>(days_from_civil(2021, 1, 1));
  out.last_day = static_cast<std::int32_t>(days_from_civil(2023, 12, 31));
  const std::int32_t span = out.last_day - out.first_day + 1;
  out.customer.resize(orders);
  out.day.resize(orders);
  out.amount_minor.resize(orders);
  SplitMix rng(seed);
  for (std::size_t i = 0; i < orders; ++i) {
    const double u = rng.uniform();
    const auto c = static_cast<std::uint32_t>(static_cast<double>(customers) * u * u);
    out.customer[i] = c;
    out.day[i] =
        out.first_day + static_cast<std::int32_t>(rng.next() % static_cast<std::uint64_t>(span));
    // Spending level by customer (1x..8x), times a per-order amount of 5.00..104.99.
    const std::int64_t level = 1 + static_cast<std::int64_t>((c * 2654435761u) >> 29);
    out.amount_minor[i] = level * (500 + static_cast<std::int64_t>(rng.next() % 10'000));
  }
  return out;
}

// A (x, t_x, T, mean value) summary simulated from the BG/NBD and Gamma-Gamma processes with
// known parameters, on a daily grid measured in weeks, as real transaction data would give.
struct SyntheticSummary {
  std::vector<std::int32_t> frequency;
  std::vector<double> recency;
  std::vector<double> age;
  std::vector<double> monetary;
};

inline SyntheticSummary make_summary(std::size_t customers, std::uint64_t seed = 7) {
  // Parameters near the CDNOW estimates; first purchases spread over one year of days.
  const double r = 0.25, alpha = 4.0, a = 0.8, b = 2.5;
  const double p = 6.0, q = 4.0, gamma = 15.0;
  std::mt19937_64 engine(seed);
  std::gamma_distribution<double> lambda_dist(r, 1.0 / alpha);
  std::gamma_distribution<double> beta_a(a, 1.0), beta_b(b, 1.0);
  std::gamma_distribution<double> nu_dist(q, 1.0 / gamma);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  SyntheticSummary out;
  out.frequency.reserve(customers);
  for (std::size_t i = 0; i < customers; ++i) {
    const double lambda = lambda_dist(engine);
    const double ga = beta_a(engine), gb = beta_b(engine);
    const double drop = ga / (ga + gb);
    const int age_days = 1 + static_cast<int>(unit(engine) * 364.0);
    const double T = age_days;
    double t = 0.0, last = 0.0;
    int x = 0;
    while (lambda > 0) {
      t += -std::log(1.0 - unit(engine)) / (lambda / 7.0);  // lambda per week, t in days
      if (t > T) break;
      ++x;
      last = t;
      if (unit(engine) < drop) break;
    }
    const double last_day = std::floor(last);
    double mean = 0.0;
    if (x > 0) {
      const double nu = nu_dist(engine);
      std::gamma_distribution<double> value(p, 1.0 / nu);
      for (int k = 0; k < x; ++k) mean += value(engine);
      mean /= x;
    }
    out.frequency.push_back(x);
    out.recency.push_back(x > 0 ? last_day / 7.0 : 0.0);
    out.age.push_back(T / 7.0);
    out.monetary.push_back(mean);
  }
  return out;
}

}  // namespace ecrm::bench

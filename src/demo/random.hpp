// A small, fully specified pseudo-random generator and the distributions the demo shop draws
// from. std::mt19937 is specified but std:: distributions are not (libstdc++ and libc++ give
// different numbers), so the demo uses its own: the same seed gives the same shop everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ecrm::demo {

// One step of splitmix64: a strong 64-bit mixer, used to seed streams and to hash.
std::uint64_t splitmix64(std::uint64_t& state);

// A seed for an independent stream: `seed` mixed with a label and an index, so every customer
// (and the catalog) draws from its own stream and can be generated on its own.
std::uint64_t stream_seed(std::uint64_t seed, std::string_view label, std::uint64_t index = 0);

// xoshiro256** (Blackman and Vigna), seeded through splitmix64. Not thread-safe; cheap to copy.
class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  std::uint64_t next();
  // Uniform in [0, 1) with 53 bits.
  double uniform();
  // Uniform integer in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n);
  // Uniform integer in [lo, hi]; lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  // True with probability p.
  bool chance(double p);
  // Standard normal (Box-Muller, two uniforms per draw).
  double normal();
  // exp(mu + sigma * normal()).
  double lognormal(double mu, double sigma);
  // Exponential with the given mean.
  double exponential(double mean);
  // Gamma with shape k > 0 and scale theta (Marsaglia-Tsang; k < 1 by the boost k+1 trick).
  double gamma(double shape, double scale);
  // Beta(a, b) as X / (X + Y) of two gammas.
  double beta(double a, double b);
  // An index drawn with probability proportional to `weights` (non-negative, not all zero).
  std::size_t weighted(std::span<const double> weights);

  template <typename T>
  const T& pick(std::span<const T> items) {
    return items[below(items.size())];
  }

 private:
  std::uint64_t s_[4];
};

}  // namespace ecrm::demo

// Exact non-negative rationals for thresholds. "Support >= 0.01" must keep an itemset found in
// exactly 1% of the transactions, which floating point cannot promise (0.01 has no exact binary
// form), so thresholds are parsed from their decimal text into numerator/denominator and every
// comparison is done in integer arithmetic.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.hpp"

namespace ecrm::recommend {

struct Fraction {
  std::uint64_t numerator = 0;
  std::uint64_t denominator = 1;  // never 0

  double to_double() const {
    return static_cast<double>(numerator) / static_cast<double>(denominator);
  }
  friend bool operator==(const Fraction&, const Fraction&) = default;
};

// Parses a non-negative decimal such as "0.01", "1", ".5", "5e-3" or "2.5E-2" exactly, reduced to
// lowest terms. Errors (kInvalidArgument): empty text, a sign, other characters, or a value that
// needs more than 18 significant digits or a denominator above 10^18.
Result<Fraction> parse_fraction(std::string_view text);

// True when count / total >= threshold, exactly. `total` 0 is treated as 1.
bool at_least(std::uint64_t count, std::uint64_t total, Fraction threshold);

// The smallest count c with c / total >= threshold (that is ceil(threshold * total)), exactly.
std::uint64_t min_count_for(Fraction threshold, std::uint64_t total);

}  // namespace ecrm::recommend

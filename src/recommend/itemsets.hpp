// Frequent itemsets (FP-growth) and association rules X => {y}: the "simple chain" — customers who
// put a baby bottle in their basket also put baby food in it.
//
// Definitions, for N transactions: count(S) is the number of transactions containing every item of
// S; support(S) = count(S) / N. A rule X => {y} (X non-empty, y not in X) has
//   count      = count(X ∪ {y})
//   support    = count / N                       (the support of X ∪ {y})
//   confidence = count / count(X)
//   lift       = confidence / support({y}) = count * N / (count(X) * count({y}))
// Thresholds are inclusive and compared exactly (see fraction.hpp): an itemset is frequent when
// support >= min_support, a rule is kept when its itemset is frequent and confidence >=
// min_confidence. Itemsets never found in any transaction (count 0) are never reported, even with a
// minimum support of 0.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/result.hpp"
#include "recommend/fraction.hpp"
#include "recommend/model.hpp"

namespace ecrm::recommend {

// Frequent itemsets in flat storage: itemset i is items[offsets[i] .. offsets[i + 1]), sorted by
// item id, found in counts[i] transactions.
struct FrequentItemsets {
  std::vector<std::uint64_t> offsets{0};
  std::vector<ItemId> items;
  std::vector<std::uint64_t> counts;

  std::size_t size() const { return counts.size(); }
  std::span<const ItemId> itemset(std::size_t i) const {
    return {items.data() + offsets[i], items.data() + offsets[i + 1]};
  }
};

struct ItemsetOptions {
  std::uint64_t min_count = 1;  // raised to 1 when 0: absent itemsets are never reported
  std::size_t max_length = 10;  // longest itemset reported; 0 reports nothing
};

// All itemsets of 1..max_length items that occur in at least min_count transactions, with their
// counts, by FP-growth. The order of the result is unspecified (it depends on the algorithm); sort
// it if you need one. Deterministic for the same input. Memory: one FP-tree per recursion level.
FrequentItemsets mine_frequent_itemsets(const TransactionSet& transactions,
                                        const ItemsetOptions& options);

struct Rule {
  std::vector<ItemId> antecedent;      // X, sorted by item id, non-empty
  ItemId consequent = kNoItem;         // y
  std::uint64_t count = 0;             // transactions with X ∪ {y}
  std::uint64_t antecedent_count = 0;  // transactions with X
  std::uint64_t consequent_count = 0;  // transactions with y
  std::uint64_t transactions = 0;      // N

  double support() const;
  double confidence() const;
  double lift() const;
};

struct RuleOptions {
  Fraction min_support{1, 100};   // 0.01
  Fraction min_confidence{1, 2};  // 0.5
  std::size_t max_length = 10;    // longest X ∪ {y}
};

// kInvalidArgument (field "min_support", "min_confidence" or "max_length") when a threshold is
// above 1 or max_length is 0.
Status validate(const RuleOptions& options);

struct RuleSet {
  std::uint64_t transactions = 0;
  std::size_t frequent_itemsets = 0;
  std::vector<Rule> rules;  // in rule_order
};

// Mines every rule X => {y} that meets `options` from `transactions`, sorted by rule_order.
// `options` must be valid (see validate).
RuleSet mine_rules(const TransactionSet& transactions, const RuleOptions& options);

// The rules derivable from `itemsets` (which must be closed under subsets, as mining produces)
// with confidence >= min_confidence, in rule_order. `transactions` is N.
std::vector<Rule> generate_rules(const FrequentItemsets& itemsets, std::uint64_t transactions,
                                 Fraction min_confidence);

// The documented output order of rules, a strict total order: lift descending, then confidence
// descending, then count descending, then antecedent ascending (lexicographically by item id, a
// shorter prefix first), then consequent ascending. Measures are compared exactly on the counts.
bool rule_order(const Rule& a, const Rule& b);

}  // namespace ecrm::recommend

#include "recommend/itemsets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>

namespace ecrm::recommend {
namespace {

// Every non-empty itemset (as a sorted vector) with its count, by enumerating all subsets of the
// item universe. Only for small universes.
std::map<std::vector<ItemId>, std::uint64_t> brute_force_counts(const TransactionSet& data,
                                                                std::size_t item_count) {
  std::map<std::vector<ItemId>, std::uint64_t> counts;
  for (std::uint32_t mask = 1; mask < (1u << item_count); ++mask) {
    std::vector<ItemId> set;
    for (ItemId i = 0; i < item_count; ++i) {
      if (mask & (1u << i)) set.push_back(i);
    }
    std::uint64_t count = 0;
    for (std::size_t t = 0; t < data.size(); ++t) {
      auto row = data[t];
      if (std::includes(row.begin(), row.end(), set.begin(), set.end())) ++count;
    }
    counts[set] = count;
  }
  return counts;
}

TransactionSet random_transactions(std::mt19937& rng, std::size_t transactions,
                                   std::size_t item_count) {
  TransactionSet data;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> popularity(item_count);
  for (auto& p : popularity) p = 0.1 + 0.7 * unit(rng);
  for (std::size_t t = 0; t < transactions; ++t) {
    std::vector<ItemId> basket;
    for (ItemId i = 0; i < item_count; ++i) {
      if (unit(rng) < popularity[i]) basket.push_back(i);
    }
    // Occasionally repeat an item: duplicates must count once.
    if (!basket.empty() && unit(rng) < 0.2) basket.push_back(basket.front());
    std::shuffle(basket.begin(), basket.end(), rng);
    data.add(basket);
  }
  data.item_count = std::max(data.item_count, item_count);
  return data;
}

std::map<std::vector<ItemId>, std::uint64_t> as_map(const FrequentItemsets& sets) {
  std::map<std::vector<ItemId>, std::uint64_t> out;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    auto items = sets.itemset(i);
    std::vector<ItemId> key(items.begin(), items.end());
    EXPECT_TRUE(std::is_sorted(key.begin(), key.end()));
    EXPECT_TRUE(out.emplace(key, sets.counts[i]).second) << "itemset reported twice";
  }
  return out;
}

TEST(FrequentItemsets, MatchBruteForceOnRandomData) {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    std::size_t item_count = 1 + rng() % 9;
    std::size_t transactions = rng() % 40;
    TransactionSet data = random_transactions(rng, transactions, item_count);
    ItemsetOptions options;
    options.min_count = rng() % 6;
    options.max_length = 1 + rng() % 5;
    auto mined = as_map(mine_frequent_itemsets(data, options));

    std::map<std::vector<ItemId>, std::uint64_t> expected;
    for (const auto& [set, count] : brute_force_counts(data, item_count)) {
      if (count >= std::max<std::uint64_t>(options.min_count, 1) &&
          set.size() <= options.max_length) {
        expected.emplace(set, count);
      }
    }
    ASSERT_EQ(mined, expected) << "seed " << seed << " min_count " << options.min_count
                               << " max_length " << options.max_length;
  }
}

TEST(FrequentItemsets, MaxLengthZeroReportsNothingAndEmptyInputIsFine) {
  std::mt19937 rng(7);
  TransactionSet data = random_transactions(rng, 20, 5);
  EXPECT_EQ(mine_frequent_itemsets(data, {.min_count = 1, .max_length = 0}).size(), 0u);
  EXPECT_EQ(mine_frequent_itemsets(TransactionSet{}, {}).size(), 0u);
}

TEST(FrequentItemsets, DenseDataWithLongItemsets) {
  // 12 items, every transaction misses at most two: long itemsets everywhere.
  TransactionSet data;
  std::mt19937 rng(99);
  for (int t = 0; t < 30; ++t) {
    std::vector<ItemId> basket;
    ItemId skip_a = rng() % 12, skip_b = rng() % 12;
    for (ItemId i = 0; i < 12; ++i) {
      if (i != skip_a && i != skip_b) basket.push_back(i);
    }
    data.add(basket);
  }
  auto mined = as_map(mine_frequent_itemsets(data, {.min_count = 20, .max_length = 12}));
  std::map<std::vector<ItemId>, std::uint64_t> expected;
  for (const auto& [set, count] : brute_force_counts(data, 12)) {
    if (count >= 20) expected.emplace(set, count);
  }
  EXPECT_EQ(mined, expected);
  EXPECT_GT(expected.size(), 100u);
}

// Rules by definition, from brute-force counts; thresholds compared in plain integers.
std::vector<Rule> brute_force_rules(const TransactionSet& data, std::size_t item_count,
                                    Fraction min_support, Fraction min_confidence,
                                    std::size_t max_length) {
  auto counts = brute_force_counts(data, item_count);
  std::uint64_t n = data.size();
  std::vector<Rule> rules;
  for (const auto& [set, count] : counts) {
    if (set.size() < 2 || set.size() > max_length || count == 0) continue;
    if (count * min_support.denominator < min_support.numerator * n) continue;
    for (std::size_t drop = 0; drop < set.size(); ++drop) {
      std::vector<ItemId> antecedent = set;
      antecedent.erase(antecedent.begin() + static_cast<std::ptrdiff_t>(drop));
      std::uint64_t antecedent_count = counts.at(antecedent);
      if (count * min_confidence.denominator < min_confidence.numerator * antecedent_count)
        continue;
      rules.push_back(
          Rule{antecedent, set[drop], count, antecedent_count, counts.at({set[drop]}), n});
    }
  }
  return rules;
}

std::string describe(const Rule& r) {
  std::string s = "{";
  for (ItemId i : r.antecedent) s += std::to_string(i) + " ";
  return s + "} => " + std::to_string(r.consequent) + " count " + std::to_string(r.count) + "/" +
         std::to_string(r.antecedent_count) + "/" + std::to_string(r.consequent_count);
}

bool same_rule(const Rule& a, const Rule& b) {
  return a.antecedent == b.antecedent && a.consequent == b.consequent && a.count == b.count &&
         a.antecedent_count == b.antecedent_count && a.consequent_count == b.consequent_count &&
         a.transactions == b.transactions;
}

TEST(Rules, MatchBruteForceOnRandomDataWithThresholdsOnTheBoundary) {
  // Transaction counts that divide a power of ten, so k/N is an exact decimal threshold that
  // some itemsets hit exactly.
  const std::size_t sizes[] = {4, 5, 8, 10, 16, 20, 25, 40};
  const char* confidences[] = {"0", "0.25", "0.5", "0.6", "0.75", "0.8", "1", "0.333"};
  std::size_t boundary_support_hits = 0;
  std::size_t boundary_confidence_hits = 0;
  for (unsigned seed = 1; seed <= 400; ++seed) {
    std::mt19937 rng(seed);
    std::size_t item_count = 2 + rng() % 7;
    std::size_t n = sizes[rng() % std::size(sizes)];
    TransactionSet data = random_transactions(rng, n, item_count);
    std::uint64_t k = rng() % (n / 2 + 1);
    // k/n as an exact decimal string, e.g. 3/8 -> "0.375".
    std::uint64_t scale = 1;
    while (scale % n != 0) scale *= 10;
    std::string digits = std::to_string(k * (scale / n));
    std::string support_text =
        scale == 1
            ? digits
            : "0." + std::string(std::to_string(scale).size() - 1 - digits.size(), '0') + digits;
    auto min_support = parse_fraction(support_text);
    ASSERT_TRUE(min_support.ok()) << support_text;
    ASSERT_EQ(min_support->numerator * n, k * min_support->denominator) << support_text;
    auto min_confidence = parse_fraction(confidences[rng() % std::size(confidences)]);
    ASSERT_TRUE(min_confidence.ok());
    RuleOptions options{*min_support, *min_confidence, 2 + rng() % 4};
    ASSERT_TRUE(validate(options).ok());

    RuleSet mined = mine_rules(data, options);
    auto expected = brute_force_rules(data, item_count, options.min_support, options.min_confidence,
                                      options.max_length);
    ASSERT_EQ(mined.transactions, n);
    ASSERT_EQ(mined.rules.size(), expected.size()) << "seed " << seed;
    ASSERT_TRUE(std::is_sorted(mined.rules.begin(), mined.rules.end(), rule_order));
    for (const Rule& rule : expected) {
      auto found = std::find_if(mined.rules.begin(), mined.rules.end(),
                                [&](const Rule& r) { return same_rule(r, rule); });
      ASSERT_NE(found, mined.rules.end()) << "seed " << seed << " missing " << describe(rule);
      EXPECT_LE(found->antecedent.size() + 1, options.max_length);
      if (k > 0 && rule.count == k) ++boundary_support_hits;
      if (rule.count * options.min_confidence.denominator ==
          options.min_confidence.numerator * rule.antecedent_count) {
        ++boundary_confidence_hits;
      }
    }
  }
  // The boundaries were really exercised.
  EXPECT_GT(boundary_support_hits, 20u);
  EXPECT_GT(boundary_confidence_hits, 20u);
}

TEST(Rules, ExactlyOnBothThresholdsIsKeptAndJustAboveIsNot) {
  // 100 transactions; {a,b} in exactly 1 (support 0.01), a in 2 (confidence 0.5).
  TransactionSet data;
  data.add({0, 1});
  data.add({0});
  for (int t = 0; t < 98; ++t) data.add({2});
  RuleOptions options{*parse_fraction("0.01"), *parse_fraction("0.5"), 10};
  RuleSet kept = mine_rules(data, options);
  auto has_a_to_b = [](const RuleSet& set) {
    return std::any_of(set.rules.begin(), set.rules.end(), [](const Rule& r) {
      return r.antecedent == std::vector<ItemId>{0} && r.consequent == 1;
    });
  };
  ASSERT_TRUE(has_a_to_b(kept));
  const Rule& rule = kept.rules.front().antecedent == std::vector<ItemId>{0} ? kept.rules.front()
                                                                             : kept.rules.back();
  EXPECT_DOUBLE_EQ(rule.support(), 0.01);
  EXPECT_DOUBLE_EQ(rule.confidence(), 0.5);
  EXPECT_DOUBLE_EQ(rule.lift(), 50.0);  // 0.5 / (1/100)
  EXPECT_EQ(rule.count, 1u);

  options.min_support = *parse_fraction("0.0100001");
  EXPECT_FALSE(has_a_to_b(mine_rules(data, options)));
  options.min_support = *parse_fraction("0.01");
  options.min_confidence = *parse_fraction("0.5000001");
  EXPECT_FALSE(has_a_to_b(mine_rules(data, options)));
}

TEST(Rules, MaxLengthLimitsAntecedentSize) {
  TransactionSet data;
  for (int t = 0; t < 10; ++t) data.add({0, 1, 2, 3});
  RuleOptions options{{1, 2}, {1, 2}, 3};
  RuleSet mined = mine_rules(data, options);
  // Itemsets of size 2 and 3 give 4*3/2*2 + 4*3 = 12 + 12 rules.
  EXPECT_EQ(mined.rules.size(), 24u);
  for (const Rule& r : mined.rules) EXPECT_LE(r.antecedent.size(), 2u);
  options.max_length = 1;
  EXPECT_TRUE(mine_rules(data, options).rules.empty());
}

TEST(Rules, ValidateRejectsOutOfRangeOptions) {
  EXPECT_FALSE(validate({{11, 10}, {1, 2}, 10}).ok());
  EXPECT_FALSE(validate({{1, 10}, {3, 2}, 10}).ok());
  EXPECT_FALSE(validate({{1, 10}, {1, 2}, 0}).ok());
  EXPECT_TRUE(validate({{1, 1}, {0, 1}, 1}).ok());
}

TEST(Rules, OrderIsLiftThenConfidenceThenCountThenItems) {
  Rule a{{0}, 1, 2, 4, 4, 10};      // lift 2*10/16 = 1.25
  Rule b{{0}, 2, 3, 4, 6, 10};      // lift 30/24 = 1.25, confidence 0.75 > 0.5
  Rule c{{1}, 2, 4, 4, 8, 10};      // lift 40/32 = 1.25, confidence 1.0
  Rule d{{0, 1}, 3, 1, 1, 10, 10};  // lift 1.0
  std::vector<Rule> rules{d, a, b, c};
  std::sort(rules.begin(), rules.end(), rule_order);
  EXPECT_EQ(rules[0].count, 4u);
  EXPECT_EQ(rules[1].count, 3u);
  EXPECT_EQ(rules[2].count, 2u);
  EXPECT_EQ(rules[3].count, 1u);
}

TEST(Fraction, ParsesDecimalsExactly) {
  struct Case {
    const char* text;
    std::uint64_t numerator, denominator;
  };
  for (const Case& c :
       {Case{"0.01", 1, 100}, Case{"1", 1, 1}, Case{".5", 1, 2}, Case{"0.500", 1, 2},
        Case{"5e-3", 1, 200}, Case{"2.5E-2", 1, 40}, Case{"0", 0, 1}, Case{"0.0", 0, 1},
        Case{"100", 100, 1}, Case{"1e2", 100, 1}, Case{"0.000001", 1, 1000000}, Case{"1.", 1, 1}}) {
    auto f = parse_fraction(c.text);
    ASSERT_TRUE(f.ok()) << c.text;
    EXPECT_EQ(*f, (Fraction{c.numerator, c.denominator})) << c.text;
  }
  for (const char* text :
       {"", "-0.1", "abc", "0.1x", ".", "1e", "0,5", "1e-30", "0.1234567890123456789", "nan"}) {
    EXPECT_FALSE(parse_fraction(text).ok()) << text;
  }
}

TEST(Fraction, ComparesAndRoundsUpExactly) {
  Fraction one_percent{1, 100};
  EXPECT_TRUE(at_least(98, 9800, one_percent));
  EXPECT_FALSE(at_least(97, 9800, one_percent));
  EXPECT_EQ(min_count_for(one_percent, 9800), 98u);
  EXPECT_EQ(min_count_for(one_percent, 9835), 99u);  // 98.35 rounds up
  EXPECT_EQ(min_count_for({0, 1}, 9835), 0u);
  EXPECT_EQ(min_count_for({1, 1}, 9835), 9835u);
}

}  // namespace
}  // namespace ecrm::recommend

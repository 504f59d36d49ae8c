// FP-growth itemsets and rules on 1M synthetic baskets over 10k items.
#include <benchmark/benchmark.h>

#include "recommend/itemsets.hpp"
#include "synthetic.hpp"

namespace ecrm::recommend::bench {
namespace {

const TransactionSet& baskets() {
  static const TransactionSet data = synthetic_baskets(1'000'000, 10'000, 2024);
  return data;
}

// Argument: minimum support in units of 1/10000 of the transactions.
void BM_MineRules(benchmark::State& state) {
  const TransactionSet& data = baskets();
  RuleOptions options;
  options.min_support = Fraction{static_cast<std::uint64_t>(state.range(0)), 10000};
  options.min_confidence = Fraction{1, 2};
  std::size_t rules = 0, itemsets = 0;
  for (auto _ : state) {
    RuleSet result = mine_rules(data, options);
    rules = result.rules.size();
    itemsets = result.frequent_itemsets;
    benchmark::DoNotOptimize(result);
  }
  state.counters["baskets"] = static_cast<double>(data.size());
  state.counters["itemsets"] = static_cast<double>(itemsets);
  state.counters["rules"] = static_cast<double>(rules);
}
BENCHMARK(BM_MineRules)->Arg(100)->Arg(10)->Arg(5)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ecrm::recommend::bench

BENCHMARK_MAIN();

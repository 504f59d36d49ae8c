// Benchmarks of the analytics engines at the sizes issue 4 sets: RFM + tiers over 10M orders of
// 1M customers (target < 1 s), and BG/NBD + Gamma-Gamma fits on 1M customers (target < 2 s).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>

#include "analytics/bgnbd.hpp"
#include "analytics/gamma_gamma.hpp"
#include "analytics/pareto.hpp"
#include "analytics/rfm.hpp"
#include "synthetic.hpp"

namespace {

using namespace ecrm::analytics;

std::size_t env_size(const char* name, std::size_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != 0 ? std::strtoull(value, nullptr, 10) : fallback;
}

// 10M orders of 1M customers unless $ECRM_BENCH_ORDERS / $ECRM_BENCH_CUSTOMERS say otherwise
// (rfm_sql.sh sets them to the size it loads into the databases).
const ecrm::bench::SyntheticOrders& orders_10m() {
  static const auto data = ecrm::bench::make_orders(env_size("ECRM_BENCH_ORDERS", 10'000'000),
                                                    env_size("ECRM_BENCH_CUSTOMERS", 1'000'000));
  return data;
}

const ecrm::bench::SyntheticSummary& summary_1m() {
  static const auto data = ecrm::bench::make_summary(1'000'000);
  return data;
}

void BM_RfmTiers(benchmark::State& state) {
  const auto& data = orders_10m();
  const OrderColumns orders{data.customer, data.day, data.amount_minor, data.customers};
  RfmOptions options;
  options.threads = static_cast<int>(state.range(0));
  std::size_t scored = 0;
  std::size_t very_loyal = 0;
  for (auto _ : state) {
    const auto rows = compute_rfm(orders, data.last_day, options);
    scored = rows.size();
    very_loyal = 0;
    for (const auto& row : rows) very_loyal += row.tier == Tier::kVeryLoyal;
    benchmark::DoNotOptimize(rows.data());
  }
  state.counters["customers"] = static_cast<double>(scored);
  state.counters["very_loyal"] = static_cast<double>(very_loyal);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(data.customer.size()));
}
BENCHMARK(BM_RfmTiers)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RfmTiersAndPareto(benchmark::State& state) {
  const auto& data = orders_10m();
  const OrderColumns orders{data.customer, data.day, data.amount_minor, data.customers};
  double top20 = 0.0;
  for (auto _ : state) {
    const auto rows = compute_rfm(orders, data.last_day);
    std::vector<std::int64_t> monetary(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) monetary[i] = rows[i].monetary_minor;
    top20 = pareto(monetary).top20_share;
    benchmark::DoNotOptimize(top20);
  }
  state.counters["top20_share"] = top20;
}
BENCHMARK(BM_RfmTiersAndPareto)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BgNbdGammaGammaFit(benchmark::State& state) {
  const auto& data = summary_1m();
  FitOptions options;
  options.threads = static_cast<int>(state.range(0));
  BgNbdFit bg;
  GammaGammaFit gg;
  for (auto _ : state) {
    auto fit = fit_bgnbd({data.frequency, data.recency, data.age}, options);
    auto spend = fit_gamma_gamma(data.frequency, data.monetary, options);
    if (!fit.ok() || !spend.ok()) {
      state.SkipWithError("fit failed");
      return;
    }
    bg = *fit;
    gg = *spend;
  }
  // The data were simulated with r=0.25, alpha=4, a=0.8, b=2.5, p=6, q=4, gamma=15.
  state.counters["r"] = bg.params.r;
  state.counters["alpha"] = bg.params.alpha;
  state.counters["a"] = bg.params.a;
  state.counters["b"] = bg.params.b;
  state.counters["p"] = gg.params.p;
  state.counters["q"] = gg.params.q;
  state.counters["gamma"] = gg.params.gamma;
  state.counters["groups"] = static_cast<double>(bg.groups);
  state.counters["evals"] = bg.evaluations + gg.evaluations;
}
BENCHMARK(BM_BgNbdGammaGammaFit)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

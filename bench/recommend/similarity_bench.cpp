// Item-item top-K similarity on 1M customers x 100k products, 5-20 purchases each, Zipf
// popularity. The argument is the thread count.
#include <benchmark/benchmark.h>

#include "recommend/similarity.hpp"
#include "synthetic.hpp"

namespace ecrm::recommend::bench {
namespace {

const InteractionMatrix& purchases() {
  static const InteractionMatrix data = synthetic_purchases(1'000'000, 100'000, 1.0, 7);
  return data;
}

void BM_ItemNeighbours(benchmark::State& state) {
  const InteractionMatrix& m = purchases();
  SimilarityOptions options;
  options.top_k = 20;
  options.threads = static_cast<unsigned>(state.range(0));
  std::size_t pairs = 0;
  for (auto _ : state) {
    ItemNeighbours result = compute_item_neighbours(m, options);
    pairs = result.neighbours.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["customers"] = static_cast<double>(m.customer_count);
  state.counters["items"] = static_cast<double>(m.item_count);
  state.counters["purchases"] = static_cast<double>(m.items.size());
  state.counters["neighbours"] = static_cast<double>(pairs);
}
BENCHMARK(BM_ItemNeighbours)->Arg(2)->Arg(1)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace ecrm::recommend::bench

BENCHMARK_MAIN();

// Internal: split an index range over a few std::threads. Not part of the public engine API.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace ecrm::analytics::detail {

// Number of worker threads to use for `items` items: `requested` (0 = hardware concurrency),
// but no more than one per `min_items_per_thread`, and at least 1.
inline int worker_count(int requested, std::size_t items, std::size_t min_items_per_thread) {
  int threads = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(threads, 1);
  const std::size_t by_size =
      std::max<std::size_t>(1, items / std::max<std::size_t>(1, min_items_per_thread));
  return static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), by_size));
}

// Calls fn(begin, end, worker) for `workers` contiguous slices of [0, n); slice 0 runs on the
// calling thread. Returns when all slices are done.
template <typename Fn>
void parallel_slices(std::size_t n, int workers, Fn&& fn) {
  if (workers <= 1 || n < 2) {
    fn(std::size_t{0}, n, 0);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(workers - 1));
  const std::size_t step =
      (n + static_cast<std::size_t>(workers) - 1) / static_cast<std::size_t>(workers);
  for (int w = 1; w < workers; ++w) {
    const std::size_t begin = std::min(n, step * static_cast<std::size_t>(w));
    const std::size_t end = std::min(n, begin + step);
    pool.emplace_back([&fn, begin, end, w] { fn(begin, end, w); });
  }
  fn(std::size_t{0}, std::min(n, step), 0);
  for (auto& t : pool) t.join();
}

}  // namespace ecrm::analytics::detail

#include "recommend/similarity.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace ecrm::recommend {
namespace {

// The matrix transposed: item i's customers are customers[offsets[i] .. offsets[i + 1]).
struct Columns {
  std::vector<std::uint64_t> offsets;
  std::vector<CustomerIndex> customers;
  std::vector<float> values;
};

Columns transpose(const InteractionMatrix& m) {
  Columns cols;
  cols.offsets.assign(m.item_count + 1, 0);
  for (ItemId item : m.items) ++cols.offsets[item + 1];
  for (std::size_t i = 0; i < m.item_count; ++i) cols.offsets[i + 1] += cols.offsets[i];
  cols.customers.resize(m.items.size());
  cols.values.resize(m.items.size());
  std::vector<std::uint64_t> cursor(cols.offsets.begin(), cols.offsets.end() - 1);
  for (CustomerIndex c = 0; c < m.customer_count; ++c) {
    for (std::uint64_t k = m.offsets[c]; k < m.offsets[c + 1]; ++k) {
      std::uint64_t at = cursor[m.items[k]]++;
      cols.customers[at] = c;
      cols.values[at] = m.values[k];
    }
  }
  return cols;
}

}  // namespace

InteractionMatrix build_interaction_matrix(std::size_t customer_count, std::size_t item_count,
                                           std::span<const Interaction> events, float view_weight) {
  InteractionMatrix m;
  m.customer_count = customer_count;
  m.item_count = item_count;
  // Counting sort by customer, then sort and merge each row.
  std::vector<std::uint64_t> starts(customer_count + 1, 0);
  for (const Interaction& e : events) {
    if (e.kind == InteractionKind::kView && view_weight <= 0) continue;
    ++starts[e.customer + 1];
  }
  for (std::size_t c = 0; c < customer_count; ++c) starts[c + 1] += starts[c];
  std::vector<std::pair<ItemId, float>> cells(starts.back());
  std::vector<std::uint64_t> cursor(starts.begin(), starts.end() - 1);
  for (const Interaction& e : events) {
    if (e.kind == InteractionKind::kView && view_weight <= 0) continue;
    float value = e.kind == InteractionKind::kPurchase ? 1.0f : std::min(view_weight, 1.0f);
    cells[cursor[e.customer]++] = {e.item, value};
  }
  m.offsets.assign(1, 0);
  m.offsets.reserve(customer_count + 1);
  m.items.reserve(cells.size());
  m.values.reserve(cells.size());
  for (std::size_t c = 0; c < customer_count; ++c) {
    auto begin = cells.begin() + static_cast<std::ptrdiff_t>(starts[c]);
    auto end = cells.begin() + static_cast<std::ptrdiff_t>(starts[c + 1]);
    std::sort(begin, end);
    for (auto it = begin; it != end; ++it) {
      if (!m.items.empty() && m.offsets.back() < m.items.size() && m.items.back() == it->first) {
        m.values.back() = std::max(m.values.back(), it->second);
        continue;
      }
      m.items.push_back(it->first);
      m.values.push_back(it->second);
    }
    m.offsets.push_back(m.items.size());
  }
  return m;
}

InteractionMatrix matrix_from_transactions(const TransactionSet& transactions) {
  InteractionMatrix m;
  m.customer_count = transactions.size();
  m.item_count = transactions.item_count;
  m.offsets = transactions.offsets;
  m.items = transactions.items;
  m.values.assign(m.items.size(), 1.0f);
  return m;
}

bool neighbour_order(const Neighbour& a, const Neighbour& b) {
  if (a.similarity != b.similarity) return a.similarity > b.similarity;
  if (a.co_count != b.co_count) return a.co_count > b.co_count;
  return a.item < b.item;
}

ItemNeighbours compute_item_neighbours(const InteractionMatrix& matrix,
                                       const SimilarityOptions& options) {
  const std::size_t n_items = matrix.item_count;
  const Columns cols = transpose(matrix);
  const bool binary =
      std::all_of(matrix.values.begin(), matrix.values.end(), [](float v) { return v == 1.0f; });
  // Column norms: sqrt of the sum of squares (the buyer count when binary).
  std::vector<double> norm(n_items, 0.0);
  for (std::size_t i = 0; i < n_items; ++i) {
    double sum = 0;
    for (std::uint64_t k = cols.offsets[i]; k < cols.offsets[i + 1]; ++k) {
      sum += static_cast<double>(cols.values[k]) * cols.values[k];
    }
    norm[i] = std::sqrt(sum);
  }

  const std::size_t top_k = options.top_k;
  const std::uint32_t min_co = std::max<std::uint32_t>(options.min_co_count, 1);
  std::vector<Neighbour> slots(n_items * top_k);
  std::vector<std::uint32_t> found(n_items, 0);

  // Items are handed out in small chunks: popular items have long columns, so fixed ranges per
  // thread would leave one thread with most of the work.
  constexpr std::size_t kChunk = 64;
  std::atomic<std::size_t> next_chunk{0};
  auto worker = [&] {
    std::vector<double> dot(binary ? 0 : n_items, 0.0);
    std::vector<std::uint32_t> co(n_items, 0);
    std::vector<std::uint32_t> co_views(binary ? 0 : n_items, 0);
    std::vector<ItemId> touched;
    std::vector<Neighbour> candidates;
    while (true) {
      std::size_t begin = next_chunk.fetch_add(kChunk);
      if (begin >= n_items) break;
      std::size_t end = std::min(begin + kChunk, n_items);
      for (std::size_t i = begin; i < end; ++i) {
        touched.clear();
        for (std::uint64_t k = cols.offsets[i]; k < cols.offsets[i + 1]; ++k) {
          CustomerIndex c = cols.customers[k];
          double vi = cols.values[k];
          for (std::uint64_t r = matrix.offsets[c]; r < matrix.offsets[c + 1]; ++r) {
            ItemId j = matrix.items[r];
            if (co[j]++ == 0) touched.push_back(j);
            if (!binary) {
              dot[j] += vi * matrix.values[r];
              if (vi < 1.0 || matrix.values[r] < 1.0f) ++co_views[j];
            }
          }
        }
        candidates.clear();
        for (ItemId j : touched) {
          if (j != i && co[j] >= min_co && norm[j] > 0 && norm[i] > 0) {
            double numerator = binary ? static_cast<double>(co[j]) : dot[j];
            candidates.push_back(Neighbour{j, numerator / (norm[i] * norm[j]), co[j],
                                           binary ? 0u : co_views[j]});
          }
          co[j] = 0;
          if (!binary) {
            dot[j] = 0;
            co_views[j] = 0;
          }
        }
        std::size_t keep = std::min(top_k, candidates.size());
        std::partial_sort(candidates.begin(),
                          candidates.begin() + static_cast<std::ptrdiff_t>(keep), candidates.end(),
                          neighbour_order);
        std::copy_n(candidates.begin(), keep,
                    slots.begin() + static_cast<std::ptrdiff_t>(i * top_k));
        found[i] = static_cast<std::uint32_t>(keep);
      }
    }
  };
  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(n_items / kChunk + 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();

  ItemNeighbours result;
  result.offsets.assign(1, 0);
  result.offsets.reserve(n_items + 1);
  for (std::size_t i = 0; i < n_items; ++i) {
    auto first = slots.begin() + static_cast<std::ptrdiff_t>(i * top_k);
    result.neighbours.insert(result.neighbours.end(), first, first + found[i]);
    result.offsets.push_back(result.neighbours.size());
  }
  return result;
}

}  // namespace ecrm::recommend

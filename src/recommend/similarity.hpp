// Item-item similarity ("customers who bought X also bought Y") over the customer × product matrix.
//
// Each cell is 1 when the customer bought the product, `view_weight` when they only viewed it, and
// absent otherwise. The similarity of items i and j is the cosine of their columns:
//   sim(i, j) = sum_c v(c,i) v(c,j) / (|v(.,i)| |v(.,j)|)
// which on purchases alone is |buyers(i) ∩ buyers(j)| / sqrt(|buyers(i)| |buyers(j)|). Only the top
// K neighbours of each item are kept. The work is one sparse pass per item over the customers in
// its column and their rows (cost: the sum over customers of their row length squared), split
// over threads by item ranges.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "recommend/model.hpp"

namespace ecrm::recommend {

enum class InteractionKind : std::uint8_t { kPurchase, kView };

struct Interaction {
  CustomerIndex customer = 0;
  ItemId item = kNoItem;
  InteractionKind kind = InteractionKind::kPurchase;
};

// The customer × item matrix in compressed rows: customer c's items are
// items[offsets[c] .. offsets[c + 1]), ascending and distinct, with their cell values.
struct InteractionMatrix {
  std::size_t customer_count = 0;
  std::size_t item_count = 0;
  std::vector<std::uint64_t> offsets{0};
  std::vector<ItemId> items;
  std::vector<float> values;

  std::span<const ItemId> row(CustomerIndex c) const {
    return {items.data() + offsets[c], items.data() + offsets[c + 1]};
  }
};

// Builds the matrix from events (any order, repeats allowed). A cell is 1 if the customer bought
// the item and `view_weight` if they only viewed it (view_weight <= 0 ignores views). Customer
// indices must be below customer_count and items below item_count.
InteractionMatrix build_interaction_matrix(std::size_t customer_count, std::size_t item_count,
                                           std::span<const Interaction> events, float view_weight);

// Builds a purchases-only matrix from transactions, one customer (row) per transaction.
InteractionMatrix matrix_from_transactions(const TransactionSet& transactions);

struct Neighbour {
  ItemId item = kNoItem;
  double similarity = 0;
  std::uint32_t co_count = 0;  // customers with both items in their row
  // Of those, customers who only viewed one (or both) of the two: co_count - co_views bought
  // both. Always 0 on a purchases-only matrix (and when views weigh as much as purchases, since
  // the cells are then alike).
  std::uint32_t co_views = 0;
};

// Top-K neighbours per item: item i's are neighbours[offsets[i] .. offsets[i + 1]), in
// neighbour_order.
struct ItemNeighbours {
  std::vector<std::uint64_t> offsets{0};
  std::vector<Neighbour> neighbours;

  std::size_t item_count() const { return offsets.size() - 1; }
  std::span<const Neighbour> of(ItemId item) const {
    return {neighbours.data() + offsets[item], neighbours.data() + offsets[item + 1]};
  }
};

struct SimilarityOptions {
  std::size_t top_k = 20;
  unsigned threads = 0;            // 0: std::thread::hardware_concurrency()
  std::uint32_t min_co_count = 1;  // ignore pairs with fewer customers in common
};

// The documented order of an item's neighbours: similarity descending, then co_count descending,
// then item ascending.
bool neighbour_order(const Neighbour& a, const Neighbour& b);

// The top_k most similar other items of every item (pairs with no customer in common, or fewer
// than min_co_count, are never neighbours). The result does not depend on the thread count.
ItemNeighbours compute_item_neighbours(const InteractionMatrix& matrix,
                                       const SimilarityOptions& options);

}  // namespace ecrm::recommend

#include "recommend/similarity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace ecrm::recommend {
namespace {

struct Dense {
  std::size_t customers, items;
  std::vector<double> cells;  // customers x items
  double at(std::size_t c, std::size_t i) const { return cells[c * items + i]; }
};

Dense to_dense(std::size_t customers, std::size_t items, const std::vector<Interaction>& events,
               float view_weight) {
  Dense d{customers, items, std::vector<double>(customers * items, 0.0)};
  for (const Interaction& e : events) {
    double value = e.kind == InteractionKind::kPurchase ? 1.0 : (view_weight > 0 ? view_weight : 0);
    double& cell = d.cells[e.customer * items + e.item];
    cell = std::max(cell, value);
  }
  return d;
}

// All neighbours of `i` by definition, in neighbour_order, before the top-k cut.
std::vector<Neighbour> brute_force(const Dense& d, ItemId i, std::uint32_t min_co) {
  std::vector<Neighbour> out;
  auto norm = [&](ItemId item) {
    double sum = 0;
    for (std::size_t c = 0; c < d.customers; ++c) sum += d.at(c, item) * d.at(c, item);
    return std::sqrt(sum);
  };
  for (ItemId j = 0; j < d.items; ++j) {
    if (j == i) continue;
    double dot = 0;
    std::uint32_t co = 0;
    for (std::size_t c = 0; c < d.customers; ++c) {
      dot += d.at(c, i) * d.at(c, j);
      if (d.at(c, i) > 0 && d.at(c, j) > 0) ++co;
    }
    if (co == 0 || co < min_co) continue;
    out.push_back({j, dot / (norm(i) * norm(j)), co});
  }
  std::sort(out.begin(), out.end(), neighbour_order);
  return out;
}

std::vector<Interaction> random_events(std::mt19937& rng, std::size_t customers, std::size_t items,
                                       bool with_views) {
  std::vector<Interaction> events;
  std::uniform_real_distribution<double> unit(0, 1);
  for (CustomerIndex c = 0; c < customers; ++c) {
    for (ItemId i = 0; i < items; ++i) {
      double p = unit(rng);
      if (p < 0.25 / (1 + i % 4)) events.push_back({c, i, InteractionKind::kPurchase});
      if (with_views && unit(rng) < 0.15) events.push_back({c, i, InteractionKind::kView});
      if (p < 0.05) events.push_back({c, i, InteractionKind::kPurchase});  // a repeat
    }
  }
  std::shuffle(events.begin(), events.end(), rng);
  return events;
}

TEST(Similarity, MatchesDenseBruteForceOnRandomData) {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    std::mt19937 rng(seed);
    std::size_t customers = 5 + rng() % 40;
    std::size_t items = 2 + rng() % 15;
    bool with_views = seed % 2 == 0;
    float view_weight = with_views ? 0.4f : 0.0f;
    auto events = random_events(rng, customers, items, with_views);
    InteractionMatrix m = build_interaction_matrix(customers, items, events, view_weight);
    Dense dense = to_dense(customers, items, events, view_weight);
    SimilarityOptions options;
    options.top_k = 1 + rng() % 6;
    options.min_co_count = 1 + rng() % 2;
    options.threads = 1 + rng() % 3;
    ItemNeighbours result = compute_item_neighbours(m, options);
    ASSERT_EQ(result.item_count(), items);
    for (ItemId i = 0; i < items; ++i) {
      auto expected = brute_force(dense, i, options.min_co_count);
      auto got = result.of(i);
      ASSERT_EQ(got.size(), std::min(options.top_k, expected.size()))
          << "seed " << seed << " item " << i;
      for (std::size_t r = 0; r < got.size(); ++r) {
        EXPECT_NEAR(got[r].similarity, expected[r].similarity, 1e-9) << "seed " << seed;
        // The item at this rank really has this similarity (ties may order differently only
        // when similarities are equal up to rounding).
        auto truth = std::find_if(expected.begin(), expected.end(),
                                  [&](const Neighbour& n) { return n.item == got[r].item; });
        ASSERT_NE(truth, expected.end());
        EXPECT_NEAR(truth->similarity, got[r].similarity, 1e-9);
        EXPECT_EQ(truth->co_count, got[r].co_count);
        EXPECT_NE(got[r].item, i);
      }
    }
  }
}

TEST(Similarity, BinaryCaseIsExactAndIndependentOfThreads) {
  std::mt19937 rng(42);
  auto events = random_events(rng, 300, 200, false);
  InteractionMatrix m = build_interaction_matrix(300, 200, events, 0);
  SimilarityOptions one{.top_k = 10, .threads = 1};
  SimilarityOptions four{.top_k = 10, .threads = 4};
  ItemNeighbours a = compute_item_neighbours(m, one);
  ItemNeighbours b = compute_item_neighbours(m, four);
  ASSERT_EQ(a.offsets, b.offsets);
  for (std::size_t k = 0; k < a.neighbours.size(); ++k) {
    EXPECT_EQ(a.neighbours[k].item, b.neighbours[k].item);
    EXPECT_EQ(a.neighbours[k].similarity, b.neighbours[k].similarity);
  }
  Dense dense = to_dense(300, 200, events, 0);
  for (ItemId i = 0; i < 200; i += 17) {
    auto expected = brute_force(dense, i, 1);
    auto got = a.of(i);
    for (std::size_t r = 0; r < got.size(); ++r) {
      EXPECT_EQ(got[r].item, expected[r].item);
      EXPECT_EQ(got[r].co_count, expected[r].co_count);
    }
  }
}

TEST(Similarity, HandComputedCosine) {
  // Customers: 0 bought {0,1}, 1 bought {0,1,2}, 2 bought {0}.
  std::vector<Interaction> events{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 2}, {2, 0}};
  InteractionMatrix m = build_interaction_matrix(3, 3, events, 0);
  ItemNeighbours n = compute_item_neighbours(m, {.top_k = 5});
  ASSERT_EQ(n.of(0).size(), 2u);
  EXPECT_EQ(n.of(0)[0].item, 1u);
  EXPECT_DOUBLE_EQ(n.of(0)[0].similarity, 2.0 / std::sqrt(6.0));
  EXPECT_EQ(n.of(0)[0].co_count, 2u);
  EXPECT_EQ(n.of(0)[1].item, 2u);
  EXPECT_DOUBLE_EQ(n.of(0)[1].similarity, 1.0 / std::sqrt(3.0));
  ASSERT_EQ(n.of(2).size(), 2u);
  EXPECT_EQ(n.of(2)[0].item, 1u);  // 1/sqrt(2) > 1/sqrt(3)
  // An item nobody shares has no neighbours; min_co_count filters weak pairs.
  ItemNeighbours strict = compute_item_neighbours(m, {.top_k = 5, .min_co_count = 2});
  EXPECT_EQ(strict.of(0).size(), 1u);
  EXPECT_EQ(strict.of(2).size(), 0u);
}

TEST(Similarity, CountsTheCustomersWhoOnlyViewedOneOfAPair) {
  // Customers 0 and 1 bought items 0 and 1; customer 2 bought 0 and viewed 1; customer 3 viewed
  // both; customer 4 bought 1 and 2.
  using K = InteractionKind;
  std::vector<Interaction> events{{0, 0, K::kPurchase}, {0, 1, K::kPurchase},
                                  {1, 0, K::kPurchase}, {1, 1, K::kPurchase},
                                  {2, 0, K::kPurchase}, {2, 1, K::kView},
                                  {3, 0, K::kView},     {3, 1, K::kView},
                                  {4, 1, K::kPurchase}, {4, 2, K::kPurchase}};
  InteractionMatrix m = build_interaction_matrix(5, 3, events, 0.5f);
  ItemNeighbours n = compute_item_neighbours(m, {.top_k = 5, .threads = 2});
  ASSERT_FALSE(n.of(0).empty());
  EXPECT_EQ(n.of(0)[0].item, 1u);
  EXPECT_EQ(n.of(0)[0].co_count, 4u);
  EXPECT_EQ(n.of(0)[0].co_views, 2u);  // customers 2 and 3
  for (const Neighbour& x : n.of(1)) {
    if (x.item == 2) EXPECT_EQ(x.co_views, 0u);  // customer 4 bought both
  }
  // Purchases only: never any.
  InteractionMatrix bought = build_interaction_matrix(5, 3, events, 0);
  for (ItemId item = 0; item < 3; ++item) {
    for (const Neighbour& x : compute_item_neighbours(bought, {.top_k = 5}).of(item)) {
      EXPECT_EQ(x.co_views, 0u);
    }
  }
}

TEST(Similarity, ViewsWeighLessThanPurchasesAndMergeWithThem) {
  std::vector<Interaction> events{{0, 0, InteractionKind::kPurchase},
                                  {0, 1, InteractionKind::kView},
                                  {0, 1, InteractionKind::kPurchase},
                                  {1, 2, InteractionKind::kView}};
  InteractionMatrix m = build_interaction_matrix(2, 3, events, 0.5f);
  ASSERT_EQ(m.row(0).size(), 2u);
  EXPECT_EQ(m.values[0], 1.0f);
  EXPECT_EQ(m.values[1], 1.0f);  // bought and viewed: the purchase wins
  EXPECT_EQ(m.values[2], 0.5f);
  InteractionMatrix no_views = build_interaction_matrix(2, 3, events, 0);
  EXPECT_EQ(no_views.row(1).size(), 0u);
}

}  // namespace
}  // namespace ecrm::recommend

// Offline evaluation: hold out each customer's last order, train every method on everything else,
// recommend k items per customer as of the held-out order's time, and measure how many of the
// held-out order's items were recommended — against a popularity baseline.
//
// Protocol. A customer's orders are ordered by time (ties: input order); customers with at least
// two orders are evaluated, their last order is held out and its distinct items are the relevant
// set; everything else (including all orders of one-order customers) is training data. Every
// method applies the same exclusions (personal.hpp: bought items unless a due consumable, with
// repurchase profiles learned from the training data), so they differ only in ranking.
//
// Metrics for one customer with list L (at most k items) and relevant set T:
//   hit        1 if L and T share an item, else 0
//   precision  |L ∩ T| / k (k, not |L|: a short list is not rewarded)
//   recall     |L ∩ T| / |T|
//   AP         sum over positions i <= k with L[i] in T of (hits in L[1..i]) / i, over min(|T|, k)
// each averaged over evaluated customers (MAP is the mean AP); coverage is the number of distinct
// items recommended to anyone over the number of items.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "recommend/classes.hpp"
#include "recommend/itemsets.hpp"
#include "recommend/model.hpp"
#include "recommend/personal.hpp"
#include "recommend/similarity.hpp"

namespace ecrm::recommend {

struct Order {
  CustomerIndex customer = 0;
  UnixMs at_ms = 0;
  std::vector<ItemId> items;  // distinct
};

struct ListMetrics {
  double hit = 0;
  double precision = 0;
  double recall = 0;
  double average_precision = 0;
};

// The metrics of one list against one relevant set (sorted, distinct), as defined above. Items past
// position k are ignored. All zero when `relevant` is empty.
ListMetrics score_list(std::span<const ItemId> recommended, std::span<const ItemId> relevant,
                       std::size_t k);

struct EvaluationOptions {
  std::size_t k = 10;
  // The rules method mines the training orders with these thresholds.
  RuleOptions rules{{1, 1000}, {1, 10}, 3};
  SimilarityOptions similarity;
  RepurchaseOptions repurchase;
  ClassOptions classes;
  std::vector<TagRule> tag_rules;
};

struct MethodMetrics {
  std::string name;
  double hit_rate = 0;
  double precision = 0;
  double recall = 0;
  double map = 0;
  double coverage = 0;
  std::size_t recommended_items = 0;  // distinct items recommended to anyone
};

struct EvaluationReport {
  std::size_t customers = 0;  // customers with at least one order
  std::size_t evaluated = 0;  // customers with a held-out order
  std::size_t orders = 0;
  std::size_t items = 0;
  std::size_t k = 0;
  std::string baseline = "popular";
  // In this order: "popular" (the baseline: best-sellers by training buyers), "rules" (association
  // rules whose antecedent the customer bought), "also_bought" (item-item neighbours of the
  // customer's purchases), "class" (class inference; only when a catalogue is given), and
  // "personal" (the production blend: due consumables, then also_bought, filled with best-sellers).
  std::vector<MethodMetrics> methods;
};

// Evaluates every method on `orders` (customer indices below customer_count, items below
// item_count). `catalog` is empty, or one product per item (tiers assigned) to include the class
// method.
EvaluationReport evaluate(std::size_t customer_count, std::size_t item_count,
                          std::span<const Order> orders, std::span<const Product> catalog,
                          const EvaluationOptions& options);

}  // namespace ecrm::recommend

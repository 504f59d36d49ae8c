#include "recommend/evaluate.hpp"

#include <algorithm>
#include <numeric>
#include <optional>

namespace ecrm::recommend {
namespace {

struct Accumulator {
  std::string name;
  ListMetrics sum;
  std::vector<bool> recommended;

  void add(const std::vector<Recommendation>& list, std::span<const ItemId> relevant,
           std::size_t k) {
    std::vector<ItemId> items;
    for (const Recommendation& r : list) {
      if (items.size() >= k) break;
      items.push_back(r.item);
      if (r.item < recommended.size()) recommended[r.item] = true;
    }
    ListMetrics m = score_list(items, relevant, k);
    sum.hit += m.hit;
    sum.precision += m.precision;
    sum.recall += m.recall;
    sum.average_precision += m.average_precision;
  }

  MethodMetrics finish(std::size_t evaluated, std::size_t item_count) const {
    MethodMetrics out;
    out.name = name;
    double n = evaluated == 0 ? 1.0 : static_cast<double>(evaluated);
    out.hit_rate = sum.hit / n;
    out.precision = sum.precision / n;
    out.recall = sum.recall / n;
    out.map = sum.average_precision / n;
    out.recommended_items =
        static_cast<std::size_t>(std::count(recommended.begin(), recommended.end(), true));
    out.coverage = item_count == 0 ? 0.0
                                   : static_cast<double>(out.recommended_items) /
                                         static_cast<double>(item_count);
    return out;
  }
};

}  // namespace

ListMetrics score_list(std::span<const ItemId> recommended, std::span<const ItemId> relevant,
                       std::size_t k) {
  ListMetrics m;
  if (relevant.empty() || k == 0) return m;
  std::size_t hits = 0;
  double precision_sum = 0;
  std::vector<ItemId> seen;
  for (std::size_t i = 0; i < recommended.size() && i < k; ++i) {
    ItemId item = recommended[i];
    if (std::find(seen.begin(), seen.end(), item) != seen.end()) continue;  // count once
    seen.push_back(item);
    if (std::binary_search(relevant.begin(), relevant.end(), item)) {
      ++hits;
      precision_sum += static_cast<double>(hits) / static_cast<double>(i + 1);
    }
  }
  m.hit = hits > 0 ? 1.0 : 0.0;
  m.precision = static_cast<double>(hits) / static_cast<double>(k);
  m.recall = static_cast<double>(hits) / static_cast<double>(relevant.size());
  m.average_precision = precision_sum / static_cast<double>(std::min(relevant.size(), k));
  return m;
}

EvaluationReport evaluate(std::size_t customer_count, std::size_t item_count,
                          std::span<const Order> orders, std::span<const Product> catalog,
                          const EvaluationOptions& options) {
  EvaluationReport report;
  report.orders = orders.size();
  report.items = item_count;
  report.k = options.k;

  // Each customer's orders by time (stable: ties keep input order); the last is held out.
  std::vector<std::vector<std::uint32_t>> by_customer(customer_count);
  for (std::uint32_t o = 0; o < orders.size(); ++o) by_customer[orders[o].customer].push_back(o);
  std::vector<std::optional<std::uint32_t>> held_out(customer_count);
  std::vector<bool> is_held_out(orders.size(), false);
  for (CustomerIndex c = 0; c < customer_count; ++c) {
    auto& list = by_customer[c];
    if (list.empty()) continue;
    ++report.customers;
    std::stable_sort(list.begin(), list.end(), [&](std::uint32_t a, std::uint32_t b) {
      return orders[a].at_ms < orders[b].at_ms;
    });
    if (list.size() >= 2) {
      held_out[c] = list.back();
      is_held_out[list.back()] = true;
      ++report.evaluated;
    }
  }

  // Training data.
  TransactionSet baskets;
  baskets.item_count = item_count;
  std::vector<Interaction> interactions;
  std::vector<PurchaseEvent> purchases;
  std::vector<CustomerHistory> histories(customer_count);
  std::vector<std::vector<ItemId>> bought(customer_count);
  for (std::uint32_t o = 0; o < orders.size(); ++o) {
    if (is_held_out[o]) continue;
    const Order& order = orders[o];
    baskets.add(order.items);
    for (ItemId item : order.items) {
      interactions.push_back({order.customer, item, InteractionKind::kPurchase});
      purchases.push_back({order.customer, item, order.at_ms});
      histories[order.customer].purchases.push_back({item, order.at_ms});
      bought[order.customer].push_back(item);
    }
  }
  baskets.item_count = std::max(baskets.item_count, item_count);
  InteractionMatrix matrix = build_interaction_matrix(customer_count, item_count, interactions, 0);
  const std::vector<PopularItem> popular = rank_by_popularity(matrix);
  const ItemNeighbours neighbours = compute_item_neighbours(matrix, options.similarity);
  const std::vector<RepurchaseProfile> profiles =
      learn_repurchase_profiles(item_count, purchases, {}, options.repurchase);
  const RuleIndex rules(mine_rules(baskets, options.rules).rules);
  const bool with_classes = !catalog.empty();
  std::optional<ClassModel> classes;
  if (with_classes) {
    classes = ClassModel::learn(std::vector<Product>(catalog.begin(), catalog.end()), bought,
                                options.tag_rules, {}, options.classes);
  }

  std::vector<Accumulator> methods;
  for (const char* name : {"popular", "rules", "also_bought", "class", "personal"}) {
    if (!with_classes && std::string_view(name) == "class") continue;
    methods.push_back(Accumulator{name, {}, std::vector<bool>(item_count, false)});
  }
  const std::size_t k = options.k;
  for (CustomerIndex c = 0; c < customer_count; ++c) {
    if (!held_out[c]) continue;
    const Order& target = orders[*held_out[c]];
    std::vector<ItemId> relevant = target.items;
    std::sort(relevant.begin(), relevant.end());
    relevant.erase(std::unique(relevant.begin(), relevant.end()), relevant.end());
    const CustomerHistory& history = histories[c];
    const UnixMs now = target.at_ms;
    const std::vector<ItemId> excluded = excluded_items(history, profiles, now);

    std::size_t m = 0;
    methods[m++].add(recommend_popular(popular, excluded, {}, k), relevant, k);
    methods[m++].add(rules.recommend(bought[c], excluded, k), relevant, k);
    PersonalOptions item_only{.limit = k, .now_ms = now};
    item_only.include_due_consumables = false;
    item_only.fill_with_popular = false;
    methods[m++].add(recommend_for_customer(history, neighbours, profiles, popular, item_only),
                     relevant, k);
    if (with_classes) methods[m++].add(classes->recommend(bought[c], excluded, k), relevant, k);
    PersonalOptions blend{.limit = k, .now_ms = now};
    methods[m++].add(recommend_for_customer(history, neighbours, profiles, popular, blend),
                     relevant, k);
  }
  for (const Accumulator& a : methods)
    report.methods.push_back(a.finish(report.evaluated, item_count));
  return report;
}

}  // namespace ecrm::recommend

#include "recommend/evaluate.hpp"

#include <gtest/gtest.h>

namespace ecrm::recommend {
namespace {

TEST(ScoreList, HandComputedMetrics) {
  std::vector<ItemId> recommended{5, 3, 9, 1};
  std::vector<ItemId> relevant{1, 3, 7};
  ListMetrics m = score_list(recommended, relevant, 4);
  EXPECT_EQ(m.hit, 1.0);
  EXPECT_DOUBLE_EQ(m.precision, 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 3.0);
  // Hits at ranks 2 and 4: (1/2 + 2/4) / min(3, 4).
  EXPECT_DOUBLE_EQ(m.average_precision, (0.5 + 0.5) / 3.0);

  // k cuts the list: only 5 and 3 count; precision is over k even for a short list.
  m = score_list(recommended, relevant, 2);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.average_precision, 0.5 / 2.0);
  m = score_list(std::vector<ItemId>{3}, relevant, 10);
  EXPECT_DOUBLE_EQ(m.precision, 0.1);
  EXPECT_DOUBLE_EQ(m.average_precision, 1.0 / 3.0);

  m = score_list(std::vector<ItemId>{2, 4}, relevant, 10);
  EXPECT_EQ(m.hit, 0.0);
  EXPECT_EQ(m.average_precision, 0.0);
  EXPECT_EQ(score_list(recommended, {}, 10).hit, 0.0);
}

const MethodMetrics& method(const EvaluationReport& report, const std::string& name) {
  for (const auto& m : report.methods) {
    if (m.name == name) return m;
  }
  ADD_FAILURE() << "no method " << name;
  return report.methods.front();
}

TEST(Evaluate, HandComputedHoldOut) {
  // Items A=0, B=1, C=2, D=3, E=4 (never bought). Days as timestamps.
  const UnixMs day = kMsPerDay;
  std::vector<Order> orders{
      {0, 1 * day, {0, 1}},     // customer 0, training
      {0, 2 * day, {2}},        // customer 0, held out: {C}
      {1, 3 * day, {1, 3}},     // customer 1, held out (listed first, but later in time)
      {1, 1 * day, {0, 2}},     // customer 1, training
      {2, 1 * day, {0, 2, 3}},  // customer 2: one order, training only
  };
  EvaluationOptions options;
  options.k = 2;
  EvaluationReport report = evaluate(3, 5, orders, {}, options);
  EXPECT_EQ(report.customers, 3u);
  EXPECT_EQ(report.evaluated, 2u);
  EXPECT_EQ(report.orders, 5u);
  EXPECT_EQ(report.k, 2u);
  ASSERT_EQ(report.methods.size(), 4u);  // no catalogue: no class method
  EXPECT_EQ(report.methods[0].name, "popular");

  // Training buyers: A 3, C 2, B 1, D 1. Customer 0 bought A, B -> [C, D]: hit, P 1/2, R 1,
  // AP 1. Customer 1 bought A, C -> [B, D]: both relevant, P 1, R 1, AP 1.
  const MethodMetrics& popular = method(report, "popular");
  EXPECT_DOUBLE_EQ(popular.hit_rate, 1.0);
  EXPECT_DOUBLE_EQ(popular.precision, 0.75);
  EXPECT_DOUBLE_EQ(popular.recall, 1.0);
  EXPECT_DOUBLE_EQ(popular.map, 1.0);
  EXPECT_EQ(popular.recommended_items, 3u);  // B, C, D
  EXPECT_DOUBLE_EQ(popular.coverage, 3.0 / 5.0);

  // Item-item: sim(A,C) = 2/sqrt(6) > sim(A,D) = 1/sqrt(3); customer 0 -> [C, D].
  // Customer 1: B = sim(A,B) = 1/sqrt(3); D = sim(A,D) + sim(C,D) = 1/sqrt(3) + 1/sqrt(2) -> [D,
  // B].
  const MethodMetrics& also = method(report, "also_bought");
  EXPECT_DOUBLE_EQ(also.hit_rate, 1.0);
  EXPECT_DOUBLE_EQ(also.precision, 0.75);
  EXPECT_DOUBLE_EQ(also.map, 1.0);

  // With k = 1 the rankings differ: popular gives customer 1 [B] (tie with D by id), item-item
  // [D]; both hit, recall 1/2 for customer 1.
  options.k = 1;
  report = evaluate(3, 5, orders, {}, options);
  EXPECT_DOUBLE_EQ(method(report, "popular").recall, (1.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(method(report, "popular").precision, 1.0);
  EXPECT_EQ(method(report, "popular").recommended_items, 2u);      // C, B
  EXPECT_EQ(method(report, "also_bought").recommended_items, 2u);  // C, D
  EXPECT_DOUBLE_EQ(method(report, "rules").hit_rate, 1.0);
}

TEST(Evaluate, PersonalBeatsPopularityWhenTasteMatters) {
  // Two tastes: items 0-4 and 5-9. Each customer buys within one taste; the most popular items
  // overall belong to the bigger group, so popularity misses the small group.
  std::vector<Order> orders;
  const UnixMs day = kMsPerDay;
  CustomerIndex customer = 0;
  for (int group = 0; group < 2; ++group) {
    int members = group == 0 ? 30 : 10;
    ItemId base = group == 0 ? 0 : 5;
    for (int m = 0; m < members; ++m, ++customer) {
      ItemId first = base + static_cast<ItemId>(m % 5);
      ItemId second = base + static_cast<ItemId>((m + 1) % 5);
      ItemId third = base + static_cast<ItemId>((m + 2) % 5);
      orders.push_back({customer, 1 * day, {first, second}});
      orders.push_back({customer, 2 * day, {third}});
    }
  }
  EvaluationOptions options;
  options.k = 2;
  EvaluationReport report = evaluate(customer, 10, orders, {}, options);
  EXPECT_EQ(report.evaluated, 40u);
  EXPECT_GT(method(report, "personal").hit_rate, method(report, "popular").hit_rate);
  EXPECT_GT(method(report, "also_bought").hit_rate, method(report, "popular").hit_rate);
}

}  // namespace
}  // namespace ecrm::recommend

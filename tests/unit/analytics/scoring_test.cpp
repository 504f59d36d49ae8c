// The scoring pipeline (scoring.hpp): hand-checked RFM scores, segments and tiers on five
// customers; one customer scored alone against the stored cut-points equals the bulk run; a new
// order scored incrementally; predictions consistent between the bulk and the single path.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "analytics/scoring.hpp"

namespace ecrm::analytics {
namespace {

constexpr std::int32_t kToday = 19'800;

struct Orders {
  std::vector<std::uint32_t> customer;
  std::vector<std::int32_t> day;
  std::vector<std::int64_t> amount;
  std::size_t customers = 0;
  void add(std::uint32_t c, std::int32_t days_ago, std::int64_t a) {
    customer.push_back(c);
    day.push_back(kToday - days_ago);
    amount.push_back(a);
    customers = std::max<std::size_t>(customers, c + 1);
  }
  OrderColumns columns() const { return {customer, day, amount, customers}; }
  // One customer's orders.
  void of(std::uint32_t c, std::vector<std::int32_t>& days, std::vector<std::int64_t>& amounts) const {
    days.clear();
    amounts.clear();
    for (std::size_t i = 0; i < customer.size(); ++i) {
      if (customer[i] != c) continue;
      days.push_back(day[i]);
      amounts.push_back(amount[i]);
    }
  }
};

// Five customers:           recency  frequency  monetary
//   c0: 1, 10, 20 days ago    1        3          600
//   c1: 5                     5        1           50
//   c2: 100, 50              50        2         2000
//   c3: 200                 200        1           10
//   c4: 30, 3, 3              3        3           90
Orders five() {
  Orders o;
  o.add(0, 1, 100);
  o.add(0, 10, 200);
  o.add(0, 20, 300);
  o.add(1, 5, 50);
  o.add(2, 100, 1000);
  o.add(2, 50, 1000);
  o.add(3, 200, 10);
  o.add(4, 30, 20);
  o.add(4, 3, 30);
  o.add(4, 3, 40);
  return o;
}

TEST(Scoring, HandCheckedScoresSegmentsAndTiers) {
  const Orders o = five();
  ScoringOptions options;
  options.threads = 1;
  const ScoreRun run = score_customers(o.columns(), kToday, options);
  ASSERT_EQ(run.scores.size(), 5u);
  EXPECT_EQ(run.model.customers, 5u);
  EXPECT_EQ(run.model.orders, 10u);
  // With n = 5 a score is 1 + the number of customers with a strictly worse value.
  struct Expected {
    int r, f, m;
    const char* segment;
    const char* tier;
  };
  const Expected expected[] = {{5, 4, 4, "champions", "very_loyal"},
                               {3, 1, 2, "need_attention", "occasional"},
                               {2, 3, 5, "at_risk", "loyal"},
                               {1, 1, 1, "lost", "occasional"},
                               {4, 4, 3, "loyal", "very_loyal"}};
  for (std::size_t c = 0; c < 5; ++c) {
    const CustomerScore& s = run.scores[c];
    SCOPED_TRACE("customer " + std::to_string(c));
    EXPECT_EQ(s.customer, c);
    EXPECT_EQ(s.r, expected[c].r);
    EXPECT_EQ(s.f, expected[c].f);
    EXPECT_EQ(s.m, expected[c].m);
    EXPECT_EQ(to_string(s.segment), expected[c].segment);
    EXPECT_EQ(to_string(s.tier), expected[c].tier);
  }
  EXPECT_EQ(run.scores[4].frequency, 3);  // two orders on one day are two orders
  EXPECT_EQ(run.scores[4].monetary_minor, 90);
  EXPECT_EQ(run.scores[2].first_day, kToday - 100);
  EXPECT_EQ(run.scores[2].last_day, kToday - 50);
  // Cut-points: sorted recency 1,3,5,50,200 -> R cuts 200,50,5,3; F 1,1,2,3,3 -> 1,1,2,3;
  // M 10,50,90,600,2000 -> 10,50,90,600.
  ASSERT_TRUE(run.model.has_cuts);
  EXPECT_EQ(run.model.cuts.recency.cut, (std::array<std::int64_t, 4>{200, 50, 5, 3}));
  EXPECT_EQ(run.model.cuts.frequency.cut, (std::array<std::int64_t, 4>{1, 1, 2, 3}));
  EXPECT_EQ(run.model.cuts.monetary.cut, (std::array<std::int64_t, 4>{10, 50, 90, 600}));
  // Cohorts: everyone in the snapshot is in one of them.
  std::int64_t cohort_customers = 0;
  for (const Cohort& cohort : run.cohorts) cohort_customers += cohort.customers;
  EXPECT_EQ(cohort_customers, 5);
}

TEST(Scoring, OneCustomerAloneEqualsTheBulkRow) {
  const Orders o = five();
  const ScoreRun run = score_customers(o.columns(), kToday);
  std::vector<std::int32_t> days;
  std::vector<std::int64_t> amounts;
  for (std::uint32_t c = 0; c < 5; ++c) {
    o.of(c, days, amounts);
    const CustomerScore alone = score_customer(run.model, days, amounts, kToday);
    const CustomerScore& bulk = run.scores[c];
    EXPECT_EQ(alone.r, bulk.r);
    EXPECT_EQ(alone.f, bulk.f);
    EXPECT_EQ(alone.m, bulk.m);
    EXPECT_EQ(alone.segment, bulk.segment);
    EXPECT_EQ(alone.tier, bulk.tier);
    EXPECT_EQ(alone.recency_days, bulk.recency_days);
    EXPECT_EQ(alone.frequency, bulk.frequency);
    EXPECT_EQ(alone.monetary_minor, bulk.monetary_minor);
    EXPECT_EQ(alone.first_day, bulk.first_day);
    EXPECT_EQ(alone.p_alive, bulk.p_alive);
    EXPECT_EQ(alone.expected_orders, bulk.expected_orders);
    EXPECT_EQ(alone.clv, bulk.clv);
  }
}

TEST(Scoring, ANewOrderIsScoredAgainstTheStoredCutPoints) {
  const Orders o = five();
  const ScoreRun run = score_customers(o.columns(), kToday);
  // c1 (one order of 50, five days ago) orders 500 today: recency 0 beats every R cut (5),
  // frequency 2 beats 1 and 1 (3), monetary 550 beats 10, 50 and 90 (4).
  const std::vector<std::int32_t> days = {kToday - 5, kToday};
  const std::vector<std::int64_t> amounts = {50, 500};
  const CustomerScore s = score_customer(run.model, days, amounts, kToday);
  EXPECT_EQ(s.frequency, 2);
  EXPECT_EQ(s.recency_days, 0);
  EXPECT_EQ(s.monetary_minor, 550);
  EXPECT_EQ(s.r, 5);
  EXPECT_EQ(s.f, 3);
  EXPECT_EQ(s.m, 4);
  EXPECT_EQ(to_string(s.segment), "potential");
  EXPECT_EQ(to_string(s.tier), "loyal");
  // Orders after the as-of day are not counted.
  const CustomerScore before = score_customer(run.model, days, amounts, kToday - 1);
  EXPECT_EQ(before.frequency, 1);
  const CustomerScore none = score_customer(run.model, {}, {}, kToday);
  EXPECT_EQ(none.frequency, 0);
  EXPECT_EQ(none.r, 0);
}

TEST(Scoring, PredictionsOnARealisticPopulation) {
  // 400 customers buying as Poisson processes with different rates, some of them dropping out.
  std::mt19937 rng(11);
  Orders o;
  std::exponential_distribution<double> rate_draw(1.0 / 0.03);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (std::uint32_t c = 0; c < 400; ++c) {
    const double rate = rate_draw(rng) + 0.002;  // orders per day
    const int start = static_cast<int>(u(rng) * 600) + 100;  // days ago of the first order
    const int stop = u(rng) < 0.4 ? static_cast<int>(u(rng) * start) : 0;
    const std::int64_t spend = 1000 + static_cast<std::int64_t>(u(rng) * 9000);
    o.add(c, start, spend);
    double t = start;
    std::exponential_distribution<double> gap(rate);
    while ((t -= gap(rng)) > stop) {
      o.add(c, static_cast<int>(t), spend / 2 + static_cast<std::int64_t>(u(rng) * spend));
    }
  }
  const ScoreRun run = score_customers(o.columns(), kToday);
  ASSERT_TRUE(run.model.purchases.has_value()) << run.model.purchases_error;
  ASSERT_TRUE(run.model.spend.has_value()) << run.model.spend_error;
  EXPECT_TRUE(run.model.holdout.has_value());  // 700 days of history
  std::vector<std::int32_t> days;
  std::vector<std::int64_t> amounts;
  for (const CustomerScore& s : run.scores) {
    ASSERT_TRUE(s.p_alive && s.expected_orders && s.expected_avg_value && s.clv);
    EXPECT_GE(*s.p_alive, 0.0);
    EXPECT_LE(*s.p_alive, 1.0);
    EXPECT_GE(*s.expected_orders, 0.0);
    EXPECT_GT(*s.expected_avg_value, 0.0);
    EXPECT_TRUE(std::isfinite(*s.clv));
    if (s.customer % 37 == 0) {
      o.of(s.customer, days, amounts);
      const CustomerScore alone = score_customer(run.model, days, amounts, kToday);
      EXPECT_DOUBLE_EQ(*alone.p_alive, *s.p_alive);
      EXPECT_DOUBLE_EQ(*alone.clv, *s.clv);
    }
  }
}

TEST(Scoring, NoOrders) {
  const Orders o;
  const ScoreRun run = score_customers(o.columns(), kToday);
  EXPECT_TRUE(run.scores.empty());
  EXPECT_FALSE(run.model.has_cuts);
  EXPECT_FALSE(run.model.purchases.has_value());
  EXPECT_FALSE(run.model.purchases_error.empty());
}

}  // namespace
}  // namespace ecrm::analytics

namespace ecrm::analytics {
namespace {

TEST(QuintileCuts, ScoreEveryValueAsQuintileScoresDoes) {
  std::mt19937 rng(5);
  for (std::size_t n : {1u, 2u, 7u, 10u, 101u, 1000u}) {
    for (bool higher : {true, false}) {
      std::vector<std::int64_t> values(n);
      std::uniform_int_distribution<int> draw(0, static_cast<int>(n / 3 + 2));  // many ties
      for (auto& v : values) v = draw(rng);
      const auto scores = quintile_scores(values, higher);
      const QuintileCuts cuts = quintile_cuts(values, higher);
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(cuts.score(values[i]), scores[i]) << n;
    }
  }
}

}  // namespace
}  // namespace ecrm::analytics
